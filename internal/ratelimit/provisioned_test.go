package ratelimit

import (
	"testing"
	"time"
)

func TestSetProvisionedReplacesTheRateInItsRegion(t *testing.T) {
	l := New(Rates{UserList: 3})
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	count := func(region, op string, n int) int {
		ok := 0
		for i := 0; i < n; i++ {
			if l.Allow(region, op, t0) {
				ok++
			}
		}
		return ok
	}
	if got := count("us-east-1", "ListUsers", 10); got != 3 {
		t.Fatalf("configured 3/s let %d through", got)
	}
	l.SetProvisioned("us-east-1", UserList, 5)
	if got := count("us-east-1", "ListUsers", 10); got != 5 {
		t.Fatalf("provisioned 5/s let %d through (the bucket starts again, full)", got)
	}
	if got := count("eu-west-1", "ListUsers", 10); got != 3 {
		t.Fatalf("another Region kept %d, want the configured 3", got)
	}
	// A category the configuration leaves unlimited is limited once provisioned.
	l.SetProvisioned("us-east-1", UserRead, 2)
	if got := count("us-east-1", "GetUser", 10); got != 2 {
		t.Fatalf("provisioned UserRead 2/s let %d through", got)
	}
	l.SetProvisioned("us-east-1", UserList, 0)
	if got := count("us-east-1", "ListUsers", 10); got != 3 {
		t.Fatalf("back to the configured rate: %d, want 3", got)
	}
	var off *Limiter
	off.SetProvisioned("us-east-1", UserList, 5) // limits off: nothing to do
	if !off.Allow("us-east-1", "ListUsers", t0) || off.Configured(UserList) != 0 {
		t.Fatal("a nil limiter limits")
	}
}
