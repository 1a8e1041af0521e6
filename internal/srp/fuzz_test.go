package srp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/big"
	"regexp"
	"testing"
	"time"
)

// wellFormedHex is the SRP_A/SRP_B/SALT/verifier syntax, stated apart from
// parseHex so the two are checked against each other.
var wellFormedHex = regexp.MustCompile(`^[0-9A-Fa-f]+$`)

// modN reads s as hex and reduces it mod N; ok is false when s is not
// well-formed.
func modN(s string) (*big.Int, bool) {
	if len(s) > 1024 || !wellFormedHex.MatchString(s) {
		return nil, false
	}
	n, _ := new(big.Int).SetString(s, 16)
	return n.Mod(n, groupN), true
}

// FuzzServerSession feeds arbitrary SRP_A, salt, verifier, session bytes
// and challenge-response strings to the server side, and the same strings
// as SRP_B to the client side. Properties:
//   - NewServerSession refuses SRP_A that is not 1 to 1024 hex digits or
//     is ≡ 0 (mod N), a malformed salt, and a verifier ≡ 0 (mod N), and
//     accepts everything else;
//   - an accepted session survives Marshal/Unmarshal with the same B, and
//     B is in [1, N);
//   - Verify accepts none of the random signatures (the client's honest
//     one is the last check, with a small secret a to keep it cheap);
//   - the client refuses SRP_B ≡ 0 (mod N) and malformed hex or Base64.
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
	f.Add(groupN.Text(16), "01", "2", []byte{1, 1, 1, 0, 1, 0}, "AAAA", "", "")
	f.Add("0"+new(big.Int).Lsh(groupN, 1).Text(16), "ab", groupN.Text(16), []byte{1, 1, 1, 0, 0}, "AA==", "", "")
	f.Add(new(big.Int).Add(groupN, bigOne).Text(16), "Ab", "00000001", []byte{2}, "AA", "", "AA")
	f.Add("3", "01", honestV.Text(16), []byte(nil), "AAAA", "", "")

	// A client with a = 7: its A is g^7, and Respond's exponent stays
	// small enough for the fuzzer.
	small := &Client{poolName: "pool", a: big.NewInt(7), bigA: expG(big.NewInt(7))}
	now := time.Date(2017, 4, 5, 22, 42, 34, 0, time.UTC)

	f.Fuzz(func(t *testing.T, srpA, salt, verifier string, session []byte, block, timestamp, sig string) {
		rnd := bytes.NewReader(bytes.Repeat([]byte{0x5a}, 64))
		aModN, aOK := modN(srpA)
		_, saltOK := modN(salt)
		vModN, vOK := modN(verifier)
		wantOK := aOK && saltOK && vOK && aModN.Sign() != 0 && vModN.Sign() != 0

		s, err := NewServerSession(rnd, srpA, salt, verifier)
		if (err == nil) != wantOK {
			t.Fatalf("NewServerSession(%q, %q, %q) = %v; well-formed and nonzero: %v", srpA, salt, verifier, err, wantOK)
		}
		if err == nil {
			if s.bigB.Sign() <= 0 || s.bigB.Cmp(groupN) >= 0 {
				t.Fatalf("B out of range: %s", s.BHex())
			}
			if s.Verify("pool", "user", block, timestamp, sig) {
				t.Fatalf("a made-up signature %q verified", sig)
			}
			s2, err := UnmarshalServerSession(s.Marshal(), salt, verifier)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal()) = %v", err)
			}
			if s2.BHex() != s.BHex() {
				t.Fatal("resumed session has another B")
			}
		}
		if s, err := UnmarshalServerSession(session, salt, verifier); err == nil {
			if s.bigA.Sign() == 0 || new(big.Int).Mod(s.bigA, groupN).Sign() == 0 {
				t.Fatal("a resumed session holds A ≡ 0 (mod N)")
			}
			_ = s.Verify("pool", "user", block, timestamp, sig)
		}
		_ = CheckSecretHash(salt, srpA, verifier, sig)

		// The client side with the same strings as SRP_B and SALT; it
		// decodes SECRET_BLOCK strictly (padded standard Base64).
		_, blockErr := base64.StdEncoding.DecodeString(block)
		clientOK := aOK && saltOK && aModN.Sign() != 0 && blockErr == nil
		sigB64, ts, err := small.Respond("user", "password", salt, srpA, block, now)
		if (err == nil) != clientOK {
			t.Fatalf("client Respond(SRP_B %q, SALT %q, SECRET_BLOCK %q) = %v; want success: %v", srpA, salt, block, err, clientOK)
		}
		if err == nil && (ts != "Wed Apr 5 22:42:34 UTC 2017" || len(sigB64) != 44) {
			t.Fatalf("client answer %q %q", sigB64, ts)
		}

		// An honest answer verifies against a session for the honest
		// verifier (the last seed).
		if saltN, _ := modN(salt); wantOK && saltN.Cmp(bigOne) == 0 && vModN.Cmp(honestV) == 0 {
			hs, err := NewServerSession(bytes.NewReader(bytes.Repeat([]byte{0x5a}, 32)), small.AHex(), salt, verifier)
			if err != nil {
				t.Fatal(err)
			}
			sig, ts, err := small.Respond("user", "password", salt, hs.BHex(), "AAAA", now)
			if err != nil || !hs.Verify("pool", "user", "AAAA", ts, sig) {
				t.Fatalf("honest exchange failed: %v", err)
			}
		}
	})
}

// honestV is the verifier of "password" for user "user" in pool "pool"
// with salt 1.
var honestV = new(big.Int).SetBytes(verifierBytes(bigOne, "pool", "user", "password"))

// FuzzParseTimestamp holds ParseTimestamp to its contract: it fails only
// with ErrTimestampFormat or ErrTimestampNotCanonical, and what it accepts
// is exactly FormatTimestamp of the instant it returns. The other way, any
// second of the years 1 to 9999 formats to a TIMESTAMP that parses back to
// that second.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"Wed Apr 5 22:42:34 UTC 2017",
		"Sun Dec 31 00:00:00 UTC 2017",
		"Wed Apr 05 22:42:34 UTC 2017",
		"Wednesday April 5 22:42:34 GMT+01:00 2017",
		"Wed Apr 5 22:42:34 +0000 2017",
		"Mon Apr 31 22:42:34 UTC 2017",
		"Tue Feb 1 24:04:05 UTC 2000",
		"Wed Apr 5 22:42:34 UTC 999999999",
		"Wed Apr  5 22:42:34 UTC 2017",
		"Wed Apr 5 22:42 UTC 2017",
		"",
	} {
		f.Add(s, int64(1491432154))
	}
	f.Add("Mon Jan 1 00:00:00 UTC 0001", int64(-62135596800))
	f.Add("Fri Dec 31 23:59:59 UTC 9999", int64(253402300799))

	const first, last = -62135596800, 253402300799 // 0001-01-01, 9999-12-31T23:59:59 UTC
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		got, err := ParseTimestamp(s)
		switch {
		case err == nil:
			if FormatTimestamp(got) != s || got.Location() != time.UTC || got.Nanosecond() != 0 {
				t.Fatalf("ParseTimestamp(%q) = %v, which formats as %q", s, got, FormatTimestamp(got))
			}
		case errors.Is(err, ErrTimestampFormat), errors.Is(err, ErrTimestampNotCanonical):
			if !got.IsZero() {
				t.Fatalf("ParseTimestamp(%q) failed (%v) but returned %v", s, err, got)
			}
		default:
			t.Fatalf("ParseTimestamp(%q): unexpected error %v", s, err)
		}

		if sec < first || sec > last {
			sec = first + (sec%(last-first+1)+(last-first+1))%(last-first+1)
		}
		want := time.Unix(sec, 0).UTC()
		text := FormatTimestamp(want)
		back, err := ParseTimestamp(text)
		if err != nil || !back.Equal(want) {
			t.Fatalf("%v formats as %q, which parses as %v, %v", want, text, back, err)
		}
	})
}
