package srp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"
)

func hexInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	return n
}

func decInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("bad decimal %q", s)
	}
	return n
}

// seq returns n bytes start, start+1, ... (mod 256).
func seq(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

func TestGroupConstants(t *testing.T) {
	if groupN.BitLen() != 3072 || !groupN.ProbablyPrime(20) {
		t.Fatalf("N: %d bits", groupN.BitLen())
	}
	if got := len(javaBytes(groupN)); got != 385 {
		t.Errorf("padHex(N) is %d bytes, want 385 (sign byte)", got)
	}
	// k as asserted by amplify-swift (testGeneratedK), the
	// amazon_cognito_identity_dart tests and, in decimal, alexrudd/cognito-srp.
	const wantK = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
	if got := groupK.Text(16); got != wantK {
		t.Errorf("k = %s, want %s", got, wantK)
	}
	if groupK.Cmp(decInt(t, alexruddK)) != 0 {
		t.Errorf("k differs from alexrudd/cognito-srp's decimal value")
	}
}

func TestPadHex(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"0", "00"},
		{"1", "01"},
		{"7f", "7f"},
		{"80", "0080"},
		{"ff", "00ff"},
		{"100", "0100"},
		{"123abc", "123abc"},
		{"123abcd", "0123abcd"},
		{"8123abcd", "008123abcd"},
		{"0000ab", "00ab"},
		{"d1c1181916afc59efe7eb71674d627c", "0d1c1181916afc59efe7eb71674d627c"},
	} {
		if got := padHex(hexInt(t, tc.in)); got != tc.want {
			t.Errorf("padHex(0x%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbC123":  "AbC123",
		"eu-west-1_myPool":  "myPool",
		"ap-south-1_Pj8nlk": "Pj8nlk",
		"nounderscore":      "nounderscore",
	} {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpGMatchesExp(t *testing.T) {
	exps := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(255), big.NewInt(256),
		new(big.Int).Sub(new(big.Int).Lsh(bigOne, 256), bigOne), // 2^256 - 1
		new(big.Int).Lsh(bigOne, 255),
		new(big.Int).Lsh(bigOne, 256), // 257 bits: falls back to Exp
		new(big.Int).SetBytes(bytes.Repeat([]byte{0xff}, 128)),
	}
	for range 20 {
		b := make([]byte, 32)
		rand.Read(b)
		exps = append(exps, new(big.Int).SetBytes(b))
	}
	for _, e := range exps {
		want := new(big.Int).Exp(groupG, e, groupN)
		if got := expG(e); got.Cmp(want) != 0 {
			t.Fatalf("expG(%x) differs from Exp", e)
		}
	}
}

// alexrudd/cognito-srp: a = b = salt = 1234567890, user and password
// "test" in pool "eu-west-1_myPool".
func TestKnownAnswerAlexrudd(t *testing.T) {
	a := big.NewInt(1234567890)
	c := &Client{poolName: PoolName("eu-west-1_myPool"), a: a, bigA: expG(a)}
	if c.bigA.Cmp(decInt(t, alexruddADec)) != 0 {
		t.Fatalf("A differs from the published value")
	}

	u := computeU(hexInt(t, "6D797365637265746861736841"), hexInt(t, "6D797365637265746861736842"))
	if u.Cmp(decInt(t, alexruddUDec)) != 0 {
		t.Errorf("u = %s, want %s", u, alexruddUDec)
	}

	// The HKDF vector: ikm = padHex(S), salt = padHex(u). Going through
	// big.Int and back exercises padHex on a leading 00 and a leading 0c.
	if got := hex.EncodeToString(sessionKey(hexInt(t, alexruddHKDFSalt), hexInt(t, alexruddHKDFIKM))); got != alexruddKey {
		t.Errorf("HKDF = %s, want %s", got, alexruddKey)
	}

	ab := big.NewInt(1234567890)
	key, err := clientKey(c.a, c.bigA, ab, ab, c.poolName, "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(key); got != alexruddKey {
		t.Errorf("password authentication key = %s, want %s", got, alexruddKey)
	}

	block := base64.StdEncoding.EncodeToString([]byte("secretssecrestssecrets"))
	sig, ts, err := c.Respond("test", "test", ab.Text(16), ab.Text(16), block, time.Date(2018, 7, 10, 11, 1, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if ts != "Tue Jul 10 11:01:00 UTC 2018" {
		t.Errorf("timestamp = %q", ts)
	}
	if sig != alexruddSig {
		t.Errorf("signature = %s, want %s", sig, alexruddSig)
	}
}

func TestKnownAnswerAmplifySwiftU(t *testing.T) {
	for i, tc := range swiftU {
		if got := computeU(hexInt(t, tc.a), hexInt(t, tc.b)).Text(16); got != tc.u {
			t.Errorf("vector %d: u = %s, want %s", i+1, got, tc.u)
		}
	}
}

func TestKnownAnswerAmplifySwiftS(t *testing.T) {
	for i, tc := range swiftS {
		a := hexInt(t, tc.a)
		if expG(a).Cmp(hexInt(t, tc.bigA)) != 0 {
			t.Errorf("vector %d: A != g^a", i+1)
		}
		// The Swift helper's username is poolName+userId; the hashes only
		// see the concatenation.
		_, s, err := clientPremaster(a, hexInt(t, tc.bigA), hexInt(t, tc.bigB), hexInt(t, tc.salt), "", tc.username, tc.password)
		if err != nil {
			t.Fatal(err)
		}
		if s.Cmp(hexInt(t, tc.s)) != 0 {
			t.Errorf("vector %d: S = %x, want %s", i+1, s, tc.s)
		}
		// Split differently, same bytes.
		_, s2, _ := clientPremaster(a, hexInt(t, tc.bigA), hexInt(t, tc.bigB), hexInt(t, tc.salt), tc.username[:9], tc.username[9:], tc.password)
		if s2.Cmp(s) != 0 {
			t.Errorf("vector %d: pool/user split changes S", i+1)
		}
	}
}

func dotnetA() *big.Int {
	b := bytes.Repeat([]byte{2}, 1024)
	b[1023] = 0
	return new(big.Int).SetBytes(b)
}

func TestKnownAnswerDotNet(t *testing.T) {
	a := dotnetA()
	c := &Client{poolName: dotnetPool, a: a, bigA: expG(a)}

	key, err := clientKey(c.a, c.bigA, hexInt(t, dotnetKeyB), hexInt(t, dotnetSalt), dotnetPool, dotnetUser, dotnetPassword)
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.StdEncoding.EncodeToString(key); got != dotnetKey {
		t.Errorf("key = %s, want %s", got, dotnetKey)
	}

	now := time.Date(2017, 6, 15, 7, 0, 0, 0, time.UTC)
	sig, ts, err := c.Respond(dotnetUser, dotnetPassword, dotnetSalt, dotnetClaimB, dotnetSecretBlock, now)
	if err != nil {
		t.Fatal(err)
	}
	if ts != dotnetTime {
		t.Errorf("timestamp = %q, want %q", ts, dotnetTime)
	}
	if sig != dotnetClaim {
		t.Errorf("claim = %s, want %s", sig, dotnetClaim)
	}
	// Another instant, another claim.
	if sig2, _, _ := c.Respond(dotnetUser, dotnetPassword, dotnetSalt, dotnetClaimB, dotnetSecretBlock, now.Add(time.Second)); sig2 == dotnetClaim {
		t.Error("claim does not depend on the timestamp")
	}
}

func TestKnownAnswerServer(t *testing.T) {
	salt, verifier, err := NewVerifier(bytes.NewReader(seq(0x80, 16)), pyPool, pyUser, pyPassword)
	if err != nil {
		t.Fatal(err)
	}
	if salt != pySalt || verifier != pyVerifier {
		t.Fatalf("NewVerifier = %s, %s\nwant %s, %s", salt, verifier, pySalt, pyVerifier)
	}
	if v, err := VerifierFor(pyPool, pyUser, pyPassword, pySalt); err != nil || v != pyVerifier {
		t.Errorf("VerifierFor = %s, %v", v, err)
	}
	// The salt is a number: zero padding and case do not matter.
	if v, _ := VerifierFor(pyPool, pyUser, pyPassword, "00"+strings.ToUpper(pySalt)); v != pyVerifier {
		t.Errorf("VerifierFor with padded salt differs")
	}

	c, err := NewClient(bytes.NewReader(seq(0xa0, 128)), "us-west-2_"+pyPool)
	if err != nil {
		t.Fatal(err)
	}
	if c.AHex() != pyA {
		t.Fatalf("A = %s, want %s", c.AHex(), pyA)
	}

	s, err := NewServerSession(bytes.NewReader(seq(1, 32)), pyA, pySalt, pyVerifier)
	if err != nil {
		t.Fatal(err)
	}
	if s.BHex() != pyB {
		t.Fatalf("B = %s, want %s", s.BHex(), pyB)
	}
	if got := hex.EncodeToString(s.key()); got != pyKey {
		t.Errorf("server key = %s, want %s", got, pyKey)
	}
	if !s.Verify(pyPool, pyUser, pyBlock, pyTimestamp, pySignature) {
		t.Error("server rejects the reference signature")
	}

	ts, _ := time.Parse(time.RFC3339, "2017-04-05T22:42:34Z")
	sig, tsStr, err := c.Respond(pyUser, pyPassword, pySalt, pyB, pyBlock, ts)
	if err != nil {
		t.Fatal(err)
	}
	if sig != pySignature || tsStr != pyTimestamp {
		t.Errorf("client = %s %q, want %s %q", sig, tsStr, pySignature, pyTimestamp)
	}
}

func TestSecretHash(t *testing.T) {
	for _, tc := range []struct{ secret, user, client, want string }{
		// aws-sdk-net-extensions-cognito TestSecretHash and amplify-flutter computeSecretHash.
		{"secret", "Mess", "age", "qnR8UCqJggD55PohusaBNviGoOJ67HC6Btry4qXLVZc="},
		// alexrudd/cognito-srp Test_GetSecretHash.
		{"clientSecret", "test", "123abd", "LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="},
		// Computed on this machine with Python's hmac and hashlib:
		// base64.b64encode(hmac.new(secret, user+client, sha256).digest()).
		{"s3cr3t-client-secret-0123456789abcdefghijklmnopqrstuv", "alice@example.com", "1example23456789abcdefghij", "vIiubo5s7FwxBCqHScXbwcu22UqWSWJV1cYe4vjchY0="},
		{"Ünïcødé secret", "user.名前", "abc", "NcT/KtUbGB8m348vXEkyN/co31HGQoBf1fe6cS9SMJk="},
	} {
		if got := SecretHash(tc.secret, tc.user, tc.client); got != tc.want {
			t.Errorf("SecretHash(%q, %q, %q) = %s, want %s", tc.secret, tc.user, tc.client, got, tc.want)
		}
		if !CheckSecretHash(tc.secret, tc.user, tc.client, tc.want) {
			t.Errorf("CheckSecretHash rejects %s", tc.want)
		}
		if !CheckSecretHash(tc.secret, tc.user, tc.client, strings.TrimRight(tc.want, "=")) {
			t.Errorf("CheckSecretHash rejects unpadded %s", tc.want)
		}
		for _, bad := range []string{"", "x", tc.want[:len(tc.want)-4], SecretHash(tc.secret, tc.user+"x", tc.client), SecretHash(tc.secret+"x", tc.user, tc.client)} {
			if CheckSecretHash(tc.secret, tc.user, tc.client, bad) {
				t.Errorf("CheckSecretHash accepts %q", bad)
			}
		}
	}
	// The message is the plain concatenation.
	if SecretHash("k", "ab", "c") != SecretHash("k", "a", "bc") {
		t.Error("SecretHash is not over username+clientID")
	}
}
