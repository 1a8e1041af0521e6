package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// Concurrent write transactions share commits; each still fails or
// succeeds on its own, and what succeeded is there after a reopen.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gognito.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "us-east-1_P", Name: "p", Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	user := func(i int) store.User {
		k := fmt.Sprintf("u%03d", i)
		return store.User{PoolID: "us-east-1_P", Key: k, Username: k, Sub: "sub-" + k, Status: "CONFIRMED", Enabled: true, Doc: []byte(`{}`),
			Unique: map[string]string{"alias:email": k + "@example.com"}}
	}
	// Users that exist before: the writes that repeat their key or their
	// unique email are refused.
	pre := func(i int) store.User {
		u := user(i)
		u.Key, u.Username, u.Sub, u.Unique = "pre"+u.Key, "pre"+u.Username, "pre"+u.Sub, map[string]string{"alias:email": "pre" + u.Unique["alias:email"]}
		return u
	}
	const n = 200
	for i := range n {
		if err := s.CreateUser(ctx, pre(i)); err != nil {
			t.Fatal(err)
		}
	}
	wrote := func(i int) store.User {
		u := user(i)
		switch i % 10 {
		case 3:
			u.Key, u.Username = pre(i).Key, pre(i).Username
		case 7:
			u.Unique = pre(i).Unique
		}
		return u
	}
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.CreateUser(ctx, wrote(i))
		}()
	}
	// A panicking transaction among them reaches its caller only.
	var recovered any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { recovered = recover() }()
		s.inTx(ctx, func(tx *sql.Tx) error {
			tx.ExecContext(ctx, `INSERT INTO kv (key, value, updated_at) VALUES ('panicked', x'00', 0)`)
			panic("boom")
		})
	}()
	wg.Wait()
	if recovered != "boom" {
		t.Fatalf("the panic came back as %v", recovered)
	}
	if s.commits.shared.Load() == 0 {
		t.Fatal("no transactions shared a commit")
	}
	ok := 0
	for i, err := range results {
		refused := i%10 == 3 || i%10 == 7
		if refused && !errors.Is(err, store.ErrAlreadyExists) || !refused && err != nil {
			t.Fatalf("user %d: %v", i, err)
		}
		if err == nil {
			ok++
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, user(999)); !errors.Is(err, errClosed) {
		t.Fatalf("a write after Close: %v", err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.CountUsers(ctx, "us-east-1_P"); err != nil || got != n+ok {
		t.Fatalf("%d users stored, %d acknowledged (%v)", got, ok, err)
	}
	for i := range n {
		_, err := s.GetUser(ctx, "us-east-1_P", user(i).Key)
		if (results[i] == nil) != (err == nil) && i%10 != 3 {
			t.Fatalf("user %d: acknowledged %v, stored %v", i, results[i], err)
		}
	}
	if _, err := s.GetValue(ctx, "panicked"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the panicking transaction's write was kept: %v", err)
	}
	// A caller whose context is done gets its error and writes nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.CreateUser(cctx, user(500)); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled write: %v", err)
	}
}
