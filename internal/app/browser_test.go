package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/memory"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/edge/edgetest"
)

// chromiumPath is Debian's Chromium, which scripts/browser-deps.sh installs
// (`make test` runs it).
const chromiumPath = "/usr/bin/chromium"

// TestBrowserSignIn signs a user in with a real browser (headless Chromium
// driven over the DevTools protocol by chromedp) through the hosted pages,
// to a relying party that exchanges the code with golang.org/x/oauth2 and
// verifies the ID token with go-oidc:
//
//  1. on the prefix domain over HTTP (Chromium resolves *.localhost to the
//     loopback address, and the API listener serves prefix domains);
//  2. on a custom domain over HTTPS, served by the edge with a certificate
//     that the local CA issued through ACM's RequestCertificate;
//  3. across a certificate rotation: UpdateUserPoolDomain to an imported
//     certificate; the test then cuts the browser's connections (through a
//     relay in front of the edge) and flushes its TLS session cache, so that
//     the browser makes a full handshake, is shown the new certificate
//     (checked in the document's security details), and is still signed in
//     (the second authorization needs no password);
//  4. the hosted pages' other flows on the prefix domain, each in a fresh
//     browser context (its own cookies) of the same browser, filling and
//     submitting the forms up to the relying party's page: sign-up and
//     confirmation, a forgotten password, a temporary password
//     (NEW_PASSWORD_REQUIRED), a TOTP second factor, and sign-out
//     (browserFlows, in browser_flows_test.go).
//
// How Chromium trusts the edge: Chromium on Linux does not read the
// system's CA bundle; it verifies against its NSS database in
// $HOME/.pki/nssdb. Trusting the local CA there needs certutil
// (libnss3-tools), a writable HOME, and would trust the CA for every
// Chromium run of that user on the machine. Instead the browser is started
// with --ignore-certificate-errors-spki-list, the base64 SHA-256 of the
// SubjectPublicKeyInfo of the exact certificates the edge serves (computed
// from what the edge shows in a TLS handshake, and from the certificate the
// test makes for the rotation): it trusts those keys only, for this process
// only. Chromium honours the flag only together with --user-data-dir, which
// the test sets to a fresh directory. --host-resolver-rules maps the custom
// domain to 127.0.0.1, in that process only.
//
// A screenshot of the sign-in page (customised with SetUICustomization,
// once the pages apply it), and one of the last page of each flow, are
// saved to $GOGNITO_ARTIFACTS, by default the test's temporary directory;
// the test logs the paths.
func TestBrowserSignIn(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need Debian's Chromium at %s (%v): `make test` installs it (scripts/browser-deps.sh), or run: apt-get install chromium", chromiumPath, err)
	}
	artifacts := os.Getenv("GOGNITO_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	const host = "auth.example.test"
	_, apiPort, _ := net.SplitHostPort(strings.TrimPrefix(ts.URL, "http://"))
	_, edgePort, _ := net.SplitHostPort(ts.EdgeAddr)

	// The pool: a prefix domain, and a custom domain with a certificate
	// from the local CA (RequestCertificate). It verifies emails, so that
	// the sign-up page sends a code.
	poolID := *must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("browser"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})).UserPool.Id
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("browser"), UserPoolId: &poolID}))
	issuedARN := *must[*acm.RequestCertificateOutput](t)(certs.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String(host)})).CertificateArn
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: &poolID,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &issuedARN}}))

	// The certificate of the rotation, made by the test's own CA.
	testCA := certtest.NewCA(t)
	rotatedPEM, rotatedKey := testCA.Leaf(t, []string{host}, time.Now().Add(-time.Hour), time.Now().Add(48*time.Hour))
	rotated := parsePEM(t, rotatedPEM)
	rotatedARN := *must[*acm.ImportCertificateOutput](t)(certs.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: rotatedPEM, PrivateKey: rotatedKey, CertificateChain: testCA.PEM()})).CertificateArn

	roots := rootsOf(must[[]byte](t)(caPEMOf(ts)))
	roots.AddCert(testCA.Cert)
	var issued *x509.Certificate
	waitFor(t, 5*time.Second, "the edge to serve the custom domain", func() (bool, error) {
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		issued = leaf
		return err == nil, err
	})
	if issued.Issuer.CommonName == rotated.Issuer.CommonName {
		t.Fatalf("both certificates have the issuer %q: the test cannot tell them apart", issued.Issuer.CommonName)
	}

	// The app client and its user.
	rp := startRelyingParty(t, ts, roots, poolID)
	client := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Browser test app"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{rp.callback}, LogoutURLs: []string{rp.logout}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: allFlows})).UserPoolClient
	rp.clientID = *client.ClientId
	const username, password = "olga", "Passw0rd!"
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", "olga@example.com", "email_verified", "true")}))
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(username),
		Password: aws.String(password), Permanent: true}))

	// The pool's branding, for the screenshot.
	customised := true
	if _, err := c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: &poolID, ClientId: aws.String("ALL"), CSS: aws.String(brandCSS), ImageFile: logoPNG(t)}); err != nil {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "UnsupportedOperationException" {
			t.Fatal(err)
		}
		customised = false
		t.Log("SetUICustomization is not served yet: the screenshot shows the pages as they are")
	}

	// A relay in front of the edge, whose connections the test can cut: the
	// browser then has to open a new TLS connection (Chromium keeps its
	// connections open, and the DevTools protocol cannot close them).
	relay := startEdgeRelay(t, ts.EdgeAddr)
	_, relayPort, _ := net.SplitHostPort(relay.addr())

	b := startChromium(t, artifacts, []string{"MAP " + host + " 127.0.0.1"}, []*x509.Certificate{issued, rotated})

	// 1. The prefix domain, over HTTP on the API listener.
	prefixBase := "http://browser.auth.us-east-1.localhost:" + apiPort
	b.signIn(rp.authURL(prefixBase), username, password, filepath.Join(artifacts, "signin-prefix-domain.png"), customised)
	if got := b.text("#who"); got != "signed in as "+username {
		t.Fatalf("prefix domain: the relying party says %q", got)
	}

	// 2. The custom domain, over HTTPS on the edge.
	customBase := "https://" + host + ":" + edgePort
	b.signIn(rp.authURL(customBase), username, password, filepath.Join(artifacts, "signin-custom-domain.png"), customised)
	if got := b.text("#who"); got != "signed in as "+username {
		t.Fatalf("custom domain: the relying party says %q", got)
	}

	// 3. A certificate rotation while signed in.
	relayBase := "https://" + host + ":" + relayPort
	resp := b.load(relayBase + "/")
	if resp.Status != 200 || resp.SecurityDetails == nil || resp.SecurityDetails.Issuer != issued.Issuer.CommonName {
		t.Fatalf("before the rotation: status %d, certificate %+v", resp.Status, resp.SecurityDetails)
	}
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: &poolID,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &rotatedARN}}))
	waitFor(t, 2*time.Second, "the edge to serve the new certificate", func() (bool, error) {
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		return err == nil && leaf.Equal(rotated), err
	})
	cut := relay.cut()
	b.forgetTLSSessions()
	t.Logf("rotation: cut %d browser connection(s) to the edge", cut)
	resp = b.load(relayBase + "/")
	if resp.Status != 200 || resp.SecurityDetails == nil || resp.SecurityDetails.Issuer != rotated.Issuer.CommonName {
		t.Fatalf("after the rotation: status %d, certificate %+v (want one issued by %q)", resp.Status, resp.SecurityDetails, rotated.Issuer.CommonName)
	}
	// The session goes on: the authorization returns at once, with no form.
	b.resetDocuments()
	b.run("authorize after the rotation", chromedp.Navigate(rp.authURL(relayBase)), chromedp.WaitVisible(chromedp.CSS("#who, #rp-error")))
	if got := b.text("body"); got != "signed in as "+username {
		t.Fatalf("after the rotation: the relying party says %q", got)
	}
	for _, u := range b.documents() {
		if strings.Contains(u, "/login") {
			t.Fatalf("after the rotation the browser was asked to sign in again (%s)", u)
		}
	}
	if rp.exchanges() != 3 {
		t.Fatalf("%d code exchanges, want 3", rp.exchanges())
	}

	// 4. The other flows of the pages, on the prefix domain (and sign-up on the custom domain too).
	browserFlows(t, &flowEnv{ts: ts, c: c, poolID: poolID, rp: rp, base: prefixBase, customBase: customBase, browser: b})
}

// ---- the browser (Chromium over the DevTools protocol) ----

type chromiumSession struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	name      string // of a flow's session: its failure screenshot is failure-<name>.png

	mu   sync.Mutex
	docs []string // document requests since resetDocuments
	logs []string // console messages and browser log entries
}

// startChromium starts headless Chromium with a fresh profile. rules are
// --host-resolver-rules; trusted are the certificates to accept.
func startChromium(t *testing.T, artifacts string, rules []string, trusted []*x509.Certificate) *chromiumSession {
	t.Helper()
	var spki []string
	for _, c := range trusted {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		spki = append(spki, base64.StdEncoding.EncodeToString(sum[:]))
	}
	var stderr chromiumOutput
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root on CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		// The machines have no network but loopback: no background traffic.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("host-resolver-rules", strings.Join(rules, ",")),
		chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(spki, ",")),
		chromedp.WindowSize(1000, 900),
		chromedp.CombinedOutput(&stderr),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &chromiumSession{t: t, artifacts: artifacts}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(f string, a ...any) { t.Logf("chromedp: "+f, a...) }))
	b.ctx = ctx
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		if t.Failed() {
			var out []string
			for _, l := range strings.Split(stderr.String(), "\n") {
				if !strings.Contains(l, "dbus") && !strings.Contains(l, "unexpected operator") {
					out = append(out, l)
				}
			}
			t.Logf("Chromium's output (less D-Bus noise):\n%s", strings.Join(out, "\n"))
			b.mu.Lock()
			t.Logf("browser console:\n%s", strings.Join(b.logs, "\n"))
			b.mu.Unlock()
		}
	})
	// The first Run starts the browser; it must not run under a timeout.
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	if err != nil {
		t.Fatalf("starting %s: %v\n%s", chromiumPath, err, stderr.String())
	}
	t.Logf("browser: %s", version)
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *chromiumSession) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Type == network.ResourceTypeDocument {
			b.docs = append(b.docs, e.Request.URL)
		}
	case *log.EventEntryAdded:
		b.logs = append(b.logs, fmt.Sprintf("[%s] %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, string(a.Value))
		}
		b.logs = append(b.logs, fmt.Sprintf("[console.%s] %s", e.Type, strings.Join(parts, " ")))
	}
}

func (b *chromiumSession) resetDocuments() {
	b.mu.Lock()
	b.docs = nil
	b.mu.Unlock()
}

func (b *chromiumSession) documents() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.docs...)
}

// run runs steps with a timeout; on failure it saves a screenshot and
// reports where the browser is.
func (b *chromiumSession) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

func (b *chromiumSession) fail(what string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	where, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	shot := filepath.Join(b.artifacts, "failure.png")
	if b.name != "" {
		shot = filepath.Join(b.artifacts, "failure-"+b.name+".png")
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(shot, png, 0o644)
	}
	b.t.Fatalf("browser: %s: %v\nat %s (screenshot %s):\n%s", what, err, where, shot, text)
}

func (b *chromiumSession) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("reading "+sel, err)
	}
	return strings.TrimSpace(s)
}

// forgetTLSSessions makes the browser's next connections full TLS
// handshakes. Chromium resumes TLS sessions (tickets), and a resumed session
// shows no certificate: the browser would go on with the one it saw first.
// Its session cache is flushed under critical memory pressure, which the
// DevTools protocol can simulate.
func (b *chromiumSession) forgetTLSSessions() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, memory.SimulatePressureNotification, memory.SimulatePressureNotificationParams{Level: memory.PressureLevelCritical}); err != nil {
		b.fail("flushing the TLS session cache", err)
	}
}

// load navigates to u and returns the document's response.
func (b *chromiumSession) load(u string) *network.Response {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(u))
	if err != nil {
		b.fail("loading "+u, err)
	}
	return resp
}

// signIn opens an authorization URL, expects the sign-in page, saves a
// screenshot of it, fills the form and submits it, and waits for the
// relying party's page.
func (b *chromiumSession) signIn(authURL, username, password, screenshot string, customised bool) {
	b.t.Helper()
	b.run("the sign-in page", chromedp.Navigate(authURL), chromedp.WaitVisible(chromedp.CSS("#username")))
	b.checkBranding(customised)
	b.screenshot("the sign-in page", screenshot)
	b.run("signing in",
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`button[name="signInSubmitButton"]`)),
		chromedp.WaitVisible(chromedp.CSS("#who, #rp-error")),
	)
	if msg := b.text("body"); !strings.HasPrefix(msg, "signed in as ") {
		b.t.Fatalf("the relying party says: %s", msg)
	}
}

// screenshot saves a screenshot of the whole page (what it shows) to path.
func (b *chromiumSession) screenshot(what, path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	cancel()
	if err != nil {
		b.fail("screenshot", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot of %s: %s", what, path)
}

// checkBranding checks, once the pages carry Cognito's class names, that the
// customisation set with SetUICustomization is what the browser renders.
func (b *chromiumSession) checkBranding(customised bool) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	type branding struct {
		Classes    bool   `json:"classes"`
		Button     string `json:"button"`
		Background string `json:"background"`
		Logo       int    `json:"logo"`
		LogoSrc    string `json:"logoSrc"`
	}
	// The logo may still be loading: wait for it (or for its failure).
	got, err := chromedp.Run(ctx, chromedp.Evaluate[branding](`(async () => {
  const img = document.querySelector('img.logo-customizable');
  if (img && !img.complete) await new Promise(r => { img.onload = r; img.onerror = r; });
  const btn = document.querySelector('.submitButton-customizable');
  const bg = document.querySelector('.background-customizable');
  return {
    classes: !!btn,
    button: btn ? getComputedStyle(btn).backgroundColor : '',
    background: bg ? getComputedStyle(bg).backgroundColor : '',
    logo: img ? img.naturalWidth : 0,
    logoSrc: img ? img.src : '',
  };
})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("reading the page's branding", err)
	}
	if !got.Classes {
		b.t.Log("the sign-in page has no Cognito class names yet: the branding checks wait for hostedui to apply the customisation")
		return
	}
	if !customised {
		return
	}
	// #0b6e4f and #fff8e1 in brandCSS.
	if got.Button != "rgb(11, 110, 79)" || got.Background != "rgb(255, 248, 225)" || got.Logo != 350 {
		b.t.Fatalf("the page does not show the customisation: %+v (the logo at %q must load: 350 px wide)", got, got.LogoSrc)
	}
}

// ---- the relying party ----

// relyingParty is a web app that signs its users in with the pool: it
// starts authorizations (PKCE and a nonce), exchanges the code with
// golang.org/x/oauth2 and verifies the ID token with go-oidc. Its logout
// page is where the pool's /logout sends the browser back.
type relyingParty struct {
	t        *testing.T
	hc       *http.Client // reaches the domains and the issuer
	provider *oidc.Provider
	callback string
	logout   string // the logout URL (registered as the client's LogoutURLs)
	clientID string

	mu    sync.Mutex
	flows map[string]rpFlow // by state
	done  int
}

type rpFlow struct {
	conf            *oauth2.Config
	verifier, nonce string
}

func startRelyingParty(t *testing.T, ts *testServer, roots *x509.CertPool, poolID string) *relyingParty {
	t.Helper()
	rp := &relyingParty{t: t, hc: hostClient(ts, roots, nil), flows: map[string]rpFlow{}}
	provider, err := oidc.NewProvider(oidc.ClientContext(context.Background(), rp.hc), ts.URL+"/"+poolID)
	if err != nil {
		t.Fatal(err)
	}
	rp.provider = provider
	srv := httptest.NewServer(http.HandlerFunc(rp.serve)) // on 127.0.0.1
	t.Cleanup(srv.Close)
	rp.callback, rp.logout = srv.URL+"/callback", srv.URL+"/logout"
	return rp
}

func rpRandom() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authURL starts an authorization on a domain (its base URL).
func (rp *relyingParty) authURL(base string) string {
	f := rpFlow{
		conf: &oauth2.Config{ClientID: rp.clientID, RedirectURL: rp.callback, Scopes: []string{oidc.ScopeOpenID, "email"},
			Endpoint: oauth2.Endpoint{AuthURL: base + "/oauth2/authorize", TokenURL: base + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}},
		verifier: oauth2.GenerateVerifier(), nonce: rpRandom(),
	}
	state := rpRandom()
	rp.mu.Lock()
	rp.flows[state] = f
	rp.mu.Unlock()
	return f.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(f.verifier), oidc.Nonce(f.nonce))
}

func (rp *relyingParty) exchanges() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.done
}

func (rp *relyingParty) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/callback":
	case "/logout":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>Relying party</title><p id="rp-logout">signed out</p>`)
		return
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fail := func(format string, a ...any) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<!doctype html><title>Relying party</title><p id="rp-error">%s</p>`, html.EscapeString(fmt.Sprintf(format, a...)))
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		fail("authorization error %s: %s", e, q.Get("error_description"))
		return
	}
	rp.mu.Lock()
	f, ok := rp.flows[q.Get("state")]
	delete(rp.flows, q.Get("state"))
	rp.mu.Unlock()
	if !ok {
		fail("unknown state %q", q.Get("state"))
		return
	}
	ctx := oidc.ClientContext(context.WithValue(r.Context(), oauth2.HTTPClient, rp.hc), rp.hc)
	tok, err := f.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(f.verifier))
	if err != nil {
		fail("code exchange: %v", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := rp.provider.Verifier(&oidc.Config{ClientID: rp.clientID}).Verify(ctx, raw)
	if err != nil {
		fail("ID token: %v", err)
		return
	}
	var claims struct {
		Username string `json:"cognito:username"`
		Email    string `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil || idt.Nonce != f.nonce || claims.Username == "" {
		fail("ID token claims %+v, nonce %q: %v", claims, idt.Nonce, err)
		return
	}
	rp.mu.Lock()
	rp.done++
	rp.mu.Unlock()
	fmt.Fprintf(w, `<!doctype html><title>Relying party</title><p id="who">signed in as %s</p>`, html.EscapeString(claims.Username))
}

// ---- a relay whose connections the test can cut ----

type edgeRelay struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func startEdgeRelay(t *testing.T, target string) *edgeRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &edgeRelay{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.DialTimeout("tcp", target, 5*time.Second)
			if err != nil {
				in.Close()
				continue
			}
			r.mu.Lock()
			r.conns[in], r.conns[out] = struct{}{}, struct{}{}
			r.mu.Unlock()
			r.wg.Add(2)
			pipe := func(dst, src net.Conn) {
				defer r.wg.Done()
				io.Copy(dst, src)
				dst.Close()
				src.Close()
				r.mu.Lock()
				delete(r.conns, dst)
				delete(r.conns, src)
				r.mu.Unlock()
			}
			go pipe(out, in)
			go pipe(in, out)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		r.cut()
		r.wg.Wait()
	})
	return r
}

func (r *edgeRelay) addr() string { return r.ln.Addr().String() }

// cut closes every open connection (new ones are still accepted) and says
// how many browser connections there were.
func (r *edgeRelay) cut() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.conns {
		c.Close()
	}
	n := len(r.conns) / 2
	clear(r.conns)
	return n
}

// chromiumOutput collects the browser's output.
type chromiumOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *chromiumOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *chromiumOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
