package postgres_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/postgres"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
	"github.com/gognito/gognito/internal/store/storetest"
)

func open(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	pgtest.DSN(t) // fails at once without the server
	// With amcheck installed, CheckIntegrity also verifies every index
	// against its table; the suite runs that part too.
	admin, err := pgxpool.New(context.Background(), os.Getenv(pgtest.Env))
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(context.Background(), `CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public`)
	admin.Close()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		dsn := pgtest.DSN(t) // its cleanup runs after the store's close
		s := open(t, dsn)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestConcurrentOpen starts several nodes on one empty schema at once: the
// advisory lock makes them agree on the migrations.
func TestConcurrentOpen(t *testing.T) {
	dsn := pgtest.DSN(t)
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
	dsn := pgtest.DSN(t)
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

// TestExpiryMigrationBackfills: records written before values could expire
// get an expiry from what they are when the migration adds the column.
func TestExpiryMigrationBackfills(t *testing.T) {
	dsn := pgtest.DSN(t)
	storetest.ExpiryBackfill(t, func() store.Store { return open(t, dsn) }, func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for _, q := range []string{`DROP INDEX kv_by_expiry`, `ALTER TABLE kv DROP COLUMN expires_at`, `DELETE FROM schema_migrations WHERE version = 4`} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	})
}

// TestListenResyncsOnceListening: Listen reports "" once its LISTEN is in
// place, the first time too (what changed before then was not announced to
// it), and then delivers what is announced.
func TestListenResyncsOnceListening(t *testing.T) {
	s := open(t, pgtest.DSN(t))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got := make(chan string, 8)
	go s.Listen(ctx, func(msg string) { got <- msg })
	select {
	case msg := <-got:
		if msg != "" {
			t.Fatalf("first call %q, want the resync \"\"", msg)
		}
	case <-ctx.Done():
		t.Fatal("Listen never reported that it listens")
	}
	if err := s.Notify(ctx, "node-a domain auth.example.test"); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		if msg != "node-a domain auth.example.test" {
			t.Fatalf("delivered %q", msg)
		}
	case <-ctx.Done():
		t.Fatal("the announcement was not delivered")
	}
}
