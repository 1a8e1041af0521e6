package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// fuzzApp is an app on a fresh SQLite store, driven in process through its
// API handler: the fuzz targets set up pools and clients with it once per
// worker and then send one request per input.
type fuzzApp struct {
	*app.App
	h http.Handler
}

func newFuzzApp(f *testing.F) *fuzzApp {
	f.Helper()
	cfg := config.Default()
	cfg.DataDir = f.TempDir()
	cfg.AllowedHosts = "example.com" // the Host of httptest.NewRequest
	a, err := app.New(context.Background(), cfg, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	return &fuzzApp{App: a, h: a.Handler()}
}

// call sends one cognito-idp operation and returns the status and the
// decoded answer.
func (fa *fuzzApp) call(op string, in any) (int, map[string]any) {
	body, _ := json.Marshal(in)
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := httptest.NewRecorder()
	fa.h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// mustCall is call for set-up steps, which must succeed.
func (fa *fuzzApp) mustCall(tb testing.TB, op string, in any) map[string]any {
	tb.Helper()
	code, out := fa.call(op, in)
	if code != http.StatusOK {
		tb.Fatalf("%s: %d %v", op, code, out)
	}
	return out
}

// str walks decoded JSON objects: str(m, "a", "b") is m["a"]["b"] as a
// string, or "".
func str(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		o, _ := v.(map[string]any)
		v = o[k]
	}
	s, _ := v.(string)
	return s
}
