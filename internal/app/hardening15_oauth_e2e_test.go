package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"
)

// TestRedirectURLSchemesRefused (issue 15 item 14): callback and logout URLs
// (and the DefaultRedirectURI) with a scheme a browser runs or reads locally
// (javascript:, data:, file:, ...) are refused on create and on update;
// Cognito's own rules still hold: HTTPS, http only for localhost, and app
// schemes such as myapp://callback.
func TestRedirectURLSchemesRefused(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	create := func(callbacks, logouts []string, def string) error {
		in := &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("c"),
			AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: callbacks, LogoutURLs: logouts, SupportedIdentityProviders: []string{"COGNITO"}}
		if def != "" {
			in.DefaultRedirectURI = &def
		}
		_, err := f.c.CreateUserPoolClient(ctx, in)
		return err
	}
	update := func(callbacks, logouts []string, def string) error {
		in := &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
			AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: callbacks, LogoutURLs: logouts, SupportedIdentityProviders: []string{"COGNITO"}}
		if def != "" {
			in.DefaultRedirectURI = &def
		}
		_, err := f.c.UpdateUserPoolClient(ctx, in)
		return err
	}
	good := "https://app.example.com/cb"
	bad := []string{
		"javascript:alert(document.cookie)",
		"JavaScript://example.com/%0aalert(1)",
		"data:text/html,<script>alert(1)</script>",
		"file:///etc/passwd",
		"vbscript:msgbox(1)",
		"blob:https://app.example.com/uuid",
		"about:blank",
		"http://app.example.com/cb", // plain HTTP only for localhost
	}
	for _, u := range bad {
		for name, op := range map[string]func([]string, []string, string) error{"create": create, "update": update} {
			if err := op([]string{u}, nil, ""); err == nil {
				t.Errorf("%s accepts callback URL %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
			if err := op([]string{good}, []string{u}, ""); err == nil {
				t.Errorf("%s accepts logout URL %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
			if err := op([]string{good}, nil, u); err == nil {
				t.Errorf("%s accepts DefaultRedirectURI %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
		}
	}
	for _, u := range []string{good, "http://localhost:3000/cb", "http://127.0.0.1/cb", "myapp://callback", "com.example.app:/oauth"} {
		if err := create([]string{u}, []string{u}, u); err != nil {
			t.Errorf("create refuses %s: %v", u, err)
		}
		if err := update([]string{u}, []string{u}, u); err != nil {
			t.Errorf("update refuses %s: %v", u, err)
		}
	}
}

// oauthConf is the fixture's client as a golang.org/x/oauth2 relying party.
func (f *oauthFixture) oauthConf() *oauth2.Config {
	return &oauth2.Config{ClientID: *f.client.ClientId, ClientSecret: *f.client.ClientSecret, RedirectURL: callback,
		Scopes:   []string{"openid", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: f.base + "/oauth2/authorize", TokenURL: f.base + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader}}
}

// userInfoStatus is the status /oauth2/userInfo answers an access token.
func (f *oauthFixture) userInfoStatus(t *testing.T, hc *http.Client, access string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.base+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestReusedCodeRevokesItsTokens (issue 15 item 15): an authorization code
// presented a second time is refused, and the access and refresh tokens its
// first exchange issued stop working (RFC 6749 §4.1.2, RFC 9700 §4.5);
// tokens of another sign-in stay valid.
func TestReusedCodeRevokesItsTokens(t *testing.T) {
	f := newOAuthFixture(t)
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	conf := f.oauthConf()

	code := signInWithBrowser(t, hc, conf.AuthCodeURL("s1"), "olga", "Passw0rd!").Query().Get("code")
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	other, err := conf.Exchange(ctx, signInWithBrowser(t, hc, conf.AuthCodeURL("s2"), "", "").Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.userInfoStatus(t, hc, tok.AccessToken); got != http.StatusOK {
		t.Fatalf("userInfo with a fresh token: %d", got)
	}

	if _, err := conf.Exchange(ctx, code); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("reused code: %v", err)
	}
	if got := f.userInfoStatus(t, hc, tok.AccessToken); got != http.StatusUnauthorized {
		t.Errorf("the access token of a reused code still works: userInfo %d", got)
	}
	stale := &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	if _, err := conf.TokenSource(ctx, stale).Token(); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("the refresh token of a reused code still works: %v", err)
	}
	if got := f.userInfoStatus(t, hc, other.AccessToken); got != http.StatusOK {
		t.Errorf("another sign-in's access token was revoked too: userInfo %d", got)
	}
}

// TestReusedCodeRefusedWhileTheClockStands: the single-use mark of a code
// is the hosted UI's, read from its clock; with that clock stopped, a code
// presented twice on the same connection is still refused the second time.
func TestReusedCodeRefusedWhileTheClockStands(t *testing.T) {
	f := newOAuthFixture(t)
	stopped := time.Now()
	f.ts.App.SetNow(func() time.Time { return stopped })
	t.Cleanup(func() { f.ts.App.SetNow(nil) })
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	conf := f.oauthConf()

	code := signInWithBrowser(t, hc, conf.AuthCodeURL("c1"), "olga", "Passw0rd!").Query().Get("code")
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conf.Exchange(ctx, code); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("a code used twice under a stopped clock: %v", err)
	}
	if got := f.userInfoStatus(t, hc, tok.AccessToken); got != http.StatusUnauthorized {
		t.Errorf("the access token of a reused code still works: userInfo %d", got)
	}
}

// sessionCookieOf is the hosted-UI session cookie the jar holds for the
// domain.
func (f *oauthFixture) sessionCookieOf(t *testing.T, jar http.CookieJar) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(f.base + "/")
	for _, c := range jar.Cookies(u) {
		if c.Name == "cognito" || c.Name == "__Host-cognito" {
			return c
		}
	}
	t.Fatal("no session cookie after signing in")
	return nil
}

// authorizeWith is where /oauth2/authorize sends a browser that presents
// only the given cookie: the callback (signed in) or /login.
func (f *oauthFixture) authorizeWith(t *testing.T, hc *http.Client, authURL string, c *http.Cookie) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, authURL, nil)
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	if loc.Path == "/login" {
		return "/login"
	}
	return "callback"
}

// TestHostedSessionEndsServerSide (issue 15 item 11): the hosted-UI
// session is recorded on the server, so a copy of its cookie stops working
// once the session ends: by /logout, and by a global sign-out of the user.
func TestHostedSessionEndsServerSide(t *testing.T) {
	f := newOAuthFixture(t)
	conf := f.oauthConf()
	plain := hostClient(f.ts, f.roots, nil) // a browser with no cookies of its own

	// /logout ends the session: the copied cookie no longer signs in.
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	signInWithBrowser(t, hc, conf.AuthCodeURL("s1"), "olga", "Passw0rd!")
	copied := f.sessionCookieOf(t, jar)
	if got := f.authorizeWith(t, plain, conf.AuthCodeURL("s2"), copied); got != "callback" {
		t.Fatalf("the session cookie does not sign in before logout: %s", got)
	}
	resp, err := hc.Get(f.base + "/logout?client_id=" + *f.client.ClientId + "&logout_uri=" + url.QueryEscape("http://localhost:8765/bye"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := f.authorizeWith(t, plain, conf.AuthCodeURL("s3"), copied); got != "/login" {
		t.Errorf("a copied session cookie still signs in after /logout")
	}

	// A global sign-out ends every session of the user.
	jar2, _ := cookiejar.New(nil)
	hc2 := hostClient(f.ts, f.roots, jar2)
	signInWithBrowser(t, hc2, conf.AuthCodeURL("s4"), "olga", "Passw0rd!")
	copied = f.sessionCookieOf(t, jar2)
	if got := f.authorizeWith(t, plain, conf.AuthCodeURL("s5"), copied); got != "callback" {
		t.Fatalf("the second session cookie does not sign in: %s", got)
	}
	must[*cognito.AdminUserGlobalSignOutOutput](t)(f.c.AdminUserGlobalSignOut(context.Background(), &cognito.AdminUserGlobalSignOutInput{UserPoolId: &f.poolID, Username: aws.String("olga")}))
	if got := f.authorizeWith(t, plain, conf.AuthCodeURL("s6"), copied); got != "/login" {
		t.Errorf("a session cookie still signs in after a global sign-out")
	}
	// A new sign-in afterwards works.
	if back := signInWithBrowser(t, hc2, conf.AuthCodeURL("s7"), "olga", "Passw0rd!"); back.Query().Get("code") == "" {
		t.Fatalf("sign-in after the global sign-out: %s", back)
	}
	if got := f.authorizeWith(t, plain, conf.AuthCodeURL("s8"), f.sessionCookieOf(t, jar2)); got != "callback" {
		t.Errorf("the session of a sign-in after the global sign-out does not sign in")
	}
}

// loginPage loads the sign-in page on base with only the given cookies and
// returns its CSRF field and the cookies it set.
func (f *oauthFixture) loginPage(t *testing.T, hc *http.Client, base string, cookies ...*http.Cookie) (csrf string, set []*http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/login?"+f.loginQuery(), nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("sign-in page %d: %s", resp.StatusCode, page)
	}
	return string(m[1]), resp.Cookies()
}

func (f *oauthFixture) loginQuery() string {
	return url.Values{"response_type": {"code"}, "client_id": {*f.client.ClientId}, "redirect_uri": {callback}}.Encode()
}

// postLogin posts a wrong password with the given CSRF field and cookies;
// 403 is the CSRF refusal.
func (f *oauthFixture) postLogin(t *testing.T, hc *http.Client, base, csrf string, cookies ...*http.Cookie) int {
	t.Helper()
	form := url.Values{"_csrf": {csrf}, "username": {"olga"}, "password": {"Wrong-Passw0rd"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login?"+f.loginQuery(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestCSRFTokenBoundByHMAC (issue 15 item 12): the form's CSRF token is an
// HMAC, under a server secret, of the browser's CSRF cookie: a cookie and
// field an attacker made up together (cookie tossing on plain HTTP or from
// a sibling domain) are refused, as is one browser's token with another's
// cookie; over HTTPS every cookie of the hosted UI has the __Host- prefix
// (Secure, Path=/, no Domain).
func TestCSRFTokenBoundByHMAC(t *testing.T) {
	f := newOAuthFixture(t)
	hc := hostClient(f.ts, f.roots, nil)

	// On plain HTTP (the API listener).
	tokA, setA := f.loginPage(t, hc, f.base)
	cookieA := cookieNamed(setA, "XSRF-TOKEN")
	if cookieA == nil {
		t.Fatalf("no CSRF cookie on HTTP: %v", setA)
	}
	if tokA == cookieA.Value {
		t.Errorf("the CSRF field is the cookie's value (a plain double submit)")
	}
	if got := f.postLogin(t, hc, f.base, tokA, cookieA); got == http.StatusForbidden {
		t.Fatalf("the page's own token is refused: %d", got)
	}
	forged := strings.Repeat("x", 43)
	if got := f.postLogin(t, hc, f.base, forged, &http.Cookie{Name: "XSRF-TOKEN", Value: forged}); got != http.StatusForbidden {
		t.Errorf("a made-up cookie and field pair is accepted: %d", got)
	}
	_, setB := f.loginPage(t, hc, f.base)
	cookieB := cookieNamed(setB, "XSRF-TOKEN")
	if got := f.postLogin(t, hc, f.base, tokA, cookieB); got != http.StatusForbidden {
		t.Errorf("one browser's token is accepted with another browser's cookie: %d", got)
	}
	if got := f.postLogin(t, hc, f.base, cookieA.Value, cookieA); got != http.StatusForbidden {
		t.Errorf("the cookie's value is accepted as the field: %d", got)
	}

	// Over HTTPS (the edge): __Host- cookies.
	_, edgePort, _ := net.SplitHostPort(f.ts.EdgeAddr)
	secure := "https://oidcapp.auth.us-east-1.localhost:" + edgePort
	tokS, setS := f.loginPage(t, hc, secure)
	cookieS := cookieNamed(setS, "__Host-XSRF-TOKEN")
	if cookieS == nil {
		t.Fatalf("no __Host- CSRF cookie on HTTPS: %v", setS)
	}
	for _, c := range setS {
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("HTTPS cookie %s: secure %v path %q domain %q", c.Name, c.Secure, c.Path, c.Domain)
		}
	}
	if got := f.postLogin(t, hc, secure, tokS, cookieS); got == http.StatusForbidden {
		t.Fatalf("the HTTPS page's own token is refused: %d", got)
	}
	if got := f.postLogin(t, hc, secure, tokS, &http.Cookie{Name: "XSRF-TOKEN", Value: cookieS.Value}); got != http.StatusForbidden {
		t.Errorf("over HTTPS an unprefixed CSRF cookie is accepted: %d", got)
	}

	// Signing in over HTTPS sets a __Host- session cookie that works.
	jar, _ := cookiejar.New(nil)
	hcs := hostClient(f.ts, f.roots, jar)
	conf := f.oauthConf()
	conf.Endpoint.AuthURL = secure + "/oauth2/authorize"
	signInWithBrowser(t, hcs, conf.AuthCodeURL("s1"), "olga", "Passw0rd!")
	u, _ := url.Parse(secure + "/")
	var names []string
	for _, c := range jar.Cookies(u) {
		names = append(names, c.Name)
	}
	if !slices.Contains(names, "__Host-cognito") || slices.Contains(names, "cognito") {
		t.Errorf("HTTPS cookies after signing in: %v", names)
	}
	if back := signInWithBrowser(t, hcs, conf.AuthCodeURL("s2"), "", ""); back.Query().Get("code") == "" {
		t.Errorf("the __Host- session does not sign in: %s", back)
	}
}
