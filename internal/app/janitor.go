package app

import (
	"context"
	"time"
)

// The janitor purges key-value records that have expired: marks of used
// authorization codes, revocation markers, the heartbeats of nodes long
// gone. Every node runs it; the deletes are idempotent, so several at once
// only share the work.
const (
	janitorInterval = 5 * time.Minute
	// janitorBatch bounds one delete (one short transaction), and
	// janitorBatches one run: what is left waits for the next run.
	janitorBatch   = 500
	janitorBatches = 20
	// clockSkew is how far the nodes' clocks may disagree: a record goes
	// only when it has expired by every node's clock.
	clockSkew = 5 * time.Minute
)

// PurgeExpired deletes, in bounded batches, the records that expired
// (clockSkew) before now, and reports how many went.
func (a *App) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for range janitorBatches {
		n, err := a.store.DeleteExpiredValues(ctx, now.Add(-clockSkew), janitorBatch)
		total += n
		if err != nil || n < janitorBatch {
			return total, err
		}
	}
	return total, nil
}

// janitor purges expired records at once and then every janitorInterval,
// until ctx ends.
func (a *App) janitor(ctx context.Context) {
	t := time.NewTicker(janitorInterval)
	defer t.Stop()
	for {
		if n, err := a.PurgeExpired(ctx, a.clock.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("janitor: purging expired records", "error", err)
		} else if n > 0 {
			a.log.Info("janitor: purged expired records", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
