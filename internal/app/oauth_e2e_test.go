package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const callback = "http://localhost:8765/callback"

// hostClient sends every request to the test server whatever the host name
// (http to the API listener, https to the edge), as DNS would, trusting roots.
func hostClient(ts *testServer, roots *x509.CertPool, jar http.CookieJar) *http.Client {
	api := strings.TrimPrefix(ts.URL, "http://")
	return &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // the test follows redirects itself
		},
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				target := api
				if _, port, _ := net.SplitHostPort(addr); port != strings.Split(api, ":")[1] {
					target = ts.EdgeAddr
				}
				return (&net.Dialer{}).DialContext(ctx, network, target)
			},
		},
	}
}

type oauthFixture struct {
	*authFixture
	roots  *x509.CertPool
	client *types.UserPoolClientType
	base   string // the domain's base URL
}

func newOAuthFixture(t *testing.T) *oauthFixture {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	must[*cognito.CreateUserPoolDomainOutput](t)(f.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("oidcapp"), UserPoolId: &f.poolID}))
	must[*cognito.CreateResourceServerOutput](t)(f.c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: &f.poolID, Identifier: aws.String("api"), Name: aws.String("api"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}))
	cl := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback}, LogoutURLs: []string{"http://localhost:8765/bye"},
		SupportedIdentityProviders: []string{"COGNITO"}, ExplicitAuthFlows: allFlows})).UserPoolClient
	f.confirmedUser(t, "olga", "Passw0rd!", "email", "olga@example.com", "email_verified", "true")
	ca := must[[]byte](t)(caPEMOf(f.ts))
	_, apiPort, _ := net.SplitHostPort(strings.TrimPrefix(f.ts.URL, "http://"))
	return &oauthFixture{authFixture: f, roots: rootsOf(ca), client: cl, base: "http://oidcapp.auth.us-east-1.localhost:" + apiPort}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signInWithBrowser plays the browser: authorize, the sign-in page, the
// form, and the redirect back with a code.
func signInWithBrowser(t *testing.T, hc *http.Client, authURL, username, password string) *url.URL {
	t.Helper()
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	if loc.Path != "/login" {
		return loc // already signed in
	}
	resp, err = hc.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(string(page), `<label for="username" class="label-customizable">`) {
		t.Fatalf("sign-in page %d: %s", resp.StatusCode, page)
	}
	resp, err = hc.PostForm(loc.String(), url.Values{"_csrf": {string(m[1])}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	back, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || back == nil {
		t.Fatalf("sign-in: %d %s", resp.StatusCode, body)
	}
	return back
}

// TestAuthorizationCodeWithPKCE: a relying party (golang.org/x/oauth2 and
// go-oidc) signs a user in through the domain, on the prefix domain over
// HTTP, and verifies the ID token; then refresh, userInfo, revoke and logout.
func TestAuthorizationCodeWithPKCE(t *testing.T) {
	f := newOAuthFixture(t)
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	ctx := oidc.ClientContext(context.Background(), hc)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)

	provider, err := oidc.NewProvider(ctx, f.ts.URL+"/"+f.poolID)
	if err != nil {
		t.Fatal(err)
	}
	var disc struct {
		Auth     string `json:"authorization_endpoint"`
		UserInfo string `json:"userinfo_endpoint"`
	}
	provider.Claims(&disc)
	if !strings.HasPrefix(disc.Auth, "https://oidcapp.auth.us-east-1.localhost:") {
		t.Fatalf("discovery advertises %s", disc.Auth)
	}
	conf := &oauth2.Config{ClientID: *f.client.ClientId, ClientSecret: *f.client.ClientSecret, RedirectURL: callback,
		Scopes:   []string{oidc.ScopeOpenID, "email", "phone"}, // phone is not allowed: dropped
		Endpoint: oauth2.Endpoint{AuthURL: f.base + "/oauth2/authorize", TokenURL: f.base + "/oauth2/token"}}
	verifier := oauth2.GenerateVerifier()
	back := signInWithBrowser(t, hc, conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n0nce")), "olga", "Passw0rd!")
	if !strings.HasPrefix(back.String(), callback) || back.Query().Get("state") != "st4te" || back.Query().Get("code") == "" {
		t.Fatalf("redirect back %s", back)
	}
	code := back.Query().Get("code")

	// Negative: wrong verifier.
	if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption("wrong-verifier-wrong-verifier-wrong-verifier")); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("wrong PKCE verifier: %v", err)
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	// A reused code (refused, and it revokes these tokens) is
	// TestReusedCodeRevokesItsTokens.
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: *f.client.ClientId}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("the relying party cannot verify the ID token: %v", err)
	}
	var claims struct {
		Email, Nonce string
		Username     string `json:"cognito:username"`
	}
	idt.Claims(&claims)
	if claims.Email != "olga@example.com" || claims.Nonce != "n0nce" || claims.Username != "olga" || tok.RefreshToken == "" {
		t.Fatalf("claims %+v refresh %q", claims, tok.RefreshToken)
	}
	access := f.verifyJWT(t, tok.AccessToken)
	if access["scope"] != "openid email" {
		t.Fatalf("granted scopes %q, want the allowed ones only", access["scope"])
	}

	// userInfo over the domain's HTTPS endpoint (from discovery).
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]string
	ui.Claims(&info)
	if info["email_verified"] != "true" || info["username"] != "olga" || ui.Subject == "" {
		t.Fatalf("userInfo %v", info)
	}
	// An API token (no openid scope) is refused by userInfo.
	apiTok := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(context.Background(), &cognito.InitiateAuthInput{ClientId: f.authFixture.client.ClientId,
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "olga", "PASSWORD": "Passw0rd!"}})).AuthenticationResult.AccessToken
	req, _ := http.NewRequest(http.MethodGet, disc.UserInfo, nil)
	req.Header.Set("Authorization", "Bearer "+*apiTok)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("userInfo with an API token: %d %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}

	// refresh_token grant: the granted scopes stay (never the API's admin scope).
	refreshed, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token()
	if err != nil || refreshed.AccessToken == "" || refreshed.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	if sc := f.verifyJWT(t, refreshed.AccessToken)["scope"]; sc != "openid email" {
		t.Fatalf("scope after refresh %q", sc)
	}
	if _, err := f.c.GetUser(context.Background(), &cognito.GetUserInput{AccessToken: &refreshed.AccessToken}); err == nil {
		t.Fatal("an OAuth token without the admin scope works for GetUser")
	}

	// The session cookie: a second authorization needs no password.
	again := signInWithBrowser(t, hc, conf.AuthCodeURL("s2", oauth2.S256ChallengeOption(verifier)), "", "")
	if again.Query().Get("code") == "" {
		t.Fatalf("second authorization %s", again)
	}

	// Revoke, then the refresh token is dead.
	form := url.Values{"token": {tok.RefreshToken}}
	req, _ = http.NewRequest(http.MethodPost, f.base+"/oauth2/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(*f.client.ClientId, *f.client.ClientSecret)
	resp, err = hc.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token(); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refresh after revoke: %v", err)
	}

	// Logout clears the session: the next authorization asks again.
	resp, err = hc.Get(f.base + "/logout?client_id=" + *f.client.ClientId + "&logout_uri=" + url.QueryEscape("http://localhost:8765/bye"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); resp.StatusCode != http.StatusFound || loc.String() != "http://localhost:8765/bye" {
		t.Fatalf("logout: %d %v", resp.StatusCode, loc)
	}
	resp, _ = hc.Get(conf.AuthCodeURL("s3"))
	resp.Body.Close()
	if loc, _ := resp.Location(); loc == nil || loc.Path != "/login" {
		t.Fatalf("after logout the user is still signed in: %v", loc)
	}
}

func TestOAuthErrors(t *testing.T) {
	f := newOAuthFixture(t)
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return f.base + "/oauth2/authorize?" + v.Encode()
	}
	get := func(u string) *http.Response {
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	id := *f.client.ClientId

	// An unregistered redirect_uri: an error page, no redirect.
	if r := get(q("client_id", id, "response_type", "code", "redirect_uri", "https://evil.example/cb")); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Fatalf("unregistered redirect_uri: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get(q("client_id", "nosuchclient", "response_type", "code", "redirect_uri", callback)); r.StatusCode != 400 {
		t.Fatalf("unknown client: %d", r.StatusCode)
	}
	redirectErr := func(r *http.Response) string {
		loc, _ := r.Location()
		if r.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), callback) {
			t.Fatalf("no error redirect: %d %v", r.StatusCode, loc)
		}
		return loc.Query().Get("error")
	}
	if e := redirectErr(get(q("client_id", id, "redirect_uri", callback, "state", "x"))); e != "invalid_request" {
		t.Fatalf("missing response_type: %s", e)
	}
	if e := redirectErr(get(q("client_id", id, "response_type", "token", "redirect_uri", callback))); e != "unauthorized_client" {
		t.Fatalf("implicit not allowed: %s", e)
	}
	if e := redirectErr(get(q("client_id", id, "response_type", "code", "redirect_uri", callback, "code_challenge", "abc", "code_challenge_method", "plain"))); e != "invalid_request" {
		t.Fatalf("plain PKCE: %s", e)
	}
	if e := redirectErr(get(q("client_id", id, "response_type", "code", "redirect_uri", callback, "scope", "phone"))); e != "invalid_scope" {
		t.Fatalf("only a scope the client may not have: %s", e)
	}

	// A client whose SupportedIdentityProviders lack COGNITO offers no sign-in page.
	noCognito := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(context.Background(), &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("no-idp"), AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{callback}})).UserPoolClient
	if r := get(q("client_id", *noCognito.ClientId, "response_type", "code", "redirect_uri", callback)); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Fatalf("client without COGNITO: %d %s", r.StatusCode, r.Header.Get("Location"))
	}

	// A form without its CSRF token is refused.
	login := get(q("client_id", id, "response_type", "code", "redirect_uri", callback))
	loc, _ := login.Location()
	resp, err := hc.PostForm(loc.String(), url.Values{"username": {"olga"}, "password": {"Passw0rd!"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("form without CSRF: %d", resp.StatusCode)
	}

	// A wrong password stays on the page, revealing nothing.
	resp, _ = hc.Get(loc.String())
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := csrfRE.FindSubmatch(body)[1]
	for _, user := range []string{"olga", "nobody"} {
		resp, _ = hc.PostForm(loc.String(), url.Values{"_csrf": {string(csrf)}, "username": {user}, "password": {"Wrong-Passw0rd"}})
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "Incorrect username or password.") {
			t.Fatalf("wrong password for %s: %d %s", user, resp.StatusCode, b)
		}
	}

	// An expired code.
	verifier := oauth2.GenerateVerifier()
	back := signInWithBrowser(t, hc, q("client_id", id, "response_type", "code", "redirect_uri", callback, "code_challenge", oauth2.S256ChallengeFromVerifier(verifier), "code_challenge_method", "S256"), "olga", "Passw0rd!")
	f.ts.App.SetNow(func() time.Time { return time.Now().Add(6 * time.Minute) })
	form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}}
	req, _ := http.NewRequest(http.MethodPost, f.base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, *f.client.ClientSecret)
	resp, _ = hc.Do(req)
	var e map[string]string
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	f.ts.App.SetNow(time.Now)
	if resp.StatusCode != 400 || e["error"] != "invalid_grant" {
		t.Fatalf("expired code: %d %v", resp.StatusCode, e)
	}
	// Bad client credentials and grants.
	for _, tc := range []struct {
		form   url.Values
		secret string
		status int
		want   string
	}{
		{url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, "wrong", 401, "invalid_client"},
		{url.Values{"grant_type": {"password"}}, *f.client.ClientSecret, 400, "unsupported_grant_type"},
		{url.Values{"grant_type": {"client_credentials"}}, *f.client.ClientSecret, 400, "unauthorized_client"},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.base+"/oauth2/token", strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, tc.secret)
		resp, _ := hc.Do(req)
		var e map[string]string
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || e["error"] != tc.want {
			t.Fatalf("%v: %d %v", tc.form, resp.StatusCode, e)
		}
	}
}

// TestClientCredentials: a machine client gets an access token with
// resource-server scopes.
func TestClientCredentials(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	m2m := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("m2m"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"api/read"}})).UserPoolClient
	hc := hostClient(f.ts, f.roots, nil)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {*m2m.ClientId}, "client_secret": {*m2m.ClientSecret}, "scope": {"api/read"}}
	status, out := postToken(t, hc, f.base, form)
	if status != 200 || out["id_token"] != nil || out["refresh_token"] != nil || out["access_token"] == nil {
		t.Fatalf("client_credentials: %d %v", status, out)
	}
	claims := f.verifyJWT(t, out["access_token"].(string))
	if claims["scope"] != "api/read" || claims["sub"] != *m2m.ClientId || claims["client_id"] != *m2m.ClientId || claims["username"] != nil {
		t.Fatalf("machine token claims %v", claims)
	}
	// A machine token is no user's: the user operations refuse it for its
	// scopes, as Cognito does, not as a revoked token.
	_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: aws.String(out["access_token"].(string))})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token does not have required scopes")
	form.Set("scope", "api/write")
	if status, _ := postToken(t, hc, f.base, form); status != 400 {
		t.Fatalf("a scope the client may not have: %d", status)
	}
}
