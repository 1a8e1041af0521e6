package users_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// countingStore counts the pool and user reads that reach the store.
type countingStore struct {
	store.Store
	pools, users atomic.Int64
}

func (c *countingStore) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	c.pools.Add(1)
	return c.Store.GetUserPool(ctx, id)
}

func (c *countingStore) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	c.users.Add(1)
	return c.Store.GetUser(ctx, poolID, key)
}

func TestReadMemo(t *testing.T) {
	svc, st, _, pool, _ := setup(t)
	ctx := context.Background()
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "ana", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	counted := users.New(cs, users.Options{})
	read := func(ctx context.Context) {
		for range 3 {
			if a, err := counted.Account(ctx, pool, "ana"); err != nil || a.Username != "ana" {
				t.Fatalf("Account: %v", err)
			}
		}
		if _, err := counted.Account(ctx, pool, "bob"); err == nil {
			t.Fatal("a user that does not exist was found")
		}
	}
	read(ctx)
	if cs.pools.Load() != 4 || cs.users.Load() != 4 {
		t.Fatalf("without a memo: %d pool and %d user reads, want 4 and 4", cs.pools.Load(), cs.users.Load())
	}
	cs.pools.Store(0)
	cs.users.Store(0)
	read(users.WithReadMemo(ctx))
	// One read each for ana and the pool; a miss is not remembered.
	if cs.pools.Load() != 1 || cs.users.Load() != 2 {
		t.Fatalf("with a memo: %d pool and %d user reads, want 1 and 2", cs.pools.Load(), cs.users.Load())
	}
}
