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
	oneWinnerOthers(t, what, errs, store.ErrAlreadyExists)
}

// oneWinnerOthers checks that exactly one racer succeeded and every other
// one got want.
func oneWinnerOthers(t *testing.T, what string, errs []error, want error) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, want):
			t.Fatalf("%s: a racer failed with %v, want %v", what, err, want)
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

// testCustomDomainQuota checks CreateCustomDomain's quota, then races
// creations for the last place of a Region: one winner, the others
// refused with ErrQuotaExceeded, the quota not overrun.
func testCustomDomainQuota(t *testing.T, s store.Store) {
	ctx := context.Background()
	cert := newCert("arn:aws:acm:us-east-1:000000000000:certificate/q", "us-east-1")
	if err := s.CreateCertificate(ctx, cert); err != nil {
		t.Fatal(err)
	}
	custom := func(pool, region, name string) store.Domain {
		return store.Domain{Key: store.CustomDomainKey(name), Name: name, PoolID: pool, Region: region, Custom: true,
			CertificateARN: cert.ARN, Status: "CREATING", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	}
	pools := make([]string, racers+2)
	for i := range pools {
		pools[i] = mustCreatePool(t, s, fmt.Sprintf("us-east-1_QUOTA%04d", i)).ID
	}
	if err := s.CreateCustomDomain(ctx, custom(pools[0], "us-east-1", "q0.example.test"), 0); !errors.Is(err, store.ErrQuotaExceeded) {
		t.Fatalf("a quota of 0: %v", err)
	}
	if err := s.CreateCustomDomain(ctx, custom(pools[0], "us-east-1", "q0.example.test"), 2); err != nil {
		t.Fatal(err)
	}
	// Other Regions and prefix domains do not count.
	if err := s.CreateCustomDomain(ctx, custom(pools[1], "eu-west-1", "q1.example.test"), 1); err != nil {
		t.Fatalf("another Region's first custom domain: %v", err)
	}
	if err := s.CreateDomain(ctx, store.Domain{Key: store.PrefixDomainKey("us-east-1", "quota"), Name: "quota", PoolID: pools[1],
		Region: "us-east-1", Status: "CREATING", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	// The key stays unique under the quota.
	if err := s.CreateCustomDomain(ctx, custom(pools[1], "us-east-1", "q0.example.test"), 9); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("a taken name under the quota: %v", err)
	}
	errs := race(func(i int) error {
		return s.CreateCustomDomain(ctx, custom(pools[i+2], "us-east-1", fmt.Sprintf("race%d.example.test", i)), 2)
	})
	oneWinnerOthers(t, "the last custom domain", errs, store.ErrQuotaExceeded)
	if n, err := s.CountCustomDomains(ctx, "us-east-1"); err != nil || n != 2 {
		t.Fatalf("%d custom domains in us-east-1 (%v), want 2", n, err)
	}
}
