package srp

import (
	"bytes"
	"testing"
)

// FuzzServerSession feeds arbitrary SRP_A, salt, verifier, session bytes
// and challenge-response strings to the server side. Nothing may panic,
// and a session that comes back must survive Marshal/Unmarshal.
//
// The seeds are short on purpose (A = 5 and v = 3 are valid group
// elements): an execution that reaches the exponentiations costs
// milliseconds, and the fuzzer minimizes every new input, so long seeds
// make minimization crawl. Full-size values are covered by the
// known-answer tests.
func FuzzServerSession(f *testing.F) {
	f.Add("5", "1", "3", []byte{1, 1, 7, 0, 1, 5}, "AAAA", "Wed Apr 5 22:42:34 UTC 2017", "JYxwgXTjWWBkx3WHMOgFcDJ846RmFTb5iuIBrQFEMKw=")
	f.Add("0", "", "", []byte(nil), "", "", "")
	f.Add("-1", "0x10", "+ff", []byte{1, 0}, "=", "Wed Apr 05 22:42:34 UTC 2017", "AAAA")
	f.Add("ffff", "80", "1", []byte{1, 32}, "YQ", "Tue Feb 1 24:04:05 UTC 2000", "////")
	f.Fuzz(func(t *testing.T, srpA, salt, verifier string, session []byte, block, timestamp, sig string) {
		rnd := bytes.NewReader(bytes.Repeat([]byte{0x5a}, 64))
		if s, err := NewServerSession(rnd, srpA, salt, verifier); err == nil {
			_ = s.BHex()
			_ = s.Verify("pool", "user", block, timestamp, sig)
			s2, err := UnmarshalServerSession(s.Marshal(), salt, verifier)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal()) = %v", err)
			}
			if s2.BHex() != s.BHex() {
				t.Fatal("resumed session has another B")
			}
		}
		if s, err := UnmarshalServerSession(session, salt, verifier); err == nil {
			_ = s.Verify("pool", "user", block, timestamp, sig)
		}
		_, _ = ParseTimestamp(timestamp)
		_ = CheckSecretHash(salt, srpA, verifier, sig)
	})
}
