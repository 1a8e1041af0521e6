package users

import (
	"context"
	"sync"
	"time"
)

// Phantoms: what this node remembers of usernames that do not exist, for
// the app clients that hide who exists (PreventUserExistenceErrors). A
// missing user then gets the answers an existing one would: the lock-out
// after repeated wrong passwords, and ConfirmForgotPassword's expired code
// before a reset was asked for, mismatches and the attempt limit after.
// Kept in memory, bounded; with N nodes each counts its own.

const maxPhantoms = 10_000

type phantom struct {
	failedSignIns int
	lockedUntil   time.Time
	forgotUntil   time.Time // a made-up reset code "sent", valid until
	codeAttempts  int
	touched       time.Time
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

// UnknownSignIn counts a wrong sign-in of a username the pool does not
// have, for a client that hides who exists, as a wrong password of an
// existing user is counted: it answers ErrPasswordAttemptsExceeded while
// the name is locked out, nil otherwise (the caller then answers the
// sign-in as a wrong password).
func (s *Service) UnknownSignIn(ctx context.Context, poolID, username string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	s.phantoms.mu.Lock()
	defer s.phantoms.mu.Unlock()
	now := s.now()
	f := s.phantoms.get(p, username, now)
	if now.Before(f.lockedUntil) {
		return ErrPasswordAttemptsExceeded()
	}
	f.failedSignIns++
	if n := f.failedSignIns - freeFailures; n >= 0 {
		f.lockedUntil = now.Add(min(time.Second<<min(n, 10), maxLockout))
	}
	return nil
}
