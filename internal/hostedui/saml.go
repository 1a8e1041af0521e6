package hostedui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/users"
)

// SAML 2.0 sign-in and sign-out on a user pool domain, as Cognito's:
//
//   - SP-initiated: startExternal (federation.go) hands a SAML provider to
//     startSAML with the sealed externalState as RelayState; the browser goes
//     to the IdP's HTTP-Redirect SingleSignOnService with an AuthnRequest
//     whose ID is bound to that RelayState (federation.RequestID).
//   - /saml2/idpresponse (HTTP-POST): SAMLResponse and RelayState. A
//     RelayState that opens as an externalState is an answer to our request;
//     any other is an IdP-initiated sign-in, whose RelayState carries the
//     parameters of an /oauth2/authorize request (client_id, redirect_uri,
//     response_type, scope, and identity_provider or idp_identifier), taken
//     only from a provider whose IDPInit is true.
//   - /logout with IDPSignout: the user is signed out here, then sent to the
//     IdP's SingleLogoutService with a signed LogoutRequest; the IdP's
//     LogoutResponse comes back to /saml2/logout, which then goes where
//     /logout would have gone.

// SAMLService is the SAML 2.0 service provider the handler uses
// (Options.SAML).
type SAMLService = federation.SAML

// samlSession is what a SAML sign-in leaves in the browser for a later
// single logout: the provider, the NameID and the IdP's session index.
type samlSession struct {
	PoolID       string    `json:"p"`
	Provider     string    `json:"n"`
	NameID       string    `json:"s"`
	Format       string    `json:"f,omitempty"`
	SessionIndex string    `json:"i,omitempty"`
	Expires      time.Time `json:"e"`
}

// samlLogoutState travels to the IdP and back as the RelayState of a
// LogoutRequest: where /logout was going, and when it was made.
type samlLogoutState struct {
	PoolID   string    `json:"p"`
	Provider string    `json:"n"`
	Target   string    `json:"t"`
	Expires  time.Time `json:"e"`
}

const (
	samlSessionCookie = "cognito-saml"
	samlLogoutLife    = 10 * time.Minute
	// Cognito's words when a response or its RelayState cannot be used.
	samlBadRelay = "Invalid samlResponse or relayState from identity provider"
)

// samlProvider is what the federation service needs of a provider for
// one exchange on this request's domain.
func (h *Handler) samlProvider(r *http.Request, site Site, p *idp.Provider) (federation.SAMLProvider, error) {
	signing, encryption, err := h.o.IdP.SAMLKeys(r.Context(), p.PoolID)
	if err != nil {
		return federation.SAMLProvider{}, err
	}
	sp := federation.SAMLProvider{PoolID: p.PoolID, Name: p.Name, Details: p.Details, Origin: callbackOrigin(r, site)}
	if p.Metadata != nil {
		sp.Metadata = p.Metadata.Raw
	}
	if signing != nil {
		sp.Signing = federation.SAMLKeyPair{Key: signing.Key, Cert: signing.Cert}
	}
	if encryption != nil {
		sp.Encryption = federation.SAMLKeyPair{Key: encryption.Key, Cert: encryption.Cert}
	}
	return sp, nil
}

// startSAML sends the browser to the provider with an AuthnRequest.
func (h *Handler) startSAML(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, p *idp.Provider, relayState string) {
	sp, err := h.samlProvider(r, site, p)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	to, err := h.o.SAML.AuthnRequestURL(r.Context(), sp, relayState)
	if err != nil {
		h.o.Log.Error("SAML AuthnRequest", "provider", p.Name, "error", err)
		h.sendError(w, r, ar, &redirectError{"invalid_request", "Error in SAML request: the identity provider's metadata cannot be used"})
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// samlResponse serves POST /saml2/idpresponse.
func (h *Handler) samlResponse(w http.ResponseWriter, r *http.Request, site Site) {
	if r.Method != http.MethodPost {
		h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4*federation.MaxSAMLResponse)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
		return
	}
	samlResp, relay := r.PostForm.Get("SAMLResponse"), r.PostForm.Get("RelayState")
	if samlResp == "" {
		h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
		return
	}
	ctx := r.Context()
	var (
		query     url.Values
		p         *idp.Provider
		solicited bool
		err       error
	)
	if st, ok := h.openExternal(r, site, relay); ok {
		// An answer to our AuthnRequest.
		solicited = true
		if query, err = url.ParseQuery(st.Query); err == nil {
			p, err = h.o.IdP.Provider(ctx, site.PoolID, st.Provider)
		}
	} else {
		// IdP-initiated: the RelayState is an authorization request.
		query, err = url.ParseQuery(relay)
		if err != nil || relay == "" {
			h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
			return
		}
		switch {
		case query.Get("identity_provider") != "":
			p, err = h.o.IdP.Provider(ctx, site.PoolID, query.Get("identity_provider"))
		case query.Get("idp_identifier") != "":
			p, err = h.o.IdP.ProviderByIdentifier(ctx, site.PoolID, query.Get("idp_identifier"))
		default:
			h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
			return
		}
	}
	if err != nil || p == nil || p.Type != "SAML" {
		h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
		return
	}
	ar, err := h.checkAuthRequest(ctx, query, site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	if !slices.Contains(ar.client.SupportedIdentityProviders, p.Name) {
		h.sendError(w, r, ar, &redirectError{"invalid_request", "The identity provider " + p.Name + " is not enabled for this client"})
		return
	}
	sp, err := h.samlProvider(r, site, p)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	id, err := h.o.SAML.ParseResponse(ctx, sp, samlResp, relay, solicited)
	if err != nil {
		if errors.Is(err, federation.ErrSAML) {
			h.sendError(w, r, ar, &redirectError{"invalid_request", err.Error()})
			return
		}
		h.sendError(w, r, ar, err)
		return
	}
	if sp.IDPSignout() {
		ss := samlSession{PoolID: site.PoolID, Provider: p.Name, NameID: id.NameID, Format: id.NameIDFormat, SessionIndex: id.SessionIndex,
			Expires: h.now().Add(sessionLifetime)}
		http.SetCookie(w, &http.Cookie{Name: site.cookie(samlSessionCookie), Value: h.seal("saml session", ss), Path: "/",
			MaxAge: int(sessionLifetime / time.Second), HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
	}
	h.finishExternal(w, r, site, query, users.ExternalIdentity{
		ProviderName: p.Name,
		ProviderType: p.Type,
		UserID:       id.NameID,
		Attributes:   p.MapAttributes(id.Attributes),
	})
}

// samlSignOut is called by /logout once the session has ended, with where
// it would now redirect: when the session came from a SAML provider with
// IDPSignout, the browser goes to the provider's SingleLogoutService
// first, and reports true.
func (h *Handler) samlSignOut(w http.ResponseWriter, r *http.Request, site Site, target string) bool {
	c, err := r.Cookie(site.cookie(samlSessionCookie))
	if err != nil {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: site.cookie(samlSessionCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
	var ss samlSession
	if !h.open("saml session", c.Value, &ss) || ss.PoolID != site.PoolID || h.now().After(ss.Expires) {
		return false
	}
	p, err := h.o.IdP.Provider(r.Context(), site.PoolID, ss.Provider)
	if err != nil || p.Type != "SAML" || !strings.EqualFold(p.Details["IDPSignout"], "true") {
		return false
	}
	sp, err := h.samlProvider(r, site, p)
	if err != nil {
		h.o.Log.Error("SAML sign-out", "provider", p.Name, "error", err)
		return false
	}
	relay := h.seal("saml logout", samlLogoutState{PoolID: site.PoolID, Provider: p.Name, Target: target, Expires: h.now().Add(samlLogoutLife)})
	to, err := h.o.SAML.LogoutRequestURL(r.Context(), sp, ss.NameID, ss.Format, ss.SessionIndex, relay)
	if err != nil {
		h.o.Log.Error("SAML sign-out", "provider", p.Name, "error", err)
		return false
	}
	http.Redirect(w, r, to, http.StatusFound)
	return true
}

// samlLogout serves /saml2/logout: the provider's LogoutResponse to our
// LogoutRequest, then on to where /logout was going.
func (h *Handler) samlLogout(w http.ResponseWriter, r *http.Request, site Site) {
	if err := r.ParseForm(); err != nil {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The request could not be read.")
		return
	}
	var st samlLogoutState
	relay := r.Form.Get("RelayState")
	if !h.open("saml logout", relay, &st) || st.PoolID != site.PoolID || h.now().After(st.Expires) {
		h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
		return
	}
	p, err := h.o.IdP.Provider(r.Context(), site.PoolID, st.Provider)
	if err != nil || p.Type != "SAML" {
		h.renderError(w, http.StatusBadRequest, "invalid_request", samlBadRelay)
		return
	}
	sp, err := h.samlProvider(r, site, p)
	if err == nil {
		err = h.o.SAML.CheckLogoutResponse(r.Context(), sp, r, relay)
	}
	if err != nil {
		if !errors.Is(err, federation.ErrSAML) {
			h.o.Log.Error("SAML sign-out", "provider", p.Name, "error", err)
		}
		h.renderError(w, http.StatusBadRequest, "invalid_request", "Invalid SAML logout response from identity provider")
		return
	}
	http.Redirect(w, r, st.Target, http.StatusFound)
}

// afterLogout ends /logout: through the SAML provider's single logout
// when the session came from one with IDPSignout, else straight to target.
func (h *Handler) afterLogout(w http.ResponseWriter, r *http.Request, site Site, target string) {
	if h.samlSignOut(w, r, site, target) {
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}
