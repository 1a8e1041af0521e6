package sites

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/hostedui"
	"github.com/gognito/gognito/internal/ratelimit"
	"github.com/gognito/gognito/internal/serving"
)

type index map[string]*serving.Site

func (ix index) Lookup(host string) (*serving.Site, bool) {
	s, ok := ix[strings.ToLower(host)]
	return s, ok
}

// pages serve /oauth2/* and record the site they were given.
type pages struct{ got []hostedui.Site }

func (p *pages) ServeSite(w http.ResponseWriter, r *http.Request, site hostedui.Site) bool {
	if !strings.HasPrefix(r.URL.Path, "/oauth2/") {
		return false
	}
	p.got = append(p.got, site)
	io.WriteString(w, "pages")
	return true
}

func newRouter(p *pages, rates ratelimit.Rates) *Router {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return New(Options{
		Index: index{
			"app.auth.us-east-1.localhost": {Name: "app.auth.us-east-1.localhost", PoolID: "us-east-1_PREFIX", Version: "g1", ManagedLoginVersion: 2},
			"auth.example.test":            {Name: "auth.example.test", PoolID: "us-east-1_CUSTOM", CertificateARN: "arn:a", Version: "g1/c1"},
		},
		Pages: p, Limiter: ratelimit.New(rates), ImagePath: "/_gognito/ui/",
		Images: func(pool string) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "image of "+pool) })
		},
		Clock: clock.Func(func() time.Time { return at }),
	})
}

func do(h http.Handler, method, host, path string, secure bool) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://"+host+path, nil)
	r.RemoteAddr = "192.0.2.1:1234"
	if secure {
		r.TLS = &tls.ConnectionState{ServerName: host}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAPIListenerRoutesPrefixDomains(t *testing.T) {
	p := &pages{}
	rt := newRouter(p, nil)
	api := rt.API(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "api") }))
	if w := do(api, "GET", "app.auth.us-east-1.localhost:9229", "/oauth2/authorize", false); w.Body.String() != "pages" {
		t.Fatalf("prefix domain: %q", w.Body.String())
	}
	if len(p.got) != 1 || p.got[0] != (hostedui.Site{PoolID: "us-east-1_PREFIX", ManagedLoginVersion: 2}) {
		t.Fatalf("pages were given %+v", p.got)
	}
	// The API host, an unknown prefix and a custom domain (HTTPS only) go to the API.
	for _, host := range []string{"localhost:9229", "nope.auth.us-east-1.localhost", "auth.example.test"} {
		if w := do(api, "GET", host, "/oauth2/authorize", false); w.Body.String() != "api" {
			t.Fatalf("%s: %q", host, w.Body.String())
		}
	}
}

func TestEdgeRoutesByHost(t *testing.T) {
	p := &pages{}
	h := newRouter(p, nil).Edge()
	w := do(h, "GET", "unknown.example.test", "/", true)
	if w.Code != http.StatusMisdirectedRequest {
		t.Fatalf("unknown host: %d", w.Code)
	}
	w = do(h, "GET", "auth.example.test:443", "/", true)
	if w.Code != 200 || w.Header().Get("Strict-Transport-Security") != "max-age=31536000" || !strings.Contains(w.Body.String(), `<code id="user-pool-id">us-east-1_CUSTOM</code>`) {
		t.Fatalf("domain page: %d %v %q", w.Code, w.Header(), w.Body.String())
	}
	if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("domain page headers %v", w.Header())
	}
	if w := do(h, "POST", "auth.example.test", "/", true); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST on the page: %d %v", w.Code, w.Header())
	}
	if w := do(h, "GET", "auth.example.test", "/", false); w.Header().Get("Strict-Transport-Security") != "" {
		t.Fatal("HSTS over plain HTTP")
	}
	if w := do(h, "GET", "auth.example.test", "/oauth2/token", true); w.Body.String() != "pages" || p.got[0] != (hostedui.Site{PoolID: "us-east-1_CUSTOM", Secure: true, ManagedLoginVersion: 1}) {
		t.Fatalf("pages: %q %+v", w.Body.String(), p.got)
	}
	if w := do(h, "GET", "auth.example.test", "/_gognito/ui/logo.png", true); w.Body.String() != "image of us-east-1_CUSTOM" {
		t.Fatalf("image: %q", w.Body.String())
	}
}

func TestDomainRateLimit(t *testing.T) {
	h := newRouter(&pages{}, ratelimit.Rates{ratelimit.HostedUI: 10}).Edge() // 6 per source
	for i := range 6 {
		if w := do(h, "GET", "auth.example.test", "/", true); w.Code != 200 {
			t.Fatalf("request %d: %d", i, w.Code)
		}
	}
	w := do(h, "GET", "auth.example.test", "/", true)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("over the limit: %d %v", w.Code, w.Header())
	}
}
