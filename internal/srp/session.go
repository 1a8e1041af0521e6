package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// serverSecretBytes is the size of the server's ephemeral secret b: 256
// bits, the exponent size RFC 5054 asks for at the 128-bit security level
// of the 3072-bit group.
const serverSecretBytes = 32

// sessionVersion tags the Marshal encoding.
const sessionVersion = 1

// derivedKeyInfo is the HKDF info of Cognito's session key.
const derivedKeyInfo = "Caldera Derived Key"

// computeU is u = H(padHex(A) || padHex(B)).
func computeU(a, b *big.Int) *big.Int {
	return new(big.Int).SetBytes(hashConcat(javaBytes(a), javaBytes(b)))
}

// sessionKey is the 16-byte key both sides derive from the premaster
// secret S: one block of HKDF-SHA256 with salt padHex(u), input padHex(S)
// and info "Caldera Derived Key".
func sessionKey(u, s *big.Int) []byte {
	extract := hmac.New(sha256.New, javaBytes(u))
	extract.Write(javaBytes(s))
	prk := extract.Sum(nil)
	expand := hmac.New(sha256.New, prk)
	expand.Write([]byte(derivedKeyInfo))
	expand.Write([]byte{1})
	return expand.Sum(nil)[:16]
}

// claimSignature is HMAC-SHA256(key, poolName || userIDForSRP ||
// secretBlock || timestamp), the raw PASSWORD_CLAIM_SIGNATURE.
func claimSignature(key []byte, poolName, userIDForSRP string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userIDForSRP))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// decodeBase64 decodes standard Base64, with or without padding (Java's
// decoder, which Cognito uses, accepts both).
func decodeBase64(s string) ([]byte, error) {
	if len(s)%4 == 0 {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// ServerSession is the server side of one USER_SRP_AUTH exchange: the
// secret b and public B = (k·v + g^b) mod N it answers the client's A
// with, for one user's verifier. InitiateAuth creates it (NewServerSession)
// and returns BHex as SRP_B; RespondToAuthChallenge, possibly on another
// node, restores it (UnmarshalServerSession) and checks the
// PASSWORD_CLAIM_SIGNATURE (Verify). A ServerSession is immutable and safe
// for concurrent use.
type ServerSession struct {
	b    *big.Int // the server's secret exponent
	bigA *big.Int // the client's public value, as received
	bigB *big.Int // the server's public value
	u    *big.Int // H(A || B)
	v    *big.Int // the user's verifier
}

// NewServerSession starts the server side of USER_SRP_AUTH for a client
// value SRP_A (hex) and the user's stored salt and verifier. It draws b
// from rand (32 bytes) and computes B = (k·v + g^b) mod N. It refuses
// malformed hex, A ≡ 0 (mod N), a verifier ≡ 0 (mod N) and the
// (negligible) case u = H(A || B) = 0.
func NewServerSession(rand io.Reader, srpAHex, saltHex, verifierHex string) (*ServerSession, error) {
	bigA, v, err := parseSessionInputs(srpAHex, saltHex, verifierHex)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, serverSecretBytes)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("srp: reading server secret: %w", err)
	}
	b := new(big.Int).SetBytes(buf)
	if b.Sign() == 0 {
		return nil, errZeroRandom
	}
	return newSession(b, bigA, v)
}

func parseSessionInputs(srpAHex, saltHex, verifierHex string) (bigA, v *big.Int, err error) {
	bigA, err = parseHex("SRP_A", srpAHex)
	if err != nil {
		return nil, nil, err
	}
	if err := checkA(bigA); err != nil {
		return nil, nil, err
	}
	v, err = parseVerifier(saltHex, verifierHex)
	if err != nil {
		return nil, nil, err
	}
	return bigA, v, nil
}

// checkA applies the SRP-6a safety check to the client's A.
func checkA(bigA *big.Int) error {
	if new(big.Int).Mod(bigA, groupN).Sign() == 0 {
		return errors.New("srp: SRP_A mod N is zero")
	}
	return nil
}

// parseVerifier checks the stored salt and parses the stored verifier.
func parseVerifier(saltHex, verifierHex string) (*big.Int, error) {
	if _, err := parseHex("salt", saltHex); err != nil {
		return nil, err
	}
	v, err := parseHex("verifier", verifierHex)
	if err != nil {
		return nil, err
	}
	v.Mod(v, groupN)
	if v.Sign() == 0 {
		return nil, errors.New("srp: verifier mod N is zero")
	}
	return v, nil
}

func newSession(b, bigA, v *big.Int) (*ServerSession, error) {
	// B = (k·v + g^b) mod N.
	bigB := new(big.Int).Mul(groupK, v)
	bigB.Add(bigB, expG(b))
	bigB.Mod(bigB, groupN)
	if bigB.Sign() == 0 {
		return nil, errors.New("srp: B mod N is zero")
	}
	u := computeU(bigA, bigB)
	if u.Sign() == 0 {
		return nil, errors.New("srp: u is zero")
	}
	return &ServerSession{b: b, bigA: bigA, bigB: bigB, u: u, v: v}, nil
}

// BHex is SRP_B: B as plain lowercase hex, without padding, as Cognito
// sends it.
func (s *ServerSession) BHex() string { return s.bigB.Text(16) }

// Marshal exports what resuming the session needs besides the user's salt
// and verifier: the secret b and the client's A. The result is secret
// (b is an ephemeral private key): seal it before it leaves the process,
// for instance inside SECRET_BLOCK.
func (s *ServerSession) Marshal() []byte {
	b := s.b.Bytes()
	a := s.bigA.Bytes()
	out := make([]byte, 0, 1+1+len(b)+2+len(a))
	out = append(out, sessionVersion, byte(len(b)))
	out = append(out, b...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(a)))
	return append(out, a...)
}

// UnmarshalServerSession restores a session from Marshal's output and the
// user's current salt and verifier, recomputing B (so a password changed
// in between makes Verify fail).
func UnmarshalServerSession(data []byte, saltHex, verifierHex string) (*ServerSession, error) {
	bad := errors.New("srp: malformed session")
	if len(data) < 2 || data[0] != sessionVersion {
		return nil, bad
	}
	nb := int(data[1])
	data = data[2:]
	if nb == 0 || nb > serverSecretBytes || len(data) < nb+2 {
		return nil, bad
	}
	b := new(big.Int).SetBytes(data[:nb])
	data = data[nb:]
	na := int(binary.BigEndian.Uint16(data))
	data = data[2:]
	if na == 0 || na > maxHexLen/2 || len(data) != na || b.Sign() == 0 {
		return nil, bad
	}
	bigA := new(big.Int).SetBytes(data)
	if err := checkA(bigA); err != nil {
		return nil, err
	}
	v, err := parseVerifier(saltHex, verifierHex)
	if err != nil {
		return nil, err
	}
	return newSession(b, bigA, v)
}

// key derives the session key: S = (A · v^u)^b mod N, then HKDF.
func (s *ServerSession) key() []byte {
	base := new(big.Int).Exp(s.v, s.u, groupN)
	base.Mul(base, s.bigA)
	base.Mod(base, groupN)
	premaster := base.Exp(base, s.b, groupN)
	return sessionKey(s.u, premaster)
}

// Verify checks a PASSWORD_CLAIM_SIGNATURE (Base64) over the
// PASSWORD_CLAIM_SECRET_BLOCK (Base64, hashed decoded) and TIMESTAMP
// strings exactly as received, for the pool name and USER_ID_FOR_SRP the
// challenge was issued for. The comparison is constant time. Verify does
// not judge the TIMESTAMP: check it with ParseTimestamp first, and check
// that the secret block is the one issued.
func (s *ServerSession) Verify(poolName, userIDForSRP, secretBlockB64, timestamp, signatureB64 string) bool {
	block, err := decodeBase64(secretBlockB64)
	if err != nil {
		return false
	}
	sig, err := decodeBase64(signatureB64)
	if err != nil || len(sig) != sha256.Size {
		return false
	}
	want := claimSignature(s.key(), poolName, userIDForSRP, block, timestamp)
	return hmac.Equal(sig, want)
}
