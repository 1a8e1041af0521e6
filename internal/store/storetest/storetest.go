// Package storetest is the conformance suite every store backend must pass.
// A backend's test is a few lines: storetest.Run(t, newStore).
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// NewStore returns a fresh, empty store for one subtest.
type NewStore func(t *testing.T) store.Store

// Run runs the whole suite.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"UserPoolCRUD", testUserPoolCRUD},
		{"UserPoolPaging", testUserPoolPaging},
		{"AppClientCRUD", testAppClientCRUD},
		{"ResourceServerCRUD", testResourceServerCRUD},
		{"IdentityProviders", testIdentityProviders},
		{"DeletePoolCascades", testDeletePoolCascades},
		{"UpdaterErrorChangesNothing", testUpdaterError},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"ConcurrentCreatesHaveOneWinner", testConcurrentCreates},
		{"ConcurrentUserChangesLoseNothing", testConcurrentUserChanges},
		{"CustomDomainQuota", testCustomDomainQuota},
		{"Certificates", testCertificates},
		{"Domains", testDomains},
		{"Values", testValues},
		{"ExpiringValues", testExpiringValues},
		{"Users", testUsers},
		{"UserQueriesAndPaging", testUserQueriesAndPaging},
		{"Groups", testGroups},
		{"Outbox", testOutbox},
		{"Integrity", func(t *testing.T, s store.Store) {
			if err := s.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			fillForIntegrity(t, s)
		}},
	}
	for _, tc := range tests {
		// Whatever a subtest leaves behind passes the integrity check.
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			tc.fn(t, s)
			if err := s.CheckIntegrity(context.Background()); err != nil {
				t.Fatalf("integrity check after the test: %v", err)
			}
		})
	}
	t.Run("IntegrityFindsBrokenInvariants", func(t *testing.T) { testIntegrityFindsBrokenInvariants(t, newStore) })
}

var t0 = time.UnixMilli(1_700_000_000_123).UTC()

// NewPool builds a pool record for tests.
func NewPool(id string) store.UserPool {
	return store.UserPool{ID: id, Name: "pool-" + id, CreatedAt: t0, UpdatedAt: t0, Version: 1,
		Doc: []byte(fmt.Sprintf(`{"Id":%q}`, id))}
}

func mustCreatePool(t *testing.T, s store.Store, id string) store.UserPool {
	t.Helper()
	p := NewPool(id)
	if err := s.CreateUserPool(context.Background(), p); err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return p
}

func testUserPoolCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_AAAAAAAAA")
	if err := s.CreateUserPool(ctx, p); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate create: got %v, want ErrAlreadyExists", err)
	}
	got, err := s.GetUserPool(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != p.Name || string(got.Doc) != string(p.Doc) || !got.CreatedAt.Equal(t0) || got.Version != 1 {
		t.Fatalf("got %+v, want %+v", got, p)
	}
	if _, err := s.GetUserPool(ctx, "us-east-1_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get missing: %v", err)
	}
	t1 := t0.Add(time.Hour)
	up, err := s.UpdateUserPool(ctx, p.ID, func(u *store.UserPool) error {
		u.Name, u.UpdatedAt, u.Doc = "renamed", t1, []byte(`{"x":1}`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.Name != "renamed" {
		t.Fatalf("update returned %+v", up)
	}
	got, _ = s.GetUserPool(ctx, p.ID)
	if got.Name != "renamed" || string(got.Doc) != `{"x":1}` || !got.UpdatedAt.Equal(t1) || !got.CreatedAt.Equal(t0) || got.Version != 2 {
		t.Fatalf("after update: %+v", got)
	}
	if _, err := s.UpdateUserPool(ctx, "us-east-1_missing", func(*store.UserPool) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
	if n, err := s.CountUserPools(ctx); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUserPool(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.GetUserPool(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
}

func testUserPoolPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	want := map[string]bool{}
	for i := range 7 {
		id := fmt.Sprintf("us-east-1_P%08d", i)
		mustCreatePool(t, s, id)
		want[id] = true
	}
	var seen []string
	after := ""
	for range 10 {
		page, err := s.ListUserPools(ctx, store.Page{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 3 {
			t.Fatalf("page of %d > limit", len(page))
		}
		for _, p := range page {
			seen = append(seen, p.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d pools, want 7: %v", len(seen), seen)
	}
	for i, id := range seen {
		if !want[id] {
			t.Fatalf("unexpected %s", id)
		}
		if i > 0 && seen[i-1] >= id {
			t.Fatalf("not ordered: %v", seen)
		}
	}
	all, err := s.ListUserPools(ctx, store.Page{})
	if err != nil || len(all) != 7 {
		t.Fatalf("unlimited list: %d, %v", len(all), err)
	}
}

func testAppClientCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_CCCCCCCCC")
	c := store.AppClient{ID: "abcdefghijklmnopqrstuvwxyz", PoolID: p.ID, Name: "web", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	if err := s.CreateAppClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAppClient(ctx, c); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	orphan := c
	orphan.ID, orphan.PoolID = "zzzzzzzzzzzzzzzzzzzzzzzzzz", "us-east-1_nothere"
	if err := s.CreateAppClient(ctx, orphan); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("client of a missing pool: %v", err)
	}
	got, err := s.GetAppClient(ctx, c.ID)
	if err != nil || got.PoolID != p.ID || got.Name != "web" || got.Version != 1 {
		t.Fatalf("get: %+v %v", got, err)
	}
	up, err := s.UpdateAppClient(ctx, c.ID, func(x *store.AppClient) error {
		x.Name, x.PoolID = "mobile", "us-east-1_elsewhere" // the pool cannot change
		return nil
	})
	if err != nil || up.Name != "mobile" || up.PoolID != p.ID || up.Version != 2 {
		t.Fatalf("update: %+v %v", up, err)
	}
	for i := range 4 {
		x := c
		x.ID = fmt.Sprintf("client%020d", i)
		if err := s.CreateAppClient(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListAppClients(ctx, p.ID, store.Page{Limit: 2})
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %d %v", len(list), err)
	}
	rest, err := s.ListAppClients(ctx, p.ID, store.Page{After: list[1].ID})
	if err != nil || len(rest) != 3 {
		t.Fatalf("rest: %d %v", len(rest), err)
	}
	if n, _ := s.CountAppClients(ctx, p.ID); n != 5 {
		t.Fatalf("count %d", n)
	}
	if err := s.DeleteAppClient(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAppClient(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted client: %v", err)
	}
	if err := s.DeleteAppClient(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func testResourceServerCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_RRRRRRRRR")
	r := store.ResourceServer{PoolID: p.ID, Identifier: "https://api.example.com", Name: "api", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{"Scopes":[]}`)}
	if err := s.CreateResourceServer(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateResourceServer(ctx, r); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := s.GetResourceServer(ctx, p.ID, r.Identifier)
	if err != nil || got.Name != "api" || string(got.Doc) != string(r.Doc) {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := s.GetResourceServer(ctx, "us-east-1_other", r.Identifier); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other pool: %v", err)
	}
	if _, err := s.UpdateResourceServer(ctx, p.ID, r.Identifier, func(x *store.ResourceServer) error { x.Name = "api2"; return nil }); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListResourceServers(ctx, p.ID, store.Page{})
	if err != nil || len(list) != 1 || list[0].Name != "api2" || list[0].Version != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := s.DeleteResourceServer(ctx, p.ID, r.Identifier); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteResourceServer(ctx, p.ID, r.Identifier); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func testDeletePoolCascades(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_DDDDDDDDD")
	keep := mustCreatePool(t, s, "us-east-1_KKKKKKKKK")
	for _, pool := range []string{p.ID, keep.ID} {
		c := store.AppClient{ID: "c" + pool[len(pool)-9:] + "0000000000000000", PoolID: pool, Name: "c", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
		if err := s.CreateAppClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		r := store.ResourceServer{PoolID: pool, Identifier: "rs", Name: "rs", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
		if err := s.CreateResourceServer(ctx, r); err != nil {
			t.Fatal(err)
		}
		idp := store.IdentityProvider{PoolID: pool, Name: "corp", Type: "SAML", Identifiers: []string{"corp.example"}, CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
		if err := s.CreateIdentityProvider(ctx, idp); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountAppClients(ctx, p.ID); n != 0 {
		t.Fatalf("%d clients left behind", n)
	}
	if n, _ := s.CountResourceServers(ctx, p.ID); n != 0 {
		t.Fatalf("%d resource servers left behind", n)
	}
	if n, _ := s.CountIdentityProviders(ctx, p.ID); n != 0 {
		t.Fatalf("%d identity providers left behind", n)
	}
	if _, err := s.GetIdentityProviderByIdentifier(ctx, p.ID, "corp.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("identifier of a deleted pool's provider: %v", err)
	}
	if n, _ := s.CountAppClients(ctx, keep.ID); n != 1 {
		t.Fatalf("other pool lost its client")
	}
	if got, err := s.GetIdentityProviderByIdentifier(ctx, keep.ID, "corp.example"); err != nil || got.Name != "corp" {
		t.Fatalf("other pool lost its identity provider: %+v %v", got, err)
	}
}

func testUpdaterError(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_EEEEEEEEE")
	boom := errors.New("boom")
	_, err := s.UpdateUserPool(ctx, p.ID, func(u *store.UserPool) error {
		u.Name = "changed"
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("updater error not returned: %v", err)
	}
	got, _ := s.GetUserPool(ctx, p.ID)
	if got.Name != p.Name || got.Version != 1 {
		t.Fatalf("failed update changed the pool: %+v", got)
	}
}

// testConcurrentUpdates checks that read-modify-write through an updater is
// atomic: N concurrent increments all land.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_FFFFFFFFF")
	const workers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := s.UpdateUserPool(ctx, p.ID, func(u *store.UserPool) error {
					u.Doc = append(u.Doc[:len(u.Doc):len(u.Doc)], '.')
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, _ := s.GetUserPool(ctx, p.ID)
	if got.Version != 1+workers*each {
		t.Fatalf("version %d, want %d: updates were lost", got.Version, 1+workers*each)
	}
	if n := len(got.Doc) - len(p.Doc); n != workers*each {
		t.Fatalf("%d appends landed, want %d", n, workers*each)
	}
}
