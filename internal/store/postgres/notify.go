package postgres

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// changeChannel is the LISTEN/NOTIFY channel the nodes of one database
// announce changes on.
const changeChannel = "gognito_changes"

// Notify announces msg to every node listening on this database (this one
// included). PostgreSQL delivers it when the statement commits.
func (s *Store) Notify(ctx context.Context, msg string) error {
	_, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, changeChannel, msg)
	return err
}

// Listen calls fn with every message announced on this database until ctx
// ends. It holds one connection of its own; when that connection breaks it
// reconnects. Each time it starts listening, the first time included, it
// calls fn(""): messages sent while it was not listening are lost (before the
// first LISTEN too: a change committed between the caller loading its cache
// and that LISTEN), so the caller must re-read what it caches.
func (s *Store) Listen(ctx context.Context, fn func(msg string)) {
	backoff := 100 * time.Millisecond
	for first := true; ctx.Err() == nil; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
		if s.listenOnce(ctx, fn, func() { backoff = 100 * time.Millisecond }) {
			return
		}
	}
}

// listenOnce listens on one connection until it fails (false) or ctx ends
// (true).
func (s *Store) listenOnce(ctx context.Context, fn func(string), connected func()) bool {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return ctx.Err() != nil
	}
	// A connection left listening must not go back to the pool: it is taken
	// out of it, and closed.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+changeChannel); err != nil {
		return ctx.Err() != nil
	}
	connected()
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return ctx.Err() != nil
		}
		fn(n.Payload)
	}
}

var _ store.Notifier = (*Store)(nil)
