package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// Bench measures the store methods on the hot paths of the API (a sign-in
// reads the client, the pool and the user; AdminCreateUser and a password
// change write a user; ListUsers pages) on a pool of 1,000 users, with 8
// concurrent callers where requests run concurrently. A backend's benchmark
// is a few lines: storetest.Bench(b, open).
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	ctx := context.Background()
	s := open(b)
	const users = 1000
	pool := NewPool("us-east-1_Bench")
	if err := s.CreateUserPool(ctx, pool); err != nil {
		b.Fatal(err)
	}
	client := store.AppClient{ID: "benchclient", PoolID: pool.ID, Name: "bench", CreatedAt: t0, UpdatedAt: t0, Version: 1, Doc: []byte(`{"ClientName":"bench"}`)}
	if err := s.CreateAppClient(ctx, client); err != nil {
		b.Fatal(err)
	}
	user := func(i int) store.User {
		k := fmt.Sprintf("user%07d", i)
		sub := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		email := k + "@example.com"
		return store.User{PoolID: pool.ID, Key: k, Username: k, Sub: sub, Status: "CONFIRMED", Enabled: true, CreatedAt: t0, UpdatedAt: t0,
			Doc:    []byte(`{"Attributes":[{"Name":"sub","Value":"` + sub + `"},{"Name":"email","Value":"` + email + `"}]}`),
			Index:  map[string]string{"username": k, "email": email, "sub": sub, "cognito:user_status": "CONFIRMED", "status": "Enabled"},
			Unique: map[string]string{"sub": sub, "alias:email": email}}
	}
	for i := range users {
		if err := s.CreateUser(ctx, user(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetParallelism(4)
	b.Run("GetUser", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1)) * 7919 % users
				if _, err := s.GetUser(ctx, pool.ID, fmt.Sprintf("user%07d", i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("SignInReads", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1)) * 7919 % users
				if _, err := s.GetAppClient(ctx, client.ID); err != nil {
					b.Fatal(err)
				}
				if _, err := s.GetUserPool(ctx, pool.ID); err != nil {
					b.Fatal(err)
				}
				if _, err := s.GetUser(ctx, pool.ID, fmt.Sprintf("user%07d", i)); err != nil {
					b.Fatal(err)
				}
				if _, err := s.ListGroupsForUser(ctx, pool.ID, fmt.Sprintf("user%07d", i), store.Page{Limit: 60}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("GetUserByUnique", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1)) * 7919 % users
				if _, err := s.GetUserByUnique(ctx, pool.ID, "alias:email", fmt.Sprintf("user%07d@example.com", i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("ListUsersLimit60", func(b *testing.B) {
		for b.Loop() {
			out, err := s.ListUsers(ctx, pool.ID, nil, store.Page{Limit: 60})
			if err != nil || len(out) != 60 {
				b.Fatal(len(out), err)
			}
		}
	})
	b.Run("ListUsersByEmail", func(b *testing.B) {
		i := 0
		for b.Loop() {
			q := &store.UserQuery{Attribute: "email", Value: fmt.Sprintf("user%07d@example.com", i*7919%users)}
			out, err := s.ListUsers(ctx, pool.ID, q, store.Page{Limit: 60})
			if err != nil || len(out) != 1 {
				b.Fatal(len(out), err)
			}
			i++
		}
	})
	b.Run("UpdateUser", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1)) * 7919 % users
				if _, err := s.UpdateUser(ctx, pool.ID, fmt.Sprintf("user%07d", i), func(u *store.User) error {
					u.UpdatedAt = u.UpdatedAt.Add(1)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	var created atomic.Int64 // across the runs of the sub-benchmark
	b.Run("CreateUser", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.CreateUser(ctx, user(users+int(created.Add(1)))); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("SetValueUntil", func(b *testing.B) {
		var seq atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.SetValueUntil(ctx, fmt.Sprintf("bench/%d", seq.Add(1)), []byte("v"), t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
