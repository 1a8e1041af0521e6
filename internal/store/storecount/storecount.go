package storecount

import (
	"context"
	"maps"
	"sync"

	"github.com/gognito/gognito/internal/store"
)

// Store is a store.Store that counts its Get, List, Count and Update calls
// by method name. Other calls pass through uncounted.
type Store struct {
	store.Store
	mu     sync.Mutex
	counts map[string]int
	only   func(context.Context) bool
}

// New wraps st.
func New(st store.Store) *Store { return &Store{Store: st, counts: map[string]int{}} }

// Only counts just the calls whose context satisfies pred (nil: every
// call), e.g. the calls a request makes, without the background work's.
func (c *Store) Only(pred func(context.Context) bool) {
	c.mu.Lock()
	c.only = pred
	c.mu.Unlock()
}

func (c *Store) count(ctx context.Context, method string) {
	c.mu.Lock()
	if c.only != nil && !c.only(ctx) {
		c.mu.Unlock()
		return
	}
	c.counts[method]++
	c.mu.Unlock()
}

// Reset starts the counts over.
func (c *Store) Reset() {
	c.mu.Lock()
	clear(c.counts)
	c.mu.Unlock()
}

// Counts is a copy of the counts since the last Reset.
func (c *Store) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}

// Total is the number of counted calls since the last Reset.
func (c *Store) Total() int {
	n := 0
	for _, v := range c.Counts() {
		n += v
	}
	return n
}

var _ store.Store = (*Store)(nil)

// The updaters read the record they change: they count as reads.

func (c *Store) UpdateUserPool(ctx context.Context, id string, fn func(*store.UserPool) error) (store.UserPool, error) {
	c.count(ctx, "UpdateUserPool")
	return c.Store.UpdateUserPool(ctx, id, fn)
}

func (c *Store) UpdateAppClient(ctx context.Context, clientID string, fn func(*store.AppClient) error) (store.AppClient, error) {
	c.count(ctx, "UpdateAppClient")
	return c.Store.UpdateAppClient(ctx, clientID, fn)
}

func (c *Store) UpdateResourceServer(ctx context.Context, poolID, identifier string, fn func(*store.ResourceServer) error) (store.ResourceServer, error) {
	c.count(ctx, "UpdateResourceServer")
	return c.Store.UpdateResourceServer(ctx, poolID, identifier, fn)
}

func (c *Store) UpdateIdentityProvider(ctx context.Context, poolID, name string, fn func(*store.IdentityProvider) error) (store.IdentityProvider, error) {
	c.count(ctx, "UpdateIdentityProvider")
	return c.Store.UpdateIdentityProvider(ctx, poolID, name, fn)
}

func (c *Store) UpdateCertificate(ctx context.Context, arn string, fn func(*store.Certificate) error) (store.Certificate, error) {
	c.count(ctx, "UpdateCertificate")
	return c.Store.UpdateCertificate(ctx, arn, fn)
}

func (c *Store) UpdateDomain(ctx context.Context, key string, fn func(*store.Domain) error) (store.Domain, error) {
	c.count(ctx, "UpdateDomain")
	return c.Store.UpdateDomain(ctx, key, fn)
}

func (c *Store) UpdateUser(ctx context.Context, poolID, key string, fn func(*store.User) error) (store.User, error) {
	c.count(ctx, "UpdateUser")
	return c.Store.UpdateUser(ctx, poolID, key, fn)
}

func (c *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	c.count(ctx, "UpdateGroup")
	return c.Store.UpdateGroup(ctx, poolID, name, fn)
}
