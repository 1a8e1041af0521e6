package acme

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/certs"
)

// fakeRecords knows one endpoint, "ep1", and counts nonces; the rest of
// Records is not needed by these tests (calling it panics).
type fakeRecords struct {
	Records
	nonces int
}

func (f *fakeRecords) AcmeEndpointFor(_ context.Context, id string) (*certs.AcmeEndpoint, error) {
	if id != "ep1" {
		return nil, &certs.Problem{Type: "malformed", Status: 404, Detail: "No ACME endpoint " + id + "."}
	}
	return &certs.AcmeEndpoint{ID: id}, nil
}

func (f *fakeRecords) AcmeNewNonce(context.Context) (string, error) {
	f.nonces++
	return "nonce" + string(rune('a'+f.nonces)), nil
}

func newTestServer() (*Server, *fakeRecords) {
	f := &fakeRecords{}
	return New(Options{Records: f, BaseURL: func() string { return "https://acme.example.test/acme" }}), f
}

func TestDirectoryAndNonce(t *testing.T) {
	s, _ := newTestServer()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/acme/ep1/directory", nil))
	var dir map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &dir); err != nil || w.Code != 200 {
		t.Fatalf("directory: %d %s", w.Code, w.Body)
	}
	for k, want := range map[string]string{"newNonce": "new-nonce", "newAccount": "new-account", "newOrder": "new-order", "revokeCert": "revoke-cert"} {
		if dir[k] != "https://acme.example.test/acme/ep1/"+want {
			t.Errorf("%s = %v", k, dir[k])
		}
	}
	if meta, _ := dir["meta"].(map[string]any); meta["externalAccountRequired"] != true {
		t.Errorf("meta %v", dir["meta"])
	}
	for method, code := range map[string]int{http.MethodHead: 200, http.MethodGet: 204} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(method, "/acme/ep1/new-nonce", nil))
		if w.Code != code || w.Header().Get("Replay-Nonce") == "" || w.Header().Get("Cache-Control") != "no-store" ||
			!strings.Contains(w.Header().Get("Link"), `<https://acme.example.test/acme/ep1/directory>;rel="index"`) {
			t.Errorf("%s new-nonce: %d %v", method, w.Code, w.Header())
		}
	}
}

func TestProblems(t *testing.T) {
	s, f := newTestServer()
	// An unknown endpoint: a 404 problem document with a fresh nonce.
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/acme/nope/directory", nil))
	var p map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code != 404 || w.Header().Get("Content-Type") != "application/problem+json" || p["type"] != "urn:ietf:params:acme:error:malformed" || w.Header().Get("Replay-Nonce") == "" {
		t.Fatalf("unknown endpoint: %d %v %s", w.Code, w.Header(), w.Body)
	}
	// A POST that is not application/jose+json, and one that is not a flattened JWS.
	for _, c := range []struct{ ct, body string }{
		{"application/json", `{}`},
		{"application/jose+json", `{"protected":"e30","payload":"","signatures":[]}`},
		{"application/jose+json", `not json`},
	} {
		before := f.nonces
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/acme/ep1/new-order", strings.NewReader(c.body))
		r.Header.Set("Content-Type", c.ct)
		s.ServeHTTP(w, r)
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != 400 || p["type"] != "urn:ietf:params:acme:error:malformed" || f.nonces != before+1 {
			t.Errorf("%s %q: %d %s", c.ct, c.body, w.Code, w.Body)
		}
	}
	// GET of a POST-only resource is not served.
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/acme/ep1/new-order", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET new-order: %d", w.Code)
	}
}
