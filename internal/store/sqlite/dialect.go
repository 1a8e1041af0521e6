package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/store/sqlrows"
	"github.com/gognito/gognito/internal/store/sqlstore"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is SQLite's SQL: ? placeholders, no row locks (a write
// transaction holds the database: BEGIN IMMEDIATE on the single writer,
// which also makes the custom-domain quota's count and insert atomic),
// booleans as 0 and 1, no limit as -1, index hints where the planner
// chooses badly.
var dialect = &sqlstore.Dialect{
	Name:    "sqlite",
	True:    "1",
	NoLimit: int64(-1),
	Unique:  func(err error) (bool, string) { return isUnique(err), "" },
	ForeignKey: func(err error) (bool, string) {
		return isForeignKey(err), ""
	},
	IndexedBy: func(index string) string {
		if h, ok := indexHints[index]; ok {
			return h
		}
		return " INDEXED BY " + index
	},
	In: func(col string, values []string) (string, []any) {
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = v
		}
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(values)), ",") + ")", args
	},
	// substr counts characters: the prefix is compared as it is, whatever
	// it holds (LIKE would need its wildcards escaped).
	HasPrefix: func(col, prefix string) (string, []any) {
		return "substr(" + col + ", 1, ?) = ?", []any{utf8.RuneCountInString(prefix), prefix}
	},
}

// indexHints are the hints of the indexes the shared queries name, made
// once.
var indexHints = map[string]string{
	"user_index_by_user":  " INDEXED BY user_index_by_user",
	"user_unique_by_user": " INDEXED BY user_unique_by_user",
}

func isUnique(err error) bool {
	var e *sqlitedrv.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

func isForeignKey(err error) bool {
	var e *sqlitedrv.Error
	if errors.As(err, &e) {
		// ON DELETE RESTRICT reports SQLITE_CONSTRAINT_TRIGGER.
		c := e.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY || (c == sqlite3.SQLITE_CONSTRAINT_TRIGGER && strings.Contains(e.Error(), "FOREIGN KEY"))
	}
	return false
}

// sqlConn is what runs statements in database/sql: the readers (with their
// prepared statements), the writer, a transaction.
type sqlConn interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// executor runs the shared queries on c.
type executor struct{ c sqlConn }

func (e executor) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := e.c.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (e executor) QueryRow(ctx context.Context, q string, args ...any) sqlrows.Scanner {
	return e.c.QueryRowContext(ctx, q, args...)
}

func (e executor) Query(ctx context.Context, q string, args []any, each func(sqlrows.Scanner) error) error {
	rows, err := e.c.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return sqlstore.EachRow(rows, each)
}

// runTx is the transaction runner of the shared queries: inTx, through the
// group commit.
func (s *Store) runTx(ctx context.Context, fn func(sqlstore.Executor) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return fn(executor{tx}) })
}
