package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

func newCert(arn, region string) store.Certificate {
	return store.Certificate{ARN: arn, Region: region, DomainName: "auth.example.test", Status: "ISSUED", Type: "IMPORTED",
		NotAfter: t0.Add(24 * time.Hour), CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`), SealedKey: []byte{1, 2, 3}}
}

func testCertificates(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newCert("arn:aws:acm:us-east-1:000000000000:certificate/a", "us-east-1")
	b := newCert("arn:aws:acm:us-east-1:000000000000:certificate/b", "us-east-1")
	b.Type, b.NotAfter = "AMAZON_ISSUED", t0.Add(time.Hour)
	eu := newCert("arn:aws:acm:eu-west-1:000000000000:certificate/c", "eu-west-1")
	for _, c := range []store.Certificate{a, b, eu} {
		if err := s.CreateCertificate(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateCertificate(ctx, a); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := s.GetCertificate(ctx, a.ARN)
	if err != nil || got.DomainName != a.DomainName || string(got.SealedKey) != "\x01\x02\x03" || !got.NotAfter.Equal(a.NotAfter) {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, err := s.ListCertificates(ctx, "us-east-1", store.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].ARN != a.ARN {
		t.Fatalf("list page 1: %+v %v", list, err)
	}
	list, _ = s.ListCertificates(ctx, "us-east-1", store.Page{After: a.ARN})
	if len(list) != 1 || list[0].ARN != b.ARN {
		t.Fatalf("list page 2: %+v", list)
	}
	exp, err := s.ListExpiringCertificates(ctx, "AMAZON_ISSUED", t0.Add(2*time.Hour))
	if err != nil || len(exp) != 1 || exp[0].ARN != b.ARN {
		t.Fatalf("expiring: %+v %v", exp, err)
	}
	up, err := s.UpdateCertificate(ctx, a.ARN, func(c *store.Certificate) error {
		c.SealedKey, c.NotAfter, c.Region = []byte{9}, t0.Add(48*time.Hour), "elsewhere"
		return nil
	})
	if err != nil || up.Version != 2 || up.Region != "us-east-1" || string(up.SealedKey) != "\x09" {
		t.Fatalf("update: %+v %v", up, err)
	}
	if err := s.DeleteCertificate(ctx, eu.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCertificate(ctx, eu.ARN); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
	if err := s.DeleteCertificate(ctx, eu.ARN); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func testDomains(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_DOMAINS01")
	q := mustCreatePool(t, s, "us-east-1_DOMAINS02")
	cert := newCert("arn:aws:acm:us-east-1:000000000000:certificate/d", "us-east-1")
	if err := s.CreateCertificate(ctx, cert); err != nil {
		t.Fatal(err)
	}
	prefix := store.Domain{Key: store.PrefixDomainKey("us-east-1", "myapp"), Name: "myapp", PoolID: p.ID, Region: "us-east-1",
		Status: "CREATING", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	custom := store.Domain{Key: store.CustomDomainKey("auth.example.test"), Name: "auth.example.test", PoolID: p.ID, Region: "us-east-1",
		Custom: true, CertificateARN: cert.ARN, Status: "CREATING", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	for _, d := range []store.Domain{prefix, custom} {
		if err := s.CreateDomain(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// The key is unique, and a pool has one domain of each kind.
	other := prefix
	other.PoolID = q.ID
	if err := s.CreateDomain(ctx, other); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("taken prefix: %v", err)
	}
	second := prefix
	second.Key, second.Name = store.PrefixDomainKey("us-east-1", "second"), "second"
	if err := s.CreateDomain(ctx, second); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("second prefix on a pool: %v", err)
	}
	orphan := second
	orphan.PoolID = "us-east-1_missing"
	if err := s.CreateDomain(ctx, orphan); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("domain of a missing pool: %v", err)
	}
	nocert := custom
	nocert.Key, nocert.PoolID, nocert.CertificateARN = store.CustomDomainKey("x.example.test"), q.ID, "arn:aws:acm:us-east-1:000000000000:certificate/none"
	if err := s.CreateDomain(ctx, nocert); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("domain naming a missing certificate: %v", err)
	}

	got, err := s.GetDomain(ctx, custom.Key)
	if err != nil || !got.Custom || got.CertificateARN != cert.ARN || got.PoolID != p.ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	byPool, _ := s.ListDomainsByPool(ctx, p.ID)
	byCert, _ := s.ListDomainsByCertificate(ctx, cert.ARN)
	pending, _ := s.ListPendingDomains(ctx)
	all, _ := s.ListDomains(ctx, store.Page{})
	if len(byPool) != 2 || len(byCert) != 1 || len(pending) != 2 || len(all) != 2 {
		t.Fatalf("listings: pool %d cert %d pending %d all %d", len(byPool), len(byCert), len(pending), len(all))
	}
	if n, _ := s.CountCustomDomains(ctx, "us-east-1"); n != 1 {
		t.Fatalf("custom count %d", n)
	}

	// In use: neither the certificate nor the pool can go.
	if err := s.DeleteCertificate(ctx, cert.ARN); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("delete a certificate in use: %v", err)
	}
	if err := s.DeleteUserPool(ctx, p.ID); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("delete a pool with domains: %v", err)
	}

	up, err := s.UpdateDomain(ctx, custom.Key, func(d *store.Domain) error {
		d.Status, d.PoolID = "ACTIVE", q.ID // the pool cannot change
		return nil
	})
	if err != nil || up.Status != "ACTIVE" || up.PoolID != p.ID || up.Version != 2 {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := s.UpdateDomain(ctx, custom.Key, func(d *store.Domain) error {
		d.CertificateARN = "arn:aws:acm:us-east-1:000000000000:certificate/none"
		return nil
	}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update to a missing certificate: %v", err)
	}
	pending, _ = s.ListPendingDomains(ctx)
	if len(pending) != 1 || pending[0].Key != prefix.Key {
		t.Fatalf("pending after activation: %+v", pending)
	}
	for _, d := range []store.Domain{prefix, custom} {
		if err := s.DeleteDomain(ctx, d.Key); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteDomain(ctx, prefix.Key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if err := s.DeleteCertificate(ctx, cert.ARN); err != nil {
		t.Fatalf("delete a certificate no longer used: %v", err)
	}
	if err := s.DeleteUserPool(ctx, p.ID); err != nil {
		t.Fatalf("delete a pool without domains: %v", err)
	}
}

func testValues(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.GetValue(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing value: %v", err)
	}
	v, err := s.PutValueIfAbsent(ctx, "k", []byte("first"))
	if err != nil || string(v) != "first" {
		t.Fatalf("put: %q %v", v, err)
	}
	v, err = s.PutValueIfAbsent(ctx, "k", []byte("second"))
	if err != nil || string(v) != "first" {
		t.Fatalf("put if absent overwrote: %q %v", v, err)
	}
	if err := s.SetValue(ctx, "k", []byte("third")); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.GetValue(ctx, "k"); string(v) != "third" {
		t.Fatalf("set: %q", v)
	}
	for _, k := range []string{"nodes/a", "nodes/b", "nodesx", "node", "other/nodes/c", "nodes/ü"} {
		if err := s.SetValue(ctx, k, []byte("v-"+k)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListValues(ctx, "nodes/")
	if err != nil || len(got) != 3 || string(got["nodes/a"]) != "v-nodes/a" || string(got["nodes/ü"]) != "v-nodes/ü" || got["nodes/b"] == nil {
		t.Fatalf("list by prefix: %q %v", got, err)
	}
	if err := s.DeleteValue(ctx, "nodes/a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteValue(ctx, "nodes/a"); err != nil {
		t.Fatalf("deleting a missing value: %v", err)
	}
	if got, _ := s.ListValues(ctx, "nodes/"); len(got) != 2 || got["nodes/a"] != nil {
		t.Fatalf("after delete: %q", got)
	}
	if got, err := s.ListValues(ctx, "absent/"); err != nil || len(got) != 0 {
		t.Fatalf("no match: %q %v", got, err)
	}
}

// testExpiringValues: values stored with an expiry are purged by
// DeleteExpiredValues once it has passed, in batches of the given size and
// by several janitors at once; others stay.
func testExpiringValues(t *testing.T, s store.Store) {
	ctx := context.Background()
	past, future := t0.Add(-time.Hour), t0.Add(time.Hour)
	const expired = 2*racers + 3
	for i := range expired {
		if err := s.SetValueUntil(ctx, fmt.Sprintf("gone/%02d", i), []byte("x"), past.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetValueUntil(ctx, "later", []byte("x"), future); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValue(ctx, "forever", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if v, err := s.PutValueIfAbsentUntil(ctx, "used", []byte("first"), t0.Add(-time.Second)); err != nil || string(v) != "first" {
		t.Fatalf("put with an expiry: %q %v", v, err)
	}
	if v, err := s.PutValueIfAbsentUntil(ctx, "used", []byte("second"), future); err != nil || string(v) != "first" {
		t.Fatalf("put if absent with an expiry overwrote: %q %v", v, err)
	}
	// Set again: the new expiry (none, or a later one) holds.
	if err := s.SetValueUntil(ctx, "renewed", []byte("x"), past); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValueUntil(ctx, "renewed", []byte("y"), future); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValueUntil(ctx, "kept", []byte("x"), past); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValue(ctx, "kept", []byte("y")); err != nil {
		t.Fatal(err)
	}
	// An expired value reads as any other until it is purged.
	if v, err := s.GetValue(ctx, "gone/00"); err != nil || string(v) != "x" {
		t.Fatalf("an expired value before the purge: %q %v", v, err)
	}

	// A batch takes the oldest first and no more than its limit.
	n, err := s.DeleteExpiredValues(ctx, t0, 2)
	if err != nil || n != 2 {
		t.Fatalf("first batch: %d %v", n, err)
	}
	if got, _ := s.ListValues(ctx, "gone/"); len(got) != expired-2 || got["gone/00"] != nil || got["gone/01"] != nil {
		t.Fatalf("after the first batch: %d left", len(got))
	}
	// Janitors racing share the rest; each value goes once.
	var total atomic.Int64
	for _, err := range race(func(int) error {
		n, err := s.DeleteExpiredValues(ctx, t0, 2)
		total.Add(int64(n))
		return err
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for {
		n, err := s.DeleteExpiredValues(ctx, t0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		total.Add(int64(n))
	}
	if got := total.Load(); got != expired-2+1 { // and "used"
		t.Fatalf("%d values purged after the first batch, want %d", got, expired-1)
	}
	if got, _ := s.ListValues(ctx, "gone/"); len(got) != 0 {
		t.Fatalf("expired values left: %q", got)
	}
	for _, k := range []string{"later", "forever", "renewed", "kept"} {
		if _, err := s.GetValue(ctx, k); err != nil {
			t.Fatalf("%s was purged: %v", k, err)
		}
	}
	if _, err := s.GetValue(ctx, "used"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an expired put-if-absent value: %v", err)
	}
	// Once their time has passed, "later" and "renewed" go too; "forever" never does.
	if n, err := s.DeleteExpiredValues(ctx, future.Add(time.Hour), 100); err != nil || n != 2 {
		t.Fatalf("purge at a later time: %d %v", n, err)
	}
	if _, err := s.GetValue(ctx, "forever"); err != nil {
		t.Fatalf("a value without an expiry was purged: %v", err)
	}
}
