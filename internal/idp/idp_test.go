package idp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

type fakeFetcher map[string][]byte

func (f fakeFetcher) FetchMetadata(_ context.Context, url string) ([]byte, error) {
	if b, ok := f[url]; ok {
		return b, nil
	}
	return nil, errors.New("HTTP 404")
}

type env struct {
	st     store.Store
	pools  *userpool.Service
	svc    *idp.Service
	sealer *secrets.Sealer
	clk    *fakeClock
	pool   string
	fetch  fakeFetcher
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	pools := userpool.New(st, userpool.Options{Clock: clk, Sealer: sealer})
	p, err := pools.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p", Schema: []cip.SchemaAttributeType{
		{Name: "fixed", AttributeDataType: "String", Mutable: new(false)},
		{Name: "dept", AttributeDataType: "String", Mutable: new(true)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, pools: pools, sealer: sealer, clk: clk, pool: p.UserPool.Id, fetch: fakeFetcher{}}
	e.svc = idp.New(st, idp.Options{Pools: pools, Clients: pools, Fetcher: e.fetch, Clock: clk, Sealer: sealer})
	pools.SetIdentityProviders(e.svc)
	return e
}

// idpMetadata is a SAML IdP's metadata with a fresh signing certificate.
func idpMetadata(t *testing.T, entityID string) (string, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	b64 := base64.StdEncoding.EncodeToString(der)
	return fmt.Sprintf(`<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
%s
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/sso/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`, entityID, b64), cert
}

func errType(err error) string {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Type()
	}
	return fmt.Sprint(err)
}

func TestContractLookups(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	md, cert := idpMetadata(t, "https://idp.example/entity")
	if _, err := e.svc.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "Corp", ProviderType: "SAML",
		ProviderDetails: map[string]string{"MetadataFile": md}, AttributeMapping: map[string]string{"email": "mail", "custom:dept": "department"},
		IdpIdentifiers: []string{"corp.example", "Corp"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "Google", ProviderType: "Google",
		ProviderDetails: map[string]string{"client_id": "gid", "client_secret": "gsecret", "authorize_scopes": "openid email"},
		IdpIdentifiers:  []string{"gmail.com"}}); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Provider(ctx, e.pool, "Corp")
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != "SAML" || p.Metadata == nil || p.Metadata.EntityID != "https://idp.example/entity" || p.Metadata.SSORedirectURL != "https://idp.example/sso" ||
		p.Metadata.SSOPostURL != "https://idp.example/sso/post" || p.Metadata.SLORedirectURL != "https://idp.example/slo" ||
		len(p.Metadata.SigningCerts) != 1 || !p.Metadata.SigningCerts[0].Equal(cert) {
		t.Fatalf("provider %+v metadata %+v", p, p.Metadata)
	}
	if _, ok := p.AttributeMapping["username"]; ok {
		t.Fatalf("a SAML provider maps no username: %v", p.AttributeMapping)
	}
	if _, err := e.svc.Provider(ctx, e.pool, "corp"); errType(err) != awserr.ResourceNotFound {
		t.Fatalf("unknown name: %v", err)
	}
	if got, err := e.svc.ProviderByIdentifier(ctx, e.pool, "Corp"); err != nil || got.Name != "Corp" {
		t.Fatalf("by identifier: %v %v", got, err)
	}
	if _, err := e.svc.ProviderByIdentifier(ctx, e.pool, "nobody"); errType(err) != awserr.ResourceNotFound {
		t.Fatalf("unknown identifier: %v", err)
	}
	for email, want := range map[string]string{"ann@corp.example": "Corp", "bob@CORP.example": "Corp", "eve@eu.corp.example": "", "carl@other.example": "", "dan@gmail.com": "", "bad": ""} {
		got, err := e.svc.ProviderForEmail(ctx, e.pool, email)
		switch {
		case want == "" && errType(err) != awserr.ResourceNotFound:
			t.Errorf("%s: want none, got %v %v", email, got, err)
		case want != "" && (err != nil || got.Name != want):
			t.Errorf("%s: want %s, got %v %v", email, want, got, err)
		}
	}
	list, err := e.svc.Providers(ctx, e.pool, []string{"COGNITO", "Google", "Gone", "Corp"})
	if err != nil || len(list) != 2 || list[0].Name != "Google" || list[1].Name != "Corp" {
		t.Fatalf("Providers: %v %v", list, err)
	}
	g := list[0]
	if g.Details["client_secret"] != "gsecret" || g.Details["authorize_url"] != "https://accounts.google.com/o/oauth2/v2/auth" || g.AttributeMapping["username"] != "sub" {
		t.Fatalf("google %+v", g)
	}
	mapped := p.MapAttributes(map[string][]string{"mail": {"ann@corp.example"}, "department": {"a", "b"}, "other": {"x"}})
	if len(mapped) != 2 || mapped["email"] != "ann@corp.example" || mapped["custom:dept"] != "a,b" {
		t.Fatalf("mapped %v", mapped)
	}
}

func TestSecretsSealedAtRest(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if _, err := e.svc.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "SignInWithApple", ProviderType: "SignInWithApple",
		ProviderDetails: map[string]string{"client_id": "a", "team_id": "T", "key_id": "K", "private_key": "APPLE-PRIVATE-KEY", "authorize_scopes": "email name"}}); err != nil {
		t.Fatal(err)
	}
	rec, err := e.st.GetIdentityProvider(ctx, e.pool, "SignInWithApple")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rec.Doc, []byte("APPLE-PRIVATE-KEY")) || !bytes.Contains(rec.Doc, []byte("sealed:")) {
		t.Fatalf("stored %s", rec.Doc)
	}
	p, err := e.svc.Provider(ctx, e.pool, "SignInWithApple")
	if err != nil || p.Details["private_key"] != "APPLE-PRIVATE-KEY" {
		t.Fatalf("%+v %v", p, err)
	}
	// Another key does not open it.
	other, _ := secrets.NewSealer(bytes.Repeat([]byte{8}, secrets.KeySize))
	o := idp.New(e.st, idp.Options{Pools: e.pools, Sealer: other})
	if _, err := o.Provider(ctx, e.pool, "SignInWithApple"); err == nil {
		t.Fatal("opened with another key")
	}
}

func TestSAMLKeysMadeOnceAndKept(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// Two nodes ask at once: both get the same keys.
	other := idp.New(e.st, idp.Options{Pools: e.pools, Clock: e.clk, Sealer: e.sealer})
	var wg sync.WaitGroup
	var certs [2]*x509.Certificate
	var encs [2]*x509.Certificate
	for i, s := range []*idp.Service{e.svc, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sig, enc, err := s.SAMLKeys(ctx, e.pool)
			if err != nil {
				t.Error(err)
				return
			}
			certs[i], encs[i] = sig.Cert, enc.Cert
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if !certs[0].Equal(certs[1]) || !encs[0].Equal(encs[1]) {
		t.Fatal("two nodes made different keys")
	}
	if certs[0].Equal(encs[0]) {
		t.Fatal("signing and encryption share a certificate")
	}
	c := certs[0]
	if c.Subject.CommonName != "urn:amazon:cognito:sp:"+e.pool || c.Issuer.CommonName != c.Subject.CommonName {
		t.Fatalf("subject %v issuer %v", c.Subject, c.Issuer)
	}
	if !c.NotBefore.Equal(e.clk.t) || c.NotAfter.Sub(c.NotBefore) != 10*365*24*time.Hour {
		t.Fatalf("validity %v - %v", c.NotBefore, c.NotAfter)
	}
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	// A third node reads what is stored; the private key is sealed there.
	third := idp.New(e.st, idp.Options{Pools: e.pools, Sealer: e.sealer})
	sig, _, err := third.SAMLKeys(ctx, e.pool)
	if err != nil || !sig.Cert.Equal(c) || !sig.Key.PublicKey.Equal(c.PublicKey) {
		t.Fatalf("third node: %v", err)
	}
	raw, err := e.st.GetValue(ctx, "idp/saml-keys/"+e.pool)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(sig.Key)
	if bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(der)[:40])) {
		t.Fatal("private key stored in the clear")
	}
	if _, _, err := e.svc.SAMLKeys(ctx, "us-east-1_nopenope0"); errType(err) != awserr.ResourceNotFound {
		t.Fatalf("missing pool: %v", err)
	}
}

func TestDetailsAndMappingRules(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	md, _ := idpMetadata(t, "urn:idp")
	e.fetch["https://idp.example/metadata"] = []byte(md)
	google := func() map[string]string {
		return map[string]string{"client_id": "a", "client_secret": "b", "authorize_scopes": "email"}
	}
	oidc := func() map[string]string {
		return map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://op.example"}
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "-" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	cases := []struct {
		name, typ, pname string
		details, mapping map[string]string
		ids              []string
		want             string
	}{
		{"google named otherwise", "Google", "MyGoogle", google(), nil, nil, awserr.InvalidParameter},
		{"oidc named COGNITO", "OIDC", "Cognito", oidc(), nil, nil, awserr.InvalidParameter},
		{"oidc named as a social type", "OIDC", "Facebook", oidc(), nil, nil, awserr.InvalidParameter},
		{"google without secret", "Google", "Google", with(google(), "client_secret", "-"), nil, nil, awserr.InvalidParameter},
		{"google unknown key", "Google", "Google", with(google(), "team_id", "x"), nil, nil, awserr.InvalidParameter},
		{"facebook bad version", "Facebook", "Facebook", with(google(), "api_version", "17"), nil, nil, awserr.InvalidParameter},
		{"apple without key", "SignInWithApple", "SignInWithApple", map[string]string{"client_id": "a", "team_id": "t", "key_id": "k", "authorize_scopes": "email"}, nil, nil, awserr.InvalidParameter},
		{"oidc without issuer", "OIDC", "Op", with(oidc(), "oidc_issuer", "-"), nil, nil, awserr.InvalidParameter},
		{"oidc bad method", "OIDC", "Op", with(oidc(), "attributes_request_method", "PUT"), nil, nil, awserr.InvalidParameter},
		{"oidc partial endpoints", "OIDC", "Op", with(oidc(), "authorize_url", "https://op.example/a"), nil, nil, awserr.InvalidParameter},
		{"oidc issuer not a URL", "OIDC", "Op", with(oidc(), "oidc_issuer", "op.example"), nil, nil, awserr.InvalidParameter},
		{"saml without metadata", "SAML", "Corp", map[string]string{}, nil, nil, awserr.InvalidParameter},
		{"saml both metadata", "SAML", "Corp", map[string]string{"MetadataFile": md, "MetadataURL": "https://idp.example/metadata"}, nil, nil, awserr.InvalidParameter},
		{"saml bad metadata", "SAML", "Corp", map[string]string{"MetadataFile": "<x/>"}, nil, nil, awserr.InvalidParameter},
		{"saml unreachable url", "SAML", "Corp", map[string]string{"MetadataURL": "https://idp.example/none"}, nil, nil, awserr.InvalidParameter},
		{"saml bad boolean", "SAML", "Corp", map[string]string{"MetadataFile": md, "IDPSignout": "yes"}, nil, nil, awserr.InvalidParameter},
		{"saml bad algorithm", "SAML", "Corp", map[string]string{"MetadataFile": md, "RequestSigningAlgorithm": "rsa-sha1"}, nil, nil, awserr.InvalidParameter},
		{"saml maps username", "SAML", "Corp", map[string]string{"MetadataFile": md}, map[string]string{"username": "uid"}, nil, awserr.InvalidParameter},
		{"maps unknown attribute", "Google", "Google", google(), map[string]string{"custom:nope": "x"}, nil, awserr.InvalidParameter},
		{"maps immutable attribute", "Google", "Google", google(), map[string]string{"custom:fixed": "x"}, nil, awserr.InvalidParameter},
		{"maps sub", "Google", "Google", google(), map[string]string{"sub": "sub"}, nil, awserr.InvalidParameter},
		{"duplicate identifiers", "Google", "Google", google(), nil, []string{"a", "a"}, awserr.InvalidParameter},
		{"saml by url", "SAML", "Corp", map[string]string{"MetadataURL": "https://idp.example/metadata", "IDPSignout": "true"}, map[string]string{"custom:dept": "dept", "email": "mail"}, []string{"corp"}, ""},
		{"facebook", "Facebook", "Facebook", google(), map[string]string{"username": "id"}, nil, ""},
		{"oidc explicit", "OIDC", "Op", with(oidc(), "authorize_url", "https://op.example/a", "token_url", "https://op.example/t", "jwks_uri", "https://op.example/k"), nil, nil, ""},
		{"identifier taken", "Google", "Google", google(), nil, []string{"corp"}, awserr.DuplicateProvider},
		{"name taken", "SAML", "Corp", map[string]string{"MetadataFile": md}, nil, nil, awserr.DuplicateProvider},
	}
	for _, c := range cases {
		_, err := e.svc.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderRequest{UserPoolId: e.pool, ProviderName: c.pname, ProviderType: c.typ,
			ProviderDetails: c.details, AttributeMapping: c.mapping, IdpIdentifiers: c.ids})
		if c.want == "" && err != nil || c.want != "" && errType(err) != c.want {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	d, err := e.svc.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "Facebook"})
	if err != nil {
		t.Fatal(err)
	}
	if pd := d.IdentityProvider.ProviderDetails; pd["api_version"] != "v17.0" || pd["token_url"] != "https://graph.facebook.com/v17.0/oauth/access_token" || pd["token_request_method"] != "GET" {
		t.Fatalf("facebook details %v", pd)
	}
	d, err = e.svc.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "Corp"})
	if err != nil {
		t.Fatal(err)
	}
	if pd := d.IdentityProvider.ProviderDetails; pd["MetadataURL"] != "https://idp.example/metadata" || pd["SSORedirectBindingURI"] != "https://idp.example/sso" ||
		pd["SLORedirectBindingURI"] != "https://idp.example/slo" || pd["MetadataFile"] != "" || pd["ActiveEncryptionCertificate"] != "" {
		t.Fatalf("saml details %v", pd)
	}
	// Encrypted responses show the pool's encryption certificate.
	up, err := e.svc.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderRequest{UserPoolId: e.pool, ProviderName: "Corp", ProviderDetails: map[string]string{"EncryptedResponses": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	_, enc, _ := e.svc.SAMLKeys(ctx, e.pool)
	if pd := up.IdentityProvider.ProviderDetails; pd["ActiveEncryptionCertificate"] != base64.StdEncoding.EncodeToString(enc.Cert.Raw) || pd["IDPSignout"] != "true" || pd["MetadataURL"] == "" {
		t.Fatalf("after update %v", pd)
	}
	if !strings.HasPrefix(up.IdentityProvider.AttributeMapping["email"], "mail") {
		t.Fatalf("mapping lost: %v", up.IdentityProvider.AttributeMapping)
	}
}

func TestProviderNeverPrintsItsSecrets(t *testing.T) {
	p := &idp.Provider{PoolID: "us-east-1_x", Name: "Google", Type: "Google", Details: map[string]string{"client_secret": "s3cr3t-value"}}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("p", "provider", p)
	out := buf.String() + fmt.Sprint(p) + fmt.Sprintf("%+v %v", p, p)
	if strings.Contains(out, "s3cr3t-value") || !strings.Contains(out, "Google") {
		t.Fatalf("printed %s", out)
	}
}
