package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
)

type pools map[string]bool

func (p pools) CheckPool(_ context.Context, id string) error {
	if id == "broken_1" {
		return errors.New("disk on fire")
	}
	if !p[id] {
		return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
	}
	return nil
}

func serve(t *testing.T, h *Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	h.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestIssuerEndpoints(t *testing.T) {
	const pool = "us-east-1_abc"
	h := New(Options{Pools: pools{pool: true},
		JWKS:   func(_ context.Context, id string) ([]byte, error) { return []byte(`{"keys":["` + id + `"]}`), nil },
		Issuer: func(id string) string { return "http://localhost:9229/" + id },
		DomainBase: func(_ context.Context, id string) string {
			if id == pool {
				return "https://login.example.com"
			}
			return ""
		}})

	rec := serve(t, h, "/"+pool+"/.well-known/jwks.json")
	if rec.Code != 200 || rec.Body.String() != `{"keys":["`+pool+`"]}` || rec.Header().Get("Cache-Control") != "public, max-age=300" ||
		rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("jwks: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}

	rec = serve(t, h, "/"+pool+"/.well-known/openid-configuration")
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 {
		t.Fatalf("discovery: %d %s", rec.Code, rec.Body)
	}
	for k, want := range map[string]string{
		"issuer": "http://localhost:9229/" + pool, "jwks_uri": "http://localhost:9229/" + pool + "/.well-known/jwks.json",
		"authorization_endpoint": "https://login.example.com/oauth2/authorize", "token_endpoint": "https://login.example.com/oauth2/token",
		"end_session_endpoint": "https://login.example.com/logout",
	} {
		if doc[k] != want {
			t.Errorf("%s = %v, want %s", k, doc[k], want)
		}
	}

	for _, path := range []string{"/us-east-1_nope/.well-known/jwks.json", "/us-east-1_nope/.well-known/openid-configuration"} {
		rec = serve(t, h, path)
		if rec.Code != 404 || rec.Body.String() != `{"message":"User pool us-east-1_nope does not exist."}`+"\n" {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec = serve(t, h, "/broken_1/.well-known/jwks.json"); rec.Code != 500 {
		t.Errorf("a failing store: %d", rec.Code)
	}
}

// TestDiscoveryWithoutDomain: no OAuth endpoints without a domain.
func TestDiscoveryWithoutDomain(t *testing.T) {
	h := New(Options{Pools: pools{"us-east-1_abc": true}, Issuer: func(id string) string { return "http://x/" + id }})
	var doc map[string]any
	json.Unmarshal(serve(t, h, "/us-east-1_abc/.well-known/openid-configuration").Body.Bytes(), &doc)
	if _, has := doc["token_endpoint"]; has || doc["issuer"] != "http://x/us-east-1_abc" {
		t.Fatalf("%v", doc)
	}
}

// TestUpdatedIssuerForm: the UPDATED form's endpoints are served beside
// the ORIGINAL ones, each discovery document naming its own issuer and
// JWKS, the same keys under both.
func TestUpdatedIssuerForm(t *testing.T) {
	const pool = "us-east-1_abc"
	h := New(Options{Pools: pools{pool: true},
		JWKS:          func(_ context.Context, id string) ([]byte, error) { return []byte(`{"keys":["` + id + `"]}`), nil },
		Issuer:        func(id string) string { return "http://x/" + id },
		UpdatedIssuer: func(id string) string { return "http://x/issuer/" + id }})
	for prefix, iss := range map[string]string{"/": "http://x/" + pool, "/issuer/": "http://x/issuer/" + pool} {
		var doc map[string]any
		rec := serve(t, h, prefix+pool+"/.well-known/openid-configuration")
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 || doc["issuer"] != iss || doc["jwks_uri"] != iss+"/.well-known/jwks.json" {
			t.Errorf("discovery under %s: %d %v", prefix, rec.Code, doc)
		}
		if rec = serve(t, h, prefix+pool+"/.well-known/jwks.json"); rec.Code != 200 || rec.Body.String() != `{"keys":["`+pool+`"]}` {
			t.Errorf("JWKS under %s: %d %s", prefix, rec.Code, rec.Body)
		}
	}
	if rec := serve(t, h, "/issuer/us-east-1_nope/.well-known/jwks.json"); rec.Code != 404 {
		t.Errorf("an unknown pool under the UPDATED form: %d", rec.Code)
	}
}
