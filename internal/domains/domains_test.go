package domains_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/domains"
	"github.com/gognito/gognito/internal/edge"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/wire/acm"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

type fixture struct {
	st    store.Store
	certs *certs.Service
	doms  *domains.Service
	edge  *edge.Edge
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
	f.edge = edge.New(f.doms, nil)
	f.doms.SetEdge(f.edge)
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

// TestReconcileRepairsAMissedRefresh: if the edge missed a change (another
// node wrote it, a notification was lost), Reconcile nudges the edge and the
// domain still becomes ACTIVE.
func TestReconcileRepairsAMissedRefresh(t *testing.T) {
	f := newFixture(t, domains.Options{})
	ctx := context.Background()
	now := time.Now()
	d := store.Domain{Key: store.PrefixDomainKey("us-east-1", "written-elsewhere"), Name: "written-elsewhere", PoolID: "us-east-1_TESTPOOL1",
		Region: "us-east-1", Status: domains.StatusCreating, CreatedAt: now, UpdatedAt: now,
		Doc: []byte(`{"ManagedLoginVersion":1,"Generation":1,"PendingSince":"2020-01-01T00:00:00Z","Version":"20200101000000"}`)}
	if err := f.st.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.edge.Serving("written-elsewhere.auth.us-east-1.localhost"); ok {
		t.Fatal("served before any refresh")
	}
	if err := f.doms.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.edge.Serving("written-elsewhere.auth.us-east-1.localhost"); !ok {
		t.Fatal("reconcile did not make the edge serve the domain")
	}
	if err := f.doms.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := f.st.GetDomain(ctx, d.Key)
	if got.Status != domains.StatusActive {
		t.Fatalf("status %s after reconcile", got.Status)
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
