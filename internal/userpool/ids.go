package userpool

import (
	"crypto/rand"
	"io"
	"math/big"
)

const (
	alnum      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	lowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// randomString draws n characters uniformly from alphabet.
func randomString(r io.Reader, alphabet string, n int) string {
	max := big.NewInt(int64(len(alphabet)))
	b := make([]byte, n)
	for i := range b {
		v, err := rand.Int(r, max)
		if err != nil {
			panic("userpool: random source failed: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// newPoolID is "<region>_<9 alphanumerics>", as Cognito's.
func (s *Service) newPoolID(region string) string {
	return region + "_" + randomString(s.rand, alnum, 9)
}

// newClientID is 26 lowercase alphanumerics, as Cognito's.
func (s *Service) newClientID() string { return randomString(s.rand, lowerAlnum, 26) }

// newClientSecret is 51 lowercase alphanumerics, as Cognito's.
func (s *Service) newClientSecret() string { return randomString(s.rand, lowerAlnum, 51) }
