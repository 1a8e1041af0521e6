// Package pgtest gives tests an empty schema of their own on the private
// PostgreSQL that scripts/postgres-test.sh runs (make test starts it).
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Env names the server's URL, exported by scripts/postgres-test.sh.
const Env = "GOGNITO_TEST_POSTGRES"

var seq atomic.Int64

// DSN creates an empty schema, dropped when the test ends, and returns a
// postgres:// URL whose search_path selects it. Without the server it fails
// the test; it never skips.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		t.Fatal(Env + " is not set: run the tests through scripts/postgres-test.sh (make test does)")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %q", Env, base)
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	// Lower case and unquoted, so that search_path names the same schema.
	schema := fmt.Sprintf("gognito_test_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
