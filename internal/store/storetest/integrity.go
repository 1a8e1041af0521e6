package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// RawExecer is what a backend's test build adds so that the suite can break
// the database behind the store's back: Exec runs one SQL statement with
// foreign keys not enforced.
type RawExecer interface {
	ExecUnchecked(ctx context.Context, sql string) error
}

// fillForIntegrity stores one of every kind of record and link.
func fillForIntegrity(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_INTEGRITY")
	for _, k := range []string{"ann", "bob"} {
		u := newUser(p.ID, k)
		u.Unique["alias:email"] = k + "@example.com"
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: "staff", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUserToGroup(ctx, p.ID, "staff", "ann"); err != nil {
		t.Fatal(err)
	}
	cert := newCert("arn:aws:acm:us-east-1:000000000000:certificate/i", "us-east-1")
	if err := s.CreateCertificate(ctx, cert); err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Domain{
		{Key: store.PrefixDomainKey("us-east-1", "integrity"), Name: "integrity", PoolID: p.ID, Region: "us-east-1", Status: "ACTIVE", Doc: []byte(`{}`)},
		{Key: store.CustomDomainKey("auth.integrity.test"), Name: "auth.integrity.test", PoolID: p.ID, Region: "us-east-1", Custom: true,
			CertificateARN: cert.ARN, Status: "ACTIVE", Doc: []byte(`{}`)},
	} {
		if err := s.CreateDomain(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
}

// testIntegrityFindsBrokenInvariants breaks each kind of invariant in a
// fresh store and expects CheckIntegrity to name it.
func testIntegrityFindsBrokenInvariants(t *testing.T, newStore NewStore) {
	cases := []struct {
		name, sql, want string
	}{
		{"orphaned unique value", `DELETE FROM users WHERE key = 'bob'`, "unique value of a missing user"},
		{"orphaned member", `DELETE FROM groups WHERE name = 'staff'`, "group member of a missing group"},
		{"sub mismatch", `UPDATE user_unique SET value = 'forged' WHERE attr = 'sub' AND user_key = 'ann'`, "recorded sub differs from the user's"},
		{"shared sub", `UPDATE users SET sub = 'same'`, "sub held by two users"},
		{"domain key", `UPDATE domains SET name = 'elsewhere.test' WHERE key = 'custom/auth.integrity.test'`, "domain key not matching its name"},
		{"missing certificate", `DELETE FROM certificates`, "domain naming a missing certificate"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			s := newStore(t)
			raw, ok := s.(RawExecer)
			if !ok {
				t.Fatalf("%T does not implement storetest.RawExecer in its tests", s)
			}
			fillForIntegrity(t, s)
			ctx := context.Background()
			if err := s.CheckIntegrity(ctx); err != nil {
				t.Fatalf("before breaking it: %v", err)
			}
			if err := raw.ExecUnchecked(ctx, tc.sql); err != nil {
				t.Fatal(err)
			}
			err := s.CheckIntegrity(ctx)
			var ie *store.IntegrityError
			if !errors.As(err, &ie) || !strings.Contains(strings.Join(ie.Problems, "\n"), tc.want) {
				t.Fatalf("after %s: %v; want a problem %q", tc.sql, err, tc.want)
			}
		})
	}
}
