package hostedui

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/authflow"
	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/userpool"
)

// Options configure the handler.
type Options struct {
	// SAML is the SAML 2.0 service provider of /saml2/* (saml.go).
	SAML *SAMLService
	// Store keeps the single-use marks of the authorization codes (and the
	// tokens each code's exchange issued, to revoke them on a reuse).
	Store  store.Values
	Auth   *authflow.Service
	Tokens *tokens.Service
	Sealer *secrets.Sealer
	// Clock tells the time of cookies and codes (the system clock when nil).
	Clock clock.Clock
	Log   *slog.Logger
	// Customization gives a client's hosted UI (classic) branding: the
	// sanitised CSS (safe inside <style>) and the logo's URL, both "" when
	// nothing is set. gognito passes (*uicustom.Service).CSSFor.
	Customization func(ctx context.Context, poolID, clientID string) (css, logoURL string, err error)
	// Secondary reports whether this node serves a pool as a SECONDARY
	// replica (its Region holds a replica of the pool), and whether that
	// replica is ACTIVE: the pages of an ACTIVE one offer sign-in only, as
	// Cognito's do in a failover state; an INACTIVE one serves no end user.
	// nil: never.
	Secondary func(ctx context.Context, poolID string) (secondary, active bool)
	// IdP holds the pools' external identity providers, and Federation is
	// the relying party of the OIDC and social ones (federation.go).
	IdP        *idp.Service
	Federation *federation.RP
}

// Handler serves the pages and endpoints of user pool domains.
type Handler struct {
	o Options

	keyMu      sync.Mutex
	csrfSecret []byte // the CSRF secret, once loaded
}

// New builds the handler.
func New(o Options) *Handler {
	o.Clock = clock.Or(o.Clock)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o}
}

func (h *Handler) now() time.Time { return h.o.Clock.Now() }

// Lifetimes, as Cognito's.
const (
	sessionLifetime = time.Hour
	codeLifetime    = 5 * time.Minute
	sessionCookie   = "cognito"
	csrfCookie      = "XSRF-TOKEN"
)

// cookie is the name of one of the pages' cookies on the site: with the
// __Host- prefix over HTTPS (the browser then keeps it Secure, on this
// host only, for every path: a sibling domain cannot plant or shadow it).
func (s Site) cookie(name string) string {
	if s.Secure {
		return "__Host-" + name
	}
	return name
}

// Site is the domain a request arrived on.
type Site struct {
	PoolID string
	Secure bool // served over HTTPS
	// ManagedLoginVersion is the domain's: 1, the classic hosted UI (with
	// SetUICustomization's branding), or 2, managed login (its own look;
	// classic branding does not apply).
	ManagedLoginVersion int32
}

// ServeSite serves one request on a user pool domain.
func (h *Handler) ServeSite(w http.ResponseWriter, r *http.Request, site Site) bool {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if secondary, active := h.replica(r.Context(), site.PoolID); secondary && !active && endUserPaths[r.URL.Path] {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The user pool's replica in this Region is not active.")
		return true
	} else if secondary && directoryWrites[r.URL.Path] {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "Sign-up and password recovery are not available in this Region right now: sign in, or try again later.")
		return true
	}
	switch r.URL.Path {
	case "/saml2/idpresponse":
		h.samlResponse(w, r, site)
	case "/saml2/logout":
		h.samlLogout(w, r, site)
	case "/oauth2/authorize":
		h.authorize(w, r, site)
	case "/login":
		h.login(w, r, site)
	case "/signup":
		h.signUp(w, r, site)
	case "/confirm":
		h.confirm(w, r, site)
	case "/resendcode":
		h.resendCode(w, r, site)
	case "/confirmUser":
		h.confirmUser(w, r, site)
	case "/forgotPassword":
		h.forgotPassword(w, r, site)
	case "/confirmForgotPassword":
		h.confirmForgotPassword(w, r, site)
	case "/oauth2/token":
		h.token(w, r, site)
	case "/oauth2/userInfo", "/oauth2/userinfo":
		h.userInfo(w, r, site)
	case "/oauth2/revoke":
		h.revoke(w, r, site)
	case "/logout":
		h.logout(w, r, site)
	case "/oauth2/idpresponse":
		h.idpResponse(w, r, site)
	default:
		return false
	}
	return true
}

// directoryWrites are the pages that change the user directory, which a
// SECONDARY replica does not serve.
var directoryWrites = map[string]bool{"/signup": true, "/confirm": true, "/resendcode": true, "/confirmUser": true,
	"/forgotPassword": true, "/confirmForgotPassword": true}

// endUserPaths are the pages and endpoints an INACTIVE replica refuses.
var endUserPaths = map[string]bool{"/oauth2/authorize": true, "/login": true, "/signup": true, "/confirm": true,
	"/resendcode": true, "/confirmUser": true, "/forgotPassword": true, "/confirmForgotPassword": true,
	"/oauth2/token": true, "/oauth2/userInfo": true, "/oauth2/userinfo": true, "/oauth2/revoke": true, "/logout": true}

func (h *Handler) replica(ctx context.Context, poolID string) (secondary, active bool) {
	if h.o.Secondary == nil {
		return false, true
	}
	return h.o.Secondary(ctx, poolID)
}

func (h *Handler) random(n int) string {
	b := make([]byte, n)
	io.ReadFull(rand.Reader, b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ---- sealed state ----

type sessionState struct {
	ID       string    `json:"id"`
	PoolID   string    `json:"p"`
	Username string    `json:"u"`
	AuthTime time.Time `json:"a"`
	Expires  time.Time `json:"e"`
}

type codeState struct {
	PoolID    string    `json:"p"`
	ClientID  string    `json:"c"`
	Username  string    `json:"u"`
	Redirect  string    `json:"r"`
	Scopes    []string  `json:"s"`
	Challenge string    `json:"ch,omitempty"`
	Nonce     string    `json:"n,omitempty"`
	AuthTime  time.Time `json:"a"`
	Expires   time.Time `json:"e"`
	ID        string    `json:"id"`
}

func (h *Handler) seal(aad string, v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(h.o.Sealer.Seal(b, []byte(aad)))
}

func (h *Handler) open(aad, s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	plain, err := h.o.Sealer.Open(b, []byte(aad))
	if err != nil {
		return false
	}
	return json.Unmarshal(plain, v) == nil
}

// A session is recorded on the server (sessionKey, until it expires) as
// well as sealed in its cookie: /logout deletes the record, so a copy of
// the cookie stops working, and a session begun before the user's last
// global sign-out (or disabling) has ended.
func sessionKey(id string) string { return "hosted-session/" + id }

func (h *Handler) session(r *http.Request, site Site) *sessionState {
	c, err := r.Cookie(site.cookie(sessionCookie))
	if err != nil {
		return nil
	}
	var s sessionState
	if !h.open("hosted session", c.Value, &s) || s.ID == "" || s.PoolID != site.PoolID || h.now().After(s.Expires) {
		return nil
	}
	ctx := r.Context()
	rec, err := h.o.Store.GetValue(ctx, sessionKey(s.ID))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			h.o.Log.Error("hosted session", "error", err)
		}
		return nil
	}
	if string(rec) != s.PoolID+"\n"+s.Username {
		return nil
	}
	out, err := h.o.Tokens.SignedOutSince(ctx, s.PoolID, s.Username, s.AuthTime)
	if err != nil || out {
		if err != nil {
			h.o.Log.Error("hosted session", "error", err)
		}
		return nil
	}
	return &s
}

// setSession begins a session: recorded, then its cookie set. A session
// that cannot be recorded is not begun (the user signs in again next time).
func (h *Handler) setSession(ctx context.Context, w http.ResponseWriter, site Site, username string, authTime time.Time) {
	s := sessionState{ID: h.random(24), PoolID: site.PoolID, Username: username, AuthTime: authTime, Expires: h.now().Add(sessionLifetime)}
	if err := h.o.Store.SetValueUntil(ctx, sessionKey(s.ID), []byte(s.PoolID+"\n"+s.Username), s.Expires); err != nil {
		h.o.Log.Error("hosted session", "error", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: site.cookie(sessionCookie), Value: h.seal("hosted session", s), Path: "/", MaxAge: int(sessionLifetime / time.Second),
		HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
}

// endSession deletes the record of the request's session, if it has one.
func (h *Handler) endSession(r *http.Request, site Site) error {
	c, err := r.Cookie(site.cookie(sessionCookie))
	if err != nil {
		return nil
	}
	var s sessionState
	if !h.open("hosted session", c.Value, &s) || s.ID == "" || s.PoolID != site.PoolID {
		return nil
	}
	return h.o.Store.DeleteValue(r.Context(), sessionKey(s.ID))
}

// ---- authorization requests ----

// authRequest is a checked /oauth2/authorize request.
type authRequest struct {
	client   *userpool.Client
	pool     *userpool.Pool
	query    url.Values
	redirect string
	respType string
	scopes   []string
	state    string
}

// errorPage is an error shown on the domain, without redirecting (an
// unknown client or an unregistered redirect_uri).
type errorPage struct{ code, message string }

func (e *errorPage) Error() string { return e.message }

// redirectError is an OAuth error sent back to the client's redirect_uri.
type redirectError struct{ code, description string }

func (e *redirectError) Error() string { return e.code }

func (h *Handler) checkAuthRequest(ctx context.Context, q url.Values, site Site) (*authRequest, error) {
	clientID := q.Get("client_id")
	if clientID == "" {
		return nil, &errorPage{"invalid_request", "The client_id parameter is missing."}
	}
	pc, err := h.o.Auth.PageClient(ctx, clientID)
	if err != nil || pc.Client.UserPoolId != site.PoolID {
		if _, isAWS := awserr.As(err); err != nil && !isAWS {
			return nil, err
		}
		return nil, &errorPage{"invalid_request", "The client does not exist."}
	}
	c := pc.Client
	redirect := q.Get("redirect_uri")
	if redirect == "" || !slices.Contains(c.CallbackURLs, redirect) {
		return nil, &errorPage{"redirect_mismatch", "The redirect_uri is not registered for this client."}
	}
	ar := &authRequest{client: c, pool: pc.Pool, query: q, redirect: redirect, respType: q.Get("response_type"), state: q.Get("state")}
	if c.AllowedOAuthFlowsUserPoolClient == nil || !*c.AllowedOAuthFlowsUserPoolClient {
		return ar, &redirectError{"unauthorized_client", "Client is not enabled for OAuth2.0 flows."}
	}
	switch ar.respType {
	case "":
		return ar, &redirectError{"invalid_request", "response_type is missing"}
	case "code":
		if !slices.Contains(c.AllowedOAuthFlows, "code") {
			return ar, &redirectError{"unauthorized_client", "The code flow is not allowed for this client."}
		}
	case "token":
		if !slices.Contains(c.AllowedOAuthFlows, "implicit") {
			return ar, &redirectError{"unauthorized_client", "The implicit flow is not allowed for this client."}
		}
	default:
		return ar, &redirectError{"unsupported_response_type", ""}
	}
	if m := q.Get("code_challenge_method"); q.Get("code_challenge") != "" && m != "S256" {
		return ar, &redirectError{"invalid_request", "code_challenge_method must be S256"}
	} else if m != "" && q.Get("code_challenge") == "" {
		return ar, &redirectError{"invalid_request", "code_challenge is missing"}
	}
	if name := q.Get("identity_provider"); name != "" && !slices.Contains(c.SupportedIdentityProviders, name) {
		return ar, &redirectError{"invalid_request", "Unsupported identity provider"}
	}
	if len(c.SupportedIdentityProviders) == 0 {
		// The client offers no way to sign in.
		return nil, &errorPage{"invalid_request", "Login option is not available. Please try another one."}
	}
	// Scopes the client may not have are dropped, as Cognito does; none
	// given means all the client's scopes.
	if raw := strings.Fields(q.Get("scope")); len(raw) == 0 {
		ar.scopes = slices.Clone(c.AllowedOAuthScopes)
	} else {
		for _, s := range raw {
			if slices.Contains(c.AllowedOAuthScopes, s) && !slices.Contains(ar.scopes, s) {
				ar.scopes = append(ar.scopes, s)
			}
		}
	}
	if len(ar.scopes) == 0 {
		return ar, &redirectError{"invalid_scope", "No valid scope requested."}
	}
	return ar, nil
}

func (h *Handler) sendError(w http.ResponseWriter, r *http.Request, ar *authRequest, err error) {
	var ep *errorPage
	if errors.As(err, &ep) {
		h.renderError(w, http.StatusBadRequest, ep.code, ep.message)
		return
	}
	var re *redirectError
	if errors.As(err, &re) && ar != nil {
		v := url.Values{"error": {re.code}}
		if re.description != "" {
			v.Set("error_description", re.description)
		}
		if ar.state != "" {
			v.Set("state", ar.state)
		}
		http.Redirect(w, r, appendQuery(ar.redirect, v), http.StatusFound)
		return
	}
	h.o.Log.Error("hosted UI", "error", err)
	h.renderError(w, http.StatusInternalServerError, "server_error", "Something went wrong.")
}

func appendQuery(u string, v url.Values) string {
	if strings.Contains(u, "?") {
		return u + "&" + v.Encode()
	}
	return u + "?" + v.Encode()
}

func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, site Site) {
	if r.Method != http.MethodGet {
		h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET.")
		return
	}
	ar, err := h.checkAuthRequest(r.Context(), r.URL.Query(), site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	if h.o.IdP != nil {
		p, err := h.externalRequested(r, site, ar)
		if err != nil {
			h.sendError(w, r, ar, err)
			return
		}
		if p != nil {
			h.startExternal(w, r, site, ar, p)
			return
		}
	}
	if ses := h.session(r, site); ses != nil {
		h.finish(w, r, ar, ses.Username, ses.AuthTime)
		return
	}
	http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
}

// finish completes an authorization for a signed-in user: a code, or
// tokens in the fragment for the implicit flow.
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, ar *authRequest, username string, authTime time.Time) {
	ctx := r.Context()
	if ar.respType == "token" {
		t, err := h.o.Auth.IssueForClient(ctx, ar.client.ClientId, username, ar.scopes, ar.query.Get("nonce"), authTime, false)
		if err != nil {
			h.sendError(w, r, ar, err)
			return
		}
		v := url.Values{"access_token": {t.AccessToken}, "token_type": {"Bearer"}, "expires_in": {fmt.Sprint(t.ExpiresIn)}}
		if slices.Contains(ar.scopes, "openid") {
			v.Set("id_token", t.IDToken)
		}
		if ar.state != "" {
			v.Set("state", ar.state)
		}
		http.Redirect(w, r, ar.redirect+"#"+v.Encode(), http.StatusFound)
		return
	}
	cs := codeState{PoolID: ar.client.UserPoolId, ClientID: ar.client.ClientId, Username: username, Redirect: ar.redirect,
		Scopes: ar.scopes, Challenge: ar.query.Get("code_challenge"), Nonce: ar.query.Get("nonce"), AuthTime: authTime,
		Expires: h.now().Add(codeLifetime), ID: h.random(16)}
	v := url.Values{"code": {h.seal("oauth code", cs)}}
	if ar.state != "" {
		v.Set("state", ar.state)
	}
	http.Redirect(w, r, appendQuery(ar.redirect, v), http.StatusFound)
}

// ---- CSRF: the browser's CSRF cookie, and an HMAC of it in the _csrf field ----

// The CSRF cookie holds a random value that identifies the browser's
// session with the pages; a form's _csrf field is an HMAC of that value
// (and the pool) under a server secret. One who can plant cookies but not
// read the page (a sibling domain, plain HTTP) cannot make a field that
// matches a cookie of theirs, and one browser's field does not go with
// another's cookie. The secret is made once, kept sealed in the store, and
// shared by every node.

const csrfKeyName = "hostedui/csrf-key"

// csrfKey is the server's CSRF secret, made on first use.
func (h *Handler) csrfKey(ctx context.Context) ([]byte, error) {
	h.keyMu.Lock()
	defer h.keyMu.Unlock()
	if h.csrfSecret != nil {
		return h.csrfSecret, nil
	}
	fresh := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, fresh); err != nil {
		return nil, err
	}
	stored, err := h.o.Store.PutValueIfAbsent(ctx, csrfKeyName, h.o.Sealer.Seal(fresh, []byte(csrfKeyName)))
	if err != nil {
		return nil, err
	}
	key, err := h.o.Sealer.Open(stored, []byte(csrfKeyName))
	if err != nil {
		return nil, err
	}
	h.csrfSecret = key
	return key, nil
}

// csrfToken is the _csrf field that goes with a CSRF cookie's value.
func (h *Handler) csrfToken(ctx context.Context, site Site, binding string) (string, error) {
	key, err := h.csrfKey(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("hosted csrf\x00" + site.PoolID + "\x00" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// csrf is the _csrf field of a page, setting the CSRF cookie when the
// browser has none.
func (h *Handler) csrf(w http.ResponseWriter, r *http.Request, site Site) string {
	binding := ""
	if c, err := r.Cookie(site.cookie(csrfCookie)); err == nil && len(c.Value) >= 32 {
		binding = c.Value
	} else {
		binding = h.random(32)
		http.SetCookie(w, &http.Cookie{Name: site.cookie(csrfCookie), Value: binding, Path: "/", HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteStrictMode})
	}
	t, err := h.csrfToken(r.Context(), site, binding)
	if err != nil {
		h.o.Log.Error("hosted UI CSRF key", "error", err)
		return "" // the form will be refused; the page still shows
	}
	return t
}

// csrfOK checks a posted form's _csrf field against the CSRF cookie.
func (h *Handler) csrfOK(r *http.Request, site Site) bool {
	c, err := r.Cookie(site.cookie(csrfCookie))
	if err != nil || len(c.Value) < 32 {
		return false
	}
	want, err := h.csrfToken(r.Context(), site, c.Value)
	if err != nil {
		h.o.Log.Error("hosted UI CSRF key", "error", err)
		return false
	}
	return hmac.Equal([]byte(want), []byte(r.PostFormValue("_csrf")))
}

// ---- /logout ----

// logout ends the browser's session on the domain. Cognito's forms name the
// client_id with a logout_uri (redirected to) or with the parameters of a
// new authorization request (redirect_uri, response_type, ...: the user
// signs in again). Beyond Cognito, OpenID Connect RP-Initiated Logout 1.0:
// post_logout_redirect_uri (one of the client's LogoutURLs), id_token_hint
// (an ID token of this pool; it names the client when client_id is absent,
// and must name the same one when both are given) and state (passed back
// on the redirect); without post_logout_redirect_uri the user is told that
// they are signed out. GET and POST (a form) are both accepted.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request, site Site) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The request could not be read.")
			return
		}
		q = r.Form
	}
	clientID := q.Get("client_id")
	oidc := q.Has("post_logout_redirect_uri") || q.Has("id_token_hint")
	if hint := q.Get("id_token_hint"); hint != "" {
		claims, err := h.o.Tokens.VerifyIDTokenHint(r.Context(), site.PoolID, hint)
		if err != nil {
			if !errors.Is(err, tokens.ErrInvalidHint) {
				h.o.Log.Error("logout id_token_hint", "error", err)
				h.renderError(w, http.StatusInternalServerError, "server_error", "Something went wrong.")
				return
			}
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The id_token_hint is not a valid ID token of this user pool.")
			return
		}
		if clientID == "" {
			clientID = claims.Audience
		} else if clientID != claims.Audience {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The client_id does not match the audience of the id_token_hint.")
			return
		}
	}
	c, err := h.o.Auth.Client(r.Context(), clientID)
	if err != nil || c.UserPoolId != site.PoolID {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The client does not exist.")
		return
	}
	clear := func() bool {
		if err := h.endSession(r, site); err != nil {
			// The session would outlive a logout that said it ended.
			h.o.Log.Error("ending a hosted session", "error", err)
			h.renderError(w, http.StatusInternalServerError, "server_error", "Something went wrong.")
			return false
		}
		http.SetCookie(w, &http.Cookie{Name: site.cookie(sessionCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
		h.clearPending(w, site)
		return true
	}
	if lo := q.Get("logout_uri"); lo != "" {
		if !slices.Contains(c.LogoutURLs, lo) {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The logout_uri is not registered for this client.")
			return
		}
		if clear() {
			h.afterLogout(w, r, site, lo)
		}
		return
	}
	if q.Get("redirect_uri") != "" {
		if _, err := h.checkAuthRequest(r.Context(), q, site); err != nil {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The redirect_uri is not registered for this client.")
			return
		}
		raw := r.URL.RawQuery
		if r.Method == http.MethodPost {
			raw = q.Encode()
		}
		if clear() {
			h.afterLogout(w, r, site, "/login?"+raw)
		}
		return
	}
	if plo := q.Get("post_logout_redirect_uri"); plo != "" {
		if !slices.Contains(c.LogoutURLs, plo) {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The post_logout_redirect_uri is not registered for this client.")
			return
		}
		target, err := url.Parse(plo)
		if err != nil {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The post_logout_redirect_uri is not a valid URL.")
			return
		}
		if state := q.Get("state"); state != "" {
			tq := target.Query()
			tq.Set("state", state)
			target.RawQuery = tq.Encode()
		}
		if clear() {
			h.afterLogout(w, r, site, target.String())
		}
		return
	}
	if oidc {
		if clear() {
			h.renderMessage(w, r, site, nil, http.StatusOK, "Signed out", "You have been signed out.")
		}
		return
	}
	h.renderError(w, http.StatusBadRequest, "invalid_request", "logout_uri or redirect_uri is required.")
}

// pkceOK checks an S256 code verifier.
func pkceOK(challenge, verifier string) bool {
	if challenge == "" {
		return verifier == ""
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}
