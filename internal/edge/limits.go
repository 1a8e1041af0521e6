package edge

import (
	"net"
	"sync"
	"time"
)

// Limits bound what one slow or greedy client can hold on a listener.
type Limits struct {
	// ReadTimeout bounds the reading of a whole request, body included
	// (headers alone have their own, shorter deadline). 0: none.
	ReadTimeout time.Duration
	// MaxConnsPerClient bounds the open connections of one client address;
	// one more is closed as soon as it is accepted. 0: no bound.
	MaxConnsPerClient int
}

// SetLimits sets the limits of the edge's listener; call it before Serve.
func (e *Edge) SetLimits(l Limits) { e.limits = l }

// LimitConns wraps ln so that one client address (the remote IP) holds at
// most perClient open connections at a time: a connection over the bound
// is closed as soon as it is accepted, before anything is read from it. A
// slowloris-style client opening connections it never finishes cannot use
// up the server's. perClient <= 0 returns ln unchanged.
func LimitConns(ln net.Listener, perClient int) net.Listener {
	if perClient <= 0 {
		return ln
	}
	return &connLimiter{Listener: ln, max: perClient, open: map[string]int{}}
}

type connLimiter struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int // guarded by mu
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(key); err == nil {
			key = host
		}
		l.mu.Lock()
		if l.open[key] >= l.max {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() { l.release(key) }}, nil
	}
}

func (l *connLimiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// countedConn gives its place back once, on its first Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
