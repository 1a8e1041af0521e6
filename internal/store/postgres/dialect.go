package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gognito/gognito/internal/store/sqlrows"
	"github.com/gognito/gognito/internal/store/sqlstore"
)

// customDomainLock is the first key of the transaction advisory lock that
// serialises custom-domain creations in one Region (the second key is a
// hash of the Region): under READ COMMITTED a count and an insert are
// otherwise not atomic. An arbitrary constant ("gdq" in ASCII).
const customDomainLock int32 = 0x676471

// dialect is PostgreSQL's SQL: $n placeholders, FOR UPDATE on the rows a
// transaction changes, the Region's advisory lock around the custom-domain
// quota, true booleans, NULL for no limit, arrays for IN lists.
var dialect = &sqlstore.Dialect{
	Name:              "postgres",
	Numbered:          true,
	ForUpdate:         ` FOR UPDATE`,
	True:              `TRUE`,
	NoLimit:           nil,
	LockCustomDomains: `SELECT pg_advisory_xact_lock(` + strconv.Itoa(int(customDomainLock)) + `, hashtext(?))`,
	Unique:            func(err error) (bool, string) { c, n := pgCode(err); return c == "23505", n },
	ForeignKey:        func(err error) (bool, string) { c, n := pgCode(err); return c == "23503", n },
	IndexedBy:         func(string) string { return "" },
	In: func(col string, values []string) (string, []any) {
		return col + ` = ANY(?)`, []any{values}
	},
	HasPrefix: func(col, prefix string) (string, []any) {
		return `starts_with(` + col + `, ?)`, []any{prefix}
	},
}

// pgCode returns the SQLSTATE and constraint of a PostgreSQL error.
func pgCode(err error) (code, constraint string) {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code, e.ConstraintName
	}
	return "", ""
}

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// executor runs the shared queries on q (pgx prepares and caches each
// statement per connection).
type executor struct{ q querier }

func (e executor) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := e.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (e executor) QueryRow(ctx context.Context, sql string, args ...any) sqlrows.Scanner {
	return e.q.QueryRow(ctx, sql, args...)
}

func (e executor) Query(ctx context.Context, sql string, args []any, each func(sqlrows.Scanner) error) error {
	rows, err := e.q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return sqlstore.EachRow(rows, each)
}

// runTx is the transaction runner of the shared queries: fn's statements
// in one transaction, committed when fn returns nil.
func (s *Store) runTx(ctx context.Context, fn func(sqlstore.Executor) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer tx.Rollback(context.Background()) // after a commit, a no-op; after a panic in fn, the connection goes back clean
	if err := fn(executor{tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}
