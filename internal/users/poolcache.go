package users

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// maxDecodedPools bounds the cache of decoded pools; past it the cache
// starts over.
const maxDecodedPools = 1024

// poolCache keeps each pool's configuration decoded, next to the stored
// document it came from: a pool is read on every operation, and decoding
// its JSON was a third of a GetUser's CPU. The stored document is still
// read every time and compared byte for byte, so a change made by any
// node is seen at once. The decoded pools are shared: read-only.
type poolCache struct {
	mu    sync.Mutex
	pools map[string]decodedPool
}

type decodedPool struct {
	doc  []byte
	pool *pool
}

// decode is the pool whose stored document is doc.
func (c *poolCache) decode(id string, doc []byte) (*pool, error) {
	c.mu.Lock()
	d, ok := c.pools[id]
	c.mu.Unlock()
	if ok && bytes.Equal(d.doc, doc) {
		return d.pool, nil
	}
	var v struct {
		Pool     cip.UserPoolType        `json:"Pool"`
		EmailMfa *cip.EmailMfaConfigType `json:"EmailMfa"`
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("users: decoding pool %s: %w", id, err)
	}
	p := &pool{ID: id, Config: v.Pool, EmailMfa: v.EmailMfa}
	c.mu.Lock()
	if c.pools == nil || len(c.pools) >= maxDecodedPools {
		c.pools = map[string]decodedPool{}
	}
	c.pools[id] = decodedPool{doc: bytes.Clone(doc), pool: p}
	c.mu.Unlock()
	return p, nil
}
