package users

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Phantoms: what gognito remembers of usernames that do not exist, for
// the app clients that hide who exists (PreventUserExistenceErrors). A
// missing user then gets the answers an existing one would: the lock-out
// after repeated wrong passwords (counted in the store, shared by every
// node, at the cost of an existing user's count: UnknownSignIn), and
// ConfirmForgotPassword's expired code before a reset was asked for,
// mismatches and the attempt limit after (kept in this node's memory,
// bounded; with N nodes each counts its own).

const maxPhantoms = 10_000

type phantom struct {
	forgotUntil  time.Time // a made-up reset code "sent", valid until
	codeAttempts int
	touched      time.Time
}

type phantoms struct {
	mu sync.Mutex
	m  map[string]*phantom
}

// get returns the phantom of a pool's username, made on first use. The
// caller holds ph.mu.
func (ph *phantoms) get(p *pool, username string, now time.Time) *phantom {
	if ph.m == nil {
		ph.m = map[string]*phantom{}
	}
	k := p.ID + "\x00" + p.normalize(username)
	f := ph.m[k]
	if f == nil {
		if len(ph.m) >= maxPhantoms {
			for k, old := range ph.m { // forget the idle ones
				if now.Sub(old.touched) > forgotCodeValidity {
					delete(ph.m, k)
				}
			}
			if len(ph.m) >= maxPhantoms {
				clear(ph.m)
			}
		}
		f = &phantom{}
		ph.m[k] = f
	}
	f.touched = now
	return f
}

// phantomForgot records the made-up reset code of a missing user.
func (s *Service) phantomForgot(p *pool, username string) {
	s.phantoms.mu.Lock()
	defer s.phantoms.mu.Unlock()
	now := s.now()
	f := s.phantoms.get(p, username, now)
	f.forgotUntil, f.codeAttempts = now.Add(forgotCodeValidity), 0
}

// phantomConfirmForgot is ConfirmForgotPassword's answer for a missing
// user, as checkCode answers an existing one's wrong code.
func (s *Service) phantomConfirmForgot(p *pool, username string) error {
	s.phantoms.mu.Lock()
	defer s.phantoms.mu.Unlock()
	now := s.now()
	f := s.phantoms.get(p, username, now)
	switch {
	case f.forgotUntil.IsZero() || now.After(f.forgotUntil):
		return errExpiredCode()
	case f.codeAttempts >= maxCodeAttempts:
		return errAttemptLimit()
	}
	f.codeAttempts++
	return errCodeMismatch()
}

// UnknownSignIn is VerifyPassword for a username the pool does not have,
// for a client that hides who exists: it takes the same path at the same
// cost, so that neither its answer nor its time tells who exists. Under
// the name's lock it reads the name's count of wrong sign-ins from the
// store (as VerifyPassword reads the user again), answers
// ErrPasswordAttemptsExceeded while the name is locked out, else calls
// check (the caller's password computation against a made-up verifier,
// which fails) and writes the count back, locking the name out as an
// existing user's count does. The count is in the store, so every node
// sees it; it is forgotten a day after the last wrong sign-in (or the end
// of the lock-out). It returns nil when the caller is to answer the
// sign-in as a wrong password.
func (s *Service) UnknownSignIn(ctx context.Context, poolID, username string, check func() bool) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	name := p.normalize(username)
	mu := s.attempts.of(poolID, "\x00"+name)
	mu.Lock()
	defer mu.Unlock()
	key := phantomKey(poolID, name)
	now := s.now()
	// The store round trips of VerifyPassword's: the read of the count
	// (its second read of the user, under the lock), the check, then a
	// transaction that reads the count and makes it on first use (as
	// UpdateUser reads the user it writes), and the write: one durable
	// write each time, as an existing user's.
	f, err := s.phantomSignIns(ctx, key, now)
	if err != nil {
		return err
	}
	if now.Before(f.LockedUntil) {
		return ErrPasswordAttemptsExceeded()
	}
	_ = check() // false: the verifier is made up
	first := f.failed(now)
	v, _ := json.Marshal(first)
	got, err := s.store.PutValueIfAbsentUntil(ctx, key, v, first.Expires)
	if err != nil || bytes.Equal(got, v) {
		return err // made now (or already so)
	}
	// Counted meanwhile (by another node): count from what is there.
	if json.Unmarshal(got, &f) != nil || now.After(f.Expires) {
		f = phantomSignIns{}
	}
	next := f.failed(now)
	v, _ = json.Marshal(next)
	return s.store.SetValueUntil(ctx, key, v, next.Expires)
}

// phantomSignIns reads a missing name's count (zero when there is none).
func (s *Service) phantomSignIns(ctx context.Context, key string, now time.Time) (phantomSignIns, error) {
	var f phantomSignIns
	b, err := s.store.GetValue(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return f, nil
	} else if err != nil {
		return f, err
	}
	if json.Unmarshal(b, &f) != nil || now.After(f.Expires) {
		f = phantomSignIns{}
	}
	return f, nil
}

// failed is the count after one more wrong sign-in at now, locked out as
// an existing user's count is (countFailure).
func (f phantomSignIns) failed(now time.Time) phantomSignIns {
	f.Failed++
	if n := f.Failed - freeFailures; n >= 0 {
		f.LockedUntil = now.Add(min(time.Second<<min(n, 10), maxLockout))
	}
	f.Expires = now.Add(phantomMemory)
	if f.LockedUntil.After(f.Expires) {
		f.Expires = f.LockedUntil
	}
	return f
}

// phantomMemory is how long a missing name's wrong sign-ins are counted
// after the last one.
const phantomMemory = 24 * time.Hour

// phantomSignIns is what the store keeps of a missing name's wrong
// sign-ins.
type phantomSignIns struct {
	Failed      int       `json:"n"`
	LockedUntil time.Time `json:"l"`
	Expires     time.Time `json:"e"`
}

// phantomKey is the store key of a missing name's wrong sign-ins: a hash,
// so that the store does not list the names tried.
func phantomKey(poolID, name string) string {
	sum := sha256.Sum256([]byte(poolID + "\x00" + name))
	return "users/phantom-signins/" + hex.EncodeToString(sum[:])
}
