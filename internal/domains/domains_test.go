package domains_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/domains"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storecount"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/wire/acm"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

type fixture struct {
	st    store.Store
	certs *certs.Service
	doms  *domains.Service
}

func newFixture(t *testing.T, o domains.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, _ := secrets.NewSealer(key)
	f := &fixture{st: st}
	f.certs = certs.New(st, certs.Options{Sealer: sealer})
	o.Pools = userpool.New(st, userpool.Options{})
	f.doms = domains.New(st, f.certs, o)
	if err := st.CreateUserPool(ctx, store.UserPool{ID: "us-east-1_TESTPOOL1", Name: "p", CreatedAt: time.Now(), UpdatedAt: time.Now(), Doc: []byte(`{"Pool":{}}`)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) importCert(t *testing.T, names ...string) string {
	ca := certtest.NewCA(t)
	c, k := ca.Leaf(t, names, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	out, err := f.certs.ImportCertificate(context.Background(), &acm.ImportCertificateRequest{Certificate: c, PrivateKey: k})
	if err != nil {
		t.Fatal(err)
	}
	return out.CertificateArn
}

func wantInvalid(t *testing.T, err error, msg string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Type() != awserr.InvalidParameter || e.Message() != msg {
		t.Fatalf("got %v, want InvalidParameterException %q", err, msg)
	}
}

// TestParentDNSCheck: behind its setting, a custom domain's parent must
// resolve to an A record, as Cognito requires.
func TestParentDNSCheck(t *testing.T) {
	var asked []string
	records := map[string][]net.IP{"example.test": {net.IPv4(192, 0, 2, 1)}}
	f := newFixture(t, domains.Options{CheckParentDNS: true, LookupA: func(_ context.Context, host string) ([]net.IP, error) {
		asked = append(asked, host)
		if ips, ok := records[host]; ok {
			return ips, nil
		}
		return nil, errors.New("no such host")
	}})
	ctx := context.Background()
	arn := f.importCert(t, "auth.other.test", "auth.example.test")
	req := func(domain string) *cip.CreateUserPoolDomainRequest {
		return &cip.CreateUserPoolDomainRequest{Domain: domain, UserPoolId: "us-east-1_TESTPOOL1", CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arn}}
	}
	_, err := f.doms.CreateUserPoolDomain(ctx, req("auth.other.test"))
	wantInvalid(t, err, "Custom domain is not a valid subdomain: Was not able to resolve a DNS A record for the parent domain or domain parent is a top-level domain.")
	if len(asked) != 1 || asked[0] != "other.test" {
		t.Fatalf("looked up %v, want the parent other.test", asked)
	}
	if _, err := f.doms.CreateUserPoolDomain(ctx, req("auth.example.test")); err != nil {
		t.Fatalf("a parent with an A record: %v", err)
	}
}

// TestDNSCheckOffByDefault: without the setting nothing is looked up.
func TestDNSCheckOffByDefault(t *testing.T) {
	f := newFixture(t, domains.Options{LookupA: func(context.Context, string) ([]net.IP, error) {
		t.Fatal("DNS looked up although the check is off")
		return nil, nil
	}})
	arn := f.importCert(t, "auth.example.test")
	if _, err := f.doms.CreateUserPoolDomain(context.Background(), &cip.CreateUserPoolDomainRequest{Domain: "auth.example.test", UserPoolId: "us-east-1_TESTPOOL1",
		CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arn}}); err != nil {
		t.Fatal(err)
	}
}

// gatedStore holds every domain insert until all racers have reached it,
// so that each racer has passed every check made before its insert: a
// quota checked apart from the insert is then passed by all of them.
type gatedStore struct {
	store.Store
	mu      sync.Mutex
	arrived int
	all     chan struct{} // closed when racers have arrived
	racers  int
}

func (g *gatedStore) wait() {
	g.mu.Lock()
	g.arrived++
	if g.arrived == g.racers {
		close(g.all)
	}
	g.mu.Unlock()
	select {
	case <-g.all:
	case <-time.After(10 * time.Second): // a racer that fails early never arrives
	}
}

func (g *gatedStore) CreateDomain(ctx context.Context, d store.Domain) error {
	g.wait()
	return g.Store.CreateDomain(ctx, d)
}

func (g *gatedStore) CreateCustomDomain(ctx context.Context, d store.Domain, quota int) error {
	g.wait()
	return g.Store.CreateCustomDomain(ctx, d, quota)
}

// TestCustomDomainQuotaRace: creations racing for the last custom domain
// of the Region's quota have one winner; the others get the quota's
// LimitExceededException, and the quota is never overrun.
func TestCustomDomainQuotaRace(t *testing.T) {
	const racers = 6
	f := newFixture(t, domains.Options{CustomDomainQuota: 2})
	ctx := context.Background()
	arn := f.importCert(t, "*.example.test")
	g := &gatedStore{Store: f.st, all: make(chan struct{}), racers: racers}
	doms := domains.New(g, f.certs, domains.Options{CustomDomainQuota: 2, Pools: userpool.New(f.st, userpool.Options{})})
	create := func(pool, name string) error {
		_, err := doms.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainRequest{Domain: name, UserPoolId: pool,
			CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arn}})
		return err
	}
	if _, err := f.doms.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainRequest{Domain: "auth0.example.test", UserPoolId: "us-east-1_TESTPOOL1",
		CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arn}}); err != nil {
		t.Fatal(err)
	}
	for i := range racers {
		id := fmt.Sprintf("us-east-1_RACEPOOL%d", i)
		if err := f.st.CreateUserPool(ctx, store.UserPool{ID: id, Name: "p", CreatedAt: time.Now(), UpdatedAt: time.Now(), Doc: []byte(`{"Pool":{}}`)}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = create(fmt.Sprintf("us-east-1_RACEPOOL%d", i), fmt.Sprintf("auth%d.example.test", i+1))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		e, ok := awserr.As(err)
		if !ok || e.Type() != awserr.LimitExceeded || e.Message() != "The account has reached its limit of 2 custom domains in us-east-1." {
			t.Fatalf("a racer failed with %v, want the quota's LimitExceededException", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d racers won the last custom domain, want 1", won)
	}
	if n, err := f.st.CountCustomDomains(ctx, "us-east-1"); err != nil || n != 2 {
		t.Fatalf("%d custom domains stored (%v), want 2", n, err)
	}
	// Prefix domains do not count against it.
	if _, err := f.doms.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainRequest{Domain: "race-prefix", UserPoolId: "us-east-1_RACEPOOL0"}); err != nil {
		t.Fatal(err)
	}
}

// countingCerts counts the certificates read.
type countingCerts struct {
	domains.Certificates
	n int
}

func (c *countingCerts) Material(ctx context.Context, arn string) (*certs.Material, error) {
	c.n++
	return c.Certificates.Material(ctx, arn)
}

func (c *countingCerts) CertificateVersion(ctx context.Context, arn string) (int64, error) {
	c.n++
	return c.Certificates.CertificateVersion(ctx, arn)
}

// recorder is an Announcer that records what it hears and settles nothing.
type recorder struct {
	mu      sync.Mutex
	changes []domains.Domain
	certs   []*certs.Material
}

func (r *recorder) DomainChanged(_ context.Context, d domains.Domain, m *certs.Material) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, d)
	r.certs = append(r.certs, m)
	return false
}

func (r *recorder) Settled(context.Context, domains.Domain, int64) bool { return false }

// TestUpdateReadsOnceInCognitosOrder: UpdateUserPoolDomain reads the domain
// once and its new certificate once, announces the certificate it checked,
// and still reports "no such domain" before any other failure.
func TestUpdateReadsOnceInCognitosOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, domains.Options{})
	counter := storecount.New(f.st)
	rec := &recorder{}
	cc := &countingCerts{Certificates: f.certs}
	doms := domains.New(counter, cc, domains.Options{Announcer: rec, Pools: userpool.New(f.st, userpool.Options{})})
	arnA := f.importCert(t, "auth.example.test")
	arnB := f.importCert(t, "auth.example.test")
	other := f.importCert(t, "other.example.test")
	if _, err := doms.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainRequest{Domain: "auth.example.test", UserPoolId: "us-east-1_TESTPOOL1",
		CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arnA}}); err != nil {
		t.Fatal(err)
	}
	update := func(domain, pool, arn string) error {
		in := &cip.UpdateUserPoolDomainRequest{Domain: domain, UserPoolId: pool}
		if arn != "" {
			in.CustomDomainConfig = &cip.CustomDomainConfigType{CertificateArn: arn}
		}
		_, err := doms.UpdateUserPoolDomain(ctx, in)
		return err
	}
	wantInvalid(t, update("nothere.example.test", "us-east-1_TESTPOOL1", other), "No such domain or user pool exists.")
	wantInvalid(t, update("auth.example.test", "us-east-1_OTHERPOOL", other), "No such domain or user pool exists.")
	wantInvalid(t, update("auth.example.test", "us-east-1_TESTPOOL1", ""), "Cannot convert custom domain to prefix domain.")
	if e, ok := awserr.As(update("auth.example.test", "us-east-1_TESTPOOL1", other)); !ok || !strings.Contains(e.Message(), "InvalidViewerCertificate") {
		t.Fatalf("a certificate that does not cover the domain: %v", e)
	}

	counter.Reset()
	cc.n = 0
	if err := update("AUTH.example.test.", "us-east-1_TESTPOOL1", arnB); err != nil {
		t.Fatal(err)
	}
	if got := counter.Counts(); got["GetDomain"]+got["UpdateDomain"] != 1 || len(got) != 1 || cc.n != 1 {
		t.Fatalf("the update read %v and %d certificates", got, cc.n)
	}
	// Settled at once (no announcer: nothing to wait for), the write that
	// makes the domain ACTIVE is the second and last domain read.
	settling := domains.New(counter, cc, domains.Options{Pools: userpool.New(f.st, userpool.Options{})})
	counter.Reset()
	cc.n = 0
	if _, err := settling.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainRequest{Domain: "auth.example.test", UserPoolId: "us-east-1_TESTPOOL1",
		CustomDomainConfig: &cip.CustomDomainConfigType{CertificateArn: arnA}}); err != nil {
		t.Fatal(err)
	}
	if got := counter.Counts(); got["UpdateDomain"] != 2 || len(got) != 1 || cc.n != 1 {
		t.Fatalf("an update settled at once read %v and %d certificates", got, cc.n)
	}
	if d, _ := f.st.GetDomain(ctx, store.CustomDomainKey("auth.example.test")); d.Status != domains.StatusActive || d.CertificateARN != arnA {
		t.Fatalf("after an update settled at once: %s %s", d.Status, d.CertificateARN)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	last, m := rec.changes[1], rec.certs[1]
	if last.Host != "auth.example.test" || last.Status != domains.StatusUpdating || last.Generation != 2 || last.CertificateARN != arnB ||
		m == nil || m.ARN != arnB || m.Certificate == nil {
		t.Fatalf("announced %+v with %+v", last, m)
	}
}
