// Package edgetest has what tests of the TLS edge share: a handshake that
// returns the certificate served, and a bounded loop of handshakes that
// counts failures while a certificate is replaced.
package edgetest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// handshake makes a fresh TLS connection to the edge with the given SNI and
// returns the leaf certificate it was shown (verified against roots).
func Handshake(addr, sni string, roots *x509.CertPool) (*x509.Certificate, error) {
	st, err := HandshakeWith(addr, &tls.Config{ServerName: sni, RootCAs: roots})
	if err != nil {
		return nil, err
	}
	return st.PeerCertificates[0], nil
}

// HandshakeWith makes a fresh TLS connection to the edge as a client with
// cfg (its ServerName, RootCAs, versions, suites, key exchanges) and
// returns the connection's state.
func HandshakeWith(addr string, cfg *tls.Config) (*tls.ConnectionState, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	st := c.ConnectionState()
	return &st, nil
}

// HandshakeLoop runs fresh handshakes from two goroutines until stopped,
// bounded by count and time, and counts failures and what was served.
type HandshakeLoop struct {
	OK, Failed atomic.Int64
	mu         sync.Mutex
	FirstErr   error
	Seen       map[string]time.Time // serial -> first seen
	stop       chan struct{}
	wg         sync.WaitGroup
}

func StartHandshakeLoop(addr, sni string, roots *x509.CertPool, maxCount int64, maxTime time.Duration) *HandshakeLoop {
	return StartHandshakeLoopWith(addr, &tls.Config{ServerName: sni, RootCAs: roots}, maxCount, maxTime)
}

// StartHandshakeLoopWith is StartHandshakeLoop with clients configured by
// cfg (for example forced to one TLS version).
func StartHandshakeLoopWith(addr string, cfg *tls.Config, maxCount int64, maxTime time.Duration) *HandshakeLoop {
	l := &HandshakeLoop{Seen: map[string]time.Time{}, stop: make(chan struct{})}
	deadline := time.Now().Add(maxTime)
	for range 2 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for l.OK.Load()+l.Failed.Load() < maxCount && time.Now().Before(deadline) {
				select {
				case <-l.stop:
					return
				default:
				}
				st, err := HandshakeWith(addr, cfg)
				if err != nil {
					l.Failed.Add(1)
					l.mu.Lock()
					if l.FirstErr == nil {
						l.FirstErr = err
					}
					l.mu.Unlock()
					continue
				}
				l.OK.Add(1)
				leaf := st.PeerCertificates[0]
				l.mu.Lock()
				if _, ok := l.Seen[leaf.SerialNumber.String()]; !ok {
					l.Seen[leaf.SerialNumber.String()] = time.Now()
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

func (l *HandshakeLoop) Finish() { close(l.stop); l.wg.Wait() }
