package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

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
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gognito.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"oauth-code-used/c", "revoked-token/r", "nodes/n", "ca/root"} {
		if err := s.SetValue(ctx, k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// Back to the schema before migration 5.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP INDEX kv_by_expiry`, `ALTER TABLE kv DROP COLUMN expires_at`, `DELETE FROM schema_migrations WHERE version = 5`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	if s, err = sqlite.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	if n, err := s.DeleteExpiredValues(ctx, now.Add(59*time.Minute), 10); err != nil || n != 0 {
		t.Fatalf("within the hour: %d %v", n, err)
	}
	if n, err := s.DeleteExpiredValues(ctx, now.Add(61*time.Minute), 10); err != nil || n != 2 {
		t.Fatalf("after the hour (the code and the node): %d %v", n, err)
	}
	if n, err := s.DeleteExpiredValues(ctx, now.Add(3652*24*time.Hour), 10); err != nil || n != 1 {
		t.Fatalf("after the longest refresh token (the revocation): %d %v", n, err)
	}
	if _, err := s.GetValue(ctx, "ca/root"); err != nil {
		t.Fatalf("a record that never expires: %v", err)
	}
}
