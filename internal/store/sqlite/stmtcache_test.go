package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func TestReadersCacheStatements(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := newReaders(db)
	if _, err := r.ExecContext(ctx, `CREATE TABLE t (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := range maxCachedStmts + 10 { // past the bound queries still run, unprepared
		if _, err := r.ExecContext(ctx, fmt.Sprintf(`INSERT INTO t (n) VALUES (%d)`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.stmts) != maxCachedStmts {
		t.Fatalf("%d statements cached, want the bound %d", len(r.stmts), maxCachedStmts)
	}
	var n int
	if err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM t WHERE n >= ?`, 0).Scan(&n); err != nil || n != maxCachedStmts+10 {
		t.Fatalf("count %d %v", n, err)
	}
	// A statement that does not prepare gives its error, and is not cached.
	if _, err := r.QueryContext(ctx, `SELECT nope FROM t`); err == nil {
		t.Fatal("a bad query ran")
	}
	if err := r.Close(); err != nil || len(r.stmts) != 0 {
		t.Fatalf("close: %v, %d statements left", err, len(r.stmts))
	}
}

// The shared queries read through the cache: a GetUser prepares its
// statements once, and later calls reuse them.
func TestStoreReadsUseTheCache(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "us-east-1_P", Name: "p", Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, store.User{PoolID: "us-east-1_P", Key: "u", Username: "u", Sub: "s", Status: "CONFIRMED", Enabled: true, Doc: []byte(`{}`),
		Index: map[string]string{"email": "u@example.com"}, Unique: map[string]string{"sub": "s"}}); err != nil {
		t.Fatal(err)
	}
	before := len(s.r.stmts)
	for range 3 {
		u, err := s.GetUser(ctx, "us-east-1_P", "u")
		if err != nil || u.Index["email"] != "u@example.com" || u.Unique["sub"] != "s" || !u.Enabled {
			t.Fatalf("GetUser: %+v %v", u, err)
		}
	}
	if added := len(s.r.stmts) - before; added != 2 { // the user row, its index rows
		t.Fatalf("GetUser cached %d statements, want 2", added)
	}
}
