package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gognito/gognito/internal/store/sqlrows"
)

// Executor runs statements: a backend's reading connections, its writer, or
// a transaction. Queries are written with ? placeholders; an Executor of a
// Dialect with numbered placeholders receives them rewritten ($1, $2, ...).
type Executor interface {
	// Exec runs a statement and reports how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query for one row. Its Scan reports an error matching
	// sql.ErrNoRows when there is none (pgx's ErrNoRows matches it too).
	QueryRow(ctx context.Context, query string, args ...any) sqlrows.Scanner
	// Query runs a query and calls each for every row, until each fails.
	Query(ctx context.Context, query string, args []any, each func(sqlrows.Scanner) error) error
}

// TxRunner runs fn in a transaction, committed when fn returns nil and
// rolled back otherwise. A panic in fn reaches the caller. It retries nothing:
// fn runs once (SQLite's transactions never conflict, having one writer;
// PostgreSQL's run under READ COMMITTED and lock the rows they change).
type TxRunner func(ctx context.Context, fn func(tx Executor) error) error

// Dialect is what the shared queries need to know of a backend's SQL and
// driver.
type Dialect struct {
	// Name prefixes the errors of the backend ("sqlite", "postgres").
	Name string
	// Numbered: the driver takes $1, $2, ... instead of ?.
	Numbered bool
	// ForUpdate ends a SELECT that reads a row a transaction will change
	// (" FOR UPDATE"); "" where a write transaction excludes every other
	// writer already (SQLite's BEGIN IMMEDIATE).
	ForUpdate string
	// True is the SQL literal a boolean column equals when true. Boolean
	// arguments are Go bools and boolean columns scan into bools on every
	// driver (SQLite's stores them as 0 and 1).
	True string
	// NoLimit is the LIMIT argument of a page without a limit.
	NoLimit any
	// LockCustomDomains, when not "", is a statement (its one argument the
	// Region) taking a lock, held until the transaction ends, that makes
	// the count of a Region's custom domains and the insert of a new one
	// one atomic step across connections and nodes. "" where write
	// transactions are serial anyway.
	LockCustomDomains string
	// Unique and ForeignKey tell whether err is a unique (or primary key)
	// or a foreign-key violation, and name the constraint when the driver
	// does ("" when it does not).
	Unique     func(err error) (bool, string)
	ForeignKey func(err error) (bool, string)
	// IndexedBy is the hint after a table name that makes the planner use
	// index ("" where the planner needs none).
	IndexedBy func(index string) string
	// In is the condition that col is one of values, and its arguments.
	In func(col string, values []string) (string, []any)
	// HasPrefix is the condition that col starts with prefix, and its
	// arguments.
	HasPrefix func(col, prefix string) (string, []any)

	rebound  sync.Map // query with ? -> query with $n
	nRebound atomic.Int64
}

// maxRebound bounds the cache of rewritten queries: those built with a
// variable text past it are rewritten on every call.
const maxRebound = 1024

// rebind rewrites the ? placeholders of q (outside quoted literals) as $1,
// $2, ... when the dialect numbers them.
func (d *Dialect) rebind(q string) string {
	if !d.Numbered {
		return q
	}
	if r, ok := d.rebound.Load(q); ok {
		return r.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	r := b.String()
	if d.nRebound.Load() < maxRebound {
		if _, loaded := d.rebound.LoadOrStore(q, r); !loaded {
			d.nRebound.Add(1)
		}
	}
	return r
}

// bind is e, rewriting placeholders for d.
func (d *Dialect) bind(e Executor) Executor {
	if !d.Numbered {
		return e
	}
	return numbered{e, d}
}

// numbered rewrites the placeholders of each query before running it.
type numbered struct {
	e Executor
	d *Dialect
}

func (n numbered) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return n.e.Exec(ctx, n.d.rebind(q), args...)
}

func (n numbered) QueryRow(ctx context.Context, q string, args ...any) sqlrows.Scanner {
	return n.e.QueryRow(ctx, n.d.rebind(q), args...)
}

func (n numbered) Query(ctx context.Context, q string, args []any, each func(sqlrows.Scanner) error) error {
	return n.e.Query(ctx, n.d.rebind(q), args, each)
}

// Rows is what both drivers' result sets have in common (database/sql's
// *sql.Rows and pgx's Rows).
type Rows interface {
	sqlrows.Scanner
	Next() bool
	Err() error
}

// EachRow calls each for every row until each fails, then reports the
// first error of each or of the result set. The caller closes rows.
func EachRow(rows Rows, each func(sqlrows.Scanner) error) error {
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
