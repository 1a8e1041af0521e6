package users

import (
	"context"
	"sync"

	"github.com/gognito/gognito/internal/store"
)

type memoKey struct{}

// readMemo holds the pools and users one read-only request has read.
type readMemo struct {
	mu    sync.Mutex
	pools map[string]store.UserPool
	users map[[2]string]store.User
}

// WithReadMemo is a context in which the service reads each pool and each
// user from the store at most once. It is for read-only operations that
// look at the same records several times (GetUser checks that the access
// token's user still exists and is not signed out, then returns it: three
// reads of one user); what they return is what one read would have seen.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &readMemo{pools: map[string]store.UserPool{}, users: map[[2]string]store.User{}})
}

func (s *Service) getPoolRecord(ctx context.Context, id string) (store.UserPool, error) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	if m != nil {
		m.mu.Lock()
		rec, ok := m.pools[id]
		m.mu.Unlock()
		if ok {
			return rec, nil
		}
	}
	rec, err := s.store.GetUserPool(ctx, id)
	if err == nil && m != nil {
		m.mu.Lock()
		m.pools[id] = rec
		m.mu.Unlock()
	}
	return rec, err
}

func (s *Service) getUserRecord(ctx context.Context, poolID, key string) (store.User, error) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	k := [2]string{poolID, key}
	if m != nil {
		m.mu.Lock()
		rec, ok := m.users[k]
		m.mu.Unlock()
		if ok {
			return rec, nil
		}
	}
	rec, err := s.store.GetUser(ctx, poolID, key)
	if err == nil && m != nil {
		m.mu.Lock()
		m.users[k] = rec
		m.mu.Unlock()
	}
	return rec, err
}
