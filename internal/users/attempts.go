package users

import (
	"context"
	"hash/maphash"
	"sync"
)

// attemptLocks serialise the password checks of one user on this node
// (striped: a fixed number of mutexes, a user's chosen by a hash of its
// pool and key).
type attemptLocks struct {
	seed  maphash.Seed
	locks [256]sync.Mutex
}

func newAttemptLocks() *attemptLocks { return &attemptLocks{seed: maphash.MakeSeed()} }

func (l *attemptLocks) of(poolID, key string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(l.seed)
	h.WriteString(poolID)
	h.WriteByte(0)
	h.WriteString(key)
	return &l.locks[h.Sum64()%uint64(len(l.locks))]
}

// VerifyPassword checks a sign-in's proof of the password with check, one
// attempt at a time per user on this node. Under the user's lock the
// account is read again, so a lock-out that an attempt before it caused
// holds (concurrent wrong guesses cannot all pass the lock-out check
// before any of them is counted), and check sees the current verifier. A
// wrong proof is counted towards the lock-out.
//
// It returns the account as read under the lock and whether the proof was
// right; while the user is locked out it returns
// ErrPasswordAttemptsExceeded without calling check. Nodes check in
// parallel, so with N nodes up to N guesses can race one lock-out.
func (s *Service) VerifyPassword(ctx context.Context, a *Account, check func(*Account) bool) (*Account, bool, error) {
	mu := s.attempts.of(a.PoolID, a.Key)
	mu.Lock()
	defer mu.Unlock()
	rec, err := s.store.GetUser(ctx, a.PoolID, a.Key)
	if err != nil {
		return nil, false, userError(err)
	}
	u, err := decodeUser(rec)
	if err != nil {
		return nil, false, err
	}
	fresh := s.account(u)
	if err := s.Throttled(fresh); err != nil {
		return nil, false, err
	}
	if check(fresh) {
		return fresh, true, nil
	}
	if err := s.RecordSignIn(ctx, a.PoolID, a.Key, false); err != nil {
		return nil, false, err
	}
	return fresh, false, nil
}
