package userpool

import (
	"context"
	"strings"
	"sync"
	"time"
)

// The loader: every package that needs a pool's or an app client's
// configuration gets it here, decoded once and kept (the client's secret
// opened once). A change made through this node drops what it changed at
// once and is announced (Options.Announce) so that the other nodes of a
// shared database drop it too (Invalidate); cacheMaxAge bounds how long an
// announcement lost on the way could leave another node behind.

// Keys of the announcements: "pool/<id>" and "client/<id>" ("" is
// everything).
const (
	poolKeyPrefix   = "pool/"
	clientKeyPrefix = "client/"
)

const (
	// maxCached bounds each of the caches; past it a cache starts over.
	maxCached = 4096
	// cacheMaxAge is how long a loaded pool or client is used without
	// reading it again.
	cacheMaxAge = time.Minute
)

type cached[T any] struct {
	v      *T
	loaded time.Time // by the machine's monotonic clock
}

type cache struct {
	mu      sync.Mutex
	gen     uint64 // counts invalidations: a load that saw one in flight is not kept
	pools   map[string]cached[Pool]
	clients map[string]cached[Client]
}

func newCache() *cache {
	return &cache{pools: map[string]cached[Pool]{}, clients: map[string]cached[Client]{}}
}

func lookup[T any](c *cache, m map[string]cached[T], id string) (*T, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := m[id]; ok && time.Since(e.loaded) < cacheMaxAge {
		return e.v, 0
	}
	return nil, c.gen
}

func keep[T any](c *cache, m *map[string]cached[T], id string, v *T, gen uint64, loaded time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return // changed meanwhile: what was read may be older than the change
	}
	if len(*m) >= maxCached {
		*m = map[string]cached[T]{}
	}
	(*m)[id] = cached[T]{v: v, loaded: loaded}
}

// Pool is a pool's configuration, with its MFA settings: a shared,
// read-only view. A pool that does not exist is Cognito's
// ResourceNotFoundException.
func (s *Service) Pool(ctx context.Context, id string) (*Pool, error) {
	p, gen := lookup(s.cache, s.cache.pools, id)
	if p != nil {
		return p, nil
	}
	loaded := time.Now()
	rec, err := s.store.GetUserPool(ctx, id)
	if err != nil {
		return nil, poolError(err, id)
	}
	p, err = decodePoolDoc(rec.ID, rec.Doc)
	if err != nil {
		return nil, err
	}
	p.wire = p.state()
	keep(s.cache, &s.cache.pools, id, p, gen, loaded)
	return p, nil
}

// Client is an app client's configuration, its secret in the clear: a
// shared, read-only view. A client that does not exist is Cognito's
// ResourceNotFoundException.
func (s *Service) Client(ctx context.Context, clientID string) (*Client, error) {
	c, gen := lookup(s.cache, s.cache.clients, clientID)
	if c != nil {
		return c, nil
	}
	loaded := time.Now()
	rec, err := s.store.GetAppClient(ctx, clientID)
	if err != nil {
		return nil, clientError(err, clientID)
	}
	c, err = decodeClientDoc(rec.ID, rec.Doc)
	if err != nil {
		return nil, err
	}
	if err := openClient(s.sealer, c); err != nil {
		return nil, err
	}
	w := c.Wire()
	if w.RefreshTokenRotation == nil { // stored before rotation was built
		w.RefreshTokenRotation = refreshRotation(nil)
	}
	c.wire = &w
	keep(s.cache, &s.cache.clients, clientID, c, gen, loaded)
	return c, nil
}

// PoolTier is a pool's feature plan (LITE, ESSENTIALS, PLUS).
func (s *Service) PoolTier(ctx context.Context, poolID string) (string, error) {
	p, err := s.Pool(ctx, poolID)
	if err != nil {
		return "", err
	}
	return p.UserPoolTier, nil
}

// CheckPool answers Cognito's ResourceNotFoundException when the pool
// does not exist.
func (s *Service) CheckPool(ctx context.Context, poolID string) error {
	_, err := s.Pool(ctx, poolID)
	return err
}

// CheckClient answers Cognito's ResourceNotFoundException when the app
// client does not exist in the pool (a deleted client's tokens are
// refused).
func (s *Service) CheckClient(ctx context.Context, poolID, clientID string) error {
	c, err := s.Client(ctx, clientID)
	if err != nil {
		return err
	}
	if c.UserPoolId != poolID {
		return clientNotFound(clientID)
	}
	return nil
}

// ChangeTopic is the cluster topic on which a node announces the pools and
// clients it changed (the keys of Options.Announce), so that the other
// nodes Invalidate them.
const ChangeTopic = "userpool"

// Invalidate drops what the loader keeps of key ("pool/<id>" also drops
// the pool's clients; "" drops everything). The composition root calls it
// with what other nodes announce.
func (s *Service) Invalidate(key string) {
	c := s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	switch {
	case key == "":
		c.pools, c.clients = map[string]cached[Pool]{}, map[string]cached[Client]{}
	case strings.HasPrefix(key, poolKeyPrefix):
		id := strings.TrimPrefix(key, poolKeyPrefix)
		delete(c.pools, id)
		for k, e := range c.clients {
			if e.v.UserPoolId == id {
				delete(c.clients, k)
			}
		}
	case strings.HasPrefix(key, clientKeyPrefix):
		delete(c.clients, strings.TrimPrefix(key, clientKeyPrefix))
	default:
		c.pools, c.clients = map[string]cached[Pool]{}, map[string]cached[Client]{}
	}
}

// changed drops key here and announces it to the other nodes.
func (s *Service) changed(key string) {
	s.Invalidate(key)
	if s.announce != nil {
		s.announce(key)
	}
}

func poolKey(id string) string   { return poolKeyPrefix + id }
func clientKey(id string) string { return clientKeyPrefix + id }

// ClientPool is the id of an app client's pool.
func (s *Service) ClientPool(ctx context.Context, clientID string) (string, error) {
	c, err := s.Client(ctx, clientID)
	if err != nil {
		return "", err
	}
	return c.UserPoolId, nil
}
