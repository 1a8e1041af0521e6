package app

import (
	"html/template"
	"net/http"

	"github.com/gognito/gognito/internal/edge"
)

// sitePageTmpl is what a user pool domain answers until the hosted sign-in
// pages exist: a small page naming its pool.
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
<p>The hosted sign-up and sign-in pages are not built yet.</p>
</main>
</body>
</html>
`))

func (a *App) sitePage(w http.ResponseWriter, r *http.Request, site *edge.Site) {
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
