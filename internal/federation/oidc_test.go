package federation

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gognito/gognito/internal/clock"
)

// fakeOP is a minimal provider whose ID tokens the test shapes, to reach
// every refusal of verifyIDToken (the e2e tests use a real OP).
type fakeOP struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	claims   map[string]any // the next ID token's claims
	form     url.Values     // the last token request
	userinfo map[string]any
	method   string // the last userinfo method
	hits     map[string]int
}

func newFakeOP(t *testing.T) *fakeOP {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	f := &fakeOP{key: k, hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		f.hits["discovery"]++
		json.NewEncoder(w).Encode(map[string]string{"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/auth",
			"token_endpoint": f.srv.URL + "/token", "userinfo_endpoint": f.srv.URL + "/userinfo", "jwks_uri": f.srv.URL + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		f.hits["keys"]++
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.form = r.PostForm
		if r.PostForm.Get("code") != "good" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant","error_description":"bad code"}`))
			return
		}
		s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: f.key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
		tok, _ := jwt.Signed(s).Claims(f.claims).Serialize()
		json.NewEncoder(w).Encode(map[string]string{"access_token": "at", "id_token": tok, "token_type": "Bearer"})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		f.method = r.Method
		if r.Header.Get("Authorization") != "Bearer at" {
			w.WriteHeader(401)
			return
		}
		json.NewEncoder(w).Encode(f.userinfo)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOP) good(now time.Time) map[string]any {
	return map[string]any{"iss": f.srv.URL, "aud": "cid", "sub": "u1", "nonce": "n1", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "email": "a@example.com"}
}

func TestExchangeVerifiesTheIDToken(t *testing.T) {
	f := newFakeOP(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rp := New(Options{Clock: clock.Func(func() time.Time { return now })})
	cfg := Config{Type: TypeOIDC, Details: map[string]string{"client_id": "cid", "client_secret": "sec", "oidc_issuer": f.srv.URL,
		"authorize_scopes": "openid email", "attributes_request_method": "POST"}}
	ctx := context.Background()

	u, err := rp.AuthorizeURL(ctx, cfg, "https://d/oauth2/idpresponse", "st", "n1", "")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	if pu.Path != "/auth" || pu.Query().Get("nonce") != "n1" || pu.Query().Get("scope") != "openid email" || pu.Query().Get("state") != "st" {
		t.Fatalf("authorize URL %s", u)
	}

	f.claims = f.good(now)
	f.userinfo = map[string]any{"sub": "u1", "name": "Ann", "email_verified": true, "groups": []any{"a", "b"}}
	id, err := rp.Exchange(ctx, cfg, "https://d/oauth2/idpresponse", "good", "n1", "")
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "u1" || id.Claims["email"][0] != "a@example.com" || id.Claims["name"][0] != "Ann" ||
		id.Claims["email_verified"][0] != "true" || len(id.Claims["groups"]) != 2 {
		t.Fatalf("identity %+v", id)
	}
	if f.method != http.MethodPost || f.form.Get("client_secret") != "sec" || f.form.Get("redirect_uri") != "https://d/oauth2/idpresponse" {
		t.Fatalf("method %s form %v", f.method, f.form)
	}
	if f.hits["discovery"] != 1 {
		t.Fatalf("discovery fetched %d times, want once (cached)", f.hits["discovery"])
	}

	refuse := func(name string, mutate func(m map[string]any), nonce, want string) {
		t.Helper()
		f.claims = f.good(now)
		mutate(f.claims)
		_, err := rp.Exchange(ctx, cfg, "https://d/oauth2/idpresponse", "good", nonce, "")
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Description, want) {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
	}
	refuse("nonce", func(m map[string]any) { m["nonce"] = "other" }, "n1", "nonce")
	refuse("audience", func(m map[string]any) { m["aud"] = "someone-else" }, "n1", "audience")
	refuse("issuer", func(m map[string]any) { m["iss"] = "https://evil" }, "n1", "issuer")
	refuse("expired", func(m map[string]any) { m["exp"] = now.Add(-time.Hour).Unix() }, "n1", "expired")
	refuse("no expiry", func(m map[string]any) { delete(m, "exp") }, "n1", "expiry")
	refuse("subject", func(m map[string]any) { m["sub"] = "u2" }, "n1", "subject")
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	f.claims = f.good(now) // signed by a key the provider's JWKS does not hold, under its kid
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: other}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	forged, _ := jwt.Signed(s).Claims(f.claims).Serialize()
	e, _ := rp.endpoints(ctx, cfg)
	if _, err := rp.verifyIDToken(ctx, cfg, e, forged, "n1"); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("forged signature: %v", err)
	}
	_, err = rp.Exchange(ctx, cfg, "https://d/oauth2/idpresponse", "bad", "n1", "")
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("provider error: %v", err)
	}
}

func TestExplicitEndpointsAndOverride(t *testing.T) {
	f := newFakeOP(t)
	now := time.Now()
	rp := New(Options{Clock: clock.Func(func() time.Time { return now }), Overrides: map[string]Endpoints{TypeGoogle: {Issuer: f.srv.URL}}})
	ctx := context.Background()
	explicit := Config{Type: TypeOIDC, Details: map[string]string{"client_id": "cid", "oidc_issuer": f.srv.URL, "authorize_url": f.srv.URL + "/auth",
		"token_url": f.srv.URL + "/token", "attributes_url": f.srv.URL + "/userinfo", "jwks_uri": f.srv.URL + "/keys"}}
	f.claims, f.userinfo = f.good(now), map[string]any{"sub": "u1"}
	if _, err := rp.Exchange(ctx, explicit, "r", "good", "n1", ""); err != nil {
		t.Fatal(err)
	}
	if f.hits["discovery"] != 0 || f.method != http.MethodGet || f.form.Has("client_secret") {
		t.Fatalf("explicit endpoints: discovery %d, method %s, form %v", f.hits["discovery"], f.method, f.form)
	}
	g := Config{Type: TypeGoogle, Details: map[string]string{"client_id": "cid", "client_secret": "s", "authorize_scopes": "openid email"}}
	u, err := rp.AuthorizeURL(ctx, g, "r", "st", "n1", "")
	if err != nil || !strings.HasPrefix(u, f.srv.URL+"/auth?") {
		t.Fatalf("Google override: %s %v", u, err)
	}
	if _, err := rp.Exchange(ctx, g, "r", "good", "n1", ""); err != nil {
		t.Fatal(err)
	}
	// Facebook: no ID token is read; the user is the profile's id, the
	// scopes comma-separated, the profile's fields asked for.
	fb := New(Options{Overrides: map[string]Endpoints{TypeFacebook: {AuthorizeURL: f.srv.URL + "/auth", TokenURL: f.srv.URL + "/token",
		AttributesURL: f.srv.URL + "/userinfo?fields="}}})
	fbc := Config{Type: TypeFacebook, Details: map[string]string{"client_id": "cid", "client_secret": "s", "authorize_scopes": "public_profile,email"}}
	u, err = fb.AuthorizeURL(ctx, fbc, "r", "st", "n1", "")
	if pu, _ := url.Parse(u); err != nil || pu.Query().Get("scope") != "public_profile,email" || pu.Query().Has("nonce") {
		t.Fatalf("Facebook authorize URL %s %v", u, err)
	}
	f.claims, f.userinfo = map[string]any{"garbage": true}, map[string]any{"id": "fb-1", "email": "f@example.com"}
	id, err := fb.Exchange(ctx, fbc, "r", "good", "", "")
	if err != nil || id.Subject != "fb-1" || id.Claims["email"][0] != "f@example.com" || id.Claims["sub"][0] != "fb-1" {
		t.Fatalf("Facebook: %+v %v", id, err)
	}

	// PKCE: the challenge goes out, the verifier comes with the code.
	f.claims, f.userinfo = f.good(now), map[string]any{"sub": "u1"}
	u, _ = rp.AuthorizeURL(ctx, explicit, "r", "st", "n1", "the-verifier")
	if pu, _ := url.Parse(u); pu.Query().Get("code_challenge") != "sP6XQ2T7IHwj7eBkdcI9xyC8WxEik0RMQk0tVGDKZPI" || pu.Query().Get("code_challenge_method") != "S256" {
		t.Fatalf("PKCE challenge in %s", u)
	}
	if _, err := rp.Exchange(ctx, explicit, "r", "good", "n1", "the-verifier"); err != nil || f.form.Get("code_verifier") != "the-verifier" {
		t.Fatalf("PKCE verifier: %v %v", f.form, err)
	}

	plain := New(Options{})
	if u, _ := plain.AuthorizeURL(ctx, g, "r", "st", "n1", ""); !strings.HasPrefix(u, "https://accounts.google.com/") {
		t.Fatalf("Google without override: %s", u)
	}
}

func TestLoadOverridesAndAppleSecret(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "e.json")
	os.WriteFile(p, []byte(`{"Google":{"oidc_issuer":"http://127.0.0.1:1"},"Facebook":{"authorize_url":"http://127.0.0.1:1/a","token_url":"http://127.0.0.1:1/t"}}`), 0o600)
	m, err := LoadOverrides(p)
	if err != nil || m[TypeGoogle].Issuer != "http://127.0.0.1:1" || m[TypeFacebook].TokenURL != "http://127.0.0.1:1/t" {
		t.Fatalf("%v %v", m, err)
	}
	os.WriteFile(p, []byte(`{"Yahoo":{}}`), 0o600)
	if _, err := LoadOverrides(p); err == nil {
		t.Fatal("an unknown type was accepted")
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	now := time.Unix(1_800_000_000, 0)
	rp := New(Options{Clock: clock.Func(func() time.Time { return now })})
	s, err := rp.appleSecret(map[string]string{"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"team_id": "TEAM", "key_id": "KEY", "client_id": "com.example"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(s, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || tok.Headers[0].KeyID != "KEY" {
		t.Fatalf("%v", err)
	}
	var c jwt.Claims
	if err := tok.Claims(&k.PublicKey, &c); err != nil || c.Issuer != "TEAM" || c.Subject != "com.example" || !c.Audience.Contains("https://appleid.apple.com") {
		t.Fatalf("%+v %v", c, err)
	}
}
