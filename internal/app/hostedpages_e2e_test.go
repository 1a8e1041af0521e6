package app_test

import (
	"context"
	"encoding/json"
	"html"
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
	"golang.org/x/oauth2"
)

// The hosted self-service pages, end to end: a cookie-jar client plays the
// browser (following redirects itself, submitting the forms the pages
// show, to the actions they name), and the code the flow ends with is
// exchanged at /oauth2/token.

// newPagesFixture is newOAuthFixture for a pool of the test's own: a domain
// and a confidential OAuth client (so the pages compute SECRET_HASH).
func newPagesFixture(t *testing.T, pool *cognito.CreateUserPoolInput, prevent bool) *oauthFixture {
	t.Helper()
	return newPagesFixtureFor(t, newAuthFixture(t, pool, nil), prevent)
}

// newPagesFixtureFor is newPagesFixture for a fixture of the test's own.
func newPagesFixtureFor(t *testing.T, f *authFixture, prevent bool) *oauthFixture {
	t.Helper()
	ctx := context.Background()
	must[*cognito.CreateUserPoolDomainOutput](t)(f.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("pagesapp"), UserPoolId: &f.poolID}))
	in := &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback},
		SupportedIdentityProviders: []string{"COGNITO"}, ExplicitAuthFlows: allFlows}
	if prevent {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	cl := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, in)).UserPoolClient
	ca := must[[]byte](t)(caPEMOf(f.ts))
	_, apiPort, _ := net.SplitHostPort(strings.TrimPrefix(f.ts.URL, "http://"))
	return &oauthFixture{authFixture: f, roots: rootsOf(ca), client: cl, base: "http://pagesapp.auth.us-east-1.localhost:" + apiPort}
}

// pageBrowser is a cookie-jar client that remembers the last page it loaded.
type pageBrowser struct {
	t    *testing.T
	f    *oauthFixture
	hc   *http.Client
	page string   // the body of the last page
	url  *url.URL // its address
}

func newPageBrowser(t *testing.T, f *oauthFixture) *pageBrowser {
	jar, _ := cookiejar.New(nil)
	return &pageBrowser{t: t, f: f, hc: hostClient(f.ts, f.roots, jar)}
}

type pageAnswer struct {
	status int
	body   string
	loc    *url.URL
}

func (b *pageBrowser) do(req *http.Request) pageAnswer {
	b.t.Helper()
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, _ := resp.Location()
	a := pageAnswer{status: resp.StatusCode, body: string(body), loc: loc}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.page, b.url = a.body, req.URL
	}
	return a
}

// get loads an address (relative ones against the domain).
func (b *pageBrowser) get(u string) pageAnswer {
	b.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = b.f.base + u
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

// follow loads where a redirect points, which must be on the domain.
func (b *pageBrowser) follow(a pageAnswer, path string) pageAnswer {
	b.t.Helper()
	if a.status != http.StatusFound || a.loc == nil || a.loc.Path != path {
		b.t.Fatalf("want a redirect to %s, got %d %v: %s", path, a.status, a.loc, a.body)
	}
	next := b.get(a.loc.String())
	if next.status != 200 {
		b.t.Fatalf("%s: %d %s", a.loc, next.status, next.body)
	}
	return next
}

var (
	pageFormRE  = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)".*?</form>`)
	pageInputRE = regexp.MustCompile(`<input ([^>]*)>`)
	pageAttrRE  = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

// pageFormValues are what a pageBrowser sends of a form as the page shows it: its
// inputs' values (hidden or prefilled; checked radio buttons only).
func pageFormValues(form string, withCSRF bool) url.Values {
	out := url.Values{}
	for _, in := range pageInputRE.FindAllStringSubmatch(form, -1) {
		at := map[string]string{}
		for _, m := range pageAttrRE.FindAllStringSubmatch(in[1], -1) {
			at[m[1]] = html.UnescapeString(m[2])
		}
		_, checked := at["checked"]
		if at["name"] == "" || (at["type"] == "radio" && !checked) || (at["name"] == "_csrf" && !withCSRF) {
			continue
		}
		if _, has := at["value"]; has {
			out.Set(at["name"], at["value"])
		}
	}
	return out
}

// submit posts the n-th form of the last page to its action, with its
// hidden fields (the CSRF token among them) and the given values.
func (b *pageBrowser) submit(n int, values url.Values) pageAnswer {
	b.t.Helper()
	forms := pageFormRE.FindAllStringSubmatch(b.page, -1)
	if n >= len(forms) {
		b.t.Fatalf("no form %d on %s: %s", n, b.url, b.page)
	}
	action, err := b.url.Parse(html.UnescapeString(forms[n][1]))
	if err != nil {
		b.t.Fatal(err)
	}
	form := pageFormValues(forms[n][0], true)
	for k, v := range values {
		form[k] = v
	}
	return b.postTo(action.String(), form)
}

func (b *pageBrowser) postTo(u string, form url.Values) pageAnswer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// forgeWithoutCSRF posts the n-th form of the last page without its CSRF
// token (as another site would): it must be refused.
func (b *pageBrowser) forgeWithoutCSRF(n int, values url.Values) {
	b.t.Helper()
	page, at := b.page, b.url
	defer func() { b.page, b.url = page, at }() // the refusal is not the page to go on from
	forms := pageFormRE.FindAllStringSubmatch(b.page, -1)
	action, _ := b.url.Parse(html.UnescapeString(forms[n][1]))
	form := pageFormValues(forms[n][0], false)
	for k, v := range values {
		form[k] = v
	}
	if a := b.postTo(action.String(), form); a.status != http.StatusForbidden {
		b.t.Fatalf("a form without its CSRF token on %s: %d", action.Path, a.status)
	}
	form.Set("_csrf", strings.Repeat("x", 43)) // a token that is not the cookie's
	if a := b.postTo(action.String(), form); a.status != http.StatusForbidden {
		b.t.Fatalf("a form with a wrong CSRF token on %s: %d", action.Path, a.status)
	}
}

// link finds a link on the last page by its text.
func (b *pageBrowser) link(text string) string {
	b.t.Helper()
	m := regexp.MustCompile(`<a href="([^"]+)">` + regexp.QuoteMeta(text) + `</a>`).FindStringSubmatch(b.page)
	if m == nil {
		b.t.Fatalf("no link %q on %s: %s", text, b.url, b.page)
	}
	return html.UnescapeString(m[1])
}

func wantPage(t *testing.T, a pageAnswer, status int, texts ...string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	text := html.UnescapeString(a.body)
	for _, s := range texts {
		if !strings.Contains(a.body, s) && !strings.Contains(text, s) {
			t.Fatalf("%q not on the page: %s", s, a.body)
		}
	}
}

// wantPageError checks a page shows an error (announced, role=alert).
func wantPageError(t *testing.T, a pageAnswer, text string) {
	t.Helper()
	wantPage(t, a, http.StatusBadRequest, `role="alert"`, text)
}

// authorize starts an authorization with PKCE and lands on /login.
func (b *pageBrowser) authorize(verifier, state string) pageAnswer {
	b.t.Helper()
	v := url.Values{"client_id": {*b.f.client.ClientId}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid email profile"},
		"state": {state}, "nonce": {"n-" + state}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
	return b.follow(b.get(b.f.base+"/oauth2/authorize?"+v.Encode()), "/login")
}

// signedIn checks the redirect back to the client and exchanges its code;
// it returns the ID token's claims.
func (b *pageBrowser) signedIn(a pageAnswer, verifier, state string) map[string]any {
	b.t.Helper()
	if a.status != http.StatusFound || a.loc == nil || !strings.HasPrefix(a.loc.String(), callback+"?") {
		b.t.Fatalf("not sent back to the client: %d %v %s", a.status, a.loc, a.body)
	}
	if a.loc.Query().Get("state") != state || a.loc.Query().Get("code") == "" {
		b.t.Fatalf("redirect back %s", a.loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {a.loc.Query().Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}}
	req, _ := http.NewRequest(http.MethodPost, b.f.base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(*b.f.client.ClientId, *b.f.client.ClientSecret)
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	var tok map[string]any
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok["refresh_token"] == nil || tok["id_token"] == nil {
		b.t.Fatalf("token exchange: %d %v", resp.StatusCode, tok)
	}
	claims := b.f.verifyJWT(b.t, tok["id_token"].(string))
	if claims["nonce"] != "n-"+state {
		b.t.Fatalf("nonce %v", claims["nonce"])
	}
	return claims
}

// cookie is a cookie the pageBrowser holds for the domain.
func (b *pageBrowser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.f.base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestHostedSignUpConfirmSignIn: sign up on the page, read the code from
// the outbox, confirm, sign in, and the client gets its code and tokens.
func TestHostedSignUpConfirmSignIn(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{Name: aws.String("given_name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}}}, false)
	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	login := b.authorize(verifier, "s1")
	wantPage(t, login, 200, `<a href="/forgotPassword?`, "Forgot your password?")

	signup := b.get(b.link("Sign up"))
	wantPage(t, signup, 200, `<label for="username" class="label-customizable">`, `<label for="password" class="label-customizable">`, `name="email" type="email"`, `name="given_name"`,
		`<label for="attr-given_name" class="label-customizable">Given name</label>`, "At least 8 characters", `<a href="/login?`)
	if !strings.Contains(b.url.RawQuery, "code_challenge=") || !strings.Contains(b.url.RawQuery, "state=s1") {
		t.Fatalf("the sign-up page lost the authorization query: %s", b.url)
	}
	b.forgeWithoutCSRF(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}, "email": {"dora@example.com"}, "given_name": {"Dora"}})
	if _, err := f.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("dora")}); err == nil {
		t.Fatal("a forged sign-up made a user")
	}
	// Errors are shown on the page, the values kept (not the password).
	a := b.submit(0, url.Values{"username": {"dora"}, "password": {"short"}, "email": {"dora@example.com"}, "given_name": {"Dora"}})
	wantPageError(t, a, "Password did not conform with policy")
	wantPage(t, a, 400, `value="dora@example.com"`, `value="Dora"`, `aria-describedby="error"`, "<title>Error: Sign up</title>")
	wantPageError(t, b.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}, "email": {"dora@example.com"}, "given_name": {""}}), "given_name: The attribute is required")

	a = b.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}, "email": {"dora@example.com"}, "given_name": {"Dora"}})
	confirm := b.follow(a, "/confirm")
	wantPage(t, confirm, 200, `role="status"`, "We have sent a code by email to d***@e***", `value="dora"`, `autocomplete="one-time-code"`)
	if a.loc.Query().Get("username") != "dora" || a.loc.Query().Get("state") != "s1" {
		t.Fatalf("confirm address %s", a.loc)
	}
	code := f.ts.lastCode(t, f.poolID, "dora")

	// Signing in before confirming: the password is right, so the page
	// sends a new code and shows the confirmation form.
	b.get(b.link("Sign in"))
	code2 := b.follow(b.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}}), "/confirm")
	wantPage(t, code2, 200, "Your account is not confirmed yet.")
	if c := f.ts.lastCode(t, f.poolID, "dora"); c == code {
		t.Fatal("no new code was sent")
	} else {
		code = c
	}

	// Resend (the second form), then a wrong code, then the right one.
	b.forgeWithoutCSRF(1, nil)
	resent := b.follow(b.submit(1, nil), "/confirm")
	wantPage(t, resent, 200, "We have sent a new code by email to d***@e***")
	code = f.ts.lastCode(t, f.poolID, "dora")
	b.forgeWithoutCSRF(0, url.Values{"code": {code}})
	wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(code)}}), "Invalid code provided, please try again.")
	a = b.submit(0, url.Values{"code": {code}})
	login = b.follow(a, "/login")
	wantPage(t, login, 200, "Your account is confirmed.", `value="dora"`)
	if a.loc.Query().Get("username") != "dora" || a.loc.Query().Get("code_challenge") == "" {
		t.Fatalf("back to sign-in at %s", a.loc)
	}
	claims := b.signedIn(b.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}}), verifier, "s1")
	if claims["cognito:username"] != "dora" || claims["email"] != "dora@example.com" || claims["email_verified"] != true || claims["given_name"] != "Dora" {
		t.Fatalf("ID token claims %v", claims)
	}
}

// TestHostedSignUpRules: who may sign up, and a sign-up nobody can confirm.
func TestHostedSignUpRules(t *testing.T) {
	// The pool verifies nothing: an administrator must confirm.
	f := newPagesFixture(t, nil, false)
	b := newPageBrowser(t, f)
	b.authorize(oauth2.GenerateVerifier(), "s")
	b.get(b.link("Sign up"))
	a := b.submit(0, url.Values{"username": {"eve"}, "password": {"Passw0rd!"}, "email": {"eve@example.com"}})
	wantPage(t, a, 200, "must be confirmed by an administrator", "Back to sign in")
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("eve")}))
	if g.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("status %s", g.UserStatus)
	}
	b.get(b.link("Back to sign in"))
	wantPageError(t, b.submit(0, url.Values{"username": {"eve"}, "password": {"Passw0rd!"}}), "An administrator must confirm it")

	// Only administrators create users: no link, no page.
	f = newPagesFixture(t, &cognito.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}}, false)
	b = newPageBrowser(t, f)
	login := b.authorize(oauth2.GenerateVerifier(), "s")
	if strings.Contains(login.body, "/signup") || !strings.Contains(login.body, "Forgot your password?") {
		t.Fatalf("sign-in page of an admin-only pool: %s", login.body)
	}
	if a := b.get("/signup?" + b.url.RawQuery); a.status != http.StatusForbidden {
		t.Fatalf("sign-up page of an admin-only pool: %d", a.status)
	}
	// The pages need a valid authorization request.
	if a := b.get("/signup?client_id=" + *f.client.ClientId + "&response_type=code&redirect_uri=" + url.QueryEscape("https://evil.example/")); a.status != 400 || a.loc != nil {
		t.Fatalf("sign-up page with an unregistered redirect_uri: %d %v", a.status, a.loc)
	}
}

// TestHostedForgotPassword: a forgotten password reset on the pages; the
// old password is then refused on the sign-in page, the new one signs in.
func TestHostedForgotPassword(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}, false)
	f.confirmedUser(t, "olga", "Passw0rd!", "email", "olga@example.com", "email_verified", "true")
	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "fp")
	forgot := b.get(b.link("Forgot your password?"))
	wantPage(t, forgot, 200, `<label for="username" class="label-customizable">`, "send you a code")
	b.forgeWithoutCSRF(0, url.Values{"username": {"olga"}})
	if ms := f.ts.outbox(t, f.poolID, "olga"); len(ms) != 0 {
		t.Fatalf("a forged form sent %d messages", len(ms))
	}
	// Without PreventUserExistenceErrors an unknown user is said so.
	wantPageError(t, b.submit(0, url.Values{"username": {"nobody"}}), "No account was found")

	a := b.submit(0, url.Values{"username": {"olga"}})
	reset := b.follow(a, "/confirmForgotPassword")
	wantPage(t, reset, 200, "We have sent a password reset code by email to o***@e***", `value="olga"`, `autocomplete="new-password"`, "At least 8 characters")
	if a.loc.Query().Get("state") != "fp" {
		t.Fatalf("reset page lost the authorization query: %s", a.loc)
	}
	code := f.ts.lastCode(t, f.poolID, "olga")
	b.forgeWithoutCSRF(0, url.Values{"code": {code}, "password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}})
	wantPageError(t, b.submit(0, url.Values{"code": {code}, "password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd!"}}), "The passwords do not match.")
	wantPageError(t, b.submit(0, url.Values{"code": {code}, "password": {"weak"}, "confirm_password": {"weak"}}), "Password did not conform with policy")
	wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(code)}, "password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}}), "Invalid code provided")
	a = b.submit(0, url.Values{"code": {code}, "password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}})
	login := b.follow(a, "/login")
	wantPage(t, login, 200, "Your password has been changed.", `value="olga"`)

	wantPageError(t, b.submit(0, url.Values{"username": {"olga"}, "password": {"Passw0rd!"}}), "Incorrect username or password.")
	claims := b.signedIn(b.submit(0, url.Values{"username": {"olga"}, "password": {"N3w-Passw0rd"}}), verifier, "fp")
	if claims["cognito:username"] != "olga" {
		t.Fatalf("claims %v", claims)
	}
}

// TestHostedPagesHideUsers: with PreventUserExistenceErrors ENABLED the
// pages pageAnswer the same for an unknown user as for a known one.
var maskedEmailRE = regexp.MustCompile(`[a-z0-9]\*\*\*@[a-z0-9]\*\*\*`)

func TestHostedPagesHideUsers(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}, true)
	f.confirmedUser(t, "olga", "Passw0rd!", "email", "olga@example.com", "email_verified", "true")
	b := newPageBrowser(t, f)
	b.authorize(oauth2.GenerateVerifier(), "h")
	forgotURL := b.link("Forgot your password?")

	// forgot password → the reset page, for both.
	pages := map[string]pageAnswer{}
	for _, user := range []string{"olga", "oscar"} {
		b.get(forgotURL)
		a := b.submit(0, url.Values{"username": {user}})
		if a.status != http.StatusFound || a.loc.Path != "/confirmForgotPassword" || a.loc.Query().Get("username") != user {
			t.Fatalf("forgot password for %s: %d %v %s", user, a.status, a.loc, a.body)
		}
		page := b.follow(a, "/confirmForgotPassword")
		// The made-up destination of an unknown user has a real one's shape,
		// not its letters (issue 15 item 7).
		body := maskedEmailRE.ReplaceAllString(page.body, "X***@X***")
		pages[user] = pageAnswer{status: page.status, body: strings.ReplaceAll(body, user, "USER")}
	}
	if pages["olga"].body != pages["oscar"].body || !strings.Contains(pages["oscar"].body, "We have sent a password reset code by email to X***@X***") {
		t.Fatalf("the reset page differs for an unknown user:\n%s\n----\n%s", pages["olga"].body, pages["oscar"].body)
	}
	if len(f.ts.outbox(t, f.poolID, "olga")) != 1 {
		t.Fatal("the known user got no code")
	}

	// A wrong code, a weak password: the same errors.
	for _, tc := range []struct{ code, password, want string }{
		{"123456", "N3w-Passw0rd", "Invalid code provided"},
		{"123456", "weak", "Password did not conform with policy"},
	} {
		var bodies []string
		for _, user := range []string{"olga", "oscar"} {
			b.get("/confirmForgotPassword?" + b.url.RawQuery)
			a := b.submit(0, url.Values{"username": {user}, "code": {tc.code}, "password": {tc.password}, "confirm_password": {tc.password}})
			wantPageError(t, a, tc.want)
			bodies = append(bodies, strings.ReplaceAll(a.body, user, "USER"))
		}
		if bodies[0] != bodies[1] {
			t.Fatalf("%s: the pages differ:\n%s\n----\n%s", tc.want, bodies[0], bodies[1])
		}
	}

	// Sign-in and a code resend reveal nothing either.
	for _, user := range []string{"olga", "oscar"} {
		b.get(forgotURL)
		b.get(b.link("Back to sign in"))
		wantPageError(t, b.submit(0, url.Values{"username": {user}, "password": {"Wrong-Passw0rd"}}), "Incorrect username or password.")
		b.get("/confirm?" + b.url.RawQuery)
		if a := b.submit(1, url.Values{"username": {user}}); a.status != http.StatusFound || a.loc.Path != "/confirm" {
			t.Fatalf("resend for %s: %d %v %s", user, a.status, a.loc, a.body)
		}
	}
}

// TestHostedPagesHideUsersMadeUpDelivery: an error the pages hide (a known
// user whose code cannot go anywhere) is answered with the made-up
// destination the API gives a missing user, in the pool's shape (here a
// phone number, the pool's only recovery medium), so the page of a known
// user matches a missing one's (issue 15 item 7).
var maskedPhoneRE = regexp.MustCompile(`(\+|&#43;)\*+[0-9]{4}`)

func TestHostedPagesHideUsersMadeUpDelivery(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{
		RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(1)}}}}, true)
	f.confirmedUser(t, "ursula", "Passw0rd!", "email", "ursula@example.com", "email_verified", "true")
	b := newPageBrowser(t, f)
	b.authorize(oauth2.GenerateVerifier(), "md")
	forgotURL := b.link("Forgot your password?")
	bodies := map[string]string{}
	for _, user := range []string{"ursula", "oscar"} {
		b.get(forgotURL)
		a := b.submit(0, url.Values{"username": {user}})
		if a.status != http.StatusFound || a.loc.Path != "/confirmForgotPassword" {
			t.Fatalf("forgot password for %s: %d %v %s", user, a.status, a.loc, a.body)
		}
		page := b.follow(a, "/confirmForgotPassword")
		bodies[user] = strings.ReplaceAll(maskedPhoneRE.ReplaceAllString(page.body, "+***NNNN"), user, "USER")
	}
	if !strings.Contains(bodies["oscar"], "We have sent a password reset code by SMS to +***NNNN") {
		t.Fatalf("the missing user's page:\n%s", bodies["oscar"])
	}
	if bodies["ursula"] != bodies["oscar"] {
		t.Fatalf("the reset page differs for a known user:\n%s\n----\n%s", bodies["ursula"], bodies["oscar"])
	}
}

// TestHostedNewPasswordRequired: a user created by an administrator with a
// temporary password chooses a new one (and fills in a required attribute
// it lacks) on the page, and is signed in.
func TestHostedNewPasswordRequired(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)}}}, false)
	ctx := context.Background()
	must[*cognito.AdminCreateUserOutput](t)(f.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("nina"),
		TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("name", "x", "email", "nina@example.com")}))
	must[*cognito.AdminUpdateUserAttributesOutput](t)(f.c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: &f.poolID, Username: aws.String("nina"),
		UserAttributes: attrs("name", "")})) // now missing

	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "np")
	a := b.submit(0, url.Values{"username": {"nina"}, "password": {"Temp-Passw0rd"}})
	step := b.follow(a, "/login")
	wantPage(t, step, 200, "Change your password", `name="step" value="NEW_PASSWORD_REQUIRED"`, `<label for="confirm_password" class="label-customizable">`, `name="name"`, `<label for="attr-name" class="label-customizable">Name</label>`)
	if b.cookie("cognito") != nil {
		t.Fatal("signed in before the new password")
	}
	b.forgeWithoutCSRF(0, url.Values{"password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}, "name": {"Nina"}})
	wantPageError(t, b.submit(0, url.Values{"password": {"N3w-Passw0rd"}, "confirm_password": {"Other-Passw0rd"}, "name": {"Nina"}}), "The passwords do not match.")
	a = b.submit(0, url.Values{"password": {"weak"}, "confirm_password": {"weak"}, "name": {"Nina"}})
	wantPageError(t, a, "Password did not conform with policy")
	wantPage(t, a, 400, `value="Nina"`, `value="NEW_PASSWORD_REQUIRED"`)
	wantPageError(t, b.submit(0, url.Values{"password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}, "name": {""}}), "name: The attribute is required")

	// The pending sign-in expires (AuthSessionValidity, 3 minutes).
	f.ts.App.SetNow(func() time.Time { return time.Now().Add(4 * time.Minute) })
	wantPageError(t, b.submit(0, url.Values{"password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}, "name": {"Nina"}}), "Your sign-in session has expired.")
	f.ts.App.SetNow(time.Now)

	// Again from the password; "Sign in as another user" cancels.
	b.follow(b.submit(0, url.Values{"username": {"nina"}, "password": {"Temp-Passw0rd"}}), "/login")
	back := b.follow(b.submit(1, nil), "/login")
	wantPage(t, back, 200, `<label for="password" class="label-customizable">Password</label>`, "Forgot your password?")
	b.follow(b.submit(0, url.Values{"username": {"nina"}, "password": {"Temp-Passw0rd"}}), "/login")
	claims := b.signedIn(b.submit(0, url.Values{"password": {"N3w-Passw0rd"}, "confirm_password": {"N3w-Passw0rd"}, "name": {"Nina"}}), verifier, "np")
	if claims["cognito:username"] != "nina" || claims["name"] != "Nina" {
		t.Fatalf("claims %v", claims)
	}
	if b.cookie("cognito-fl") != nil || b.cookie("cognito") == nil {
		t.Fatal("after the last step: the pending sign-in must be gone and the session set")
	}
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("nina")}))
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status %s", g.UserStatus)
	}
	// The temporary password no longer works; the new one does.
	b2 := newPageBrowser(t, f)
	b2.authorize(verifier, "np2")
	wantPageError(t, b2.submit(0, url.Values{"username": {"nina"}, "password": {"Temp-Passw0rd"}}), "Incorrect username or password.")
	b2.signedIn(b2.submit(0, url.Values{"username": {"nina"}, "password": {"N3w-Passw0rd"}}), verifier, "np2")
}

// TestHostedTOTP: a user with an authenticator app (set up through the
// API) is asked for its code on the page; a wrong code is an error there.
func TestHostedTOTP(t *testing.T) {
	f := newPagesFixture(t, mfaPool(""), false)
	enableMFA(t, f.authFixture, types.UserPoolMfaTypeOptional)
	ctx := context.Background()
	f.confirmedUser(t, "tina", "Passw0rd!", "email", "tina@example.com")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tina", "Passw0rd!")).AuthenticationResult.AccessToken
	secret := *must[*cognito.AssociateSoftwareTokenOutput](t)(f.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{AccessToken: tok})).SecretCode
	must[*cognito.VerifySoftwareTokenOutput](t)(f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: tok, UserCode: aws.String(totp(t, secret, time.Now()))}))
	must[*cognito.SetUserMFAPreferenceOutput](t)(f.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: tok,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))

	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "mfa")
	wantPageError(t, b.submit(0, url.Values{"username": {"tina"}, "password": {"Wrong-Passw0rd"}}), "Incorrect username or password.")
	step := b.follow(b.submit(0, url.Values{"username": {"tina"}, "password": {"Passw0rd!"}}), "/login")
	wantPage(t, step, 200, "Enter your authentication code", `name="step" value="SOFTWARE_TOKEN_MFA"`, `<label for="code" class="label-customizable">`, `autocomplete="one-time-code"`)
	if b.cookie("cognito") != nil {
		t.Fatal("signed in before the second factor")
	}
	b.forgeWithoutCSRF(0, url.Values{"code": {totp(t, secret, time.Now().Add(30*time.Second))}})
	wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(totp(t, secret, time.Now()))}}), "Invalid code provided, please try again.")
	// Guessing is limited: five failures in a row (the wrong password
	// counts too) lock the user for a while, and the sign-in must start
	// again from the password.
	for range 3 {
		wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(totp(t, secret, time.Now()))}}), "Invalid code provided")
	}
	a := b.submit(0, url.Values{"code": {totp(t, secret, time.Now().Add(30*time.Second))}})
	wantPageError(t, a, "Password attempts exceeded")
	wantPage(t, a, 400, `<label for="password" class="label-customizable">Password</label>`, `value="tina"`)
	if b.cookie("cognito-fl") != nil || b.cookie("cognito") != nil {
		t.Fatal("the sign-in goes on while the user is locked")
	}
	time.Sleep(1100 * time.Millisecond) // the first lock lasts a second
	b.follow(b.submit(0, url.Values{"username": {"tina"}, "password": {"Passw0rd!"}}), "/login")
	// The code of the set-up was used; the next step's code is accepted.
	claims := b.signedIn(b.submit(0, url.Values{"code": {totp(t, secret, time.Now().Add(30*time.Second))}}), verifier, "mfa")
	if claims["cognito:username"] != "tina" {
		t.Fatalf("claims %v", claims)
	}

	// The session cookie now skips the pages.
	again := b.get(b.f.base + "/oauth2/authorize?" + url.Values{"client_id": {*f.client.ClientId}, "response_type": {"code"}, "redirect_uri": {callback}}.Encode())
	if again.status != http.StatusFound || !strings.HasPrefix(again.loc.String(), callback+"?code=") {
		t.Fatalf("second authorization %d %v", again.status, again.loc)
	}
}

// TestHostedSMSMFA: a code sent by SMS, asked for on the page.
func TestHostedSMSMFA(t *testing.T) {
	f := newPagesFixture(t, mfaPool(""), false)
	enableMFA(t, f.authFixture, types.UserPoolMfaTypeOptional)
	f.confirmedUser(t, "sue", "Passw0rd!", "phone_number", "+15555550199", "phone_number_verified", "true")
	must[*cognito.AdminSetUserMFAPreferenceOutput](t)(f.c.AdminSetUserMFAPreference(context.Background(), &cognito.AdminSetUserMFAPreferenceInput{UserPoolId: &f.poolID,
		Username: aws.String("sue"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}))
	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "sms")
	step := b.follow(b.submit(0, url.Values{"username": {"sue"}, "password": {"Passw0rd!"}}), "/login")
	wantPage(t, step, 200, "We have sent a sign-in code by SMS to +*******0199", `value="SMS_MFA"`)
	code := f.ts.lastCode(t, f.poolID, "sue")
	wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(code)}}), "Invalid code provided")
	b.signedIn(b.submit(0, url.Values{"code": {code}}), verifier, "sms")
}

// TestHostedMFASetup: a pool that requires MFA has a user without a factor
// set up an authenticator app on the page.
func TestHostedMFASetup(t *testing.T) {
	f := newPagesFixture(t, mfaPool(""), false)
	enableMFA(t, f.authFixture, types.UserPoolMfaTypeOn)
	f.confirmedUser(t, "max", "Passw0rd!")
	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "setup")
	step := b.follow(b.submit(0, url.Values{"username": {"max"}, "password": {"Passw0rd!"}}), "/login")
	wantPage(t, step, 200, "Set up an authenticator app", `value="MFA_SETUP"`, `href="otpauth://totp/`)
	m := regexp.MustCompile(`<p class="secret" id="secret">([A-Z2-7 ]+)</p>`).FindStringSubmatch(step.body)
	if m == nil {
		t.Fatalf("no secret on the page: %s", step.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	wantPageError(t, b.submit(0, url.Values{"code": {wrongCode(totp(t, secret, time.Now()))}}), "Code mismatch")
	b.get("/login?" + b.url.RawQuery) // reloading shows the same secret
	if !strings.Contains(b.page, m[1]) {
		t.Fatal("the secret changed on reload")
	}
	b.signedIn(b.submit(0, url.Values{"code": {totp(t, secret, time.Now())}}), verifier, "setup")
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("max")}))
	if aws.ToString(g.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after set-up %v", g.PreferredMfaSetting)
	}
}

// TestHostedConfirmUserLink: the link of a confirmation email confirms.
func TestHostedConfirmUserLink(t *testing.T) {
	f := newPagesFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}, false)
	ctx := context.Background()
	must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("lena"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "lena@example.com"), SecretHash: aws.String(secretHash(*f.client.ClientSecret, "lena", *f.client.ClientId))}))
	code := f.ts.lastCode(t, f.poolID, "lena")
	b := newPageBrowser(t, f)
	link := func(c string) string {
		return "/confirmUser?" + url.Values{"client_id": {*f.client.ClientId}, "user_name": {"lena"}, "confirmation_code": {c}}.Encode()
	}
	wantPageError(t, b.get(link(wrongCode(code))), "Invalid code provided")
	wantPage(t, b.get(link(code)), 200, "Your registration has been confirmed!", `<a href="/login?`)
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("lena")}))
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status %s", g.UserStatus)
	}
	// Its sign-in link works.
	verifier := oauth2.GenerateVerifier()
	login := b.follow(b.get(b.f.base+"/oauth2/authorize?"+url.Values{"client_id": {*f.client.ClientId}, "response_type": {"code"}, "redirect_uri": {callback},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}, "state": {"l"}, "nonce": {"n-l"}}.Encode()), "/login")
	wantPage(t, login, 200, `<label for="username" class="label-customizable">`)
	b.signedIn(b.submit(0, url.Values{"username": {"lena"}, "password": {"Passw0rd!"}}), verifier, "l")
	if a := b.get("/confirmUser?client_id=nosuchclient&user_name=lena&confirmation_code=1"); a.status != 400 {
		t.Fatalf("unknown client: %d", a.status)
	}
}
