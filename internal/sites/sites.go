package sites

import (
	"encoding/json"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/hostedui"
	"github.com/gognito/gognito/internal/ratelimit"
	"github.com/gognito/gognito/internal/serving"
)

// Index finds the site served at a host name (the TLS edge).
type Index interface {
	Lookup(host string) (*serving.Site, bool)
}

// Pages serve the hosted pages and OAuth endpoints of a site; ServeSite
// reports whether it served the request.
type Pages interface {
	ServeSite(w http.ResponseWriter, r *http.Request, site hostedui.Site) bool
}

// Options configure the router. Index and Pages are required.
type Options struct {
	Index   Index
	Pages   Pages
	Limiter *ratelimit.Limiter // nil: no per-domain limit
	// ImagePath and Images serve the classic hosted UI's images on the
	// origin of a domain's pages: requests under ImagePath go to
	// Images(poolID).
	ImagePath string
	Images    func(poolID string) http.Handler
	Clock     clock.Clock
	// Hosts, when set, says which Host names the API listener answers to
	// besides user pool domains; others are refused (DNS rebinding).
	Hosts func(host string) bool
}

// Router routes requests to user pool domains.
type Router struct{ o Options }

// New builds a router.
func New(o Options) *Router {
	o.Clock = clock.Or(o.Clock)
	return &Router{o: o}
}

func hostOf(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

// API sends requests for a prefix domain served on the plain listener to
// the domain, and everything else to next (the API).
func (rt *Router) API(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if host := hostOf(r); strings.Contains(host, ".auth.") {
			if site, ok := rt.o.Index.Lookup(host); ok && site.CertificateARN == "" {
				rt.serve(w, r, site, false)
				return
			}
		}
		if rt.o.Hosts != nil && !rt.o.Hosts(hostOf(r)) {
			if _, ok := rt.o.Index.Lookup(hostOf(r)); !ok {
				refuseHost(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseHost answers a request whose Host is not one of gognito's names as
// the API answers errors: a page that had a name of its own resolve to
// gognito (DNS rebinding) reaches neither the API nor the outbox.
func refuseHost(w http.ResponseWriter, r *http.Request) {
	e := awserr.Newf(awserr.AccessDenied, "The Host %q is not a name this server answers to (its listen address, public URL, localhost names, user pool domains, or --allowed-hosts).", printableHost(r.Host))
	body, _ := json.Marshal(map[string]string{"__type": e.Type(), "message": e.Message()})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("x-amzn-ErrorType", e.Type())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.HTTPStatus())
	w.Write(body)
}

// printableHost keeps an echoed Host short and free of control bytes.
func printableHost(s string) string {
	if len(s) > 128 {
		s = s[:128]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Edge serves requests that arrive on the HTTPS edge.
func (rt *Router) Edge() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site, ok := rt.o.Index.Lookup(hostOf(r))
		if !ok {
			http.Error(w, "This host is not a user pool domain served here.", http.StatusMisdirectedRequest)
			return
		}
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		rt.serve(w, r, site, r.TLS != nil)
	})
}

// serve serves a request on a user pool domain: the OAuth endpoints and
// hosted pages, else the domain's page.
func (rt *Router) serve(w http.ResponseWriter, r *http.Request, site *serving.Site, secure bool) {
	source, _, _ := net.SplitHostPort(r.RemoteAddr)
	if rt.o.Limiter != nil && !rt.o.Limiter.AllowDomain(site.Name, source, rt.o.Clock.Now()) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too many requests to this domain; try again shortly.", http.StatusTooManyRequests)
		return
	}
	if rt.o.Images != nil && rt.o.ImagePath != "" && strings.HasPrefix(r.URL.Path, rt.o.ImagePath) {
		// The classic hosted UI's logos, on the origin of its pages.
		rt.o.Images(site.PoolID).ServeHTTP(w, r)
		return
	}
	mlv := site.ManagedLoginVersion
	if mlv == 0 {
		mlv = 1
	}
	if rt.o.Pages.ServeSite(w, r, hostedui.Site{PoolID: site.PoolID, Secure: secure, ManagedLoginVersion: mlv}) {
		return
	}
	sitePage(w, r, site)
}

// sitePageTmpl is what a user pool domain answers where no hosted page or
// endpoint matches: a small page naming its pool.
var sitePageTmpl = template.Must(template.New("site").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}code{background:#f2f2f2;padding:0 .25rem}</style>
</head>
<body>
<main>
<h1>{{.Name}}</h1>
<p>This is a user pool domain of user pool <code id="user-pool-id">{{.PoolID}}</code>, served by gognito.</p>
<p>Its hosted pages are <code>/login</code>, <code>/signup</code> and <code>/forgotPassword</code>, and its OAuth 2.0 and OpenID Connect endpoints <code>/oauth2/authorize</code>, <code>/oauth2/token</code> and <code>/oauth2/userInfo</code>; each page takes an app client's <code>client_id</code>, <code>response_type</code> and <code>redirect_uri</code>.</p>
</main>
</body>
</html>
`))

func sitePage(w http.ResponseWriter, r *http.Request, site *serving.Site) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	sitePageTmpl.Execute(w, site)
}
