package clock

import (
	"testing"
	"time"
)

func TestSettableFollowsItsSource(t *testing.T) {
	var s Settable
	if d := time.Since(s.Now()); d < 0 || d > time.Minute {
		t.Fatalf("zero Settable is %v away from the system clock", d)
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Set(func() time.Time { return at })
	if got := s.Now(); !got.Equal(at) {
		t.Fatalf("after Set: %v, want %v", got, at)
	}
	s.Set(nil)
	if s.Now().Equal(at) {
		t.Fatal("Set(nil) kept the old source")
	}
	if Or(nil) != System || Or(&s) != Clock(&s) {
		t.Fatal("Or")
	}
	if got := Func(func() time.Time { return at }).Now(); !got.Equal(at) {
		t.Fatal("Func")
	}
}
