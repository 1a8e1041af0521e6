package tokens

import (
	"crypto/rand"
	"testing"
	"time"
)

func TestJTICarriesTheExactIssueInstant(t *testing.T) {
	s := &Service{o: Options{Rand: rand.Reader}}
	for _, at := range []time.Time{time.Unix(1767225600, 123456789), time.Unix(1767225600, 999999999), time.Unix(1767225601, 0)} {
		jti := s.stampJTI(at)
		got, ok := jtiInstant(jti)
		if !ok || !got.Equal(at) {
			t.Fatalf("jti %s gives %v %v, want %v", jti, got, ok, at)
		}
	}
	if _, ok := jtiInstant(s.uuid()); ok {
		t.Fatal("a random (version 4) jti gave an instant")
	}
}
