package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Result is one scenario's figures against one peer at one pool size.
type Result struct {
	Peer        string  `json:"peer"`
	Scenario    string  `json:"scenario"`
	PoolSize    int     `json:"pool_size"`   // users in the pool when the scenario ran
	PoolTarget  int     `json:"pool_target"` // the --pool-size asked for
	Supported   bool    `json:"supported"`
	Note        string  `json:"note,omitempty"` // why a scenario is not supported
	Concurrency int     `json:"concurrency"`
	Ops         int     `json:"ops"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	OpsPerSec   float64 `json:"ops_per_sec"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	// CPU time per operation (successful or not), in microseconds: the
	// load generator's own, and the server's when its pid was given.
	ClientCPUus float64 `json:"client_cpu_us_per_op"`
	ServerCPUus float64 `json:"server_cpu_us_per_op,omitempty"`
	// Where the server's CPU went during the scenario (--pprof-url).
	ServerProfile []Share `json:"server_profile,omitempty"`
	ProfileFile   string  `json:"profile_file,omitempty"`
}

// limits bound a measured loop: whichever of count and duration is reached
// first ends it.
type limits struct {
	concurrency int
	count       int
	duration    time.Duration
}

// measure runs op on l.concurrency workers until l.count operations were
// started or l.duration passed, and returns throughput and latency
// percentiles over every operation (failed ones included in the latency).
func measure(ctx context.Context, l limits, op func(ctx context.Context, i int) error) Result {
	deadline := time.Now().Add(l.duration)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		errCount int
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range l.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var errs int
			var first error
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= l.count {
					break
				}
				t0 := time.Now()
				err := op(ctx, i)
				if err != nil && (ctx.Err() != nil || !time.Now().Before(deadline)) {
					break // cut short by the deadline: not counted
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			errCount += errs
			if firstErr == nil {
				firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := Result{Supported: true, Concurrency: l.concurrency, Ops: len(all), Errors: errCount, Seconds: elapsed.Seconds()}
	if firstErr != nil {
		r.FirstError = firstErr.Error()
	}
	r.OpsPerSec = float64(len(all)-errCount) / elapsed.Seconds()
	slices.Sort(all)
	r.P50ms = percentile(all, 0.50)
	r.P99ms = percentile(all, 0.99)
	return r
}

func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted)-1) + 0.5)
	return float64(sorted[i]) / float64(time.Millisecond)
}

// printTable writes results as an aligned text table.
func printTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "peer\tscenario\tusers\tconc\tops\tops/s\tp50 ms\tp99 ms\terrors\tclient CPU µs/op\tserver CPU µs/op\t")
	for _, r := range results {
		if !r.Supported {
			fmt.Fprintf(tw, "%s\t%s\t%d\t\t\tnot supported\t\t\t\t\t\t\n", r.Peer, r.Scenario, r.PoolSize)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.1f\t%.2f\t%.2f\t%d\t%.0f\t%.0f\t\n", r.Peer, r.Scenario, r.PoolSize, r.Concurrency, r.Ops, r.OpsPerSec, r.P50ms, r.P99ms, r.Errors, r.ClientCPUus, r.ServerCPUus)
	}
	tw.Flush()
	for _, r := range results {
		switch {
		case !r.Supported:
			fmt.Fprintf(w, "  %s: not supported (%s)\n", r.Scenario, r.Note)
		case r.FirstError != "":
			fmt.Fprintf(w, "  %s: first error: %s\n", r.Scenario, r.FirstError)
		}
	}
}

// writeJSON writes v to path (indented), or does nothing when path is empty.
func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
