package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// ExpiryBackfill checks the migration that lets values expire on records
// written before it: open opens the store (migrating it), undo takes the
// closed database back to the schema before that migration. Old marks of
// used codes and node records get an hour, old revocations the longest
// refresh token and a day, anything else no expiry.
func ExpiryBackfill(t *testing.T, open func() store.Store, undo func()) {
	ctx := context.Background()
	s := open()
	for _, k := range []string{"oauth-code-used/c", "revoked-token/r", "nodes/n", "ca/root"} {
		if err := s.SetValue(ctx, k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	undo()
	s = open()
	defer s.Close()
	now := time.Now()
	if n, err := s.DeleteExpiredValues(ctx, now.Add(59*time.Minute), 10); err != nil || n != 0 {
		t.Fatalf("within the hour: %d %v", n, err)
	}
	if n, err := s.DeleteExpiredValues(ctx, now.Add(61*time.Minute), 10); err != nil || n != 2 {
		t.Fatalf("after the hour (the code and the node): %d %v", n, err)
	}
	if n, err := s.DeleteExpiredValues(ctx, now.Add(3650*24*time.Hour+23*time.Hour), 10); err != nil || n != 0 {
		t.Fatalf("before the longest refresh token and a day: %d %v", n, err)
	}
	if n, err := s.DeleteExpiredValues(ctx, now.Add(3652*24*time.Hour), 10); err != nil || n != 1 {
		t.Fatalf("after the longest refresh token (the revocation): %d %v", n, err)
	}
	if _, err := s.GetValue(ctx, "ca/root"); err != nil {
		t.Fatalf("a record that never expires: %v", err)
	}
}
