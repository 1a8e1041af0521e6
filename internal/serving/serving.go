package serving

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/domains"
)

// Site is one host name served: what the TLS edge and the pages of the
// domain need, ready.
type Site struct {
	Name           string // host name, lower case
	PoolID         string
	CertificateARN string // "" when the certificate is the local CA's
	// Version identifies what is served, so that others (this node's
	// reconciler, other nodes) can tell whether the current certificate of
	// a domain is served.
	Version             string
	Certificate         *tls.Certificate
	ManagedLoginVersion int32
	// SecurityPolicy is the TLS security policy the edge applies to the
	// name (a Cognito SecurityPolicyType value; "" the edge's base
	// settings). It changes only with the domain's generation, so Version
	// tells other nodes that it changed.
	SecurityPolicy string
}

// Edge is what serving pushes sites to (the TLS edge).
type Edge interface {
	// Put serves a site; a site without a usable certificate is refused
	// (with an error) and the last good certificate of its name kept.
	Put(site Site) error
	// Drop stops serving a name.
	Drop(name string)
	// Replace serves exactly these sites: names not listed are dropped, a
	// listed site without a usable certificate keeps its last good one.
	Replace(sites []Site)
	// Serving reports the version served for a name.
	Serving(name string) (version string, ok bool)
	// Served maps every name served to its version.
	Served() map[string]string
}

// Cluster is what serving needs of the other nodes (internal/cluster).
type Cluster interface {
	Shared() bool
	Announce(topic, key string)
	Subscribe(topic string, fn func(key string))
	Report(fn func() map[string]string)
	Peers(ctx context.Context) ([]cluster.Peer, error)
}

// Topics serving announces on: a domain by host name, a certificate by ARN.
const (
	TopicDomain      = "domain"
	TopicCertificate = "certificate"
)

// Domains is what serving reads and settles through the domain rules.
type Domains interface {
	// Load reads the domain served at a host name with its certificate; ok
	// is false when none is served there.
	Load(ctx context.Context, host string) (d domains.Domain, cert *certs.Material, ok bool, err error)
	// EachServed calls fn with every domain to serve and its certificate.
	EachServed(ctx context.Context, fn func(d domains.Domain, cert *certs.Material, err error)) error
	// Pending lists the domains whose change is not settled.
	Pending(ctx context.Context) ([]domains.Domain, error)
	// Settle ends a settled change: ACTIVE, or gone when DELETING.
	Settle(ctx context.Context, d domains.Domain) error
}

// Certificates is what serving reads of the certificates.
type Certificates interface {
	Material(ctx context.Context, arn string) (*certs.Material, error)
	CertificateVersion(ctx context.Context, arn string) (int64, error)
}

// Sources are where serving re-reads what it serves.
type Sources struct {
	Domains      Domains
	Certificates Certificates
}

// Options configure the service. Edge is required.
type Options struct {
	Edge    Edge
	Cluster Cluster // nil: this node is alone
	Clock   clock.Clock
	Logger  *slog.Logger
	// PropagationDelay is how long a change stays pending at least.
	PropagationDelay time.Duration
	// SyncInterval is how often Run re-reads everything (default 30s);
	// ReconcileInterval how often it settles pending domains (250ms).
	SyncInterval      time.Duration
	ReconcileInterval time.Duration
	// Region is this node's Region (--region): a domain with failover
	// routing is served only by the nodes of the Region it is routed to
	// (see failover.go). HealthInterval is how often Run re-reads which
	// Regions have live nodes (default 1s).
	Region         string
	HealthInterval time.Duration
}

// Service builds the sites and pushes them.
type Service struct {
	o Options

	// mu serialises every change of what is served, re-reads included, so
	// that a slow re-read cannot overwrite a newer change with what it
	// read before it.
	mu    sync.Mutex
	hosts map[string]*hosted // host name -> what is served; guarded by mu

	healthMu sync.RWMutex
	live     map[string]bool // Regions with a live node, this node's included; guarded by healthMu
}

// hosted is what is served for a host name, and why.
type hosted struct {
	d           domains.Domain
	certVersion int64
	site        Site
}

// New builds the service, which reports what the edge serves in this node's
// heartbeat.
func New(o Options) *Service {
	if o.Edge == nil {
		panic("serving: Options.Edge is required")
	}
	o.Clock = clock.Or(o.Clock)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SyncInterval <= 0 {
		o.SyncInterval = 30 * time.Second
	}
	if o.ReconcileInterval <= 0 {
		o.ReconcileInterval = 250 * time.Millisecond
	}
	if o.HealthInterval <= 0 {
		o.HealthInterval = time.Second
	}
	if o.Cluster != nil {
		o.Cluster.Report(o.Edge.Served)
	}
	return &Service{o: o, hosts: map[string]*hosted{}, live: map[string]bool{o.Region: true}}
}

// version names what is served for a domain: its generation and, for a
// custom domain, the version of its certificate. Nodes compare these
// strings in their heartbeats; the format is shared with older nodes.
func version(d domains.Domain, certVersion int64) string {
	if !d.Custom {
		return fmt.Sprintf("g%d", d.Generation)
	}
	return fmt.Sprintf("g%d/c%d", d.Generation, certVersion)
}

func siteOf(d domains.Domain, cert *certs.Material) (Site, int64) {
	s := Site{Name: d.Host, PoolID: d.PoolID, ManagedLoginVersion: d.ManagedLoginVersion, SecurityPolicy: d.SecurityPolicy}
	if d.Custom {
		s.CertificateARN = d.CertificateARN
	}
	var v int64
	if cert != nil {
		v, s.Certificate = cert.Version, cert.Certificate
	}
	if !d.Custom {
		v = 0
	}
	s.Version = version(d, v)
	return s, v
}

func (s *Service) announce(topic, key string) {
	if s.o.Cluster != nil {
		s.o.Cluster.Announce(topic, key)
	}
}

// unsyncedServe pushes what a domain serves; the caller holds mu. A site
// without a usable certificate is refused by the edge, which keeps the last
// good one.
func (s *Service) unsyncedServe(d domains.Domain, cert *certs.Material) {
	if !s.servesHere(d) {
		s.unsyncedDrop(d.Host)
		return
	}
	site, v := siteOf(d, cert)
	if err := s.o.Edge.Put(site); err != nil {
		return
	}
	s.hosts[d.Host] = &hosted{d: d, certVersion: v, site: site}
}

// unsyncedAnnounced pushes what an announcement carries unless what is
// served is newer; the caller holds mu.
func (s *Service) unsyncedAnnounced(d domains.Domain, cert *certs.Material) {
	cur := s.hosts[d.Host]
	if cur != nil && cur.d.Key == d.Key {
		if d.Generation < cur.d.Generation {
			return // a later change of the domain is served already
		}
		if d.Custom && cur.d.CertificateARN == d.CertificateARN && cert != nil && cur.certVersion > cert.Version {
			// The certificate was replaced after this change read it.
			cert = &certs.Material{ARN: d.CertificateARN, Version: cur.certVersion, Certificate: cur.site.Certificate}
		}
	}
	s.unsyncedServe(d, cert)
}

func (s *Service) unsyncedDrop(host string) {
	s.o.Edge.Drop(host)
	delete(s.hosts, host)
}

// DomainChanged implements domains.Announcer: it serves the change (or stops
// serving a domain being deleted), tells the other nodes, and reports
// whether the change is settled already.
func (s *Service) DomainChanged(ctx context.Context, d domains.Domain, cert *certs.Material) bool {
	s.mu.Lock()
	if d.Status == domains.StatusDeleting {
		s.unsyncedDrop(d.Host)
	} else {
		s.unsyncedAnnounced(d, cert)
	}
	s.mu.Unlock()
	s.announce(TopicDomain, d.Host)
	var v int64
	if cert != nil {
		v = cert.Version
	}
	return s.Settled(ctx, d, v)
}

// CertificateChanged implements certs.Announcer: every site that uses the
// certificate swaps it in at once, and the other nodes are told. Without
// material (a deleted certificate, or one that could not be opened) nothing
// changes here: each site keeps its last good certificate.
func (s *Service) CertificateChanged(ctx context.Context, arn string, m *certs.Material) {
	if m != nil {
		s.mu.Lock()
		for _, h := range s.hosts {
			if h.d.Custom && h.d.CertificateARN == arn && m.Version >= h.certVersion {
				s.unsyncedServe(h.d, m)
			}
		}
		s.mu.Unlock()
	}
	s.announce(TopicCertificate, arn)
}

// Settled implements domains.Announcer: a pending change is settled once the
// propagation delay has passed and this node and every other live node
// serve what the store holds (certVersion is the version of the domain's
// certificate), or, for a domain being deleted, no longer serve it.
func (s *Service) Settled(ctx context.Context, d domains.Domain, certVersion int64) bool {
	if s.o.Clock.Now().Before(d.PendingSince.Add(s.o.PropagationDelay)) {
		return false
	}
	served, ok := s.o.Edge.Serving(d.Host)
	if d.Status == domains.StatusDeleting {
		return !ok && s.peersServe(ctx, d.Host, "")
	}
	want := version(d, certVersion)
	if d.Failover != nil {
		// Served by the nodes of the Region it is routed to, only.
		active := s.activeRegion(d)
		if active == s.o.Region && (!ok || served != want) {
			return false
		}
		return s.peersServeIn(ctx, d.Host, want, active)
	}
	return ok && served == want && s.peersServe(ctx, d.Host, want)
}

// peersServe reports whether every other live node serves host at version
// want (want "": does not serve host at all).
func (s *Service) peersServe(ctx context.Context, host, want string) bool {
	return s.peersServeIn(ctx, host, want, "")
}

// peersServeIn is peersServe for the live nodes of one Region ("": all).
func (s *Service) peersServeIn(ctx context.Context, host, want, region string) bool {
	if s.o.Cluster == nil || !s.o.Cluster.Shared() {
		return true
	}
	peers, err := s.o.Cluster.Peers(ctx)
	if err != nil {
		s.o.Logger.Warn("serving: reading what other nodes serve", "error", err)
		return false
	}
	for _, p := range peers {
		if region != "" && p.Region != region {
			continue
		}
		got, ok := p.Report[host]
		if (want == "" && ok) || (want != "" && got != want) {
			return false
		}
	}
	return true
}

// Sync re-reads every site: new and changed sites are served, sites no
// longer listed dropped, a site that cannot be loaded keeps its last good
// certificate. If the domains cannot be listed, nothing changes.
func (s *Service) Sync(ctx context.Context, src Sources) error {
	s.checkHealth(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var sites []Site
	next := map[string]*hosted{}
	err := src.Domains.EachServed(ctx, func(d domains.Domain, cert *certs.Material, err error) {
		if !s.servesHere(d) {
			return // routed to another Region's nodes
		}
		if err != nil {
			s.o.Logger.Warn("serving: cannot load a site", "domain", d.Host, "error", err)
			cert = nil
		}
		site, v := siteOf(d, cert)
		sites = append(sites, site)
		if cert != nil {
			next[d.Host] = &hosted{d: d, certVersion: v, site: site}
		} else if cur := s.hosts[d.Host]; cur != nil {
			next[d.Host] = cur
		}
	})
	if err != nil {
		return fmt.Errorf("serving: sync: %w", err)
	}
	s.o.Edge.Replace(sites)
	for host, h := range next {
		if v, ok := s.o.Edge.Serving(host); !ok || v != h.site.Version {
			delete(next, host) // refused by the edge: what it kept is unknown here
		}
	}
	s.hosts = next
	return nil
}

// reloadHost re-reads what one host name serves.
func (s *Service) reloadHost(ctx context.Context, src Sources, host string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, cert, ok, err := src.Domains.Load(ctx, host)
	switch {
	case !ok && err == nil:
		s.unsyncedDrop(host)
		return nil
	case !ok:
		return fmt.Errorf("serving: load %s: %w", host, err)
	case err != nil:
		cert = nil // the edge refuses it and keeps the last good certificate
	}
	s.unsyncedServe(d, cert)
	if err != nil {
		return fmt.Errorf("serving: load %s: %w", host, err)
	}
	return nil
}

// reloadCertificate re-reads a certificate for every site that uses it.
func (s *Service) reloadCertificate(ctx context.Context, src Sources, arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var users []*hosted
	for _, h := range s.hosts {
		if h.d.Custom && h.d.CertificateARN == arn {
			users = append(users, h)
		}
	}
	if len(users) == 0 {
		return nil
	}
	m, err := src.Certificates.Material(ctx, arn)
	for _, h := range users {
		s.unsyncedServe(h.d, m) // nil: refused, the last good certificate kept
	}
	if err != nil {
		return fmt.Errorf("serving: load %s: %w", arn, err)
	}
	return nil
}

// Reconcile settles every pending domain whose change is served, and nudges
// this node's edge when it does not serve what the store holds (another
// node wrote it, an announcement was lost).
func (s *Service) Reconcile(ctx context.Context, src Sources) error {
	pending, err := src.Domains.Pending(ctx)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, d := range pending {
		var v int64
		if d.Custom && d.Status != domains.StatusDeleting {
			if v, err = src.Certificates.CertificateVersion(ctx, d.CertificateARN); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		served, ok := s.o.Edge.Serving(d.Host)
		wanted := d.Status != domains.StatusDeleting && s.servesHere(d)
		if (!wanted && ok) || (wanted && (!ok || served != version(d, v))) {
			if err := s.reloadHost(ctx, src, d.Host); err != nil {
				errs = append(errs, err)
			}
		}
		if s.Settled(ctx, d, v) {
			errs = append(errs, src.Domains.Settle(ctx, d))
		}
	}
	return errors.Join(errs...)
}

// Follow applies what other nodes announce, until ctx ends: a domain or a
// certificate is re-read, and everything when announcements were missed.
// Call it once, before the cluster runs.
func (s *Service) Follow(ctx context.Context, src Sources) {
	if s.o.Cluster == nil {
		return
	}
	warn := func(what string, err error) {
		if err != nil && ctx.Err() == nil {
			s.o.Logger.Warn("serving: applying another node's change", "what", what, "error", err)
		}
	}
	s.o.Cluster.Subscribe(TopicDomain, func(host string) {
		if host == "" {
			warn("everything", s.Sync(ctx, src))
			return
		}
		warn(host, s.reloadHost(ctx, src, host))
	})
	s.o.Cluster.Subscribe(TopicCertificate, func(arn string) {
		if arn != "" { // "" reaches the domain topic too, which re-reads everything
			warn(arn, s.reloadCertificate(ctx, src, arn))
		}
	})
}

// Run settles pending domains and re-reads everything periodically (the
// safety net behind the announcements) until ctx ends.
func (s *Service) Run(ctx context.Context, src Sources) {
	syncT := time.NewTicker(s.o.SyncInterval)
	defer syncT.Stop()
	reconcileT := time.NewTicker(s.o.ReconcileInterval)
	defer reconcileT.Stop()
	healthT := time.NewTicker(s.o.HealthInterval)
	defer healthT.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-healthT.C:
			if s.checkHealth(ctx) {
				if err := s.Sync(ctx, src); err != nil && ctx.Err() == nil {
					s.o.Logger.Warn("serving: sync after a Region's health changed", "error", err)
				}
			}
		case <-syncT.C:
			if err := s.Sync(ctx, src); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("serving: periodic sync failed", "error", err)
			}
		case <-reconcileT.C:
			if err := s.Reconcile(ctx, src); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("serving: reconcile failed", "error", err)
			}
		}
	}
}
