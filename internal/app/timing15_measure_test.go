//go:build timing

package app_test

import (
	"slices"
	"testing"
	"time"
)

// TestWrongPasswordTiming takes 200 wrong passwords each of existing and
// missing users, interleaved, and prints the medians and their ratio:
//
//	make timing   (go test -tags timing -count=1 -run TestWrongPasswordTiming -v ./internal/app)
//
// It is a measurement, not a check, so it is built only with the timing tag
// (make test runs no test that cannot fail).
func TestWrongPasswordTiming(t *testing.T) {
	const tries = 200
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	for _, flow := range timedFlows {
		f := newTimingFixture(t)
		var existing, missing []time.Duration
		for i := range tries { // interleaved, so that drift hits both alike
			existing = append(existing, flow.try(f, t, f.name(t, i, true)))
			missing = append(missing, flow.try(f, t, f.name(t, i, false)))
		}
		me, mm := median(existing), median(missing)
		t.Logf("%s: wrong password, median of %d: existing user %v, missing user %v, ratio missing/existing %.2f",
			flow.name, tries, me, mm, float64(mm)/float64(me))
	}
}
