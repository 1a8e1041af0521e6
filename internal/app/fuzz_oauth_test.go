package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// FuzzOAuthEndpoints sends arbitrary queries, form bodies and
// Authorization headers to a user pool domain's /oauth2/authorize,
// /oauth2/token, /logout, /oauth2/revoke, /oauth2/userInfo and the
// sign-in page /login they lead to. Markers in
// the fuzzer's strings ({web}, {conf}, {secret}, {basic}, {cb}, {bye},
// {token}, {xss}...) stand for the real client ids, secret, URLs and an access
// token, so that inputs can be valid. Properties: never a 5xx; a redirect
// goes only to the sign-in page with the request's own query or to a URL
// registered for the client (callback or logout), with an OAuth error
// code from the specification and the request's state; the token and
// revoke endpoints answer JSON errors from RFC 6749 (401 only for
// invalid_client, with WWW-Authenticate); tokens are issued only to the
// confidential client for its secret, and verify as its access tokens;
// no page or redirect shows markup from the request ({xss}) as markup;
// the seeds' valid requests are accepted.
func FuzzOAuthEndpoints(f *testing.F) {
	fa := newFuzzApp(f)
	poolID := str(fa.mustCall(f, "CreateUserPool", map[string]any{"PoolName": "fuzz-oauth"}), "UserPool", "Id")
	fa.mustCall(f, "CreateUserPoolDomain", map[string]any{"Domain": "fuzzoauth", "UserPoolId": poolID})
	fa.mustCall(f, "CreateResourceServer", map[string]any{"UserPoolId": poolID, "Identifier": "api", "Name": "api",
		"Scopes": []map[string]string{{"ScopeName": "read", "ScopeDescription": "read"}}})
	callbacks := []string{"https://app.example.com/cb", "http://localhost:8765/callback?from=fuzz"}
	logouts := []string{"https://app.example.com/bye"}
	web := fa.mustCall(f, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "web",
		"AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": []string{"code", "implicit"},
		"AllowedOAuthScopes": []string{"openid", "email", "profile"}, "CallbackURLs": callbacks, "LogoutURLs": logouts,
		"SupportedIdentityProviders": []string{"COGNITO"}})
	conf := fa.mustCall(f, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "machine", "GenerateSecret": true,
		"AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": []string{"client_credentials"}, "AllowedOAuthScopes": []string{"api/read"}})
	plain := fa.mustCall(f, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "plain", "CallbackURLs": callbacks})
	webID := str(web, "UserPoolClient", "ClientId")
	confID, secret := str(conf, "UserPoolClient", "ClientId"), str(conf, "UserPoolClient", "ClientSecret")
	plainID := str(plain, "UserPoolClient", "ClientId")
	registered := map[string][]string{webID: callbacks, plainID: callbacks}
	const host = "fuzzoauth.auth.us-east-1.localhost"

	send := func(method, path, query, body, authz string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://"+host+path, strings.NewReader(body))
		req.URL.RawQuery = query
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		rec := httptest.NewRecorder()
		fa.h.ServeHTTP(rec, req)
		return rec
	}
	// xss stands for markup in a parameter; no page may show it as such.
	const xss = `"'><gognito-fuzz onload=alert(1)>`
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(confID+":"+secret))
	rec := send(http.MethodPost, "/oauth2/token", "", "grant_type=client_credentials", basic)
	var issued map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &issued); rec.Code != http.StatusOK || str(issued, "access_token") == "" {
		f.Fatalf("client_credentials: %d %s", rec.Code, rec.Body.Bytes())
	}
	raw := strings.NewReplacer("{web}", webID, "{conf}", confID, "{plain}", plainID, "{secret}", secret,
		"{basic}", basic, "{token}", str(issued, "access_token"), "{cb}", callbacks[0], "{cb2}", callbacks[1], "{bye}", logouts[0], "{xss}", xss)
	esc := strings.NewReplacer("{web}", webID, "{conf}", confID, "{plain}", plainID, "{secret}", url.QueryEscape(secret),
		"{cb}", url.QueryEscape(callbacks[0]), "{cb2}", url.QueryEscape(callbacks[1]), "{bye}", url.QueryEscape(logouts[0]), "{xss}", url.QueryEscape(xss))

	jwksJSON, err := fa.Tokens().JWKS(context.Background(), poolID)
	if err != nil {
		f.Fatal(err)
	}
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(jwksJSON, &jwks); err != nil {
		f.Fatal(err)
	}

	const (
		authorize = iota
		token
		logout
		revoke
		userInfo
		signInPage // GET /login, the page an authorization request leads to
		signInForm // POST /login, without the CSRF cookie
		endpoints
	)
	type seed struct {
		endpoint          uint8
		query, body, auth string
		ok                bool // a valid request: a 200, or a redirect that is not an error
	}
	seeds := []seed{
		{authorize, "response_type=code&client_id={web}&redirect_uri={cb}&scope=openid+email&state=xyz", "", "", true},
		{authorize, "response_type=token&client_id={web}&redirect_uri={cb2}&state=a%26b", "", "", true},
		{authorize, "response_type=code&client_id={web}&redirect_uri={cb}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", "", "", true},
		{authorize, "response_type=code&client_id={web}&redirect_uri={cb}&code_challenge=abc&code_challenge_method=plain&state=s", "", "", false},
		{authorize, "response_type=code&client_id={web}&redirect_uri={cb}&scope=api/read", "", "", false},
		{authorize, "response_type=id_token&client_id={web}&redirect_uri={cb}", "", "", false},
		{authorize, "response_type=code&client_id={plain}&redirect_uri={cb}&state=1", "", "", false},
		{authorize, "response_type=code&client_id={web}&redirect_uri=https://evil.example/cb", "", "", false},
		{authorize, "response_type=code&client_id={web}&redirect_uri={cb}&identity_provider=Google", "", "", false},
		{authorize, "client_id=nope&redirect_uri={cb}", "", "", false},
		{authorize, "%zz&;;=&redirect_uri", "", "", false},
		{token, "", "grant_type=client_credentials&scope=api/read", "{basic}", true},
		{token, "", "grant_type=client_credentials&client_id={conf}&client_secret={secret}", "", true},
		{token, "", "grant_type=client_credentials&client_id={conf}&client_secret=wrong", "", false},
		{token, "", "grant_type=client_credentials&scope=openid", "{basic}", false},
		{token, "", "grant_type=client_credentials", "Basic " + base64.StdEncoding.EncodeToString([]byte("{conf}:")), false},
		{token, "", "grant_type=authorization_code&client_id={web}&code=abc&redirect_uri={cb}", "", false},
		{token, "", "grant_type=refresh_token&client_id={web}&refresh_token=abc", "", false},
		{token, "", "grant_type=password&client_id={web}", "", false},
		{token, "client_id={web}", "grant_type=client_credentials", "", false},
		{token, "", "grant_type=client_credentials", "Basic !!!", false},
		{token, "", "%", "Bearer {token}", false},
		{logout, "client_id={web}&logout_uri={bye}", "", "", true},
		{logout, "client_id={web}&redirect_uri={cb}&response_type=code", "", "", true},
		{logout, "client_id={web}&logout_uri=https://evil.example/", "", "", false},
		{logout, "client_id={conf}&logout_uri={bye}", "", "", false},
		{logout, "client_id={web}&post_logout_redirect_uri={bye}&state={xss}", "", "", true},
		{logout, "client_id={web}&post_logout_redirect_uri=https://evil.example/&state=s", "", "", false},
		{logout, "post_logout_redirect_uri={bye}&id_token_hint={token}", "", "", false},
		{revoke, "", "token=abc&client_id={web}", "", true},
		{revoke, "", "token=a.b.c", "{basic}", false},
		{revoke, "", "", "{basic}", false},
		{userInfo, "", "", "Bearer {token}", false},
		{userInfo, "", "", "Bearer abc", false},
		{signInPage, "response_type=code&client_id={web}&redirect_uri={cb}&state={xss}&username={xss}&nonce={xss}", "", "", true},
		{signInPage, "response_type=token&client_id={web}&redirect_uri={cb2}&scope=openid+{xss}", "", "", true},
		{signInPage, "response_type=code&client_id={web}&redirect_uri={xss}", "", "", false},
		{signInForm, "response_type=code&client_id={web}&redirect_uri={cb}", "username=u&password=p&_csrf=" + strings.Repeat("a", 43), "", false},
		{authorize | 8, "", "", "", false},
		{token | 8, "", "", "", false},
	}
	valid := map[seed]bool{}
	for _, s := range seeds {
		f.Add(s.endpoint, s.query, s.body, s.auth)
		valid[seed{s.endpoint, s.query, s.body, s.auth, false}] = s.ok
	}
	oauthErrors := []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "unsupported_token_type"}

	f.Fuzz(func(t *testing.T, endpoint uint8, query, body, auth string) {
		wantOK := valid[seed{endpoint, query, body, auth, false}]
		query, body, auth = esc.Replace(query), esc.Replace(body), raw.Replace(auth)
		which := endpoint % endpoints
		get, post := http.MethodGet, http.MethodPost
		if endpoint&8 != 0 { // the wrong method
			get, post = http.MethodPost, http.MethodGet
		}
		q, _ := url.ParseQuery(query)
		var rec *httptest.ResponseRecorder
		switch which {
		case authorize:
			rec = send(get, "/oauth2/authorize", query, "", auth)
		case token:
			rec = send(post, "/oauth2/token", query, body, auth)
		case logout:
			rec = send(get, "/logout", query, "", auth)
		case revoke:
			rec = send(post, "/oauth2/revoke", query, body, auth)
		case userInfo:
			rec = send(get, "/oauth2/userInfo", query, "", auth)
		case signInPage:
			rec = send(get, "/login", query, "", auth)
		case signInForm:
			rec = send(post, "/login", query, body, auth)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
		if strings.Contains(rec.Body.String(), "<gognito-fuzz") || strings.Contains(rec.Header().Get("Location"), "<gognito-fuzz") {
			t.Fatalf("markup from the request is shown as markup: %s", rec.Body.Bytes())
		}
		loc := rec.Header().Get("Location")
		switch which {
		case authorize, logout:
			switch {
			case rec.Code == http.StatusMethodNotAllowed && get != http.MethodGet && which == authorize:
			case rec.Code == http.StatusBadRequest:
				if wantOK {
					t.Fatalf("valid request refused: %s", rec.Body.Bytes())
				}
			case rec.Code != http.StatusFound:
				t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
			case strings.HasPrefix(loc, "/login?"):
				// The sign-in page, for a checked authorization request, with
				// the request's query (http.Redirect escapes bytes that are
				// not ASCII).
				if lq, _ := url.ParseQuery(loc[len("/login?"):]); !reflect.DeepEqual(lq, q) {
					t.Fatalf("sign-in page %q for query %q", loc, query)
				}
				if !slices.Contains(registered[q.Get("client_id")], q.Get("redirect_uri")) {
					t.Fatalf("sign-in page for an unregistered redirect_uri: %q", query)
				}
			case which == logout && q.Get("logout_uri") == "" && q.Get("post_logout_redirect_uri") != "":
				// OpenID Connect RP-initiated logout: the registered URL, with
				// the request's state.
				plo, want := q.Get("post_logout_redirect_uri"), q.Get("post_logout_redirect_uri")
				if st := q.Get("state"); st != "" {
					u, _ := url.Parse(plo)
					uq := u.Query()
					uq.Set("state", st)
					u.RawQuery = uq.Encode()
					want = u.String()
				}
				if loc != want || !slices.Contains(logouts, plo) || q.Get("client_id") != webID {
					t.Fatalf("logout redirects to %q for %q", loc, query)
				}
			case which == logout:
				if lo := q.Get("logout_uri"); loc != lo || !slices.Contains(logouts, lo) || q.Get("client_id") != webID {
					t.Fatalf("logout redirects to %q for %q", loc, query)
				}
			default:
				checkAuthorizeRedirect(t, loc, q, registered, oauthErrors, wantOK)
			}
		case signInPage, signInForm:
			// The page for a checked request, a refused form without the
			// CSRF cookie, an error page, or an error sent to the
			// registered redirect_uri.
			method := get
			if which == signInForm {
				method = post
			}
			switch {
			case rec.Code == http.StatusOK && method == http.MethodGet:
				if !slices.Contains(registered[q.Get("client_id")], q.Get("redirect_uri")) {
					t.Fatalf("sign-in page for an unregistered redirect_uri: %q", query)
				}
				if wantOK && strings.Contains(query, url.QueryEscape(xss)) && !strings.Contains(rec.Body.String(), "&lt;gognito-fuzz") && !strings.Contains(rec.Body.String(), "%3Cgognito-fuzz") {
					t.Fatalf("the seed's markup does not reach the page: %s", rec.Body.Bytes())
				}
			case wantOK:
				t.Fatalf("valid request answered %d: %s", rec.Code, rec.Body.Bytes())
			case rec.Code == http.StatusFound:
				checkAuthorizeRedirect(t, loc, q, registered, oauthErrors, false)
			case rec.Code == http.StatusForbidden && method == http.MethodPost:
			case rec.Code == http.StatusBadRequest:
			default:
				t.Fatalf("%s /login answered %d: %s", method, rec.Code, rec.Body.Bytes())
			}
		case token, revoke, userInfo:
			checkOAuthJSON(t, rec, which == userInfo, wantOK, oauthErrors)
			if rec.Code != http.StatusOK || which != token {
				return
			}
			form, _ := url.ParseQuery(body)
			if form.Get("grant_type") != "client_credentials" || (auth != basic && form.Get("client_secret") != secret) {
				t.Fatalf("tokens for %q with %q", body, auth)
			}
			var out map[string]any
			json.Unmarshal(rec.Body.Bytes(), &out)
			// A client_credentials token has no user, so it is checked
			// here against the pool's published keys.
			claims := verifyJWT(t, jwks, str(out, "access_token"))
			if claims["client_id"] != confID || claims["token_use"] != "access" || claims["iss"] != fa.Issuer(poolID) || claims["scope"] == "" {
				t.Fatalf("issued access token: %v", claims)
			}
			for _, s := range strings.Fields(claims["scope"].(string)) {
				if s != "api/read" {
					t.Fatalf("scope %q issued", s)
				}
			}
		}
	})
}

// checkAuthorizeRedirect judges a redirect from /oauth2/authorize that is
// not to the sign-in page: it must go to the redirect_uri of the request,
// registered for its client, with an OAuth error and the request's state.
func checkAuthorizeRedirect(t *testing.T, loc string, q url.Values, registered map[string][]string, codes []string, wantOK bool) {
	t.Helper()
	redirect := q.Get("redirect_uri")
	if !slices.Contains(registered[q.Get("client_id")], redirect) {
		t.Fatalf("redirect to %q for an unregistered redirect_uri %q", loc, redirect)
	}
	sep := "?"
	if strings.Contains(redirect, "?") {
		sep = "&"
	}
	rest, ok := strings.CutPrefix(loc, redirect+sep)
	if !ok {
		t.Fatalf("redirect to %q, not to %q", loc, redirect)
	}
	v, err := url.ParseQuery(rest)
	if err != nil || !slices.Contains(codes, v.Get("error")) && v.Get("error") != "unsupported_response_type" {
		t.Fatalf("redirect %q: error %q", loc, v.Get("error"))
	}
	if v.Get("state") != q.Get("state") {
		t.Fatalf("redirect %q loses state %q", loc, q.Get("state"))
	}
	if wantOK {
		t.Fatalf("valid request answered with an error: %q", loc)
	}
}

// checkOAuthJSON judges an answer of the token, revoke or userInfo
// endpoint.
func checkOAuthJSON(t *testing.T, rec *httptest.ResponseRecorder, bearer, wantOK bool, codes []string) {
	t.Helper()
	if rec.Code == http.StatusOK {
		return
	}
	if wantOK {
		t.Fatalf("valid request refused: %d %s", rec.Code, rec.Body.Bytes())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%d, not JSON: %q", rec.Code, rec.Body.Bytes())
	}
	code := str(out, "error")
	switch {
	case bearer && (code == "invalid_request" && rec.Code == http.StatusBadRequest || code == "invalid_token" && rec.Code == http.StatusUnauthorized):
		if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") {
			t.Fatal("no WWW-Authenticate: Bearer")
		}
	case bearer:
		t.Fatalf("userInfo: %d %v", rec.Code, out)
	case rec.Code == http.StatusUnauthorized:
		if code != "invalid_client" || rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("401 %v without invalid_client and WWW-Authenticate", out)
		}
	case rec.Code == http.StatusBadRequest || rec.Code == http.StatusMethodNotAllowed:
		if !slices.Contains(codes, code) || code == "invalid_client" {
			t.Fatalf("%d with error %q", rec.Code, code)
		}
	default:
		t.Fatalf("status %d: %v", rec.Code, out)
	}
}

// verifyJWT checks a token's RS256 signature with the key set and returns
// its claims.
func verifyJWT(t *testing.T, keys jose.JSONWebKeySet, token string) map[string]any {
	t.Helper()
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 {
		t.Fatalf("token %q: %v", token, err)
	}
	k := keys.Key(obj.Signatures[0].Header.KeyID)
	if len(k) != 1 {
		t.Fatalf("token %q: key %q is not published", token, obj.Signatures[0].Header.KeyID)
	}
	payload, err := obj.Verify(k[0].Key)
	if err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}
