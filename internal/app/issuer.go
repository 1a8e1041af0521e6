package app

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gognito/gognito/internal/store"
)

// serveJWKS answers GET /<poolId>/.well-known/jwks.json.
func (a *App) serveJWKS(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if !a.poolExists(w, r, poolID) {
		return
	}
	b, err := a.tokens.JWKS(r.Context(), poolID)
	if err != nil {
		a.log.Error("jwks", "pool", poolID, "error", err)
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

func (a *App) poolExists(w http.ResponseWriter, r *http.Request, poolID string) bool {
	_, err := a.store.GetUserPool(r.Context(), poolID)
	if errors.Is(err, store.ErrNotFound) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"message": "User pool " + poolID + " does not exist."})
		return false
	}
	if err != nil {
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return false
	}
	return true
}

// serveDiscovery answers GET /<poolId>/.well-known/openid-configuration.
// When the pool has a domain, the OAuth endpoints are the domain's (the
// custom domain's when it has both, as Cognito advertises).
func (a *App) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if !a.poolExists(w, r, poolID) {
		return
	}
	iss := a.Issuer(poolID)
	doc := map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"response_types_supported":              []string{"code", "token"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported": []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "cognito:username", "cognito:groups",
			"email", "email_verified", "phone_number", "phone_number_verified", "name", "given_name", "family_name"},
	}
	if base := a.domainBase(r, poolID); base != "" {
		doc["authorization_endpoint"] = base + "/oauth2/authorize"
		doc["token_endpoint"] = base + "/oauth2/token"
		doc["userinfo_endpoint"] = base + "/oauth2/userInfo"
		doc["revocation_endpoint"] = base + "/oauth2/revoke"
		doc["end_session_endpoint"] = base + "/logout"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	json.NewEncoder(w).Encode(doc)
}

// domainBase is the HTTPS base URL of the pool's domain: the custom domain
// when there is one, else the prefix domain; "" without a domain.
func (a *App) domainBase(r *http.Request, poolID string) string {
	ds, err := a.store.ListDomainsByPool(r.Context(), poolID)
	if err != nil || len(ds) == 0 {
		return ""
	}
	d := ds[0]
	for _, x := range ds {
		if x.Custom {
			d = x
		}
	}
	base := "https://" + a.domains.Host(d)
	if port, ok := a.edgePort.Load().(string); ok && port != "" {
		base += ":" + port
	}
	return base
}
