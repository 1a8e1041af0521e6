package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
)

func (ts *testServer) acmClient(region string) *acm.Client {
	return acm.New(acm.Options{
		Region:           region,
		BaseEndpoint:     aws.String(ts.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       testHTTPClient,
	})
}

// handshake makes a fresh TLS connection to the edge with the given SNI and
// returns the leaf certificate it was shown (verified against roots).
func handshake(addr, sni string, roots *x509.CertPool) (*x509.Certificate, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{ServerName: sni, RootCAs: roots})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0], nil
}

// handshakeLoop runs fresh handshakes from two goroutines until stopped,
// bounded by count and time, and counts failures and what was served.
type handshakeLoop struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	firstErr   error
	seen       map[string]time.Time // serial -> first seen
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startHandshakeLoop(addr, sni string, roots *x509.CertPool, maxCount int64, maxTime time.Duration) *handshakeLoop {
	l := &handshakeLoop{seen: map[string]time.Time{}, stop: make(chan struct{})}
	deadline := time.Now().Add(maxTime)
	for range 2 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for l.ok.Load()+l.failed.Load() < maxCount && time.Now().Before(deadline) {
				select {
				case <-l.stop:
					return
				default:
				}
				leaf, err := handshake(addr, sni, roots)
				if err != nil {
					l.failed.Add(1)
					l.mu.Lock()
					if l.firstErr == nil {
						l.firstErr = err
					}
					l.mu.Unlock()
					continue
				}
				l.ok.Add(1)
				l.mu.Lock()
				if _, ok := l.seen[leaf.SerialNumber.String()]; !ok {
					l.seen[leaf.SerialNumber.String()] = time.Now()
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

func (l *handshakeLoop) finish() { close(l.stop); l.wg.Wait() }

// h2Client is an HTTP client whose connections all go to the edge.
func h2Client(addr string, roots *x509.CertPool) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

// waitFor polls cond every 20 ms until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, errors.Join(err))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
