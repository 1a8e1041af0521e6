package oidc

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gognito/gognito/internal/awserr"
)

// Pools is what the endpoints read of the pools: whether one exists
// (ResourceNotFoundException when it does not; userpool's loader).
type Pools interface {
	CheckPool(ctx context.Context, id string) error
}

// Options configure the endpoints.
type Options struct {
	Pools Pools
	// JWKS is a pool's JSON Web Key Set, as served
	// ((*tokens.Service).JWKS).
	JWKS func(ctx context.Context, poolID string) ([]byte, error)
	// Issuer is the iss of a pool's tokens under IssuerConfiguration
	// ORIGINAL (<public URL>/<pool>); UpdatedIssuer (optional) under UPDATED
	// (<public URL>/issuer/<pool>). Both are served whatever the pool's
	// type, each discovery document naming the issuer it was asked under.
	Issuer        func(poolID string) string
	UpdatedIssuer func(poolID string) string
	// DomainBase is the HTTPS base URL of the pool's domain (the custom
	// domain when it has both), "" when it has none.
	DomainBase func(ctx context.Context, poolID string) string
	Log        *slog.Logger
}

// Handler serves the issuer endpoints.
type Handler struct{ o Options }

// New builds the handler.
func New(o Options) *Handler {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.DomainBase == nil {
		o.DomainBase = func(context.Context, string) string { return "" }
	}
	return &Handler{o: o}
}

// Register mounts the endpoints on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{pool}/.well-known/jwks.json", h.serveJWKS)
	mux.HandleFunc("GET /{pool}/.well-known/openid-configuration", h.serveDiscovery(h.o.Issuer))
	if h.o.UpdatedIssuer != nil {
		mux.HandleFunc("GET /issuer/{pool}/.well-known/jwks.json", h.serveJWKS)
		mux.HandleFunc("GET /issuer/{pool}/.well-known/openid-configuration", h.serveDiscovery(h.o.UpdatedIssuer))
	}
}

// serveJWKS answers GET /<poolId>/.well-known/jwks.json.
func (h *Handler) serveJWKS(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if !h.poolExists(w, r, poolID) {
		return
	}
	b, err := h.o.JWKS(r.Context(), poolID)
	if err != nil {
		h.o.Log.Error("jwks", "pool", poolID, "error", err)
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

// poolExists answers 404 for an unknown pool (false: answered).
func (h *Handler) poolExists(w http.ResponseWriter, r *http.Request, poolID string) bool {
	err := h.o.Pools.CheckPool(r.Context(), poolID)
	if awserr.Is(err, awserr.ResourceNotFound) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"message": "User pool " + poolID + " does not exist."})
		return false
	}
	if err != nil {
		h.o.Log.Error("issuer: reading the pool", "pool", poolID, "error", err)
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return false
	}
	return true
}

// serveDiscovery answers GET <issuer>/.well-known/openid-configuration for
// one issuer form. When the pool has a domain, the OAuth endpoints are the
// domain's (the custom domain's when it has both, as Cognito advertises).
func (h *Handler) serveDiscovery(issuer func(poolID string) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.discovery(w, r, issuer) }
}

func (h *Handler) discovery(w http.ResponseWriter, r *http.Request, issuer func(string) string) {
	poolID := r.PathValue("pool")
	if !h.poolExists(w, r, poolID) {
		return
	}
	iss := issuer(poolID)
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
	if base := h.o.DomainBase(r.Context(), poolID); base != "" {
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
