package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// maxBatch bounds how many write transactions share one commit.
const maxBatch = 64

var errClosed = errors.New("sqlite: the store is closed")

// A txRequest is one caller's write transaction, waiting for the committer.
type txRequest struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

// committer runs the write transactions on the single writer connection.
// Durable commits (synchronous=FULL) cost an fsync each, and the writes of
// concurrent requests used to queue behind one another's fsync: the
// committer runs the transactions that arrived meanwhile as one SQLite
// transaction, each under its own savepoint, and commits once (group
// commit). A caller's transaction fails or succeeds on its own, as before
// (a failed one rolls back to its savepoint); no caller hears of success
// before the commit that holds its writes is durable, and if that commit
// fails every transaction in it fails.
type committer struct {
	requests chan *txRequest
	closing  chan struct{}
	stopped  chan struct{}
	stop     sync.Once
	shared   atomic.Int64 // transactions that shared a commit with others
}

func (s *Store) startCommitter() {
	s.commits = &committer{requests: make(chan *txRequest), closing: make(chan struct{}), stopped: make(chan struct{})}
	go s.commitLoop()
}

func (s *Store) stopCommitter() {
	if s.commits == nil {
		return
	}
	s.commits.stop.Do(func() { close(s.commits.closing) })
	<-s.commits.stopped
}

// panicked carries a panic out of a transaction to its caller.
type panicked struct{ v any }

func (p panicked) Error() string { return fmt.Sprint("panic in a write transaction: ", p.v) }

// call runs fn, turning a panic into a panicked error (re-raised by inTx
// in the caller's goroutine) so the committer keeps running.
func call(fn func(*sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{v}
		}
	}()
	return fn(tx)
}

func (s *Store) commitLoop() {
	c := s.commits
	defer close(c.stopped)
	for {
		var first *txRequest
		select {
		case first = <-c.requests:
		case <-c.closing:
			return
		}
		batch := []*txRequest{first}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-c.requests:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.runBatch(batch)
	}
}

// inTx runs fn in a write transaction (possibly sharing its commit with
// other callers' transactions).
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	r := &txRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.commits.requests <- r:
	case <-s.commits.closing:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-r.done // once taken, a transaction is always answered
	if p, ok := err.(panicked); ok {
		panic(p.v)
	}
	return err
}

// runBatch runs a batch of transactions and answers each.
func (s *Store) runBatch(batch []*txRequest) {
	if len(batch) == 1 {
		batch[0].done <- s.runOne(batch[0])
		return
	}
	s.commits.shared.Add(int64(len(batch)))
	results := make([]error, len(batch))
	fail := func(err error) {
		for i, r := range batch {
			if results[i] == nil {
				results[i] = err
			}
			r.done <- results[i]
		}
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT request`); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("sqlite: savepoint: %w", err))
			return
		}
		results[i] = call(r.fn, tx)
		if results[i] != nil {
			if _, err := tx.Exec(`ROLLBACK TO request`); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("sqlite: savepoint: %w", err))
				return
			}
		}
		if _, err := tx.Exec(`RELEASE request`); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("sqlite: savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// runOne runs a transaction alone.
func (s *Store) runOne(r *txRequest) error {
	tx, err := s.w.BeginTx(r.ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := call(r.fn, tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}
