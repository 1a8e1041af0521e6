package srp

import (
	"crypto/rand"
	"testing"
	"time"
)

func BenchmarkNewVerifier(b *testing.B) {
	expG(bigOne) // build the table outside the timing
	for b.Loop() {
		if _, _, err := NewVerifier(rand.Reader, "Pool", "user", "password"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	salt, verifier, _ := NewVerifier(rand.Reader, "Pool", "user", "password")
	for b.Loop() {
		if !CheckPassword("Pool", "user", "password", salt, verifier) {
			b.Fatal("rejected")
		}
	}
}

// BenchmarkServerSession is the server's share of one USER_SRP_AUTH
// sign-in: NewServerSession at InitiateAuth, then Verify at
// RespondToAuthChallenge.
func BenchmarkServerSession(b *testing.B) {
	salt, verifier, _ := NewVerifier(rand.Reader, "Pool", "user", "password")
	c, _ := NewClient(rand.Reader, "r_Pool")
	s, _ := NewServerSession(rand.Reader, c.AHex(), salt, verifier)
	sig, ts, _ := c.Respond("user", "password", salt, s.BHex(), "AAAA", time.Now())
	b.ResetTimer()
	for b.Loop() {
		s, err := NewServerSession(rand.Reader, c.AHex(), salt, verifier)
		if err != nil {
			b.Fatal(err)
		}
		if s.Verify("Pool", "user", "AAAA", ts, sig) {
			b.Fatal("another session accepted the signature")
		}
	}
}

// BenchmarkServerSessionResume is the RespondToAuthChallenge half when the
// session comes back from Marshal: UnmarshalServerSession + Verify.
func BenchmarkServerSessionResume(b *testing.B) {
	salt, verifier, _ := NewVerifier(rand.Reader, "Pool", "user", "password")
	c, _ := NewClient(rand.Reader, "r_Pool")
	s, _ := NewServerSession(rand.Reader, c.AHex(), salt, verifier)
	sig, ts, _ := c.Respond("user", "password", salt, s.BHex(), "AAAA", time.Now())
	data := s.Marshal()
	for b.Loop() {
		s, err := UnmarshalServerSession(data, salt, verifier)
		if err != nil {
			b.Fatal(err)
		}
		if !s.Verify("Pool", "user", "AAAA", ts, sig) {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkNewClient(b *testing.B) {
	for b.Loop() {
		if _, err := NewClient(rand.Reader, "r_Pool"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientRespond(b *testing.B) {
	salt, verifier, _ := NewVerifier(rand.Reader, "Pool", "user", "password")
	c, _ := NewClient(rand.Reader, "r_Pool")
	s, _ := NewServerSession(rand.Reader, c.AHex(), salt, verifier)
	now := time.Now()
	for b.Loop() {
		if _, _, err := c.Respond("user", "password", salt, s.BHex(), "AAAA", now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSecretHash(b *testing.B) {
	for b.Loop() {
		SecretHash("client-secret-0123456789", "user", "client-id")
	}
}
