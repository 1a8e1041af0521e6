package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "gognito.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gognito.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.NewPool("us-east-1_Reopen123")
	if err := s.CreateUserPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetUserPool(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != p.Name || string(got.Doc) != string(p.Doc) || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("reopened pool differs: %+v vs %+v", got, p)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestExpiryMigrationBackfills: records written before values could expire
// get an expiry from what they are when the migration adds the column.
func TestExpiryMigrationBackfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gognito.db")
	storetest.ExpiryBackfill(t, func() store.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, func() {
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []string{`DROP INDEX kv_by_expiry`, `ALTER TABLE kv DROP COLUMN expires_at`, `DELETE FROM schema_migrations WHERE version = 5`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	})
}

// TestCommitsAreDurable: the writer runs in WAL mode with synchronous=FULL,
// so a commit is on disk (the WAL fsynced) before the write returns. A
// killed process cannot tell these settings apart from weaker ones (the
// operating system keeps what was written), so they are checked here.
func TestCommitsAreDurable(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, want := range map[string]string{"journal_mode": "wal", "synchronous": "2" /* FULL */, "foreign_keys": "1"} {
		got, err := s.WriterPragma(ctx, name)
		if err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", name, got, err, want)
		}
	}
}
