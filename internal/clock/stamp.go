package clock

import (
	"sync/atomic"
	"time"
)

var lastStamp atomic.Int64

// Stamp is c's time, made strictly later than every Stamp this process has
// given before: events stamped with it (a token issued, a sign-out) are
// ordered as they happened even when the clock's resolution, or a clock
// that stands still (tests), would give them the same instant. A clock set
// back by a second or more is followed as it is (the stamps then start
// again from it).
func Stamp(c Clock) time.Time {
	now := c.Now()
	n := now.UnixNano()
	for {
		last := lastStamp.Load()
		next := n
		if next <= last && last-next < int64(time.Second) {
			next = last + 1
		}
		if lastStamp.CompareAndSwap(last, next) {
			return now.Add(time.Duration(next - n))
		}
	}
}
