package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/config"
)

// TestSilentNodeRecordsExpire: a node's heartbeat record expires an hour
// after its last beat, and the janitor then removes it.
func TestSilentNodeRecordsExpire(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cluster.New(a.store, a.log, a.clock).Beat(ctx) // a node that beat once and went
	start := time.Now()
	a.cluster.Beat(ctx)
	left := func() map[string][]byte {
		t.Helper()
		vs, err := a.store.ListValues(ctx, cluster.RecordPrefix)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	if n, err := a.PurgeExpired(ctx, start.Add(cluster.RecordLifetime-time.Minute)); err != nil || n != 0 || len(left()) != 2 {
		t.Fatalf("within the hour: %d purged (%v), %d records left", n, err, len(left()))
	}
	// Silent for the hour (each beat sets a new expiry), both go.
	if n, err := a.PurgeExpired(ctx, time.Now().Add(cluster.RecordLifetime+clockSkew+time.Minute)); err != nil || n != 2 || len(left()) != 0 {
		t.Fatalf("after an hour of silence: %d purged (%v), %d records left", n, err, len(left()))
	}
}
