package clock

import (
	"testing"
	"time"
)

func TestStampOrdersEventsOfOneInstant(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	still := Func(func() time.Time { return at })
	a, b := Stamp(still), Stamp(still)
	if !b.After(a) {
		t.Fatalf("second stamp %v not after first %v", b, a)
	}
	if d := b.Sub(at); d < 0 || d > time.Millisecond {
		t.Fatalf("stamp %v strays from the clock %v", b, at)
	}
	// A clock set back is followed.
	back := Func(func() time.Time { return at.Add(-time.Hour) })
	if c := Stamp(back); !c.Equal(at.Add(-time.Hour)) {
		t.Fatalf("stamp %v after the clock was set back to %v", c, at.Add(-time.Hour))
	}
}
