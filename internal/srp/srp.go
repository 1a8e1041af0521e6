package srp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync"
)

// nHex is the 3072-bit MODP prime of RFC 5054 (appendix A), the group every
// Cognito SDK uses.
const nHex = "" +
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

const (
	// groupBytes is the size of N (and so of every value mod N) in bytes.
	groupBytes = 384
	// saltBytes is the size of a new salt.
	saltBytes = 16
	// maxHexLen bounds hex inputs (SRP_A, SRP_B, salts, verifiers): a value
	// below N has at most 768 digits; the slack admits zero padding while
	// keeping hostile inputs cheap.
	maxHexLen = 1024
)

var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
	// groupK = H(padHex(N) || padHex(g)): the 385-byte N with its sign byte,
	// then the single byte 0x02.
	groupK = new(big.Int).SetBytes(hashConcat(javaBytes(groupN), javaBytes(groupG)))
	bigOne = big.NewInt(1)
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant " + s)
	}
	return n
}

// javaBytes returns n (n >= 0) as Java's BigInteger.toByteArray does: the
// minimal big-endian two's-complement encoding, so a zero byte is
// prepended when the top bit is set, and zero is the single byte 0x00.
// Its hex encoding is what the SDKs call padHex.
func javaBytes(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// padHex is the hex string of javaBytes(n).
func padHex(n *big.Int) string { return hex.EncodeToString(javaBytes(n)) }

func hashConcat(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// parseHex parses a non-negative hex number: digits only (no sign, no 0x),
// at least one, at most maxHexLen.
func parseHex(what, s string) (*big.Int, error) {
	if s == "" {
		return nil, fmt.Errorf("srp: empty %s", what)
	}
	if len(s) > maxHexLen {
		return nil, fmt.Errorf("srp: %s longer than %d hex digits", what, maxHexLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil, fmt.Errorf("srp: %s is not hex", what)
		}
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		return nil, fmt.Errorf("srp: %s is not hex", what)
	}
	return n, nil
}

// PoolName is the part of a user pool id after the underscore
// ("us-east-1_AbC123" gives "AbC123"); it is the pool's name in every SRP
// hash. An id without an underscore is returned unchanged.
func PoolName(userPoolID string) string {
	if _, after, ok := strings.Cut(userPoolID, "_"); ok {
		return after
	}
	return userPoolID
}

// computeX is x = H(padHex(salt) || H(poolName || userID || ":" || password)):
// the inner digest's bytes follow the salt's bytes (the SDKs concatenate
// the hex strings and hash the decoded bytes, which is the same thing).
func computeX(salt *big.Int, poolName, userIDForSRP, password string) *big.Int {
	h := sha256.New()
	h.Write([]byte(poolName))
	h.Write([]byte(userIDForSRP))
	h.Write([]byte{':'})
	h.Write([]byte(password))
	inner := h.Sum(nil)
	return new(big.Int).SetBytes(hashConcat(javaBytes(salt), inner))
}

// verifierBytes is v = g^x mod N as groupBytes big-endian bytes.
func verifierBytes(salt *big.Int, poolName, userIDForSRP, password string) []byte {
	v := expG(computeX(salt, poolName, userIDForSRP, password))
	return v.FillBytes(make([]byte, groupBytes))
}

// NewVerifier derives what a user record keeps instead of a password: a
// random 16-byte salt (32 hex digits) and the verifier v = g^x mod N (768
// lowercase hex digits), for the user's internal username (the
// USER_ID_FOR_SRP, not an alias) in the pool named poolName (see PoolName).
func NewVerifier(rand io.Reader, poolName, userIDForSRP, password string) (saltHex, verifierHex string, err error) {
	salt := make([]byte, saltBytes)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", "", fmt.Errorf("srp: reading salt: %w", err)
	}
	v := verifierBytes(new(big.Int).SetBytes(salt), poolName, userIDForSRP, password)
	return hex.EncodeToString(salt), hex.EncodeToString(v), nil
}

// VerifierFor recomputes the verifier (768 lowercase hex digits) for a
// password and a stored salt, the way NewVerifier derived it. Use it, or
// CheckPassword, to check a password received in clear
// (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ChangePassword); compare
// with subtle.ConstantTimeCompare. The salt is read as a number, as the
// SDKs read SALT, so leading zero digits do not matter.
func VerifierFor(poolName, userIDForSRP, password, saltHex string) (verifierHex string, err error) {
	salt, err := parseHex("salt", saltHex)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(verifierBytes(salt, poolName, userIDForSRP, password)), nil
}

// CheckPassword reports whether password matches the stored salt and
// verifier. The verifier comparison is constant time; a malformed salt or
// verifier never matches.
func CheckPassword(poolName, userIDForSRP, password, saltHex, verifierHex string) bool {
	salt, err := parseHex("salt", saltHex)
	if err != nil {
		return false
	}
	stored, err := parseHex("verifier", verifierHex)
	if err != nil || stored.BitLen() > groupBytes*8 {
		return false
	}
	want := stored.FillBytes(make([]byte, groupBytes))
	got := verifierBytes(salt, poolName, userIDForSRP, password)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Fixed-base exponentiation of g. Every g^e the package computes on a hot
// path (the verifier g^x, the server's g^b) has an exponent of at most 256
// bits, so a comb table of g^(d·256^i) for every byte value d and byte
// position i turns the exponentiation into at most 32 modular
// multiplications, about seven times faster than big.Int.Exp. The table
// (32×255 values, about 3.4 MB) is built on first use.
const (
	combBits    = 256
	combWindows = combBits / 8
)

var (
	gTableOnce sync.Once
	gTable     *[combWindows][255]big.Int
)

func buildGTable() {
	t := new([combWindows][255]big.Int)
	base := new(big.Int).Set(groupG)
	prod, quo := new(big.Int), new(big.Int)
	for i := range t {
		t[i][0].Set(base)
		for d := 1; d < 255; d++ {
			prod.Mul(&t[i][d-1], base)
			quo.QuoRem(prod, groupN, &t[i][d])
		}
		// base^256 = base^255 · base.
		prod.Mul(&t[i][254], base)
		quo.QuoRem(prod, groupN, base)
	}
	gTable = t
}

// expG returns g^e mod N for e >= 0.
func expG(e *big.Int) *big.Int {
	if e.Sign() < 0 || e.BitLen() > combBits {
		return new(big.Int).Exp(groupG, e, groupN)
	}
	gTableOnce.Do(buildGTable)
	var digits [combWindows]byte
	e.FillBytes(digits[:])
	z := new(big.Int).Set(bigOne)
	prod, quo := new(big.Int), new(big.Int)
	first := true
	for i := range combWindows {
		d := digits[combWindows-1-i]
		if d == 0 {
			continue
		}
		entry := &gTable[i][d-1]
		if first {
			z.Set(entry)
			first = false
			continue
		}
		prod.Mul(z, entry)
		quo.QuoRem(prod, groupN, z)
	}
	return z
}

var errZeroRandom = errors.New("srp: random source produced a zero secret")
