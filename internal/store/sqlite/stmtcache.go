package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the statement cache: queries built with a variable
// number of placeholders (IN lists) past it run unprepared.
const maxCachedStmts = 256

// readers is the pool of reading connections with a cache of prepared
// statements, one per query text. The driver otherwise parses and plans a
// query's SQL on every call, which profiling showed as a sixth of the CPU
// of a GetUser.
type readers struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReaders(db *sql.DB) *readers {
	return &readers{DB: db, stmts: map[string]*sql.Stmt{}}
}

// stmt is the prepared statement of q, or nil when the cache is full or q
// does not prepare (the caller then runs it unprepared and gets the error).
func (r *readers) stmt(ctx context.Context, q string) *sql.Stmt {
	r.mu.RLock()
	st, ok := r.stmts[q]
	n := len(r.stmts)
	r.mu.RUnlock()
	if ok || n >= maxCachedStmts {
		return st
	}
	st, err := r.DB.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.stmts[q]; ok { // prepared meanwhile by another caller
		st.Close()
		return prev
	}
	if len(r.stmts) >= maxCachedStmts {
		st.Close()
		return nil
	}
	r.stmts[q] = st
	return st
}

func (r *readers) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.DB.QueryContext(ctx, q, args...)
}

func (r *readers) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.DB.QueryRowContext(ctx, q, args...)
}

func (r *readers) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := r.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return r.DB.ExecContext(ctx, q, args...)
}

// Close closes the prepared statements, then the connections.
func (r *readers) Close() error {
	r.mu.Lock()
	var errs []error
	for q, st := range r.stmts {
		errs = append(errs, st.Close())
		delete(r.stmts, q)
	}
	r.mu.Unlock()
	return errors.Join(append(errs, r.DB.Close())...)
}
