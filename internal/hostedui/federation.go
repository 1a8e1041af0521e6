package hostedui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/users"
)

// Signing in through an external identity provider (federation).
//
// /oauth2/authorize with identity_provider=<name> or idp_identifier=<id>
// sends the browser straight to the provider (startExternal); the login
// page shows a button for each of the client's SupportedIdentityProviders
// and, when one of them is SAML, a corporate-email field that finds the
// SAML provider by the email's domain (its IdpIdentifiers). An OIDC or
// social provider answers at /oauth2/idpresponse (idpResponse), a SAML
// provider at /saml2/idpresponse (saml.go); both end in finishExternal:
// the user found or created by users.SignInExternal, the hosted session,
// and the code or tokens to the client's redirect_uri. A provider's error,
// or an answer gognito refuses, goes to the client's redirect_uri as
// error=invalid_request with an error_description, as Cognito does.
//
// The callback URLs are those of the domain the request came in on (the
// pool's prefix or custom domain: the sites router serves a request only on
// a host that is one of them), never the listener's address.

// SetFederation gives the handler the pools' identity providers and the
// relying party of the OIDC and social ones. It is called once, before the
// handler serves.
func (h *Handler) SetFederation(idps *idp.Service, rp *federation.RP) {
	h.o.IdP, h.o.Federation = idps, rp
}

// externalState travels through the provider and back, sealed: in OIDC's
// state, in SAML's RelayState.
type externalState struct {
	PoolID   string    `json:"p"`
	Query    string    `json:"q"`            // the original /oauth2/authorize query
	Provider string    `json:"n"`            // the provider's name
	Nonce    string    `json:"no,omitempty"` // sent to an OIDC provider
	Verifier string    `json:"v,omitempty"`  // the PKCE verifier sent to an OIDC provider
	Binding  string    `json:"b,omitempty"`  // the browser's federation cookie
	Expires  time.Time `json:"e"`
}

const (
	externalAAD    = "hosted external sign-in"
	externalCookie = "cognito-fed"
)

// callbackOrigin is the scheme and host of the pool's domain the request
// arrived on.
func callbackOrigin(r *http.Request, site Site) string {
	if site.Secure {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// externalRequested is the provider an authorization request names
// directly (identity_provider, idp_identifier), or nil.
func (h *Handler) externalRequested(r *http.Request, site Site, ar *authRequest) (*idp.Provider, error) {
	ctx := r.Context()
	var (
		p   *idp.Provider
		err error
	)
	switch {
	case ar.query.Get("identity_provider") != "" && ar.query.Get("identity_provider") != "COGNITO":
		p, err = h.o.IdP.Provider(ctx, site.PoolID, ar.query.Get("identity_provider"))
	case ar.query.Get("idp_identifier") != "":
		p, err = h.o.IdP.ProviderByIdentifier(ctx, site.PoolID, ar.query.Get("idp_identifier"))
	default:
		return nil, nil
	}
	if err != nil {
		if _, ok := awserr.As(err); !ok {
			return nil, err
		}
		p = nil
	}
	if p == nil {
		return nil, &redirectError{"invalid_request", "Invalid identity provider name or identifier"}
	}
	if !slices.Contains(ar.client.SupportedIdentityProviders, p.Name) {
		return nil, &redirectError{"invalid_request", "The identity provider " + p.Name + " is not enabled for this client"}
	}
	return p, nil
}

// startExternal sends the browser to an external provider to sign in.
func (h *Handler) startExternal(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, p *idp.Provider) {
	st := externalState{PoolID: site.PoolID, Query: ar.query.Encode(), Provider: p.Name, Expires: h.now().Add(pendingValidity(ar.client))}
	if p.Type == "SAML" {
		h.startSAML(w, r, site, ar, p, h.seal(externalAAD, st))
		return
	}
	if !federation.Handles(p.Type) || h.o.Federation == nil {
		h.sendError(w, r, ar, &redirectError{"invalid_request", "Unsupported identity provider type " + p.Type})
		return
	}
	st.Nonce, st.Binding = h.random(24), h.random(24)
	if p.Type == federation.TypeOIDC {
		st.Verifier = h.random(32)
	}
	target, err := h.o.Federation.AuthorizeURL(r.Context(), federation.Config{Type: p.Type, Details: p.Details},
		callbackOrigin(r, site)+"/oauth2/idpresponse", h.seal(externalAAD, st), st.Nonce, st.Verifier)
	if err != nil {
		h.externalFailed(w, r, ar, err)
		return
	}
	// The binding cookie ties the provider's answer to this browser (no
	// one can finish a sign-in they started in someone else's browser).
	// Over HTTPS it is SameSite=None, so that a provider that POSTs back
	// (Sign in with Apple's form_post) brings it too.
	same := http.SameSiteLaxMode
	if site.Secure {
		same = http.SameSiteNoneMode
	}
	http.SetCookie(w, &http.Cookie{Name: site.cookie(externalCookie), Value: st.Binding, Path: "/", MaxAge: int(pendingValidity(ar.client) / time.Second),
		HttpOnly: true, Secure: site.Secure, SameSite: same})
	http.Redirect(w, r, target, http.StatusFound)
}

// openExternal opens the state a provider brought back: sealed by this
// server for this pool, not expired. The browser binding is checked when
// the state has one (OIDC; SAML's IdP-initiated sign-in has no state).
func (h *Handler) openExternal(r *http.Request, site Site, sealed string) (*externalState, bool) {
	var st externalState
	if sealed == "" || !h.open(externalAAD, sealed, &st) || st.PoolID != site.PoolID || h.now().After(st.Expires) {
		return nil, false
	}
	if st.Binding != "" {
		c, err := r.Cookie(site.cookie(externalCookie))
		if err != nil || c.Value != st.Binding {
			return nil, false
		}
	}
	return &st, true
}

// idpResponse is /oauth2/idpresponse: an OIDC or social provider's answer
// (GET, or a POST for form_post).
func (h *Handler) idpResponse(w http.ResponseWriter, r *http.Request, site Site) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			h.renderError(w, http.StatusBadRequest, "invalid_request", "The request could not be read.")
			return
		}
		q = r.PostForm
	} else if r.Method != http.MethodGet {
		h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET or POST.")
		return
	}
	st, ok := h.openExternal(r, site, q.Get("state"))
	if !ok {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "Invalid state or the sign-in has expired. Please sign in again.")
		return
	}
	aq, err := url.ParseQuery(st.Query)
	if err != nil {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "Invalid state.")
		return
	}
	ctx := r.Context()
	ar, err := h.checkAuthRequest(ctx, aq, site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: site.cookie(externalCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: site.Secure})
	if e := q.Get("error"); e != "" {
		desc := q.Get("error_description")
		if desc == "" {
			desc = e
		}
		h.sendError(w, r, ar, &redirectError{"invalid_request", desc})
		return
	}
	p, err := h.o.IdP.Provider(ctx, site.PoolID, st.Provider)
	if err != nil || p == nil {
		if err == nil {
			err = &redirectError{"invalid_request", "The identity provider " + st.Provider + " no longer exists"}
		}
		h.externalFailed(w, r, ar, err)
		return
	}
	if !federation.Handles(p.Type) || !slices.Contains(ar.client.SupportedIdentityProviders, p.Name) {
		h.sendError(w, r, ar, &redirectError{"invalid_request", "The identity provider " + p.Name + " is not enabled for this client"})
		return
	}
	id, err := h.o.Federation.Exchange(ctx, federation.Config{Type: p.Type, Details: p.Details},
		callbackOrigin(r, site)+"/oauth2/idpresponse", q.Get("code"), st.Nonce, st.Verifier)
	if err != nil {
		h.externalFailed(w, r, ar, err)
		return
	}
	h.finishExternal(w, r, site, aq, users.ExternalIdentity{ProviderName: p.Name, ProviderType: p.Type, UserID: id.Subject,
		Attributes: p.MapAttributes(id.Claims)})
}

// externalFailed sends a failed external sign-in to the client's
// redirect_uri, as Cognito does (error=invalid_request and a description).
func (h *Handler) externalFailed(w http.ResponseWriter, r *http.Request, ar *authRequest, err error) {
	var fe *federation.Error
	if errors.As(err, &fe) {
		h.sendError(w, r, ar, &redirectError{fe.Code, fe.Description})
		return
	}
	if e, ok := awserr.As(err); ok {
		h.sendError(w, r, ar, &redirectError{"invalid_request", e.Message()})
		return
	}
	h.sendError(w, r, ar, err)
}

// finishExternal ends an external sign-in: the user found or created for
// the identity, the hosted session, and the code or tokens to the client.
// query is the original /oauth2/authorize query.
func (h *Handler) finishExternal(w http.ResponseWriter, r *http.Request, site Site, query url.Values, id users.ExternalIdentity) {
	ctx := r.Context()
	ar, err := h.checkAuthRequest(ctx, query, site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	username, err := h.o.Auth.Users().SignInExternal(ctx, site.PoolID, ar.client.ClientId, id)
	if err != nil {
		h.externalFailed(w, r, ar, err)
		return
	}
	h.clearPending(w, site)
	now := h.now()
	h.setSession(ctx, w, site, username, now)
	h.finish(w, r, ar, username, now)
}

// ---- the login page's providers ----

type providerButton struct{ Name, Href string }

// loginProviders are the login page's buttons (the client's providers
// other than COGNITO, in the client's order) and whether it shows the
// corporate-email field (one of them is SAML).
func (h *Handler) loginProviders(r *http.Request, site Site, ar *authRequest) ([]providerButton, bool) {
	var names []string
	for _, n := range ar.client.SupportedIdentityProviders {
		if n != "COGNITO" {
			names = append(names, n)
		}
	}
	if len(names) == 0 || h.o.IdP == nil {
		return nil, false
	}
	ps, err := h.o.IdP.Providers(r.Context(), site.PoolID, names)
	if err != nil {
		h.o.Log.Error("login page providers", "error", err)
		return nil, false
	}
	var out []providerButton
	email := false
	for _, p := range ps {
		q := authQuery(ar.query)
		q.Del("idp_identifier")
		q.Set("identity_provider", p.Name)
		out = append(out, providerButton{Name: p.Name, Href: "/oauth2/authorize?" + q.Encode()})
		if p.Type == "SAML" && len(p.IdpIdentifiers) > 0 {
			email = true
		}
	}
	return out, email
}

// corporateEmail answers the login page's corporate-email field: the SAML
// provider of the email's domain, if the client offers it.
func (h *Handler) corporateEmail(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest) {
	email := strings.TrimSpace(r.PostFormValue("corporate_email"))
	p, err := h.o.IdP.ProviderForEmail(r.Context(), site.PoolID, email)
	if err != nil || p == nil || !slices.Contains(ar.client.SupportedIdentityProviders, p.Name) {
		if _, isAWS := awserr.As(err); err != nil && !isAWS {
			h.sendError(w, r, ar, err)
			return
		}
		h.renderLogin(w, r, site, ar, http.StatusBadRequest, "", "No identity provider was found for the email address "+email+".")
		return
	}
	// The login page's CSP lets its forms lead only to this origin (and the
	// client's): a page of our own carries the browser on to the provider.
	q := authQuery(ar.query)
	q.Del("idp_identifier")
	q.Set("identity_provider", p.Name)
	p2 := h.newPage(w, r, site, ar, "Redirecting")
	p2.Intro = "Signing you in with " + p.Name + "."
	p2.Links = []link{{Text: "Continue", Href: "/oauth2/authorize?" + q.Encode()}}
	p2.Refresh = "/oauth2/authorize?" + q.Encode()
	h.render(w, http.StatusOK, messageTmpl, p2)
}
