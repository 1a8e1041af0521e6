package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
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
