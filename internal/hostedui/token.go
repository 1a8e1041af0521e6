package hostedui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/userpool"
)

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2"`)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// clientAuth authenticates the client of a token or revoke request:
// client_secret_basic, client_secret_post, or a public client's client_id.
func (h *Handler) clientAuth(w http.ResponseWriter, r *http.Request, site Site) (*userpool.Client, bool) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return nil, false
	}
	c, err := h.o.Auth.Client(r.Context(), id)
	if err != nil || c.UserPoolId != site.PoolID {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return nil, false
	}
	if c.HasSecret() && (secret == "" || !c.SecretMatches(secret)) {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return nil, false
	}
	return c, true
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request, site Site) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	c, ok := h.clientAuth(w, r, site)
	if !ok {
		return
	}
	ctx := r.Context()
	var issued *tokens.Issued
	withID, withRefresh := true, false
	switch r.PostFormValue("grant_type") {
	case "authorization_code":
		var cs codeState
		if !h.open("oauth code", r.PostFormValue("code"), &cs) || cs.ClientID != c.ClientId || h.now().After(cs.Expires) {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		if r.PostFormValue("redirect_uri") != cs.Redirect {
			// Cognito's answer to a redirect_uri that is not the authorize one.
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "unauthorized_client", "error_description": "invalid_redirect"})
			return
		}
		if !pkceOK(cs.Challenge, r.PostFormValue("code_verifier")) {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		// Codes are single use: the first exchange marks it, with a mark
		// of its own (random: a stopped clock must not make two exchanges
		// alike), stamped with the hosted UI's clock.
		marker := []byte(h.random(16) + " " + r.RemoteAddr + " " + h.now().UTC().Format(time.RFC3339Nano))
		// The mark is useless once the code has expired: it may go then.
		got, err := h.o.Store.PutValueIfAbsentUntil(ctx, "oauth-code-used/"+cs.ID, marker, cs.Expires)
		if err != nil {
			oauthError(w, http.StatusInternalServerError, "server_error")
			return
		}
		if string(got) != string(marker) {
			// A code used twice: refuse it, and revoke what its first
			// exchange issued (RFC 6749 §4.1.2, RFC 9700 §4.5).
			if err := h.codeReused(ctx, cs); err != nil {
				h.o.Log.Error("revoking the tokens of a reused code", "error", err)
			}
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		issued, err = h.o.Auth.IssueForClient(ctx, c.ClientId, cs.Username, cs.Scopes, cs.Nonce, cs.AuthTime, true)
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		if reused, err := h.codeIssued(ctx, cs, issued.OriginJTI); err != nil || reused {
			if err != nil {
				h.o.Log.Error("recording the tokens of a code", "error", err)
			}
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		withID, withRefresh = slices.Contains(cs.Scopes, "openid"), true
	case "refresh_token":
		var err error
		issued, err = h.o.Auth.RefreshForClient(ctx, c.ClientId, r.PostFormValue("refresh_token"))
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		withRefresh = true // a client that rotates refresh tokens gets a new one

	case "client_credentials":
		if !c.HasSecret() || !slices.Contains(c.AllowedOAuthFlows, "client_credentials") {
			oauthError(w, http.StatusBadRequest, "unauthorized_client")
			return
		}
		req := strings.Fields(r.PostFormValue("scope"))
		if len(req) == 0 {
			req = c.AllowedOAuthScopes
		}
		for _, s := range req {
			if !slices.Contains(c.AllowedOAuthScopes, s) {
				oauthError(w, http.StatusBadRequest, "invalid_scope")
				return
			}
		}
		var meta map[string]string
		if raw := r.PostFormValue("aws_client_metadata"); raw != "" && json.Unmarshal([]byte(raw), &meta) != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request")
			return
		}
		overrides, err := h.o.Auth.ClientCredentialsOverrides(ctx, c.ClientId, req, meta)
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		issued, err = h.o.Tokens.Issue(ctx, tokens.Subject{PoolID: c.UserPoolId, ClientID: c.ClientId, Sub: c.ClientId, Scopes: req, Overrides: overrides},
			clientValidity(c), false)
		if err != nil {
			oauthError(w, http.StatusInternalServerError, "server_error")
			return
		}
		withID = false
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	out := map[string]any{"access_token": issued.AccessToken, "token_type": "Bearer", "expires_in": issued.ExpiresIn}
	if withID && issued.IDToken != "" {
		out["id_token"] = issued.IDToken
	}
	if withRefresh && issued.RefreshToken != "" {
		out["refresh_token"] = issued.RefreshToken
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// The tokens a code's exchange issued are recorded (their origin_jti) under
// codeTokensKey, and a second use of the code under codeReusedKey, both
// until the code expires (afterwards the code is refused as expired). Each
// side writes its own key, then reads the other's: whichever comes second
// sees the first, so a reuse racing the first exchange still revokes.
func codeTokensKey(id string) string { return "oauth-code-tokens/" + id }
func codeReusedKey(id string) string { return "oauth-code-reused/" + id }

// codeReused records a second use of a code and revokes the tokens its
// first exchange issued, if they are recorded yet.
func (h *Handler) codeReused(ctx context.Context, cs codeState) error {
	if err := h.o.Store.SetValueUntil(ctx, codeReusedKey(cs.ID), []byte("reused"), cs.Expires); err != nil {
		return err
	}
	origin, err := h.o.Store.GetValue(ctx, codeTokensKey(cs.ID))
	if errors.Is(err, store.ErrNotFound) {
		return nil // the first exchange has not issued yet: it revokes itself
	}
	if err != nil {
		return err
	}
	return h.o.Tokens.Revoke(ctx, string(origin))
}

// codeIssued records the tokens a code's first exchange issued, and reports
// (after revoking them) whether the code was used again meanwhile.
func (h *Handler) codeIssued(ctx context.Context, cs codeState, originJTI string) (reused bool, err error) {
	if err := h.o.Store.SetValueUntil(ctx, codeTokensKey(cs.ID), []byte(originJTI), cs.Expires); err != nil {
		return false, errors.Join(err, h.o.Tokens.Revoke(ctx, originJTI))
	}
	_, err = h.o.Store.GetValue(ctx, codeReusedKey(cs.ID))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, errors.Join(err, h.o.Tokens.Revoke(ctx, originJTI))
	}
	return true, h.o.Tokens.Revoke(ctx, originJTI)
}

func clientValidity(c *userpool.Client) tokens.Validity {
	v := tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: 30 * 24 * time.Hour}
	if c.AccessTokenValidity != nil {
		unit := time.Hour
		if c.TokenValidityUnits != nil {
			switch c.TokenValidityUnits.AccessToken {
			case "seconds":
				unit = time.Second
			case "minutes":
				unit = time.Minute
			case "days":
				unit = 24 * time.Hour
			}
		}
		v.Access = time.Duration(*c.AccessTokenValidity) * unit
	}
	return v
}

func bearerError(w http.ResponseWriter, status int, code, desc string) {
	v := `Bearer error="` + code + `"`
	if desc != "" {
		v += `, error_description="` + desc + `"`
	}
	w.Header().Set("WWW-Authenticate", v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// userInfo answers /oauth2/userInfo for an access token with the openid scope.
func (h *Handler) userInfo(w http.ResponseWriter, r *http.Request, site Site) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		bearerError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	claims, err := h.o.Tokens.VerifyAccess(r.Context(), tok)
	if err != nil || claims.PoolID != site.PoolID {
		if _, isAWS := awserr.As(err); err != nil && !isAWS {
			h.o.Log.Error("userInfo", "error", err)
		}
		bearerError(w, http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
		return
	}
	if !slices.Contains(claims.Scopes, "openid") {
		bearerError(w, http.StatusUnauthorized, "invalid_token", "Access token does not contain openid scope")
		return
	}
	info, err := h.o.Auth.UserInfo(r.Context(), claims)
	if err != nil {
		bearerError(w, http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(info)
}

// revoke answers /oauth2/revoke: 200 with an empty body, also for a token
// it does not know.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request, site Site) {
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	c, ok := h.clientAuth(w, r, site)
	if !ok {
		return
	}
	t := r.PostFormValue("token")
	if t == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	if c.EnableTokenRevocation != nil && !*c.EnableTokenRevocation {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	if strings.Count(t, ".") == 2 {
		oauthError(w, http.StatusBadRequest, "unsupported_token_type")
		return
	}
	if rc, err := h.o.Tokens.ParseRefresh(r.Context(), t); err == nil && rc.ClientID == c.ClientId {
		if err := h.o.Tokens.RevokeRefresh(r.Context(), rc); err != nil {
			oauthError(w, http.StatusInternalServerError, "server_error")
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
