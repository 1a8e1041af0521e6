package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// Store implements every record method of store.Store over a backend's
// executors. A backend embeds it and adds Check, CheckIntegrity and Close.
type Store struct {
	d     *Dialect
	read  Executor // reads outside a transaction
	write Executor // one-statement writes outside a transaction
	inTx  TxRunner
}

// New builds the shared queries over a backend: read runs reads outside a
// transaction, write the writes that are one statement, inTx the others.
// Executors given to inTx's fn are bound like read and write.
func New(d *Dialect, read, write Executor, inTx TxRunner) *Store {
	s := &Store{d: d, read: d.bind(read), inTx: inTx}
	if write != nil { // nil for a read-only store
		s.write = d.bind(write)
	}
	if d.Numbered {
		s.inTx = func(ctx context.Context, fn func(Executor) error) error {
			return inTx(ctx, func(tx Executor) error { return fn(d.bind(tx)) })
		}
	}
	return s
}

// scanner is a row to scan.
type scanner = sqlrows.Scanner

// fail wraps an error of the database for the operation op.
func (s *Store) fail(op string, err error) error {
	return fmt.Errorf("%s: %s: %w", s.d.Name, op, err)
}

// getOne reads one row; what names the record in ErrNotFound.
func getOne[T any](ctx context.Context, s *Store, q Executor, scan func(scanner) (T, error), what, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return v, s.fail("get "+what, err)
	}
	return v, nil
}

// collect reads every row of a query.
func collect[T any](ctx context.Context, q Executor, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := q.Query(ctx, query, args, func(r scanner) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// list is collect on the readers, its errors wrapped for op.
func list[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	out, err := collect(ctx, s.read, scan, query, args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// count runs a COUNT(*) query.
func (s *Store) count(ctx context.Context, q Executor, query string, args ...any) (int, error) {
	var n int64
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, s.fail("count", err)
	}
	return int(n), nil
}

// exists runs a SELECT EXISTS (...) query.
func (s *Store) exists(ctx context.Context, q Executor, op, query string, args ...any) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, query, args...).Scan(&ok); err != nil {
		return false, s.fail(op, err)
	}
	return ok, nil
}

// delete runs a DELETE of one record: ErrNotFound when no row went, ErrInUse
// when inUse and a foreign key keeps the row.
func (s *Store) delete(ctx context.Context, what string, inUse bool, query string, args ...any) error {
	n, err := s.write.Exec(ctx, query, args...)
	if fk, _ := s.d.ForeignKey(err); inUse && fk {
		return fmt.Errorf("%s: %w", what, store.ErrInUse)
	}
	if err != nil {
		return s.fail("delete "+what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// create maps the error of an INSERT of one record: ErrAlreadyExists on a
// unique violation, ErrNotFound for its pool on a foreign-key violation.
func (s *Store) create(err error, what, poolID string) error {
	if err == nil {
		return nil
	}
	if ok, _ := s.d.Unique(err); ok {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	if ok, _ := s.d.ForeignKey(err); ok && poolID != "" {
		return fmt.Errorf("user pool %s: %w", poolID, store.ErrNotFound)
	}
	return s.fail("create "+what, err)
}

// limit is the LIMIT argument of a page.
func (s *Store) limit(p store.Page) any {
	if p.Limit <= 0 {
		return s.d.NoLimit
	}
	return int64(p.Limit)
}

// nz stores a nil byte slice as an empty one (the columns are NOT NULL).
func nz(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
