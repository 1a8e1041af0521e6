package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"golang.org/x/oauth2"
)

// logoutFixture is a relying party of the oidcapp domain with a signed-in
// browser: its tokens, and its way back to authorize.
type logoutFixture struct {
	*oauthFixture
	hc   *http.Client
	conf *oauth2.Config
	id   string // the ID token of the browser's sign-in
}

func newLogoutFixture(t *testing.T) *logoutFixture {
	t.Helper()
	f := newOAuthFixture(t)
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	conf := &oauth2.Config{ClientID: *f.client.ClientId, ClientSecret: *f.client.ClientSecret, RedirectURL: callback,
		Scopes: []string{"openid", "email"}, Endpoint: oauth2.Endpoint{AuthURL: f.base + "/oauth2/authorize", TokenURL: f.base + "/oauth2/token"}}
	lf := &logoutFixture{oauthFixture: f, hc: hc, conf: conf}
	lf.id = lf.signIn(t, "olga", "Passw0rd!")
	return lf
}

// signIn authorizes through the browser (with its session when it has one)
// and returns the ID token of the code's exchange.
func (f *logoutFixture) signIn(t *testing.T, username, password string) string {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	back := signInWithBrowser(t, f.hc, f.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), username, password)
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code: %s", back)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.hc)
	tok, err := f.conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := tok.Extra("id_token").(string)
	if id == "" {
		t.Fatal("no ID token")
	}
	return id
}

// signedIn reports whether the browser's session still signs it in without
// a password.
func (f *logoutFixture) signedIn(t *testing.T) bool {
	t.Helper()
	resp, err := f.hc.Get(f.conf.AuthCodeURL("again", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	return loc.Path != "/login"
}

// logout calls /logout with the parameters and returns the status, the
// redirect (if any) and the page.
func (f *logoutFixture) logout(t *testing.T, params url.Values) (int, *url.URL, string) {
	t.Helper()
	resp, err := f.hc.Get(f.base + "/logout?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, _ := resp.Location()
	return resp.StatusCode, loc, string(body)
}

const byeURL = "http://localhost:8765/bye"

// OpenID Connect RP-Initiated Logout (as openid-client's buildEndSessionUrl
// and oidc-client-ts's signoutRedirect send it): post_logout_redirect_uri +
// id_token_hint + state redirect back with the state and end the session,
// with or without client_id.
func TestRPInitiatedLogout(t *testing.T) {
	f := newLogoutFixture(t)
	if !f.signedIn(t) {
		t.Fatal("the browser has no session after signing in")
	}
	// Discovery advertises the domain's /logout as end_session_endpoint.
	resp, err := f.hc.Get(f.ts.URL + "/" + f.poolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc struct {
		EndSession string `json:"end_session_endpoint"`
	}
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if !strings.HasPrefix(disc.EndSession, "https://oidcapp.auth.us-east-1.localhost:") || !strings.HasSuffix(disc.EndSession, "/logout") {
		t.Fatalf("end_session_endpoint %q", disc.EndSession)
	}
	status, loc, body := f.logout(t, url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {f.id}, "state": {"af0ifjsldkj"}})
	if status != http.StatusFound || loc == nil || loc.Scheme+"://"+loc.Host+loc.Path != byeURL || loc.Query().Get("state") != "af0ifjsldkj" {
		t.Fatalf("logout: %d %v %s", status, loc, body)
	}
	if f.signedIn(t) {
		t.Fatal("the session outlived the RP-initiated logout")
	}

	// With client_id as well (it must match the hint's aud); no state: none
	// comes back.
	f.id = f.signIn(t, "olga", "Passw0rd!")
	status, loc, body = f.logout(t, url.Values{"client_id": {*f.client.ClientId}, "post_logout_redirect_uri": {byeURL}, "id_token_hint": {f.id}})
	if status != http.StatusFound || loc == nil || loc.String() != byeURL {
		t.Fatalf("logout with client_id: %d %v %s", status, loc, body)
	}
	if f.signedIn(t) {
		t.Fatal("the session outlived the logout with client_id")
	}

	// client_id + post_logout_redirect_uri without a hint.
	f.signIn(t, "olga", "Passw0rd!")
	status, loc, _ = f.logout(t, url.Values{"client_id": {*f.client.ClientId}, "post_logout_redirect_uri": {byeURL}, "state": {"x y"}})
	if status != http.StatusFound || loc == nil || loc.Query().Get("state") != "x y" || f.signedIn(t) {
		t.Fatalf("logout with client_id and no hint: %d %v", status, loc)
	}

	// An expired hint is still a hint (the specification asks the OP to
	// accept it); without post_logout_redirect_uri the page says so.
	f.id = f.signIn(t, "olga", "Passw0rd!")
	f.ts.App.SetNow(func() time.Time { return time.Now().Add(2 * time.Hour) })
	status, _, body = f.logout(t, url.Values{"id_token_hint": {f.id}})
	f.ts.App.SetNow(nil)
	if status != http.StatusOK || !strings.Contains(body, "You have been signed out.") {
		t.Fatalf("logout with an expired hint only: %d %s", status, body)
	}
	if f.signedIn(t) {
		t.Fatal("the session outlived the logout with an expired hint")
	}
}

// The refusals: an unregistered post_logout_redirect_uri, a forged hint, a
// hint of another pool or not an ID token, a client_id that is not the
// hint's audience. None ends the session.
func TestRPInitiatedLogoutRefusals(t *testing.T) {
	f := newLogoutFixture(t)
	other := newAuthFixtureOn(t, f.ts, nil, nil)
	other.confirmedUser(t, "ivan", "Passw0rd!")
	otherID := *must[*cognito.InitiateAuthOutput](t)(other.passwordAuth("ivan", "Passw0rd!")).AuthenticationResult.IdToken
	// An ID token of this pool issued to another client (the API client).
	sameUserAPI := *must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("olga", "Passw0rd!")).AuthenticationResult
	parts := strings.Split(f.id, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forgedPayload := strings.Replace(string(payload), `"cognito:username":"olga"`, `"cognito:username":"mallory"`, 1)
	if forgedPayload == string(payload) {
		t.Fatalf("the ID token has no cognito:username olga: %s", payload)
	}
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forgedPayload)) + "." + parts[2]

	for _, tc := range []struct {
		name   string
		params url.Values
		want   string
	}{
		{"unregistered post_logout_redirect_uri", url.Values{"post_logout_redirect_uri": {"https://evil.example.com/bye"}, "id_token_hint": {f.id}, "state": {"s"}},
			"The post_logout_redirect_uri is not registered for this client."},
		{"unregistered post_logout_redirect_uri with client_id", url.Values{"client_id": {*f.client.ClientId}, "post_logout_redirect_uri": {byeURL + "/other"}},
			"The post_logout_redirect_uri is not registered for this client."},
		{"forged hint", url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {forged}},
			"The id_token_hint is not a valid ID token of this user pool."},
		{"another pool's hint", url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {otherID}},
			"The id_token_hint is not a valid ID token of this user pool."},
		{"an access token as hint", url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {*sameUserAPI.AccessToken}},
			"The id_token_hint is not a valid ID token of this user pool."},
		{"not a token", url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {"not-a-jwt"}},
			"The id_token_hint is not a valid ID token of this user pool."},
		{"client_id is not the hint's audience", url.Values{"client_id": {*f.client.ClientId}, "post_logout_redirect_uri": {byeURL}, "id_token_hint": {*sameUserAPI.IdToken}},
			"The client_id does not match the audience of the id_token_hint."},
		{"the hint's client has no such logout URL", url.Values{"post_logout_redirect_uri": {byeURL}, "id_token_hint": {*sameUserAPI.IdToken}},
			"The post_logout_redirect_uri is not registered for this client."},
		{"no client at all", url.Values{"post_logout_redirect_uri": {byeURL}},
			"The client does not exist."},
	} {
		status, loc, body := f.logout(t, tc.params)
		if status != http.StatusBadRequest || loc != nil || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %v, want 400 %q in %s", tc.name, status, loc, tc.want, body)
		}
		if !f.signedIn(t) {
			t.Fatalf("%s: the refused logout ended the session", tc.name)
		}
	}
}

// Cognito's own forms are unchanged: client_id + logout_uri redirects to
// the logout URL as it is (no state added), and client_id + redirect_uri
// starts a new sign-in.
func TestCognitoLogoutFormsUnchanged(t *testing.T) {
	f := newLogoutFixture(t)
	status, loc, body := f.logout(t, url.Values{"client_id": {*f.client.ClientId}, "logout_uri": {byeURL}, "state": {"ignored"}})
	if status != http.StatusFound || loc == nil || loc.String() != byeURL {
		t.Fatalf("logout_uri: %d %v %s", status, loc, body)
	}
	if f.signedIn(t) {
		t.Fatal("the session outlived the logout_uri form")
	}
	status, _, body = f.logout(t, url.Values{"client_id": {*f.client.ClientId}, "logout_uri": {"https://evil.example.com/"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "The logout_uri is not registered for this client.") {
		t.Fatalf("unregistered logout_uri: %d %s", status, body)
	}

	f.signIn(t, "olga", "Passw0rd!")
	status, loc, body = f.logout(t, url.Values{"client_id": {*f.client.ClientId}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"openid"}})
	if status != http.StatusFound || loc == nil || loc.Path != "/login" || loc.Query().Get("redirect_uri") != callback {
		t.Fatalf("redirect_uri form: %d %v %s", status, loc, body)
	}
	if f.signedIn(t) {
		t.Fatal("the session outlived the redirect_uri form")
	}
	status, _, body = f.logout(t, url.Values{"client_id": {*f.client.ClientId}})
	if status != http.StatusBadRequest || !strings.Contains(body, "logout_uri or redirect_uri is required.") {
		t.Fatalf("client_id alone: %d %s", status, body)
	}
}
