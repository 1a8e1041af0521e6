package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/postgres"
	"github.com/gognito/gognito/internal/store/storetest"
)

const envDSN = "GOGNITO_TEST_POSTGRES"

// baseDSN is the server under test. Never skip: a backend that is not tested
// is a backend that is broken.
func baseDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Fatalf("%s is not set: run the tests through scripts/postgres-test.sh (e.g. scripts/postgres-test.sh go test ./internal/store/postgres), which starts a private PostgreSQL; make test does this", envDSN)
	}
	return dsn
}

var schemaSeq atomic.Int64

// withSearchPath returns dsn with search_path set to schema.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}

// freshSchema creates an empty schema, dropped when the test ends, and
// returns a DSN whose search_path is that schema.
func freshSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dsn := baseDSN(t)
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", envDSN, err)
	}
	schema := fmt.Sprintf("gognito_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		admin.Close()
	})
	return withSearchPath(dsn, schema)
}

func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	baseDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		dsn := freshSchema(t) // its cleanup runs after the store's close
		s := open(t, dsn)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestConcurrentOpen starts several nodes on one empty schema at once: the
// advisory lock makes them agree on the migrations.
func TestConcurrentOpen(t *testing.T) {
	dsn := freshSchema(t)
	const nodes = 4
	stores := make([]*postgres.Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(context.Background(), dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ctx := context.Background()
	p := storetest.NewPool("us-east-1_Nodes0001")
	if err := stores[0].CreateUserPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := stores[nodes-1].GetUserPool(ctx, p.ID)
	if err != nil || got.Name != p.Name {
		t.Fatalf("another node reads %+v, %v", got, err)
	}
	for _, s := range stores {
		if err := s.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReopenKeepsData reopens a migrated schema: no migration runs twice.
func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn := freshSchema(t)
	s := open(t, dsn)
	p := storetest.NewPool("us-east-1_Reopen123")
	if err := s.CreateUserPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dsn)
	defer s.Close()
	got, err := s.GetUserPool(ctx, p.ID)
	if err != nil || got.Name != p.Name || string(got.Doc) != string(p.Doc) || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("reopened pool differs: %+v vs %+v (%v)", got, p, err)
	}
}
