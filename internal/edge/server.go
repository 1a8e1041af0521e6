package edge

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"
)

// TLSConfig is the edge's TLS configuration: HTTP/2 and HTTP/1.1,
// certificates by SNI, and the protocol versions, cipher suites and key
// exchanges of the security policy of the site the client names (SNI). A
// site without a policy, and a name not served, get the base settings: TLS
// 1.2 at least, Go's default suites and key exchanges.
func (e *Edge) TLSConfig() *tls.Config {
	cfg := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: e.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
	// Session tickets remember the version of the site they were issued
	// under; a ticket from before a certificate was replaced is ignored, so
	// a client resuming a session gets a full handshake with the new
	// certificate instead of carrying on with the old one.
	cfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		if v, ok := e.Serving(cs.ServerName); ok {
			ss.Extra = append(ss.Extra, []byte("gognito-site:"+v))
		}
		return cfg.EncryptTicket(cs, ss)
	}
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := cfg.DecryptTicket(identity, cs)
		if err != nil || ss == nil {
			return nil, err
		}
		v, ok := e.Serving(cs.ServerName)
		if !ok || !slices.ContainsFunc(ss.Extra, func(b []byte) bool { return string(b) == "gognito-site:"+v }) {
			return nil, nil // unknown or replaced: a full handshake
		}
		return ss, nil
	}
	// One configuration per policy, built once: a handshake looks its site
	// up (a read lock) and picks a ready configuration, so a policy switches
	// with the site, under the index's one lock, at the next handshake.
	var policies map[string]*tls.Config
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		if s, ok := e.Lookup(hello.ServerName); ok {
			if c := policies[s.SecurityPolicy]; c != nil {
				return c, nil
			}
		}
		return nil, nil // the base settings; GetCertificate refuses names not served
	}
	policies = policyConfigs(cfg)
	return cfg
}

// Serve serves HTTPS on ln with handler until ctx ends, then lets in-flight
// requests finish within grace.
func (e *Edge) Serve(ctx context.Context, ln net.Listener, handler http.Handler, grace time.Duration) error {
	srv := &http.Server{
		Handler:           handler,
		TLSConfig:         e.TLSConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       e.limits.ReadTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	ln = LimitConns(ln, e.limits.MaxConnsPerClient)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
