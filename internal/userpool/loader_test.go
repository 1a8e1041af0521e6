package userpool_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storecount"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testSealer(t *testing.T) *secrets.Sealer {
	t.Helper()
	key := make([]byte, secrets.KeySize)
	for i := range key {
		key[i] = byte(i * 7)
	}
	s, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// announcements records what a service announces.
type announcements struct {
	mu   sync.Mutex
	keys []string
}

func (a *announcements) add(k string) { a.mu.Lock(); a.keys = append(a.keys, k); a.mu.Unlock() }

func (a *announcements) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := a.keys
	a.keys = nil
	return k
}

// The loader reads a pool and a client once, hands out the same view until
// a change, drops it on a change made through it and announces the change;
// a second service on the same store (another node) sees the change once it
// is told (Invalidate), and not before.
func TestLoaderCachesInvalidatesAndAnnounces(t *testing.T) {
	ctx := context.Background()
	counted := storecount.New(openStore(t))
	var ann announcements
	sealer := testSealer(t)
	a := userpool.New(counted, userpool.Options{Sealer: sealer, Announce: ann.add})
	b := userpool.New(counted, userpool.Options{Sealer: sealer}) // another node
	pool := must[*cip.CreateUserPoolResponse](t)(a.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})).UserPool
	cl := must[*cip.CreateUserPoolClientResponse](t)(a.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: pool.Id, ClientName: "c",
		GenerateSecret: ptr(true), ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})).UserPoolClient
	if got := ann.take(); !slices.Equal(got, []string{"pool/" + pool.Id, "client/" + cl.ClientId}) {
		t.Fatalf("announced %v", got)
	}

	counted.Reset()
	for range 3 {
		for _, s := range []*userpool.Service{a, b} {
			p := must[*userpool.Pool](t)(s.Pool(ctx, pool.Id))
			c := must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
			if p.Name != "p" || c.ClientSecret != cl.ClientSecret || c.UserPoolId != pool.Id {
				t.Fatalf("views: %+v %+v", p, c)
			}
		}
	}
	// A kept the pool CreateUserPoolClient loaded; B reads it once; each
	// reads the client once.
	if got := counted.Counts(); got["GetUserPool"] != 1 || got["GetAppClient"] != 2 || len(got) != 2 {
		t.Fatalf("reads of two nodes, three times each: %v", got)
	}
	if c1, c2 := must[*userpool.Client](t)(a.Client(ctx, cl.ClientId)), must[*userpool.Client](t)(a.Client(ctx, cl.ClientId)); c1 != c2 {
		t.Fatal("the same client decoded twice")
	}

	// A change through A: A sees it at once, B once told.
	must[*cip.UpdateUserPoolClientResponse](t)(a.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientRequest{UserPoolId: pool.Id, ClientId: cl.ClientId,
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}))
	keys := ann.take()
	if !slices.Equal(keys, []string{"client/" + cl.ClientId}) {
		t.Fatalf("announced %v", keys)
	}
	if c := must[*userpool.Client](t)(a.Client(ctx, cl.ClientId)); !slices.Contains(c.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH") || c.ClientSecret != cl.ClientSecret {
		t.Fatalf("A after the change: %v", c.ExplicitAuthFlows)
	}
	if c := must[*userpool.Client](t)(b.Client(ctx, cl.ClientId)); slices.Contains(c.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH") {
		t.Fatal("B changed without being told: the test does not test the cache")
	}
	for _, k := range keys {
		b.Invalidate(k)
	}
	if c := must[*userpool.Client](t)(b.Client(ctx, cl.ClientId)); !slices.Contains(c.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH") {
		t.Fatalf("B after Invalidate: %v", c.ExplicitAuthFlows)
	}

	// The password policy, through UpdateUserPool.
	must[*cip.UpdateUserPoolResponse](t)(a.UpdateUserPool(ctx, &cip.UpdateUserPoolRequest{UserPoolId: pool.Id,
		Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{MinimumLength: ptr(int32(12))}}}))
	for _, k := range ann.take() {
		b.Invalidate(k)
	}
	for _, s := range []*userpool.Service{a, b} {
		if p := must[*userpool.Pool](t)(s.Pool(ctx, pool.Id)); *p.Policies.PasswordPolicy.MinimumLength != 12 {
			t.Fatalf("minimum length %d", *p.Policies.PasswordPolicy.MinimumLength)
		}
	}

	// Deleting the pool drops its clients too ("pool/<id>" covers them).
	must[*struct{}](t)(a.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: pool.Id}))
	for _, k := range ann.take() {
		b.Invalidate(k)
	}
	for _, s := range []*userpool.Service{a, b} {
		if _, err := s.Pool(ctx, pool.Id); !awserr.Is(err, awserr.ResourceNotFound) || err.Error() == "" {
			t.Fatalf("deleted pool: %v", err)
		}
		if _, err := s.Client(ctx, cl.ClientId); !awserr.Is(err, awserr.ResourceNotFound) {
			t.Fatalf("client of a deleted pool: %v", err)
		}
	}
	// Invalidate("") drops everything.
	b.Invalidate("")
}

// Readers racing with writers never see a torn view, and once the last
// write is acknowledged every later read sees it (run with -race).
func TestLoaderConcurrentUpdateAndRead(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s := userpool.New(st, userpool.Options{Sealer: testSealer(t)})
	pool := must[*cip.CreateUserPoolResponse](t)(s.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})).UserPool
	cl := must[*cip.CreateUserPoolClientResponse](t)(s.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: pool.Id, ClientName: "c0", GenerateSecret: ptr(true)})).UserPoolClient

	const writers, rounds, readers = 2, 15, 4
	stop := make(chan struct{})
	var readersDone sync.WaitGroup
	for range readers {
		readersDone.Add(1)
		go func() {
			defer readersDone.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := s.Client(ctx, cl.ClientId)
				if err != nil {
					t.Error(err)
					return
				}
				// A view is whole: its name and its flows come from one write.
				if want := "c-" + c.ExplicitAuthFlows[0]; c.ClientName != "c0" && c.ClientName != want {
					t.Errorf("torn view: %s with %v", c.ClientName, c.ExplicitAuthFlows)
					return
				}
				if c.ClientSecret != cl.ClientSecret {
					t.Error("the secret changed")
					return
				}
				if p, err := s.Pool(ctx, pool.Id); err != nil || p.Id != pool.Id {
					t.Errorf("pool: %v", err)
					return
				}
			}
		}()
	}
	var writersDone sync.WaitGroup
	for w := range writers {
		writersDone.Add(1)
		go func() {
			defer writersDone.Done()
			for i := range rounds {
				flows := []string{[]string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH"}[(w+i)%3], "ALLOW_REFRESH_TOKEN_AUTH"}
				if _, err := s.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientRequest{UserPoolId: pool.Id, ClientId: cl.ClientId,
					ClientName: "c-" + flows[0], ExplicitAuthFlows: flows}); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.UpdateUserPool(ctx, &cip.UpdateUserPoolRequest{UserPoolId: pool.Id,
					Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{MinimumLength: ptr(int32(8 + i))}}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	writersDone.Wait()
	// The last acknowledged write wins, whatever the readers kept.
	last := must[*cip.UpdateUserPoolClientResponse](t)(s.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientRequest{UserPoolId: pool.Id, ClientId: cl.ClientId,
		ClientName: "c-ALLOW_USER_PASSWORD_AUTH", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}})).UserPoolClient
	must[*cip.UpdateUserPoolResponse](t)(s.UpdateUserPool(ctx, &cip.UpdateUserPoolRequest{UserPoolId: pool.Id,
		Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{MinimumLength: ptr(int32(99))}}}))
	for range 50 {
		c := must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
		p := must[*userpool.Pool](t)(s.Pool(ctx, pool.Id))
		if c.ClientName != last.ClientName || !slices.Equal(c.ExplicitAuthFlows, last.ExplicitAuthFlows) || *p.Policies.PasswordPolicy.MinimumLength != 99 {
			t.Fatalf("after the last write: %s %v min %d", c.ClientName, c.ExplicitAuthFlows, *p.Policies.PasswordPolicy.MinimumLength)
		}
	}
	close(stop)
	readersDone.Wait()
}

// The clock of the options stamps what the service writes.
func TestServiceClock(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2030, 1, 2, 3, 4, 5, 678_900_000, time.UTC)
	s := userpool.New(openStore(t), userpool.Options{Clock: clock.Func(func() time.Time { return at })})
	p := must[*cip.CreateUserPoolResponse](t)(s.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})).UserPool
	if !p.CreationDate.Time.Equal(at.Truncate(time.Millisecond)) {
		t.Fatalf("created %v", p.CreationDate)
	}
	v := must[*userpool.Pool](t)(s.Pool(ctx, p.Id))
	if !v.CreationDate.Equal(at.Truncate(time.Millisecond)) || !v.LastModifiedDate.Equal(v.CreationDate) {
		t.Fatalf("stored %v %v", v.CreationDate, v.LastModifiedDate)
	}
}

func ptr[T any](v T) *T { return &v }
