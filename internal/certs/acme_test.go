package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/wire/acm"
)

func TestAcmeValidationCovers(t *testing.T) {
	v := func(exact, sub, wild string) acmeValidationDoc {
		return acmeValidationDoc{DomainName: "example.test", Status: acmeValidationValid, ExactDomain: exact, Subdomains: sub, Wildcards: wild}
	}
	cases := []struct {
		v    acmeValidationDoc
		name string
		want bool
	}{
		{v(scopeEnabled, scopeDisabled, scopeDisabled), "example.test", true},
		{v(scopeEnabled, scopeDisabled, scopeDisabled), "a.example.test", false},
		{v(scopeEnabled, scopeDisabled, scopeDisabled), "*.example.test", false},
		{v(scopeDisabled, scopeEnabled, scopeDisabled), "example.test", false},
		{v(scopeDisabled, scopeEnabled, scopeDisabled), "a.b.example.test", true},
		{v(scopeDisabled, scopeEnabled, scopeDisabled), "badexample.test", false},
		{v(scopeDisabled, scopeDisabled, scopeEnabled), "*.example.test", true},
		{v(scopeDisabled, scopeDisabled, scopeEnabled), "*.a.example.test", false},
		{v(scopeDisabled, scopeEnabled, scopeEnabled), "*.a.example.test", true},
		{acmeValidationDoc{DomainName: "example.test", Status: "INVALID", ExactDomain: scopeEnabled}, "example.test", false},
	}
	for _, c := range cases {
		if got := c.v.covers(c.name); got != c.want {
			t.Errorf("%+v covers %s: %v, want %v", c.v, c.name, got, c.want)
		}
	}
}

func problemType(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Type
	}
	return ""
}

// TestAcmeExpiryFollowsTheClock: an expired binding registers nobody, an
// order past its expiry is invalid and cannot be finalized, a nonce is
// spent once and expires after an hour.
func TestAcmeExpiryFollowsTheClock(t *testing.T) {
	f := newFixture(t)
	s := f.svc
	ep, err := s.CreateAcmeEndpoint(f.ctx, &acm.CreateAcmeEndpointRequest{AuthorizationBehavior: "PRE_APPROVED",
		CertificateAuthority: &acm.CertificateAuthority{PublicCertificateAuthority: &acm.PublicCertificateAuthority{}}})
	if err != nil {
		t.Fatal(err)
	}
	one := int64(1)
	eab, err := s.CreateAcmeExternalAccountBinding(f.ctx, &acm.CreateAcmeExternalAccountBindingRequest{AcmeEndpointArn: ep.AcmeEndpointArn,
		RoleArn: "arn:aws:iam::123456789012:role/r", Expiration: &acm.Expiration{Value: &one, Type: "HOURS"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAcmeDomainValidation(f.ctx, &acm.CreateAcmeDomainValidationRequest{AcmeEndpointArn: ep.AcmeEndpointArn, DomainName: "example.test",
		PrevalidationOptions: &acm.PrevalidationOptions{DnsPrevalidation: &acm.DnsPrevalidationOptions{}}}); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.parseScoped(f.ctx, acmeEABARNRE, "", eab.ExternalAccountBinding.AcmeExternalAccountBindingArn)
	epID, kid := ids[0], ids[1]
	if _, err := s.AcmeEABKey(f.ctx, epID, kid); err != nil {
		t.Fatalf("a fresh binding: %v", err)
	}
	acct, created, err := s.AcmeNewAccount(f.ctx, epID, `{"kty":"EC"}`, "thumb", nil, kid)
	if err != nil || !created {
		t.Fatalf("new account: %v %v", created, err)
	}
	o, err := s.AcmeNewOrder(f.ctx, epID, acct.ID, []string{"Example.Test."})
	if err != nil || o.Status != "ready" || len(o.Names) != 1 || o.Names[0] != "example.test" {
		t.Fatalf("order %+v %v", o, err)
	}
	n, err := s.AcmeNewNonce(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AcmeUseNonce(f.ctx, n); err != nil {
		t.Fatalf("first use of a nonce: %v", err)
	}
	if err := s.AcmeUseNonce(f.ctx, n); problemType(err) != "badNonce" {
		t.Fatalf("second use of a nonce: %v", err)
	}

	stale, err := s.AcmeNewNonce(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(time.Hour)
	if err := s.AcmeUseNonce(f.ctx, stale); problemType(err) != "badNonce" {
		t.Fatalf("a nonce an hour old: %v", err)
	}
	if _, err := s.AcmeEABKey(f.ctx, epID, kid); problemType(err) != "unauthorized" {
		t.Fatalf("an expired binding: %v", err)
	}
	f.advance(acmeOrderLife)
	got, err := s.AcmeOrderFor(f.ctx, epID, acct.ID, o.ID)
	if err != nil || got.Status != "invalid" {
		t.Fatalf("an expired order: %+v %v", got, err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "example.test"}, DNSNames: []string{"example.test"}}, key)
	if _, err := s.AcmeFinalize(f.ctx, epID, acct.ID, o.ID, csr); problemType(err) != "orderNotReady" {
		t.Fatalf("finalizing an expired order: %v", err)
	}
}
