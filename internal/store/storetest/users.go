package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func newUser(poolID, key string) store.User {
	return store.User{PoolID: poolID, Username: key, Key: key, Sub: "sub-" + key, Status: "CONFIRMED", Enabled: true,
		CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`),
		Index:  map[string]string{"username": key, "email": key + "@example.com", "sub": "sub-" + key},
		Unique: map[string]string{"sub": "sub-" + key}}
}

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_USERS0001")
	u := newUser(p.ID, "alice")
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	var ue *store.UniqueError
	err := s.CreateUser(ctx, u)
	if !errors.Is(err, store.ErrAlreadyExists) || !errors.As(err, &ue) || ue.Attribute != "" {
		t.Fatalf("duplicate key: %v", err)
	}
	dupSub := newUser(p.ID, "bob")
	dupSub.Unique["sub"] = u.Sub
	err = s.CreateUser(ctx, dupSub)
	if !errors.As(err, &ue) || ue.Attribute != "sub" {
		t.Fatalf("duplicate unique value: %v", err)
	}
	if _, err := s.GetUser(ctx, p.ID, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused create left a user behind: %v", err)
	}
	if err := s.CreateUser(ctx, newUser("us-east-1_nothere", "x")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user of a missing pool: %v", err)
	}
	got, err := s.GetUser(ctx, p.ID, "alice")
	if err != nil || got.Sub != u.Sub || !got.Enabled || got.Index["email"] != "alice@example.com" || got.Unique["sub"] != u.Sub {
		t.Fatalf("get: %+v %v", got, err)
	}
	bySub, err := s.GetUserByUnique(ctx, p.ID, "sub", u.Sub)
	if err != nil || bySub.Key != "alice" {
		t.Fatalf("by unique: %+v %v", bySub, err)
	}
	if err := s.CreateUser(ctx, newUser(p.ID, "bob")); err != nil {
		t.Fatal(err)
	}
	// An update that would take another user's unique value changes nothing.
	_, err = s.UpdateUser(ctx, p.ID, "bob", func(x *store.User) error {
		x.Status, x.Unique["email"] = "CHANGED", "shared@example.com"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateUser(ctx, p.ID, "alice", func(x *store.User) error {
		x.Status, x.Unique["email"] = "CHANGED", "shared@example.com"
		return nil
	})
	if !errors.As(err, &ue) || ue.Attribute != "email" {
		t.Fatalf("unique clash on update: %v", err)
	}
	if a, _ := s.GetUser(ctx, p.ID, "alice"); a.Status != "CONFIRMED" || a.Version != 1 {
		t.Fatalf("refused update changed the user: %+v", a)
	}
	up, err := s.UpdateUser(ctx, p.ID, "alice", func(x *store.User) error {
		x.Enabled, x.Index["email"] = false, "new@example.com"
		delete(x.Index, "username")
		return nil
	})
	if err != nil || up.Enabled || up.Version != 2 {
		t.Fatalf("update: %+v %v", up, err)
	}
	found, _ := s.ListUsers(ctx, p.ID, &store.UserQuery{Attribute: "email", Value: "new@example.com"}, store.Page{})
	if len(found) != 1 || found[0].Key != "alice" {
		t.Fatalf("index not updated: %+v", found)
	}
	found, _ = s.ListUsers(ctx, p.ID, &store.UserQuery{Attribute: "email", Value: "alice@example.com"}, store.Page{})
	if len(found) != 0 {
		t.Fatalf("stale index row: %+v", found)
	}
	if err := s.DeleteUser(ctx, p.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, p.ID, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := s.GetUserByUnique(ctx, p.ID, "sub", u.Sub); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unique row outlived its user: %v", err)
	}
	// The sub of a deleted user is free again.
	if err := s.CreateUser(ctx, newUser(p.ID, "alice")); err != nil {
		t.Fatal(err)
	}
}

func testUserQueriesAndPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_USERS0002")
	other := mustCreatePool(t, s, "us-east-1_USERS0003")
	const n = 250
	for i := range n {
		u := newUser(p.ID, fmt.Sprintf("user%04d", i))
		u.Index["family_name"] = []string{"Smith", "Smithers", "Jones"}[i%3]
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateUser(ctx, newUser(other.ID, "user0001")); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.CountUsers(ctx, p.ID); c != n {
		t.Fatalf("count %d", c)
	}
	page := func(q *store.UserQuery, limit int) []string {
		var keys []string
		after := ""
		for range 1000 {
			us, err := s.ListUsers(ctx, p.ID, q, store.Page{After: after, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range us {
				if u.PoolID != p.ID {
					t.Fatalf("user of another pool listed: %+v", u)
				}
				keys = append(keys, u.Key)
			}
			if len(us) < limit {
				return keys
			}
			after = store.UserCursor(us[len(us)-1], q)
		}
		t.Fatal("paging did not end")
		return nil
	}
	assertDistinct := func(keys []string, want int) {
		t.Helper()
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Fatalf("%s listed twice", k)
			}
			seen[k] = true
		}
		if len(keys) != want {
			t.Fatalf("listed %d, want %d", len(keys), want)
		}
	}
	assertDistinct(page(nil, 60), n)
	smithPrefix := page(&store.UserQuery{Attribute: "family_name", Value: "Smith", Prefix: true}, 7)
	assertDistinct(smithPrefix, 167) // Smith (84) + Smithers (83)
	assertDistinct(page(&store.UserQuery{Attribute: "family_name", Value: "Smith"}, 9), 84)
	assertDistinct(page(&store.UserQuery{Attribute: "email", Value: "user0042@example.com"}, 60), 1)
	assertDistinct(page(&store.UserQuery{Attribute: "email", Value: "nobody"}, 60), 0)
}

func testGroups(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_GROUPS001")
	for _, name := range []string{"admins", "readers", "writers"} {
		if err := s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: name, CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: "admins", Doc: []byte(`{}`)}); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate group: %v", err)
	}
	for _, k := range []string{"ann", "ben"} {
		if err := s.CreateUser(ctx, newUser(p.ID, k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"admins", "ann"}, {"readers", "ann"}, {"readers", "ben"}, {"readers", "ben"}} {
		if err := s.AddUserToGroup(ctx, p.ID, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddUserToGroup(ctx, p.ID, "nogroup", "ann"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing group: %v", err)
	}
	if err := s.AddUserToGroup(ctx, p.ID, "admins", "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
	gs, _ := s.ListGroupsForUser(ctx, p.ID, "ann", store.Page{})
	if len(gs) != 2 || gs[0].Name != "admins" || gs[1].Name != "readers" {
		t.Fatalf("groups for ann: %+v", gs)
	}
	us, _ := s.ListUsersInGroup(ctx, p.ID, "readers", store.Page{Limit: 1})
	if len(us) != 1 || us[0].Key != "ann" {
		t.Fatalf("readers page 1: %+v", us)
	}
	us, _ = s.ListUsersInGroup(ctx, p.ID, "readers", store.Page{After: "ann"})
	if len(us) != 1 || us[0].Key != "ben" || us[0].Index["email"] != "ben@example.com" {
		t.Fatalf("readers page 2: %+v", us)
	}
	if err := s.RemoveUserFromGroup(ctx, p.ID, "readers", "ann"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountGroupsForUser(ctx, p.ID, "ann"); n != 1 {
		t.Fatalf("ann in %d groups", n)
	}
	if _, err := s.UpdateGroup(ctx, p.ID, "admins", func(g *store.Group) error { g.Doc = []byte(`{"Precedence":1}`); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, p.ID, "ben"); err != nil {
		t.Fatal(err)
	}
	if us, _ := s.ListUsersInGroup(ctx, p.ID, "readers", store.Page{}); len(us) != 0 {
		t.Fatalf("a deleted user is still a member: %+v", us)
	}
	if err := s.DeleteGroup(ctx, p.ID, "admins"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountGroupsForUser(ctx, p.ID, "ann"); n != 0 {
		t.Fatal("a deleted group still has members")
	}
	if gs, _ := s.ListGroups(ctx, p.ID, store.Page{}); len(gs) != 2 {
		t.Fatalf("groups left %d", len(gs))
	}
	if err := s.DeleteGroup(ctx, p.ID, "admins"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func testOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		user := "ann"
		if i%2 == 1 {
			user = "ben"
		}
		if _, err := s.AddMessage(ctx, store.Message{PoolID: "us-east-1_OUTBOX001", Username: user, Kind: "SIGN_UP", Medium: "EMAIL",
			Destination: user + "@example.com", Subject: "code", Body: fmt.Sprintf("code %d", i), CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := s.ListMessages(ctx, store.MessageFilter{PoolID: "us-east-1_OUTBOX001", Username: "ann"})
	if err != nil || len(ms) != 3 || ms[0].Body != "code 4" || ms[2].Body != "code 0" {
		t.Fatalf("ann's messages (newest first): %+v %v", ms, err)
	}
	ms, _ = s.ListMessages(ctx, store.MessageFilter{Limit: 2})
	if len(ms) != 2 || ms[0].ID <= ms[1].ID {
		t.Fatalf("limited listing: %+v", ms)
	}
	ms, _ = s.ListMessages(ctx, store.MessageFilter{AfterID: ms[0].ID})
	if len(ms) != 0 {
		t.Fatalf("after the newest: %+v", ms)
	}
}
