package srp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

const (
	rtPoolID   = "eu-central-1_Rt7Pool9"
	rtUser     = "0f8e1d2c-3b4a-5968-7a6b-5c4d3e2f1a0b"
	rtPassword = "Tr0ub4dor&3 ünïcødé"
)

var rtNow = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

type exchange struct {
	salt, verifier string
	client         *Client
	server         *ServerSession
	block          string
	sig, ts        string
}

// signIn runs one USER_SRP_AUTH exchange with the client knowing password.
func signIn(t *testing.T, password string) exchange {
	t.Helper()
	var x exchange
	var err error
	x.salt, x.verifier, err = NewVerifier(rand.Reader, PoolName(rtPoolID), rtUser, rtPassword)
	if err != nil {
		t.Fatal(err)
	}
	if x.client, err = NewClient(rand.Reader, rtPoolID); err != nil {
		t.Fatal(err)
	}
	if x.server, err = NewServerSession(rand.Reader, x.client.AHex(), x.salt, x.verifier); err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 200)
	rand.Read(raw)
	x.block = base64.StdEncoding.EncodeToString(raw)
	x.sig, x.ts, err = x.client.Respond(rtUser, password, x.salt, x.server.BHex(), x.block, rtNow)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestRoundTrip(t *testing.T) {
	x := signIn(t, rtPassword)
	pool := PoolName(rtPoolID)
	if x.ts != "Tue Feb 3 04:05:06 UTC 2026" {
		t.Errorf("timestamp = %q", x.ts)
	}
	if _, err := ParseTimestamp(x.ts); err != nil {
		t.Errorf("client timestamp does not parse: %v", err)
	}
	if !x.server.Verify(pool, rtUser, x.block, x.ts, x.sig) {
		t.Fatal("correct password rejected")
	}
	if !x.server.Verify(pool, rtUser, strings.TrimRight(x.block, "="), x.ts, strings.TrimRight(x.sig, "=")) {
		t.Error("unpadded Base64 rejected")
	}

	otherBlock := []byte(mustDecode(t, x.block))
	otherBlock[len(otherBlock)/2] ^= 1
	for name, ok := range map[string]bool{
		"altered SECRET_BLOCK": x.server.Verify(pool, rtUser, base64.StdEncoding.EncodeToString(otherBlock), x.ts, x.sig),
		"altered TIMESTAMP":    x.server.Verify(pool, rtUser, x.block, "Tue Feb 3 04:05:07 UTC 2026", x.sig),
		"padded-day TIMESTAMP": x.server.Verify(pool, rtUser, x.block, "Tue Feb 03 04:05:06 UTC 2026", x.sig),
		"other pool name":      x.server.Verify("Rt7Pool8", rtUser, x.block, x.ts, x.sig),
		"full pool id":         x.server.Verify(rtPoolID, rtUser, x.block, x.ts, x.sig),
		"other user id":        x.server.Verify(pool, rtUser+"x", x.block, x.ts, x.sig),
		"altered signature":    x.server.Verify(pool, rtUser, x.block, x.ts, flipB64(t, x.sig)),
		"truncated signature":  x.server.Verify(pool, rtUser, x.block, x.ts, x.sig[:20]),
		"empty signature":      x.server.Verify(pool, rtUser, x.block, x.ts, ""),
		"bad Base64 block":     x.server.Verify(pool, rtUser, "!!!"+x.block, x.ts, x.sig),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}

	wrong := signIn(t, rtPassword+"!")
	if wrong.server.Verify(pool, rtUser, wrong.block, wrong.ts, wrong.sig) {
		t.Error("wrong password accepted")
	}

	// A session verifies only its own exchange.
	y := signIn(t, rtPassword)
	if y.server.Verify(pool, rtUser, x.block, x.ts, x.sig) {
		t.Error("signature of another exchange accepted")
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipB64(t *testing.T, s string) string {
	b := mustDecode(t, s)
	b[0] ^= 0x80
	return base64.StdEncoding.EncodeToString(b)
}

func TestMarshalResume(t *testing.T) {
	x := signIn(t, rtPassword)
	pool := PoolName(rtPoolID)
	data := x.server.Marshal()
	if len(data) < 1+1+32+2+300 || len(data) > 1+1+32+2+385 {
		t.Errorf("Marshal is %d bytes", len(data))
	}
	s2, err := UnmarshalServerSession(data, x.salt, x.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if s2.BHex() != x.server.BHex() {
		t.Fatal("resumed session has another B")
	}
	if !s2.Verify(pool, rtUser, x.block, x.ts, x.sig) {
		t.Fatal("resumed session rejects the signature")
	}
	if !bytes.Equal(s2.Marshal(), data) {
		t.Error("Marshal of a resumed session differs")
	}

	// The password changed in between: another verifier, another B.
	salt2, verifier2, _ := NewVerifier(rand.Reader, pool, rtUser, "new password")
	s3, err := UnmarshalServerSession(data, salt2, verifier2)
	if err != nil {
		t.Fatal(err)
	}
	if s3.Verify(pool, rtUser, x.block, x.ts, x.sig) {
		t.Error("session resumed with a new verifier accepts the old exchange")
	}

	for name, bad := range map[string][]byte{
		"empty":         nil,
		"version":       append([]byte{9}, data[1:]...),
		"truncated":     data[:len(data)-1],
		"trailing":      append(append([]byte{}, data...), 0),
		"zero b length": {1, 0, 0, 1, 5},
		"long b":        append([]byte{1, 33}, make([]byte, 40)...),
		"zero b":        append(append([]byte{1, 1, 0}, 0, 1), 5),
		"zero A":        {1, 1, 7, 0, 1, 0},
		"A = N":         append([]byte{1, 1, 7, 1, 128}, groupN.Bytes()...),
	} {
		if _, err := UnmarshalServerSession(bad, x.salt, x.verifier); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := UnmarshalServerSession(data, "zz", x.verifier); err == nil {
		t.Error("bad salt accepted")
	}
	if _, err := UnmarshalServerSession(data, x.salt, "not hex"); err == nil {
		t.Error("bad verifier accepted")
	}
}

func TestNewServerSessionRefuses(t *testing.T) {
	salt, verifier, _ := NewVerifier(rand.Reader, "P", "u", "p")
	c, _ := NewClient(rand.Reader, "r_P")
	nHexLower := groupN.Text(16)
	for name, a := range map[string]string{
		"empty":       "",
		"zero":        "0",
		"zeros":       "0000",
		"N":           nHexLower,
		"2N":          new(big.Int).Lsh(groupN, 1).Text(16),
		"not hex":     "xyz",
		"0x prefix":   "0x" + c.AHex(),
		"sign":        "-" + c.AHex(),
		"plus":        "+" + c.AHex(),
		"space":       " " + c.AHex(),
		"underscores": c.AHex()[:10] + "_" + c.AHex()[10:],
		"too long":    strings.Repeat("1", maxHexLen+1),
	} {
		if _, err := NewServerSession(rand.Reader, a, salt, verifier); err == nil {
			t.Errorf("SRP_A %s: accepted", name)
		}
	}
	if _, err := NewServerSession(rand.Reader, c.AHex(), "", verifier); err == nil {
		t.Error("empty salt accepted")
	}
	if _, err := NewServerSession(rand.Reader, c.AHex(), salt, "0"); err == nil {
		t.Error("zero verifier accepted")
	}
	if _, err := NewServerSession(rand.Reader, c.AHex(), salt, nHexLower); err == nil {
		t.Error("verifier N accepted")
	}
	if _, err := NewServerSession(bytes.NewReader(make([]byte, 32)), c.AHex(), salt, verifier); !errors.Is(err, errZeroRandom) {
		t.Errorf("all-zero b: %v", err)
	}
	if _, err := NewServerSession(iotest.ErrReader(errors.New("boom")), c.AHex(), salt, verifier); err == nil {
		t.Error("failing random source accepted")
	}
	if _, err := NewServerSession(bytes.NewReader(make([]byte, 31)), c.AHex(), salt, verifier); err == nil {
		t.Error("short random source accepted")
	}
	// Leading zeros and upper case are fine: A is a number.
	s, err := NewServerSession(rand.Reader, "00"+strings.ToUpper(c.AHex()), salt, verifier)
	if err != nil {
		t.Fatal(err)
	}
	sig, ts, err := c.Respond("u", "p", salt, s.BHex(), "AAAA", rtNow)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verify("P", "u", "AAAA", ts, sig) {
		t.Error("padded upper-case SRP_A: signature rejected")
	}
}

func TestClientRefuses(t *testing.T) {
	c, err := NewClient(rand.Reader, rtPoolID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.AHex()) < 700 {
		t.Errorf("AHex is %d digits", len(c.AHex()))
	}
	salt, _, _ := NewVerifier(rand.Reader, "P", "u", "p")
	for name, b := range map[string]string{
		"zero":    "0",
		"N":       groupN.Text(16),
		"not hex": "g",
		"empty":   "",
	} {
		if _, _, err := c.Respond("u", "p", salt, b, "AAAA", rtNow); err == nil {
			t.Errorf("SRP_B %s: accepted", name)
		}
	}
	if _, _, err := c.Respond("u", "p", salt, "1234", "not base64!", rtNow); err == nil {
		t.Error("bad SECRET_BLOCK accepted")
	}
	if _, _, err := c.Respond("u", "p", "", "1234", "AAAA", rtNow); err == nil {
		t.Error("empty salt accepted")
	}
	if _, err := NewClient(bytes.NewReader(make([]byte, 10)), rtPoolID); err == nil {
		t.Error("short random source accepted")
	}
	if _, err := NewClient(bytes.NewReader(make([]byte, 128)), rtPoolID); err == nil {
		t.Error("zero a accepted")
	}
}

func TestCheckPassword(t *testing.T) {
	pool := PoolName(rtPoolID)
	salt, verifier, err := NewVerifier(rand.Reader, pool, rtUser, rtPassword)
	if err != nil {
		t.Fatal(err)
	}
	if len(salt) != 32 || len(verifier) != 768 {
		t.Errorf("salt %d and verifier %d hex digits", len(salt), len(verifier))
	}
	salt2, verifier2, _ := NewVerifier(rand.Reader, pool, rtUser, rtPassword)
	if salt2 == salt || verifier2 == verifier {
		t.Error("two verifiers for the same password share a salt or verifier")
	}
	if !CheckPassword(pool, rtUser, rtPassword, salt, verifier) {
		t.Fatal("correct password rejected")
	}
	if !CheckPassword(pool, rtUser, rtPassword, salt, strings.ToUpper(strings.TrimLeft(verifier, "0"))) {
		t.Error("unpadded upper-case verifier rejected")
	}
	v, err := VerifierFor(pool, rtUser, rtPassword, salt)
	if err != nil || v != verifier {
		t.Errorf("VerifierFor = %s, %v", v, err)
	}
	for name, ok := range map[string]bool{
		"wrong password": CheckPassword(pool, rtUser, rtPassword+" ", salt, verifier),
		"other user":     CheckPassword(pool, "other", rtPassword, salt, verifier),
		"other pool":     CheckPassword("Other", rtUser, rtPassword, salt, verifier),
		"other salt":     CheckPassword(pool, rtUser, rtPassword, salt2, verifier),
		"bad salt":       CheckPassword(pool, rtUser, rtPassword, "xx", verifier),
		"empty verifier": CheckPassword(pool, rtUser, rtPassword, salt, ""),
		"huge verifier":  CheckPassword(pool, rtUser, rtPassword, salt, "1"+verifier),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := VerifierFor(pool, rtUser, rtPassword, "-1"); err == nil {
		t.Error("VerifierFor accepts a signed salt")
	}
	if _, _, err := NewVerifier(iotest.ErrReader(errors.New("boom")), pool, rtUser, rtPassword); err == nil {
		t.Error("NewVerifier ignores a failing random source")
	}
}
