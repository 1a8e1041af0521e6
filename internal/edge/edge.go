package edge

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNotServed is what a Source answers for a name the edge must not serve.
var ErrNotServed = errors.New("edge: name not served")

// Site is one host name the edge serves.
type Site struct {
	Name           string // host name, lower case
	PoolID         string
	CertificateARN string // "" when the certificate is the local CA's
	// Version identifies what is served, so that others can tell whether the
	// edge serves the current certificate of a domain.
	Version     string
	Certificate *tls.Certificate
}

// Source supplies the sites.
type Source interface {
	// Sites lists every site to serve.
	Sites(ctx context.Context) ([]Site, error)
	// Site returns the site for a host name, or ErrNotServed.
	Site(ctx context.Context, name string) (Site, error)
}

// Edge is the SNI certificate index and the HTTPS listener that uses it.
type Edge struct {
	src Source
	log *slog.Logger

	mu    sync.RWMutex
	sites map[string]*Site           // guarded by mu
	byARN map[string]map[string]bool // certificate ARN -> names; guarded by mu

	// loadMu serialises loads (read from the source, then swap), so a slow
	// load can never overwrite a newer one with what it read earlier.
	loadMu sync.Mutex

	handshakes atomic.Int64
	refused    atomic.Int64
	loadErrors atomic.Int64
}

// New builds an empty edge; call Sync to fill it.
func New(src Source, log *slog.Logger) *Edge {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Edge{src: src, log: log, sites: map[string]*Site{}, byARN: map[string]map[string]bool{}}
}

func normalize(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// Lookup finds the site for a host name: the exact name, then a wildcard
// for its parent (one label only).
func (e *Edge) Lookup(name string) (*Site, bool) {
	name = normalize(name)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if s, ok := e.sites[name]; ok {
		return s, true
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		if s, ok := e.sites["*"+name[i:]]; ok {
			return s, true
		}
	}
	return nil, false
}

// GetCertificate is tls.Config.GetCertificate.
func (e *Edge) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	e.handshakes.Add(1)
	if hello.ServerName == "" {
		e.refused.Add(1)
		return nil, errors.New("edge: client sent no server name (SNI is required)")
	}
	s, ok := e.Lookup(hello.ServerName)
	if !ok || s.Certificate == nil {
		e.refused.Add(1)
		return nil, fmt.Errorf("edge: no certificate for %q", hello.ServerName)
	}
	return s.Certificate, nil
}

// Serving reports the version served for a name.
func (e *Edge) Serving(name string) (string, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	s, ok := e.sites[normalize(name)]
	if !ok {
		return "", false
	}
	return s.Version, true
}

// Served maps every name served to the version of its site.
func (e *Edge) Served() map[string]string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make(map[string]string, len(e.sites))
	for n, s := range e.sites {
		out[n] = s.Version
	}
	return out
}

// Len is the number of names served.
func (e *Edge) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.sites)
}

// Stats are counters for metrics.
func (e *Edge) Stats() (handshakes, refused, loadErrors int64) {
	return e.handshakes.Load(), e.refused.Load(), e.loadErrors.Load()
}

// unsyncedPut replaces the site for its name; the caller holds mu.
func (e *Edge) unsyncedPut(s *Site) {
	e.unsyncedDrop(s.Name)
	e.sites[s.Name] = s
	if s.CertificateARN != "" {
		if e.byARN[s.CertificateARN] == nil {
			e.byARN[s.CertificateARN] = map[string]bool{}
		}
		e.byARN[s.CertificateARN][s.Name] = true
	}
}

// unsyncedDrop removes a name; the caller holds mu.
func (e *Edge) unsyncedDrop(name string) {
	old, ok := e.sites[name]
	if !ok {
		return
	}
	delete(e.sites, name)
	if old.CertificateARN != "" {
		delete(e.byARN[old.CertificateARN], name)
		if len(e.byARN[old.CertificateARN]) == 0 {
			delete(e.byARN, old.CertificateARN)
		}
	}
}

func valid(s *Site) error {
	if s.Certificate == nil || len(s.Certificate.Certificate) == 0 || s.Certificate.PrivateKey == nil {
		return errors.New("site has no usable certificate")
	}
	if s.Name == "" {
		return errors.New("site has no name")
	}
	return nil
}

// Refresh reloads one name from the source: a served site is swapped in, a
// name the source no longer serves is dropped, and a failed load keeps what
// was served before.
func (e *Edge) Refresh(ctx context.Context, name string) error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	name = normalize(name)
	s, err := e.src.Site(ctx, name)
	if errors.Is(err, ErrNotServed) {
		e.mu.Lock()
		e.unsyncedDrop(name)
		e.mu.Unlock()
		return nil
	}
	if err == nil {
		s.Name = normalize(s.Name)
		err = valid(&s)
	}
	if err != nil {
		e.loadErrors.Add(1)
		e.log.Warn("edge: keeping the last good certificate", "name", name, "error", err)
		return fmt.Errorf("edge: load %s: %w", name, err)
	}
	e.mu.Lock()
	e.unsyncedPut(&s)
	e.mu.Unlock()
	return nil
}

// RefreshCertificate reloads every name that uses a certificate.
func (e *Edge) RefreshCertificate(ctx context.Context, arn string) error {
	e.mu.RLock()
	var names []string
	for n := range e.byARN[arn] {
		names = append(names, n)
	}
	e.mu.RUnlock()
	var errs []error
	for _, n := range names {
		errs = append(errs, e.Refresh(ctx, n))
	}
	return errors.Join(errs...)
}

// Sync re-reads every site: new and changed sites are swapped in, sites the
// source no longer lists are dropped. If the source cannot be read, nothing
// changes.
func (e *Edge) Sync(ctx context.Context) error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	sites, err := e.src.Sites(ctx)
	if err != nil {
		e.loadErrors.Add(1)
		return fmt.Errorf("edge: sync: %w", err)
	}
	want := make(map[string]bool, len(sites))
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range sites {
		s := sites[i]
		s.Name = normalize(s.Name)
		want[s.Name] = true
		if cur, ok := e.sites[s.Name]; ok && cur.Version == s.Version && cur.CertificateARN == s.CertificateARN {
			continue
		}
		if err := valid(&s); err != nil {
			e.loadErrors.Add(1)
			e.log.Warn("edge: keeping the last good certificate", "name", s.Name, "error", err)
			continue
		}
		e.unsyncedPut(&s)
	}
	for n := range e.sites {
		if !want[n] {
			e.unsyncedDrop(n)
		}
	}
	return nil
}

// Run re-syncs every interval until ctx ends: the safety net behind the
// explicit refreshes.
func (e *Edge) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.Sync(ctx); err != nil && ctx.Err() == nil {
				e.log.Warn("edge: periodic sync failed", "error", err)
			}
		}
	}
}
