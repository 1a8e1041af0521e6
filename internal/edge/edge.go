package edge

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gognito/gognito/internal/serving"
)

// Site is one host name the edge serves (built by the serving package).
type Site = serving.Site

// Edge is the SNI certificate index and the HTTPS listener that uses it.
type Edge struct {
	log    *slog.Logger
	limits Limits // set before Serve

	mu    sync.RWMutex
	sites map[string]*Site // guarded by mu

	handshakes atomic.Int64
	refused    atomic.Int64
	loadErrors atomic.Int64
}

var _ serving.Edge = (*Edge)(nil)

// New builds an empty edge; the serving package fills it.
func New(log *slog.Logger) *Edge {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Edge{log: log, sites: map[string]*Site{}}
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

func valid(s *Site) error {
	if s.Certificate == nil || len(s.Certificate.Certificate) == 0 || s.Certificate.PrivateKey == nil {
		return errors.New("site has no usable certificate")
	}
	if s.Name == "" {
		return errors.New("site has no name")
	}
	return nil
}

// Put swaps a site in for its name. A site without a usable certificate is
// refused and the last good certificate kept.
func (e *Edge) Put(site Site) error {
	site.Name = normalize(site.Name)
	if err := valid(&site); err != nil {
		e.loadErrors.Add(1)
		e.log.Warn("edge: keeping the last good certificate", "name", site.Name, "error", err)
		return fmt.Errorf("edge: %s: %w", site.Name, err)
	}
	e.mu.Lock()
	e.sites[site.Name] = &site
	e.mu.Unlock()
	return nil
}

// Drop stops serving a name.
func (e *Edge) Drop(name string) {
	e.mu.Lock()
	delete(e.sites, normalize(name))
	e.mu.Unlock()
}

// Replace serves exactly the sites given: new and changed sites are swapped
// in, names not listed dropped, and a listed site without a usable
// certificate keeps its last good one.
func (e *Edge) Replace(sites []Site) {
	want := make(map[string]bool, len(sites))
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range sites {
		s := sites[i]
		s.Name = normalize(s.Name)
		want[s.Name] = true
		if cur, ok := e.sites[s.Name]; ok && cur.Version == s.Version && cur.CertificateARN == s.CertificateARN && cur.ManagedLoginVersion == s.ManagedLoginVersion && cur.SecurityPolicy == s.SecurityPolicy {
			continue
		}
		if err := valid(&s); err != nil {
			e.loadErrors.Add(1)
			e.log.Warn("edge: keeping the last good certificate", "name", s.Name, "error", err)
			continue
		}
		e.sites[s.Name] = &s
	}
	for n := range e.sites {
		if !want[n] {
			delete(e.sites, n)
		}
	}
}
