package serving_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/domains"
	"github.com/gognito/gognito/internal/edge"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/serving"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
)

// TestReconcileRepairsAMissedRefresh, on the real domains, certificates,
// store and edge: a domain written elsewhere (another node wrote it, its
// announcement was lost) is served by the reconciler and then ACTIVE.
func TestReconcileRepairsAMissedRefresh(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, _ := secrets.NewSealer(key)
	e := edge.New(nil)
	srv := serving.New(serving.Options{Edge: e})
	cs := certs.New(st, certs.Options{Sealer: sealer, Announcer: srv})
	doms := domains.New(st, cs, domains.Options{Announcer: srv})
	src := serving.Sources{Domains: doms, Certificates: cs}

	now := time.Now()
	if err := st.CreateUserPool(ctx, store.UserPool{ID: "us-east-1_TESTPOOL1", Name: "p", CreatedAt: now, UpdatedAt: now, Doc: []byte(`{"Pool":{}}`)}); err != nil {
		t.Fatal(err)
	}
	d := store.Domain{Key: store.PrefixDomainKey("us-east-1", "written-elsewhere"), Name: "written-elsewhere", PoolID: "us-east-1_TESTPOOL1",
		Region: "us-east-1", Status: domains.StatusCreating, CreatedAt: now, UpdatedAt: now,
		Doc: []byte(`{"ManagedLoginVersion":1,"Generation":1,"PendingSince":"2020-01-01T00:00:00Z","Version":"20200101000000"}`)}
	if err := st.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	const host = "written-elsewhere.auth.us-east-1.localhost"
	if _, ok := e.Serving(host); ok {
		t.Fatal("served before any reconcile")
	}
	if err := srv.Reconcile(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving(host); !ok {
		t.Fatal("reconcile did not make the edge serve the domain")
	}
	got, _ := st.GetDomain(ctx, d.Key)
	if got.Status != domains.StatusActive {
		t.Fatalf("status %s after reconcile", got.Status)
	}
	// Deleted elsewhere: the reconciler drops it and the record goes.
	if _, err := st.UpdateDomain(ctx, d.Key, func(cur *store.Domain) error { cur.Status = domains.StatusDeleting; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := srv.Reconcile(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving(host); ok {
		t.Fatal("a domain deleted elsewhere is still served")
	}
	if _, err := st.GetDomain(ctx, d.Key); err == nil {
		t.Fatal("the deleted domain's record is still there")
	}
}
