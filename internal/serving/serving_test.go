package serving

import (
	"context"
	"crypto/tls"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/domains"
)

// memEdge is an in-memory Edge with the edge's rule: a site without a
// certificate is refused and the last good one kept.
type memEdge struct {
	mu    sync.Mutex
	sites map[string]Site
	puts  int
}

func newMemEdge() *memEdge { return &memEdge{sites: map[string]Site{}} }

func (e *memEdge) Put(s Site) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.puts++
	if s.Certificate == nil {
		return errors.New("no certificate")
	}
	e.sites[s.Name] = s
	return nil
}

func (e *memEdge) Drop(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.sites, name)
}

func (e *memEdge) Replace(sites []Site) {
	e.mu.Lock()
	defer e.mu.Unlock()
	want := map[string]bool{}
	for _, s := range sites {
		want[s.Name] = true
		if s.Certificate != nil {
			e.sites[s.Name] = s
		}
	}
	for n := range e.sites {
		if !want[n] {
			delete(e.sites, n)
		}
	}
}

func (e *memEdge) Serving(name string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.sites[name]
	return s.Version, ok
}

func (e *memEdge) Served() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	for n, s := range e.sites {
		out[n] = s.Version
	}
	return out
}

func (e *memEdge) site(name string) (Site, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.sites[name]
	return s, ok
}

// fakeCluster records announcements and answers Peers with what a test sets.
type fakeCluster struct {
	mu        sync.Mutex
	announced []string
	subs      map[string]func(string)
	peers     []cluster.Peer
}

func (c *fakeCluster) Shared() bool { return true }
func (c *fakeCluster) Announce(topic, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.announced = append(c.announced, topic+" "+key)
}
func (c *fakeCluster) Subscribe(topic string, fn func(string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs == nil {
		c.subs = map[string]func(string){}
	}
	c.subs[topic] = fn
}
func (c *fakeCluster) Report(func() map[string]string) {}
func (c *fakeCluster) Peers(context.Context) ([]cluster.Peer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peers, nil
}
func (c *fakeCluster) deliver(topic, key string) {
	c.mu.Lock()
	fn := c.subs[topic]
	c.mu.Unlock()
	fn(key)
}

// fakeSources are the domains and certificates of a test, with counts of
// what serving read.
type fakeSources struct {
	mu        sync.Mutex
	domains   map[string]domains.Domain // by host
	certs     map[string]*certs.Material
	failCert  map[string]bool
	loads     int
	materials int
	settled   []string
}

func (f *fakeSources) src() Sources { return Sources{Domains: f, Certificates: f} }

func (f *fakeSources) material(arn string) (*certs.Material, error) {
	if f.failCert[arn] {
		return nil, errors.New("cannot open the key")
	}
	m, ok := f.certs[arn]
	if !ok {
		return nil, errors.New("no such certificate")
	}
	return m, nil
}

func (f *fakeSources) certOf(d domains.Domain) (*certs.Material, error) {
	if !d.Custom {
		return wildcard, nil
	}
	return f.material(d.CertificateARN)
}

func (f *fakeSources) Load(_ context.Context, host string) (domains.Domain, *certs.Material, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	d, ok := f.domains[host]
	if !ok || d.Status == domains.StatusDeleting {
		return domains.Domain{}, nil, false, nil
	}
	m, err := f.certOf(d)
	return d, m, true, err
}

func (f *fakeSources) EachServed(_ context.Context, fn func(domains.Domain, *certs.Material, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.domains {
		if d.Status != domains.StatusDeleting {
			m, err := f.certOf(d)
			fn(d, m, err)
		}
	}
	return nil
}

func (f *fakeSources) Pending(context.Context) ([]domains.Domain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []domains.Domain
	for _, d := range f.domains {
		if d.Status != domains.StatusActive {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeSources) Settle(_ context.Context, d domains.Domain) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settled = append(f.settled, d.Host)
	if d.Status == domains.StatusDeleting {
		delete(f.domains, d.Host)
	} else if cur, ok := f.domains[d.Host]; ok && cur.Generation == d.Generation {
		cur.Status = domains.StatusActive
		f.domains[d.Host] = cur
	}
	return nil
}

func (f *fakeSources) Material(_ context.Context, arn string) (*certs.Material, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.materials++
	return f.material(arn)
}

func (f *fakeSources) CertificateVersion(_ context.Context, arn string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.material(arn)
	if err != nil {
		return 0, err
	}
	return m.Version, nil
}

func (f *fakeSources) set(d domains.Domain) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.domains[d.Host] = d
}

func (f *fakeSources) setCert(m *certs.Material) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.certs[m.ARN] = m
}

func newSources() *fakeSources {
	return &fakeSources{domains: map[string]domains.Domain{}, certs: map[string]*certs.Material{}, failCert: map[string]bool{}}
}

var wildcard = &certs.Material{Certificate: tlsCert()}

func tlsCert() *tls.Certificate {
	return &tls.Certificate{Certificate: [][]byte{{1}}, PrivateKey: struct{}{}}
}

const arnA = "arn:aws:acm:us-east-1:000000000000:certificate/a"

func material(arn string, version int64) *certs.Material {
	return &certs.Material{ARN: arn, Version: version, Certificate: tlsCert()}
}

func custom(host string, gen int64, status string) domains.Domain {
	return domains.Domain{Key: "custom/" + host, Host: host, PoolID: "us-east-1_P", Region: "us-east-1", Custom: true,
		CertificateARN: arnA, Status: status, Generation: gen, ManagedLoginVersion: 1}
}

// TestAnnouncedChangeIsServedAndSettled: a change is served from what its
// announcement carries, with no read, announced to the other nodes, and
// settled once the propagation delay has passed on the one clock.
func TestAnnouncedChangeIsServedAndSettled(t *testing.T) {
	ctx := context.Background()
	e, c, src := newMemEdge(), &fakeCluster{}, newSources()
	clk := &clock.Settable{}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clk.Set(func() time.Time { return start })
	s := New(Options{Edge: e, Cluster: c, Clock: clk, PropagationDelay: time.Minute})
	s.Follow(ctx, src.src())

	d := custom("auth.example.test", 1, domains.StatusCreating)
	d.PendingSince, d.ManagedLoginVersion = start, 2
	m := material(arnA, 3)
	if s.DomainChanged(ctx, d, m) {
		t.Fatal("settled before the propagation delay")
	}
	site, ok := e.site("auth.example.test")
	if !ok || site.Version != "g1/c3" || site.Certificate != m.Certificate || site.PoolID != "us-east-1_P" || site.CertificateARN != arnA || site.ManagedLoginVersion != 2 {
		t.Fatalf("served %+v %v", site, ok)
	}
	if src.loads+src.materials != 0 {
		t.Fatalf("serving read %d domains and %d certificates back", src.loads, src.materials)
	}
	if len(c.announced) != 1 || c.announced[0] != "domain auth.example.test" {
		t.Fatalf("announced %v", c.announced)
	}
	clk.Set(func() time.Time { return start.Add(time.Minute) })
	if !s.Settled(ctx, d, 3) {
		t.Fatal("not settled after the delay")
	}
	if s.Settled(ctx, d, 4) {
		t.Fatal("settled although the certificate has a newer version than the one served")
	}
}

// TestOlderAnnouncementsDoNotWin: announcements that arrive out of order
// never bring back an older generation of a domain or an older version of a
// certificate.
func TestOlderAnnouncementsDoNotWin(t *testing.T) {
	ctx := context.Background()
	e := newMemEdge()
	s := New(Options{Edge: e})
	host := "auth.example.test"
	s.DomainChanged(ctx, custom(host, 2, domains.StatusUpdating), material(arnA, 1))
	s.DomainChanged(ctx, custom(host, 1, domains.StatusCreating), material(arnA, 1))
	if v, _ := e.Serving(host); v != "g2/c1" {
		t.Fatalf("an older generation replaced a newer one: %s", v)
	}
	// The certificate is re-imported (version 2) while an update that read
	// version 1 is in flight; the update announces last.
	c2 := material(arnA, 2)
	s.CertificateChanged(ctx, arnA, c2)
	if site, _ := e.site(host); site.Version != "g2/c2" || site.Certificate != c2.Certificate {
		t.Fatalf("re-import not served: %+v", site)
	}
	s.DomainChanged(ctx, custom(host, 3, domains.StatusUpdating), material(arnA, 1))
	if site, _ := e.site(host); site.Version != "g3/c2" || site.Certificate != c2.Certificate {
		t.Fatalf("the update brought back the older certificate: %+v", site)
	}
	// An older certificate announcement changes nothing either.
	s.CertificateChanged(ctx, arnA, material(arnA, 1))
	if v, _ := e.Serving(host); v != "g3/c2" {
		t.Fatalf("after an older certificate: %s", v)
	}
}

// TestFailedLoadKeepsTheLastGoodCertificate: a change whose certificate
// cannot be loaded, a re-read that fails and a sync with one unloadable
// site all leave what was served.
func TestFailedLoadKeepsTheLastGoodCertificate(t *testing.T) {
	ctx := context.Background()
	e, src := newMemEdge(), newSources()
	s := New(Options{Edge: e})
	host := "auth.example.test"
	good := material(arnA, 1)
	src.setCert(good)
	src.set(custom(host, 1, domains.StatusActive))
	if err := s.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Serving(host); v != "g1/c1" {
		t.Fatalf("after sync: %q", v)
	}
	if s.DomainChanged(ctx, custom(host, 2, domains.StatusUpdating), nil) {
		t.Fatal("a change whose certificate did not load is settled")
	}
	src.failCert[arnA] = true
	src.set(custom(host, 2, domains.StatusUpdating))
	if err := s.reloadHost(ctx, src.src(), host); err == nil {
		t.Fatal("a failed re-read reported no error")
	}
	if err := s.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if site, ok := e.site(host); !ok || site.Version != "g1/c1" || site.Certificate != good.Certificate {
		t.Fatalf("the last good certificate was not kept: %+v %v", site, ok)
	}
}

// TestReconcileRepairsAMissedChange: a domain written elsewhere whose
// announcement was lost is served by the reconciler and then settled.
func TestReconcileRepairsAMissedChange(t *testing.T) {
	ctx := context.Background()
	e, src := newMemEdge(), newSources()
	s := New(Options{Edge: e})
	d := domains.Domain{Key: "prefix/us-east-1/elsewhere", Host: "elsewhere.auth.us-east-1.localhost", PoolID: "us-east-1_P", Region: "us-east-1",
		Status: domains.StatusCreating, Generation: 1}
	src.set(d)
	if err := s.Reconcile(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Serving(d.Host); !ok || v != "g1" {
		t.Fatalf("reconcile did not serve the domain: %q %v", v, ok)
	}
	if len(src.settled) != 1 || src.domains[d.Host].Status != domains.StatusActive {
		t.Fatalf("settled %v, status %s", src.settled, src.domains[d.Host].Status)
	}
	// Deleted elsewhere: dropped, then settled (gone).
	d.Status = domains.StatusDeleting
	src.set(d)
	if err := s.Reconcile(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving(d.Host); ok {
		t.Fatal("a deleted domain is still served")
	}
	if _, ok := src.domains[d.Host]; ok {
		t.Fatal("the deleted domain was not settled")
	}
}

// TestOtherNodesHoldChangesBack: a change settles only once every other live
// node serves it, a deletion once none serves the name.
func TestOtherNodesHoldChangesBack(t *testing.T) {
	ctx := context.Background()
	e, c := newMemEdge(), &fakeCluster{}
	s := New(Options{Edge: e, Cluster: c})
	host := "auth.example.test"
	c.peers = []cluster.Peer{{Node: "b", Report: map[string]string{host: "g1/c1"}}}
	if s.DomainChanged(ctx, custom(host, 2, domains.StatusUpdating), material(arnA, 1)) {
		t.Fatal("settled while another node serves the older generation")
	}
	c.peers[0].Report = map[string]string{host: "g2/c1"}
	if !s.Settled(ctx, custom(host, 2, domains.StatusUpdating), 1) {
		t.Fatal("not settled once every node serves it")
	}
	if s.DomainChanged(ctx, custom(host, 2, domains.StatusDeleting), nil) {
		t.Fatal("a deletion settled while another node still serves the name")
	}
	if _, ok := e.Serving(host); ok {
		t.Fatal("a domain being deleted is still served here")
	}
	c.peers[0].Report = map[string]string{}
	if !s.Settled(ctx, custom(host, 2, domains.StatusDeleting), 0) {
		t.Fatal("a deletion not settled once no node serves the name")
	}
}

// TestFollowsOtherNodes: a domain another node announces is re-read, a
// certificate is read once for every site that uses it, and "" re-reads
// everything.
func TestFollowsOtherNodes(t *testing.T) {
	ctx := context.Background()
	e, c, src := newMemEdge(), &fakeCluster{}, newSources()
	s := New(Options{Edge: e, Cluster: c})
	s.Follow(ctx, src.src())
	src.setCert(material(arnA, 1))
	for _, h := range []string{"a.example.test", "b.example.test"} {
		src.set(custom(h, 1, domains.StatusActive))
		c.deliver(TopicDomain, h)
	}
	if got := e.Served(); !maps.Equal(got, map[string]string{"a.example.test": "g1/c1", "b.example.test": "g1/c1"}) {
		t.Fatalf("served %v", got)
	}
	src.setCert(material(arnA, 2))
	before := src.materials
	c.deliver(TopicCertificate, arnA)
	if got := e.Served(); !maps.Equal(got, map[string]string{"a.example.test": "g1/c2", "b.example.test": "g1/c2"}) {
		t.Fatalf("after the certificate changed elsewhere: %v", got)
	}
	if n := src.materials - before; n != 1 {
		t.Fatalf("the certificate was read %d times for its two sites", n)
	}
	src.mu.Lock()
	delete(src.domains, "a.example.test")
	src.mu.Unlock()
	c.deliver(TopicDomain, "")
	if got := e.Served(); !maps.Equal(got, map[string]string{"b.example.test": "g1/c2"}) {
		t.Fatalf("after a re-read of everything: %v", got)
	}
	if len(c.announced) != 0 {
		t.Fatalf("re-reads were announced again: %v", c.announced)
	}
}
