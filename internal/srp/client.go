package srp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// clientSecretBytes is the size of the client's secret a, as in the SDKs.
const clientSecretBytes = 128

// Client is the client side of USER_SRP_AUTH as the AWS SDKs implement it,
// for tests and load generation: NewClient draws a and computes SRP_A;
// Respond answers the PASSWORD_VERIFIER challenge. A Client serves one
// sign-in.
type Client struct {
	poolName string
	a        *big.Int
	bigA     *big.Int
}

// NewClient starts a sign-in to the user pool poolID ("us-east-1_AbC123"):
// a is 128 random bytes from rand and A = g^a mod N.
func NewClient(rand io.Reader, poolID string) (*Client, error) {
	buf := make([]byte, clientSecretBytes)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("srp: reading client secret: %w", err)
	}
	a := new(big.Int).SetBytes(buf)
	if a.Sign() == 0 {
		return nil, errZeroRandom
	}
	return &Client{poolName: PoolName(poolID), a: a, bigA: expG(a)}, nil
}

// AHex is SRP_A: A as plain lowercase hex, without padding, as the SDKs
// send it.
func (c *Client) AHex() string { return c.bigA.Text(16) }

// Respond computes the PASSWORD_VERIFIER challenge response from the
// challenge parameters USER_ID_FOR_SRP, SALT, SRP_B and SECRET_BLOCK and
// the user's password: the PASSWORD_CLAIM_SIGNATURE (Base64) and the
// TIMESTAMP string (now, formatted by FormatTimestamp) it signs. It fails
// on malformed hex or Base64, B ≡ 0 (mod N) and u = 0, as the SDKs do.
func (c *Client) Respond(userIDForSRP, password, saltHex, srpBHex, secretBlockB64 string, now time.Time) (signatureB64, timestamp string, err error) {
	salt, err := parseHex("SALT", saltHex)
	if err != nil {
		return "", "", err
	}
	bigB, err := parseHex("SRP_B", srpBHex)
	if err != nil {
		return "", "", err
	}
	block, err := base64.StdEncoding.DecodeString(secretBlockB64)
	if err != nil {
		return "", "", fmt.Errorf("srp: SECRET_BLOCK is not Base64: %w", err)
	}
	key, err := clientKey(c.a, c.bigA, bigB, salt, c.poolName, userIDForSRP, password)
	if err != nil {
		return "", "", err
	}
	timestamp = FormatTimestamp(now)
	sig := claimSignature(key, c.poolName, userIDForSRP, block, timestamp)
	return base64.StdEncoding.EncodeToString(sig), timestamp, nil
}

// clientPremaster is the client's S = (B − k·g^x)^(a + u·x) mod N; the
// base is reduced to [0, N) first.
func clientPremaster(a, bigA, bigB, salt *big.Int, poolName, userIDForSRP, password string) (u, s *big.Int, err error) {
	if new(big.Int).Mod(bigB, groupN).Sign() == 0 {
		return nil, nil, errors.New("srp: SRP_B mod N is zero")
	}
	u = computeU(bigA, bigB)
	if u.Sign() == 0 {
		return nil, nil, errors.New("srp: u is zero")
	}
	x := computeX(salt, poolName, userIDForSRP, password)
	base := new(big.Int).Mul(groupK, expG(x))
	base.Sub(bigB, base)
	base.Mod(base, groupN)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, a)
	return u, base.Exp(base, exp, groupN), nil
}

// clientKey is the client's 16-byte session key.
func clientKey(a, bigA, bigB, salt *big.Int, poolName, userIDForSRP, password string) ([]byte, error) {
	u, s, err := clientPremaster(a, bigA, bigB, salt, poolName, userIDForSRP, password)
	if err != nil {
		return nil, err
	}
	return sessionKey(u, s), nil
}
