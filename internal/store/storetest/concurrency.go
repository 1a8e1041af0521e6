package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// racers is how many goroutines race for one write.
const racers = 8

// race runs fn in racers goroutines released together and returns each one's
// error.
func race(fn func(i int) error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one racer succeeded and every other one got
// ErrAlreadyExists.
func oneWinner(t *testing.T, what string, errs []error) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrAlreadyExists):
			t.Fatalf("%s: a racer failed with %v, want ErrAlreadyExists", what, err)
		}
	}
	if won != 1 {
		t.Fatalf("%s: %d racers succeeded, want exactly 1", what, won)
	}
}

// testConcurrentCreates races creations of one user (same name, and same
// unique attribute under other names), one group and one domain: one
// winner each, the others refused, no duplicate stored.
func testConcurrentCreates(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_RACE00001")

	oneWinner(t, "same username", race(func(int) error { return s.CreateUser(ctx, newUser(p.ID, "sam")) }))
	oneWinner(t, "same unique attribute", race(func(i int) error {
		u := newUser(p.ID, fmt.Sprintf("twin%d", i))
		u.Unique = map[string]string{"email": "twin@example.com"}
		return s.CreateUser(ctx, u)
	}))
	if n, err := s.CountUsers(ctx, p.ID); err != nil || n != 2 {
		t.Fatalf("%d users stored (%v), want 2", n, err)
	}

	oneWinner(t, "same group", race(func(int) error {
		return s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: "admins", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)})
	}))
	oneWinner(t, "same domain", race(func(int) error {
		return s.CreateDomain(ctx, store.Domain{Key: store.PrefixDomainKey("us-east-1", "race"), Name: "race", PoolID: p.ID,
			Region: "us-east-1", Status: "CREATING", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)})
	}))
}

// testConcurrentUserChanges races updates of one user and group changes on
// it: every update lands, every membership is kept.
func testConcurrentUserChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_RACE00002")
	if err := s.CreateUser(ctx, newUser(p.ID, "pat")); err != nil {
		t.Fatal(err)
	}
	for i := range racers {
		if err := s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: fmt.Sprintf("g%d", i), CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	errs := race(func(i int) error {
		if _, err := s.UpdateUser(ctx, p.ID, "pat", func(u *store.User) error {
			u.Doc = append(u.Doc[:len(u.Doc):len(u.Doc)], ' ')
			return nil
		}); err != nil {
			return err
		}
		return s.AddUserToGroup(ctx, p.ID, fmt.Sprintf("g%d", i), "pat")
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.GetUser(ctx, p.ID, "pat")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(u.Doc) - len(`{}`); n != racers {
		t.Fatalf("%d of %d updates landed", n, racers)
	}
	if n, err := s.CountGroupsForUser(ctx, p.ID, "pat"); err != nil || n != racers {
		t.Fatalf("%d of %d memberships kept (%v)", n, racers, err)
	}
}
