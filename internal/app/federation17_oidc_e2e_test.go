package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	opstorage "github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/oauth2"

	"github.com/gognito/gognito/internal/config"
)

// The OIDC and social federation of the hosted pages, end to end, against
// a real OpenID provider: zitadel/oidc's example OP (its pkg/op with the
// example's in-memory storage and login page), started by the test on a
// loopback port. The "browser" is a Go client with a cookie jar that
// follows the redirects itself and fills the OP's login form; the headless
// Chromium run is in federation17_browser_test.go.

// testOP is the zitadel example OP. Tamper, when set, changes the requests
// that reach it (to make it answer what a broken or hostile provider would).
type testOP struct {
	URL    string
	mu     sync.Mutex
	tamper func(r *http.Request) // may rewrite the request; nil: none
	denyAt string                // non-empty: /auth answers the redirect_uri with error=access_denied and this description
}

const (
	opClient   = "gognito-rp"
	opSecret   = "op-secret-1"
	opOther    = "other-rp" // a second client of the OP, for the wrong-audience case
	opUser     = "test-user@127.0.0.1"
	opPassword = "verysecure"
)

// startOP starts the OP with two confidential clients that may redirect
// to redirectURIs.
func startOP(t *testing.T, ln net.Listener, redirectURIs ...string) *testOP {
	t.Helper()
	o := &testOP{URL: "http://" + ln.Addr().String()}
	clients := map[string]*opstorage.Client{
		opClient: opstorage.WebClient(opClient, opSecret, redirectURIs...),
		opOther:  opstorage.WebClient(opOther, opSecret, redirectURIs...),
	}
	st := opstorage.NewStorageWithClients(opstorage.NewUserStore(o.URL), clients)
	router := exampleop.SetupServer(o.URL, st, nil, false)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		tamper, deny := o.tamper, o.denyAt
		o.mu.Unlock()
		if deny != "" && r.URL.Path == "/auth" {
			q := r.URL.Query()
			v := url.Values{"error": {"access_denied"}, "error_description": {deny}, "state": {q.Get("state")}}
			http.Redirect(w, r, q.Get("redirect_uri")+"?"+v.Encode(), http.StatusFound)
			return
		}
		if tamper != nil {
			tamper(r)
		}
		router.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return o
}

func (o *testOP) set(tamper func(*http.Request), deny string) {
	o.mu.Lock()
	o.tamper, o.denyAt = tamper, deny
	o.mu.Unlock()
}

// rewriteForm changes a form-encoded body's values.
func rewriteForm(r *http.Request, change func(url.Values)) {
	b, _ := io.ReadAll(r.Body)
	v, _ := url.ParseQuery(string(b))
	change(v)
	enc := v.Encode()
	r.Body, r.ContentLength = io.NopCloser(strings.NewReader(enc)), int64(len(enc))
	r.Header.Del("Authorization")
}

// fedEnv is a gognito server with a pool, its prefix domain and an OAuth
// client, and the OP.
type fedEnv struct {
	ts     *testServer
	c      *cognito.Client
	poolID string
	base   string // the pool's domain, http://fedapp.auth.us-east-1.localhost:<port>
	op     *testOP
	api    string // the API listener's host:port
	roots  *x509.CertPool
}

const fedCallback = "http://localhost:8765/fedcallback"

func newFedEnv(t *testing.T, change func(*config.Config)) *fedEnv {
	t.Helper()
	return newFedEnvOn(t, loopbackListener(t), change)
}

func loopbackListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// newFedEnvOn is newFedEnv with the OP on a listener of the caller's (whose
// address the server's configuration may name).
func newFedEnvOn(t *testing.T, opLn net.Listener, change func(*config.Config)) *fedEnv {
	t.Helper()
	ts := startServerWith(t, t.TempDir(), change)
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("fed"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)}}})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("fedapp"), UserPoolId: pool.Id}))
	api := strings.TrimPrefix(ts.URL, "http://")
	_, port, _ := net.SplitHostPort(api)
	e := &fedEnv{ts: ts, c: c, poolID: *pool.Id, base: "http://fedapp.auth.us-east-1.localhost:" + port, api: api,
		roots: rootsOf(must[[]byte](t)(caPEMOf(ts)))}
	e.op = startOP(t, opLn, e.base+"/oauth2/idpresponse")
	return e
}

// provider creates an identity provider of the pool.
func (e *fedEnv) provider(t *testing.T, name string, typ types.IdentityProviderTypeType, details, mapping map[string]string) {
	t.Helper()
	must[*cognito.CreateIdentityProviderOutput](t)(e.c.CreateIdentityProvider(context.Background(), &cognito.CreateIdentityProviderInput{
		UserPoolId: &e.poolID, ProviderName: &name, ProviderType: typ, ProviderDetails: details, AttributeMapping: mapping}))
}

// appClient creates an OAuth client offering the providers named.
func (e *fedEnv) appClient(t *testing.T, secret bool, providers ...string) *types.UserPoolClientType {
	t.Helper()
	return must[*cognito.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(context.Background(), &cognito.CreateUserPoolClientInput{
		UserPoolId: &e.poolID, ClientName: aws.String("web"), GenerateSecret: secret, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email", "profile"},
		CallbackURLs: []string{fedCallback}, SupportedIdentityProviders: providers})).UserPoolClient
}

// browser plays a browser: a cookie jar, *.localhost on the loopback
// address (the API listener serves prefix domains over HTTP, the edge over
// HTTPS), gognito's local CA trusted, the OP where it is.
func (e *fedEnv) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if host, port, _ := net.SplitHostPort(addr); strings.HasSuffix(host, ".localhost") {
					addr = net.JoinHostPort("127.0.0.1", port)
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}}}
}

var (
	opIDRE     = regexp.MustCompile(`name="id" value="([^"]+)"`)
	hostedCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// walk follows redirects from u (filling the OP's login form, or a
// gognito login page of the chained case, on the way) until the browser is
// sent to the app's callback; it returns that URL.
func walk(t *testing.T, hc *http.Client, u string) *url.URL {
	t.Helper()
	var req *http.Request
	req, _ = http.NewRequest(http.MethodGet, u, nil)
	for range 20 {
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther:
			loc, _ := resp.Location()
			if strings.HasPrefix(loc.String(), fedCallback) {
				return loc
			}
			req, _ = http.NewRequest(http.MethodGet, loc.String(), nil)
		case resp.StatusCode == http.StatusOK && opIDRE.Match(body): // the OP's login page
			id := opIDRE.FindSubmatch(body)[1]
			form := url.Values{"id": {string(id)}, "username": {opUser}, "password": {opPassword}}
			target := req.URL.ResolveReference(&url.URL{Path: "/login/username"})
			req, _ = http.NewRequest(http.MethodPost, target.String(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case resp.StatusCode == http.StatusOK && hostedCSRF.Match(body) && bytes.Contains(body, []byte(`name="password"`)): // a gognito login page
			form := url.Values{"_csrf": {string(hostedCSRF.FindSubmatch(body)[1])}, "username": {chainedUser}, "password": {chainedPassword}}
			req, _ = http.NewRequest(http.MethodPost, req.URL.String(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		default:
			t.Fatalf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, body)
		}
	}
	t.Fatal("too many redirects")
	return nil
}

// authorizeURL is an app's authorization request naming a provider.
func (e *fedEnv) authorizeURL(cl *types.UserPoolClientType, provider, state, verifier string) string {
	v := url.Values{"client_id": {*cl.ClientId}, "response_type": {"code"}, "redirect_uri": {fedCallback}, "scope": {"openid email profile"},
		"state": {state}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
	if provider != "" {
		v.Set("identity_provider", provider)
	}
	return e.base + "/oauth2/authorize?" + v.Encode()
}

// redeem exchanges the code the app received and returns the ID token's
// verified claims.
func (e *fedEnv) redeem(t *testing.T, hc *http.Client, cl *types.UserPoolClientType, back *url.URL, state, verifier string) map[string]any {
	t.Helper()
	if back.Query().Get("state") != state || back.Query().Get("code") == "" {
		t.Fatalf("sent back to the app with %s", back)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {fedCallback},
		"code_verifier": {verifier}, "client_id": {*cl.ClientId}}
	req, _ := http.NewRequest(http.MethodPost, e.base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cl.ClientSecret != nil {
		req.SetBasicAuth(*cl.ClientId, *cl.ClientSecret)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok["id_token"] == nil {
		t.Fatalf("token exchange: %d %v", resp.StatusCode, tok)
	}
	return (&authFixture{ts: e.ts, poolID: e.poolID}).verifyJWT(t, tok["id_token"].(string))
}

// wantFedError asserts the app was sent an error, as Cognito sends it.
func wantFedError(t *testing.T, back *url.URL, state, description string) {
	t.Helper()
	q := back.Query()
	if q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), description) || q.Get("state") != state || q.Has("code") {
		t.Fatalf("want error=invalid_request with %q and state %q, got %s", description, state, back)
	}
}

var opMapping = map[string]string{"email": "email", "name": "name", "given_name": "given_name", "custom:team": "preferred_username"}

// TestFederationOIDCDiscovery signs in through an OIDC provider found by
// discovery from oidc_issuer: the user OP_<sub> is made with the mapped
// attributes, its ID token carries identities, and a second sign-in is the
// same user.
func TestFederationOIDCDiscovery(t *testing.T) {
	e := newFedEnv(t, nil)
	e.provider(t, "ZitadelOP", types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": opClient, "client_secret": opSecret,
		"attributes_request_method": "GET", "oidc_issuer": e.op.URL, "authorize_scopes": "openid email profile"}, opMapping)
	cl := e.appClient(t, true, "COGNITO", "ZitadelOP")
	hc := e.browser()

	// The login page offers the provider.
	resp, err := hc.Get(strings.Replace(e.authorizeURL(cl, "", "s0", "v0"), "/oauth2/authorize", "/login", 1))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte(`id="idp-ZitadelOP"`)) || !bytes.Contains(page, []byte("identity_provider=ZitadelOP")) {
		t.Fatalf("login page without the provider's button: %d %s", resp.StatusCode, page)
	}

	verifier := "verifier-verifier-verifier-verifier-verifier-1"
	first := e.authorizeURL(cl, "ZitadelOP", "s1", verifier)
	resp, err = hc.Get(first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), e.op.URL+"/auth?") ||
		loc.Query().Get("redirect_uri") != e.base+"/oauth2/idpresponse" || loc.Query().Get("client_id") != opClient ||
		loc.Query().Get("nonce") == "" || loc.Query().Get("code_challenge_method") != "S256" {
		t.Fatalf("authorize did not go to the provider: %d %v", resp.StatusCode, loc)
	}
	claims := e.redeem(t, hc, cl, walk(t, hc, first), "s1", verifier)
	if claims["cognito:username"] != "ZitadelOP_id1" || claims["email"] != "test-user@zitadel.ch" || claims["name"] != "Test User" {
		t.Fatalf("ID token claims %v", claims)
	}
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 || ids[0].(map[string]any)["providerName"] != "ZitadelOP" || ids[0].(map[string]any)["userId"] != "id1" {
		t.Fatalf("identities %v", claims["identities"])
	}
	u := must[*cognito.AdminGetUserOutput](t)(e.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &e.poolID, Username: aws.String("ZitadelOP_id1")}))
	if u.UserStatus != types.UserStatusTypeExternalProvider || attrOf(u.UserAttributes, "custom:team") != opUser || attrOf(u.UserAttributes, "given_name") != "Test" {
		t.Fatalf("user %v %v", u.UserStatus, u.UserAttributes)
	}
	// idp_identifier names the provider by one of its IdpIdentifiers.
	must[*cognito.UpdateIdentityProviderOutput](t)(e.c.UpdateIdentityProvider(context.Background(), &cognito.UpdateIdentityProviderInput{
		UserPoolId: &e.poolID, ProviderName: aws.String("ZitadelOP"), IdpIdentifiers: []string{"zitadel-op"}}))
	byID := strings.Replace(e.authorizeURL(cl, "", "s3", verifier), "?", "?idp_identifier=zitadel-op&", 1)
	resp, err = e.browser().Get(byID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); resp.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), e.op.URL+"/auth?") {
		t.Fatalf("idp_identifier did not go to the provider: %d %v", resp.StatusCode, loc)
	}
	// Again, in a new browser: the same user.
	hc2 := e.browser()
	if c := e.redeem(t, hc2, cl, walk(t, hc2, e.authorizeURL(cl, "ZitadelOP", "s2", verifier)), "s2", verifier); c["sub"] != claims["sub"] {
		t.Fatalf("second sign-in is another user: %v", c)
	}
}

// TestFederationOIDCExplicitEndpoints names the OP's endpoints explicitly
// (no discovery), with the attributes read by POST, for a public client.
func TestFederationOIDCExplicitEndpoints(t *testing.T) {
	e := newFedEnv(t, nil)
	e.provider(t, "Explicit", types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": opClient, "client_secret": opSecret,
		"attributes_request_method": "POST", "oidc_issuer": e.op.URL, "authorize_scopes": "openid email profile",
		"authorize_url": e.op.URL + "/auth", "token_url": e.op.URL + "/oauth/token", "attributes_url": e.op.URL + "/userinfo", "jwks_uri": e.op.URL + "/keys"},
		map[string]string{"email": "email"})
	var discovered atomic.Bool
	e.op.set(func(r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			discovered.Store(true)
		}
	}, "")
	cl := e.appClient(t, false, "Explicit")
	hc := e.browser()
	v := "verifier-verifier-verifier-verifier-verifier-2"
	claims := e.redeem(t, hc, cl, walk(t, hc, e.authorizeURL(cl, "Explicit", "x1", v)), "x1", v)
	if claims["cognito:username"] != "Explicit_id1" || claims["email"] != "test-user@zitadel.ch" {
		t.Fatalf("claims %v", claims)
	}
	if discovered.Load() {
		t.Fatal("the discovery document was read although every endpoint is named")
	}
}

// TestFederationOIDCRefusals: an ID token with another nonce, or for
// another audience, is refused, and so is a provider's error; each goes to
// the app's redirect_uri as error/error_description with its state.
func TestFederationOIDCRefusals(t *testing.T) {
	e := newFedEnv(t, nil)
	e.provider(t, "ZitadelOP", types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": opClient, "client_secret": opSecret,
		"attributes_request_method": "GET", "oidc_issuer": e.op.URL, "authorize_scopes": "openid email"}, map[string]string{"email": "email"})
	cl := e.appClient(t, true, "ZitadelOP")
	v := "verifier-verifier-verifier-verifier-verifier-3"

	// The OP is sent another nonce than gognito's: its ID token carries it.
	e.op.set(func(r *http.Request) {
		if r.URL.Path == "/auth" {
			q := r.URL.Query()
			q.Set("nonce", "someone-elses-nonce")
			r.URL.RawQuery = q.Encode()
		}
	}, "")
	wantFedError(t, walk(t, e.browser(), e.authorizeURL(cl, "ZitadelOP", "n1", v)), "n1", "nonce")

	// The OP issues the ID token to its other client (aud other-rp).
	e.op.set(func(r *http.Request) {
		switch r.URL.Path {
		case "/auth":
			q := r.URL.Query()
			q.Set("client_id", opOther)
			r.URL.RawQuery = q.Encode()
		case "/oauth/token":
			rewriteForm(r, func(f url.Values) { f.Set("client_id", opOther) })
		}
	}, "")
	wantFedError(t, walk(t, e.browser(), e.authorizeURL(cl, "ZitadelOP", "a1", v)), "a1", "audience")

	// The provider answers with an error.
	e.op.set(nil, "The user cancelled the sign-in.")
	wantFedError(t, walk(t, e.browser(), e.authorizeURL(cl, "ZitadelOP", "d1", v)), "d1", "The user cancelled the sign-in.")

	// A state that gognito did not make is refused on the domain.
	e.op.set(nil, "")
	hc := e.browser()
	resp, err := hc.Get(e.base + "/oauth2/idpresponse?code=x&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged state: %d", resp.StatusCode)
	}
	// An identifier no provider has.
	wantFedError(t, func() *url.URL {
		resp, err := hc.Get(strings.Replace(e.authorizeURL(cl, "", "i1", v), "?", "?idp_identifier=nobody&", 1))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		return loc
	}(), "i1", "Invalid identity provider")
	// A provider the client does not offer.
	wantFedError(t, func() *url.URL {
		resp, err := hc.Get(e.authorizeURL(cl, "Nope", "u1", v))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		return loc
	}(), "u1", "identity provider")
}

// TestFederationGoogleOverride: a "Google" provider whose fixed endpoints
// --federation-endpoints points at the local OP.
func TestFederationGoogleOverride(t *testing.T) {
	opLn := loopbackListener(t)
	overrides := filepath.Join(t.TempDir(), "endpoints.json")
	if err := os.WriteFile(overrides, []byte(fmt.Sprintf(`{"Google": {"oidc_issuer": "http://%s"}}`, opLn.Addr())), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newFedEnvOn(t, opLn, func(c *config.Config) { c.FederationEndpoints = overrides })
	e.provider(t, "Google", types.IdentityProviderTypeTypeGoogle, map[string]string{"client_id": opClient, "client_secret": opSecret,
		"authorize_scopes": "openid email profile"}, map[string]string{"email": "email", "name": "name"})
	cl := e.appClient(t, true, "Google")
	hc := e.browser()
	v := "verifier-verifier-verifier-verifier-verifier-4"
	first := e.authorizeURL(cl, "Google", "g1", v)
	resp, err := hc.Get(first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); loc == nil || !strings.HasPrefix(loc.String(), e.op.URL+"/auth?") {
		t.Fatalf("Google was not sent to the override: %v", loc)
	}
	claims := e.redeem(t, hc, cl, walk(t, hc, first), "g1", v)
	if claims["cognito:username"] != "Google_id1" || claims["email"] != "test-user@zitadel.ch" || claims["name"] != "Test User" {
		t.Fatalf("claims %v", claims)
	}
}

const (
	chainedUser     = "chained"
	chainedPassword = "Passw0rd!chained"
)

// TestFederationChainedGognito is docs/federation.md's worked example: a
// gognito user pool (the "upstream" pool, with its own domain and app
// client) is the OIDC identity provider of another pool on the same
// server. The user signs in on the upstream pool's hosted login page, and
// the downstream pool makes Upstream_<sub> with the mapped email.
func TestFederationChainedGognito(t *testing.T) {
	e := newFedEnv(t, nil)
	ctx := context.Background()
	up := must[*cognito.CreateUserPoolOutput](t)(e.c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("upstream")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(e.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("upstream"), UserPoolId: up.Id}))
	upClient := must[*cognito.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: up.Id, ClientName: aws.String("downstream"), GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email", "profile"},
		CallbackURLs: []string{e.base + "/oauth2/idpresponse"}, SupportedIdentityProviders: []string{"COGNITO"}})).UserPoolClient
	must[*cognito.AdminCreateUserOutput](t)(e.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: up.Id, Username: aws.String(chainedUser),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", "chained@example.com", "email_verified", "true")}))
	must[*cognito.AdminSetUserPasswordOutput](t)(e.c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: up.Id, Username: aws.String(chainedUser),
		Password: aws.String(chainedPassword), Permanent: true}))
	upSub := attrOf(must[*cognito.AdminGetUserOutput](t)(e.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: up.Id, Username: aws.String(chainedUser)})).UserAttributes, "sub")

	// The upstream pool's issuer, as its discovery document names it.
	resp, err := http.Get(e.ts.URL + "/" + *up.Id + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc struct{ Issuer string }
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()

	e.provider(t, "Upstream", types.IdentityProviderTypeTypeOidc, map[string]string{"client_id": *upClient.ClientId, "client_secret": *upClient.ClientSecret,
		"attributes_request_method": "GET", "oidc_issuer": disc.Issuer, "authorize_scopes": "openid email profile"},
		map[string]string{"email": "email", "email_verified": "email_verified"})
	cl := e.appClient(t, true, "Upstream")
	hc := e.browser()
	v := "verifier-verifier-verifier-verifier-verifier-5"
	first := e.authorizeURL(cl, "Upstream", "c1", v)
	resp, err = hc.Get(first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); loc == nil || !strings.HasPrefix(loc.String(), "https://upstream.auth.us-east-1.localhost:") {
		t.Fatalf("not sent to the upstream pool's domain: %v", loc)
	}
	claims := e.redeem(t, hc, cl, walk(t, hc, first), "c1", v)
	if claims["cognito:username"] != "Upstream_"+upSub || claims["email"] != "chained@example.com" {
		t.Fatalf("claims %v", claims)
	}
}

// TestFederationCorporateEmail: the login page of a client with a SAML
// provider that has IdpIdentifiers shows the corporate-email field; an
// email of that domain leads to /oauth2/authorize for that provider, one
// of another domain is told on the page that no provider was found.
func TestFederationCorporateEmail(t *testing.T) {
	e := newFedEnv(t, nil)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "corp idp"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	metadata := `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://corp.example/idp">` +
		`<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing">` +
		`<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>` + base64.StdEncoding.EncodeToString(der) +
		`</X509Certificate></X509Data></KeyInfo></KeyDescriptor>` +
		`<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://127.0.0.1:9/sso"/>` +
		`</IDPSSODescriptor></EntityDescriptor>`
	must[*cognito.CreateIdentityProviderOutput](t)(e.c.CreateIdentityProvider(context.Background(), &cognito.CreateIdentityProviderInput{
		UserPoolId: &e.poolID, ProviderName: aws.String("CorpSAML"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails: map[string]string{"MetadataFile": metadata}, IdpIdentifiers: []string{"corp.example"},
		AttributeMapping: map[string]string{"email": "email"}}))
	cl := e.appClient(t, false, "COGNITO", "CorpSAML")
	hc := e.browser()
	login := strings.Replace(e.authorizeURL(cl, "", "e1", "verifier-verifier-verifier-verifier-verifier-6"), "/oauth2/authorize", "/login", 1)
	load := func(req *http.Request) (int, string) {
		t.Helper()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
	get, _ := http.NewRequest(http.MethodGet, login, nil)
	status, page := load(get)
	if status != 200 || !strings.Contains(page, `id="corporate-email-form"`) || !strings.Contains(page, `id="idp-CorpSAML"`) {
		t.Fatalf("login page: %d %s", status, page)
	}
	csrf := hostedCSRF.FindStringSubmatch(page)[1]
	post := func(email string) (int, string) {
		form := url.Values{"_csrf": {csrf}, "step": {"corporate-email"}, "corporate_email": {email}}
		req, _ := http.NewRequest(http.MethodPost, login, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return load(req)
	}
	status, page = post("ann@corp.example")
	if status != 200 || !strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "identity_provider=CorpSAML") {
		t.Fatalf("corporate email: %d %s", status, page)
	}
	status, page = post("ann@elsewhere.example")
	if status != http.StatusBadRequest || !strings.Contains(page, "No identity provider was found") {
		t.Fatalf("unknown domain: %d %s", status, page)
	}
}
