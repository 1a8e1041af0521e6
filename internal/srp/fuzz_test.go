package srp

import (
	"bytes"
	"testing"
)

// FuzzServerSession feeds arbitrary SRP_A, salt, verifier, session bytes
// and challenge-response strings to the server side. Nothing may panic,
// and a session that comes back must survive Marshal/Unmarshal.
func FuzzServerSession(f *testing.F) {
	f.Add(pyA, pySalt, pyVerifier, []byte{1, 1, 7, 0, 1, 5}, pyBlock, pyTimestamp, pySignature)
	f.Add("0", "", "", []byte(nil), "", "", "")
	f.Add("-1", "0x10", "+ff", []byte{1, 0}, "=", "Wed Apr 05 22:42:34 UTC 2017", "AAAA")
	f.Add(groupN.Text(16), "80", "1", []byte{1, 32}, "YQ", "Tue Feb 1 24:04:05 UTC 2000", "////")
	f.Fuzz(func(t *testing.T, srpA, salt, verifier string, session []byte, block, timestamp, sig string) {
		rnd := bytes.NewReader(bytes.Repeat([]byte{0x5a}, 64))
		s, err := NewServerSession(rnd, srpA, salt, verifier)
		if err == nil {
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
		_ = CheckPassword("pool", "user", srpA, salt, verifier)
	})
}
