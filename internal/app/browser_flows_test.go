package app_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The hosted pages' flows in a real browser (part 4 of TestBrowserSignIn):
// each one fills and submits the pages' forms, as a user would, from the
// relying party's authorization URL to its "signed in as" page, where it
// has exchanged the code (PKCE) and verified the ID token. They run on the
// prefix domain over HTTP, one after the other, each in a new browser
// context of the browser the test started: a context has cookies of its
// own, so no session or pending sign-in carries over from another flow
// (nor from the test's first session, signed in on the same domain).

// flowLimit bounds a flow, from opening its tab to its last page (the TOTP
// flow may wait up to 30 s for a fresh step).
const flowLimit = 60 * time.Second

// flowPassword is the password the flows' users choose or are given.
const flowPassword = "Passw0rd!"

// flowEnv is what TestBrowserSignIn has set up: the server, the pool with
// its prefix domain (base) and the relying party's client, and the browser.
type flowEnv struct {
	ts     *testServer
	c      *cognito.Client
	poolID string
	rp     *relyingParty
	base   string // the prefix domain, over HTTP
	// customBase is the custom domain, over HTTPS on the edge.
	customBase string
	browser    *chromiumSession
}

func browserFlows(t *testing.T, e *flowEnv) {
	start := time.Now()
	// Authenticator apps as a second factor, for the users who set one up.
	must[*cognito.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(context.Background(), &cognito.SetUserPoolMfaConfigInput{UserPoolId: &e.poolID,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
	for _, f := range []struct {
		name string
		run  func(t *testing.T, e *flowEnv, b *chromiumSession)
	}{
		{"signup", flowSignUp},
		{"signup-custom-domain", flowSignUpCustomDomain},
		{"forgot-password", flowForgotPassword},
		{"new-password", flowNewPassword},
		{"totp", flowTOTP},
		{"logout", flowLogout},
	} {
		t.Run(f.name, func(t *testing.T) {
			b := e.browser.freshContext(t, f.name)
			if names := b.cookieNames(e.base); len(names) > 0 {
				t.Fatalf("a fresh browser context has cookies for the domain: %v", names)
			}
			f.run(t, e, b)
			b.screenshot("the flow's last page", filepath.Join(b.artifacts, "flow-"+f.name+".png"))
		})
	}
	t.Logf("the flows in the browser took %s", time.Since(start).Round(time.Millisecond))
}

// flowSignUp: the "Sign up" link of the sign-in page, the sign-up form, the
// code from the outbox on the confirmation page, then the sign-in page
// (with the username filled in) and the relying party. On the prefix domain.
func flowSignUp(t *testing.T, e *flowEnv, b *chromiumSession) { signUpOn(t, e, b, e.base, "dora") }

// flowSignUpCustomDomain is the same on the custom domain, over HTTPS.
func flowSignUpCustomDomain(t *testing.T, e *flowEnv, b *chromiumSession) {
	signUpOn(t, e, b, e.customBase, "erin")
}

func signUpOn(t *testing.T, e *flowEnv, b *chromiumSession, base, username string) {
	b.openSignIn(e.rp.authURL(base))
	b.step("the sign-up page", `button[name="signUpButton"]`, chromedp.Click(chromedp.Search(`//a[normalize-space()="Sign up"]`)))
	b.step("signing up", `button[name="confirm"]`,
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#attr-email"), username+"@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), flowPassword),
		chromedp.Click(chromedp.CSS(`button[name="signUpButton"]`)),
	)
	b.wantText("#notice", "We have sent a code by email to "+username[:1]+"***@e***")
	b.wantValue("#username", username)
	code := e.ts.lastCode(t, e.poolID, username)
	b.step("confirming the account", `button[name="signInSubmitButton"]`,
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS(`button[name="confirm"]`)),
	)
	b.wantText("#notice", "Your account is confirmed.")
	b.wantValue("#username", username)
	b.submitPassword(flowPassword)
	b.wantSignedIn(username)
	g := must[*cognito.AdminGetUserOutput](t)(e.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &e.poolID, Username: aws.String(username)}))
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("after the confirmation: status %s", g.UserStatus)
	}
}

// flowForgotPassword: the "Forgot your password?" link, the username, the
// code from the outbox and a new password on the reset page, then the
// sign-in page with the new password.
func flowForgotPassword(t *testing.T, e *flowEnv, b *chromiumSession) {
	const username, newPassword = "fred", "N3w-Passw0rd"
	e.confirmedUser(t, username, "fred@example.com")
	b.openSignIn(e.rp.authURL(e.base))
	b.step("the forgotten password page", `button[name="reset_my_password"]`, chromedp.Click(chromedp.Search(`//a[normalize-space()="Forgot your password?"]`)))
	b.step("asking for a code", `button[name="reset_password"]`,
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.Click(chromedp.CSS(`button[name="reset_my_password"]`)),
	)
	b.wantText("#notice", "We have sent a password reset code by email to f***@e***")
	b.wantValue("#username", username)
	code := e.ts.lastCode(t, e.poolID, username)
	b.step("choosing a new password", `button[name="signInSubmitButton"]`,
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.SendKeys(chromedp.CSS("#password"), newPassword),
		chromedp.SendKeys(chromedp.CSS("#confirm_password"), newPassword),
		chromedp.Click(chromedp.CSS(`button[name="reset_password"]`)),
	)
	b.wantText("#notice", "Your password has been changed.")
	b.wantValue("#username", username)
	b.submitPassword(newPassword)
	b.wantSignedIn(username)
	if e.ts.passwordMatches(t, e.poolID, username, flowPassword) {
		t.Fatal("the old password still matches")
	}
}

// flowNewPassword: a user an administrator created with a temporary
// password signs in, and chooses a new password on the next step's page.
func flowNewPassword(t *testing.T, e *flowEnv, b *chromiumSession) {
	const username, temporary = "nina", "Temp-Passw0rd"
	ctx := context.Background()
	must[*cognito.AdminCreateUserOutput](t)(e.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &e.poolID, Username: aws.String(username),
		TemporaryPassword: aws.String(temporary), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", "nina@example.com", "email_verified", "true")}))
	b.openSignIn(e.rp.authURL(e.base))
	b.step("signing in with the temporary password", `button[name="change_password"]`,
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), temporary),
		chromedp.Click(chromedp.CSS(`button[name="signInSubmitButton"]`)),
	)
	b.wantText("h1", "Change your password")
	b.wantValue(`input[name="step"]`, "NEW_PASSWORD_REQUIRED")
	b.step("choosing a new password", "#who",
		chromedp.SendKeys(chromedp.CSS("#password"), flowPassword),
		chromedp.SendKeys(chromedp.CSS("#confirm_password"), flowPassword),
		chromedp.Click(chromedp.CSS(`button[name="change_password"]`)),
	)
	b.wantSignedIn(username)
	g := must[*cognito.AdminGetUserOutput](t)(e.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &e.poolID, Username: aws.String(username)}))
	if g.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("after the new password: status %s", g.UserStatus)
	}
}

// flowTOTP: a user with an authenticator app (set up through the API, as
// an app would) signs in, and types the app's code on the next step's page.
func flowTOTP(t *testing.T, e *flowEnv, b *chromiumSession) {
	const username = "tina"
	ctx := context.Background()
	e.confirmedUser(t, username, "tina@example.com")
	start := must[*cognito.InitiateAuthOutput](t)(e.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: aws.String(e.rp.clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": flowPassword}}))
	if start.AuthenticationResult == nil {
		t.Fatalf("signing in before the set-up: %+v", start)
	}
	tok := start.AuthenticationResult.AccessToken
	secret := *must[*cognito.AssociateSoftwareTokenOutput](t)(e.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{AccessToken: tok})).SecretCode
	// A code is accepted once, and the server accepts one step either side
	// of its own (for clocks that drift). The set-up uses the previous
	// step's code, which leaves the current step's for the page; so that
	// the step does not end while the request is on its way (the previous
	// step's code would then be two steps old), not in a step's last 3 s.
	if left := totpPeriod - time.Duration(time.Now().UnixNano()%int64(totpPeriod)); left < 3*time.Second {
		time.Sleep(left + 50*time.Millisecond)
	}
	setupAt := time.Now().Add(-totpPeriod)
	must[*cognito.VerifySoftwareTokenOutput](t)(e.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: tok, UserCode: aws.String(totp(t, secret, setupAt))}))
	must[*cognito.SetUserMFAPreferenceOutput](t)(e.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: tok,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))

	b.openSignIn(e.rp.authURL(e.base))
	b.step("signing in with the password", `button[name="verify"]`,
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), flowPassword),
		chromedp.Click(chromedp.CSS(`button[name="signInSubmitButton"]`)),
	)
	b.wantText("h1", "Enter your authentication code")
	b.wantValue(`input[name="step"]`, "SOFTWARE_TOKEN_MFA")
	// The code of a step the set-up did not use (a wait only if it had).
	used := totpStepOf(setupAt)
	waited := time.Now()
	waitFor(t, totpPeriod+5*time.Second, "a TOTP step the set-up did not use", func() (bool, error) { return totpStepOf(time.Now()) > used, nil })
	if d := time.Since(waited); d > time.Second {
		t.Logf("waited %s for a fresh TOTP step", d.Round(time.Millisecond))
	}
	b.step("typing the authenticator app's code", "#who",
		chromedp.SendKeys(chromedp.CSS("#code"), totp(t, secret, time.Now())),
		chromedp.Click(chromedp.CSS(`button[name="verify"]`)),
	)
	b.wantSignedIn(username)
}

// flowLogout: after signing in, an authorization needs no password (the
// session); /logout with a registered logout_uri ends the session and
// shows the relying party's logout page; the next authorization asks for
// the password again.
func flowLogout(t *testing.T, e *flowEnv, b *chromiumSession) {
	const username = "lena"
	e.confirmedUser(t, username, "lena@example.com")
	b.openSignIn(e.rp.authURL(e.base))
	b.submitUsernamePassword(username, flowPassword)
	b.wantSignedIn(username)
	if !slices.Contains(b.cookieNames(e.base), "cognito") {
		t.Fatalf("no session cookie after signing in: %v", b.cookieNames(e.base))
	}

	b.resetDocuments()
	b.run("authorizing again, signed in", chromedp.Navigate(e.rp.authURL(e.base)), chromedp.WaitVisible(chromedp.CSS("#who, #rp-error, #username")))
	b.wantSignedIn(username)
	if docs := b.documents(); slices.ContainsFunc(docs, func(u string) bool { return strings.Contains(u, "/login") }) {
		t.Fatalf("signed in, the authorization showed the sign-in page: %v", docs)
	}

	b.resetDocuments()
	logout := e.base + "/logout?" + url.Values{"client_id": {e.rp.clientID}, "logout_uri": {e.rp.logout}}.Encode()
	b.run("signing out", chromedp.Navigate(logout), chromedp.WaitVisible(chromedp.CSS("#rp-logout, #error")))
	b.wantText("body", "signed out")
	if docs := b.documents(); len(docs) == 0 || !strings.HasPrefix(docs[0], e.base+"/logout?") {
		t.Fatalf("the documents of the sign-out: %v", docs)
	}
	if names := b.cookieNames(e.base); slices.Contains(names, "cognito") {
		t.Fatalf("the session cookie is still there after signing out: %v", names)
	}

	b.resetDocuments()
	b.openSignIn(e.rp.authURL(e.base))
	b.wantValue("#username", "")
	if docs := b.documents(); slices.ContainsFunc(docs, func(u string) bool { return strings.HasPrefix(u, e.rp.callback) }) {
		t.Fatalf("after signing out the authorization went back to the relying party: %v", docs)
	}
}

// ---- helpers ----

const totpPeriod = 30 * time.Second

func totpStepOf(at time.Time) int64 { return at.Unix() / int64(totpPeriod/time.Second) }

// confirmedUser makes a CONFIRMED user of the pool, with flowPassword and
// a verified email.
func (e *flowEnv) confirmedUser(t *testing.T, username, email string) {
	t.Helper()
	ctx := context.Background()
	must[*cognito.AdminCreateUserOutput](t)(e.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &e.poolID, Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", email, "email_verified", "true")}))
	must[*cognito.AdminSetUserPasswordOutput](t)(e.c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: &e.poolID, Username: aws.String(username),
		Password: aws.String(flowPassword), Permanent: true}))
}

// freshContext opens a tab in a new browser context of b's browser (as an
// incognito window: cookies, cache and storage of its own, thrown away at
// the end of t). Everything the tab does must end within flowLimit.
func (b *chromiumSession) freshContext(t *testing.T, name string) *chromiumSession {
	t.Helper()
	bounded, cancelBound := context.WithTimeout(b.ctx, flowLimit)
	ctx, cancel := chromedp.NewContext(bounded, chromedp.WithNewBrowserContext())
	s := &chromiumSession{t: t, ctx: ctx, artifacts: b.artifacts, name: name}
	t.Cleanup(func() {
		if t.Failed() {
			s.mu.Lock()
			t.Logf("browser console (%s):\n%s", name, strings.Join(s.logs, "\n"))
			s.mu.Unlock()
		}
		cancel()
		cancelBound()
	})
	// Listening opens the tab (under the flow's limit).
	if err := chromedp.Listen(ctx, s.event); err != nil {
		t.Fatalf("opening a tab in a new browser context: %v", err)
	}
	return s
}

// step runs actions (typing, a click) and waits for the page that follows:
// ready is a selector only that page matches. A page that shows an error
// instead (the pages' role=alert, the relying party's, or its page after
// an authorization that needed no sign-in) fails at once.
func (b *chromiumSession) step(what, ready string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.run(what, append(actions, chromedp.WaitVisible(chromedp.CSS(ready+`, [role="alert"], #rp-error, #who`)))...)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", ready)))
	if err != nil {
		b.fail(what, err)
	}
	if !found {
		b.fail(what, fmt.Errorf("the page shows an error, not the one with %s", ready))
	}
}

// openSignIn opens an authorization URL and expects the sign-in form (no
// session: the form, and not the relying party's page).
func (b *chromiumSession) openSignIn(authURL string) {
	b.t.Helper()
	b.step("opening the authorization URL", `button[name="signInSubmitButton"]`, chromedp.Navigate(authURL))
	if got := b.text("h1"); got != "Sign in" {
		b.fail("opening the authorization URL", fmt.Errorf("the page's title is %q, not the sign-in page's", got))
	}
}

// submitUsernamePassword fills the sign-in form and submits it.
func (b *chromiumSession) submitUsernamePassword(username, password string) {
	b.t.Helper()
	b.step("signing in", "#who",
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`button[name="signInSubmitButton"]`)),
	)
}

// submitPassword submits the sign-in form, its username filled in already.
func (b *chromiumSession) submitPassword(password string) {
	b.t.Helper()
	b.step("signing in", "#who",
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`button[name="signInSubmitButton"]`)),
	)
}

// wantSignedIn checks the relying party's page: it exchanged the code and
// verified the ID token of username.
func (b *chromiumSession) wantSignedIn(username string) {
	b.t.Helper()
	if got := b.text("body"); got != "signed in as "+username {
		b.fail("the relying party's page", fmt.Errorf("it says %q, want %q", got, "signed in as "+username))
	}
}

// wantText checks an element's text contains want.
func (b *chromiumSession) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.fail("reading "+sel, fmt.Errorf("%q does not contain %q", got, want))
	}
}

// wantValue checks an input's value.
func (b *chromiumSession) wantValue(sel, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fail("reading the value of "+sel, err)
	}
	if got != want {
		b.fail("reading the value of "+sel, fmt.Errorf("%q, want %q", got, want))
	}
}

// cookieNames are the names of the cookies the tab's browser context holds
// for a URL.
func (b *chromiumSession) cookieNames(u string) []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u + "/"}})
	if err != nil {
		b.fail("reading the cookies", err)
	}
	var names []string
	for _, c := range res.Cookies {
		names = append(names, c.Name)
	}
	return names
}
