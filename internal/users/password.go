package users

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"
	"unicode"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/srp"
)

// symbols are the characters Cognito counts as symbols.
const symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// checkPassword applies the pool's password policy.
func (p *pool) checkPassword(pw string) error {
	pp := p.Config.Policies.PasswordPolicy
	min := 8
	if pp != nil && pp.MinimumLength != nil {
		min = int(*pp.MinimumLength)
	}
	fail := func(why string) error {
		return awserr.New("InvalidPasswordException", "Password did not conform with policy: "+why)
	}
	if len([]rune(pw)) < min {
		return fail("Password not long enough")
	}
	if len(pw) > 256 {
		return fail("Password is too long")
	}
	if strings.TrimSpace(pw) != pw {
		return fail("Password must not begin or end with whitespace")
	}
	has := func(f func(rune) bool) bool { return strings.IndexFunc(pw, f) >= 0 }
	on := func(b *bool) bool { return pp != nil && b != nil && *b }
	if pp != nil {
		if on(pp.RequireUppercase) && !has(unicode.IsUpper) {
			return fail("Password must have uppercase characters")
		}
		if on(pp.RequireLowercase) && !has(unicode.IsLower) {
			return fail("Password must have lowercase characters")
		}
		if on(pp.RequireNumbers) && !has(unicode.IsDigit) {
			return fail("Password must have numeric characters")
		}
		if on(pp.RequireSymbols) && !has(func(r rune) bool { return strings.ContainsRune(symbols, r) }) {
			return fail("Password must have symbol characters")
		}
	}
	return nil
}

func (p *pool) historySize() int {
	pp := p.Config.Policies.PasswordPolicy
	if pp == nil || pp.PasswordHistorySize == nil {
		return 0
	}
	return int(*pp.PasswordHistorySize)
}

func (p *pool) tempPasswordValidity() time.Duration {
	days := 7
	if pp := p.Config.Policies.PasswordPolicy; pp != nil && pp.TemporaryPasswordValidityDays != nil {
		days = int(*pp.TemporaryPasswordValidityDays)
	}
	return time.Duration(days) * 24 * time.Hour
}

// setPassword checks the policy (and history) and stores a new salt and
// verifier; the password itself is never kept.
func (s *Service) setPassword(p *pool, u *user, pw string) error {
	if err := p.checkPassword(pw); err != nil {
		return err
	}
	poolName := srp.PoolName(p.ID)
	if n := p.historySize(); n > 0 {
		for _, h := range u.doc.PasswordHistory {
			if srp.CheckPassword(poolName, u.rec.Username, pw, h.Salt, h.Verifier) {
				return awserr.New("PasswordHistoryPolicyViolationException", "The password cannot be one of the last passwords used.")
			}
		}
	}
	salt, verifier, err := srp.NewVerifier(s.rand, poolName, u.rec.Username, pw)
	if err != nil {
		return err
	}
	u.doc.Salt, u.doc.Verifier = salt, verifier
	if n := p.historySize(); n > 0 {
		u.doc.PasswordHistory = append([]passwordEntry{{Salt: salt, Verifier: verifier}}, u.doc.PasswordHistory...)
		if len(u.doc.PasswordHistory) > n {
			u.doc.PasswordHistory = u.doc.PasswordHistory[:n]
		}
	}
	return nil
}

// CheckPassword reports whether pw is the user's password.
func (u *user) checkPassword(poolID, pw string) bool {
	if u.doc.Salt == "" || u.doc.Verifier == "" {
		return false
	}
	return srp.CheckPassword(srp.PoolName(poolID), u.rec.Username, pw, u.doc.Salt, u.doc.Verifier)
}

// generatePassword makes a temporary password that satisfies the policy.
func (s *Service) generatePassword(p *pool) string {
	min := 8
	if pp := p.Config.Policies.PasswordPolicy; pp != nil && pp.MinimumLength != nil {
		min = int(*pp.MinimumLength)
	}
	n := max(min, 12)
	const (
		upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower = "abcdefghijkmnpqrstuvwxyz"
		digit = "23456789"
		sym   = "!@#%&*-_=+?"
	)
	all := upper + lower + digit + sym
	b := []byte{pick(s.rand, upper), pick(s.rand, lower), pick(s.rand, digit), pick(s.rand, sym)}
	for len(b) < n {
		b = append(b, pick(s.rand, all))
	}
	// Shuffle so the classes are not always in the same places.
	for i := len(b) - 1; i > 0; i-- {
		j := int(randUint(s.rand) % uint64(i+1))
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// PasswordMatches reports whether password is the current password of the
// user a request names (username or alias). Authentication flows build on it.
func (s *Service) PasswordMatches(ctx context.Context, poolID, username, password string) (bool, error) {
	p, u, err := s.poolUser(ctx, poolID, username)
	if err != nil {
		return false, err
	}
	return u.checkPassword(p.ID, password), nil
}
