package users

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/gognito/gognito/internal/awserr"
)

// Code purposes, keys of userDoc.Codes.
const (
	purposeSignUp = "signup"
	purposeForgot = "forgot"
)

func purposeVerify(attr string) string { return "verify:" + attr }

// Lifetimes and limits, as Cognito's.
const (
	signUpCodeValidity = 24 * time.Hour
	verifyCodeValidity = 24 * time.Hour
	forgotCodeValidity = time.Hour
	maxCodeAttempts    = 5 // wrong codes before LimitExceededException
	maxSendsPerHour    = 5
)

// code is a one-time code, kept hashed.
type code struct {
	Hash      string    `json:"Hash"`
	Expires   time.Time `json:"Expires"`
	Attempts  int       `json:"Attempts"`
	Attribute string    `json:"Attribute,omitempty"`
	Value     string    `json:"Value,omitempty"` // the attribute value the code was sent to
}

func hashCode(key, c string) string {
	h := sha256.Sum256([]byte(key + "\x00" + c))
	return hex.EncodeToString(h[:])
}

func pick(r io.Reader, alphabet string) byte {
	return alphabet[randUint(r)%uint64(len(alphabet))]
}

func randUint(r io.Reader) uint64 {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("users: random source failed: " + err.Error())
	}
	return binary.BigEndian.Uint64(b[:])
}

// newCode draws a 6-digit code and records its hash on the user.
func (s *Service) newCode(u *user, purpose, attr string, validity time.Duration) string {
	c := fmt.Sprintf("%06d", randUint(s.rand)%1_000_000)
	if u.doc.Codes == nil {
		u.doc.Codes = map[string]*code{}
	}
	u.doc.Codes[purpose] = &code{Hash: hashCode(u.rec.Key, c), Expires: s.now().Add(validity), Attribute: attr}
	return c
}

// errCodeMismatch and errExpired are Cognito's answers to a wrong or stale code.
func errCodeMismatch() error {
	return awserr.New("CodeMismatchException", "Invalid verification code provided, please try again.")
}

func errExpiredCode() error {
	return awserr.New("ExpiredCodeException", "Invalid code provided, please request a code again.")
}

func errAttemptLimit() error {
	return awserr.New(awserr.LimitExceeded, "Attempt limit exceeded, please try after some time.")
}

// checkCode compares a code in constant time. A wrong code counts an
// attempt (the caller must save the user even when an error is returned);
// a right code is used up.
func (s *Service) checkCode(u *user, purpose, given string) (attr string, wrong bool, err error) {
	c := u.doc.Codes[purpose]
	if c == nil {
		return "", false, errExpiredCode()
	}
	if c.Attempts >= maxCodeAttempts {
		return "", false, errAttemptLimit()
	}
	if !constantTimeEqual(c.Hash, hashCode(u.rec.Key, given)) {
		c.Attempts++
		return "", true, errCodeMismatch()
	}
	if s.now().After(c.Expires) {
		delete(u.doc.Codes, purpose)
		return "", true, errExpiredCode()
	}
	delete(u.doc.Codes, purpose)
	return c.Attribute, false, nil
}

// allowSend applies Cognito's limit on code deliveries per user and hour.
func (s *Service) allowSend(u *user) error {
	now := s.now()
	recent := u.doc.Sends[:0]
	for _, t := range u.doc.Sends {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	u.doc.Sends = recent
	if len(recent) >= maxSendsPerHour {
		return errAttemptLimit()
	}
	u.doc.Sends = append(u.doc.Sends, now)
	return nil
}
