package clock

import (
	"sync/atomic"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the machine's clock.
var System Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Func adapts a function to a Clock.
type Func func() time.Time

// Now calls f.
func (f Func) Now() time.Time { return f() }

// Settable is a Clock whose source can be replaced while it is in use (the
// composition root hands one Settable to every service; a test replaces its
// source once and every service follows). The zero value reads the system
// clock.
type Settable struct {
	src atomic.Pointer[func() time.Time]
}

// Now reads the current source.
func (s *Settable) Now() time.Time {
	if f := s.src.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

// Set replaces the source; nil goes back to the system clock.
func (s *Settable) Set(now func() time.Time) {
	if now == nil {
		s.src.Store(nil)
		return
	}
	s.src.Store(&now)
}

// Or is c, or System when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return System
	}
	return c
}
