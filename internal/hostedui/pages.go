package hostedui

import (
	"html/template"
	"net/http"
)

var base = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{block "title" .}}Sign in{{end}}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1a1a1a;margin:0}
main{max-width:24rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #6b6b6b;border-radius:.25rem;font-size:1rem}
input:focus{outline:3px solid #1a5fb4;outline-offset:1px}
button{margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:.25rem;background:#1a5fb4;color:#fff;font-size:1rem;cursor:pointer}
button:focus{outline:3px solid #0b2d57;outline-offset:2px}
.error{background:#fdecea;color:#8a1c12;padding:.75rem;border-radius:.25rem}
</style>
</head>
<body><main>{{block "content" .}}{{end}}</main></body>
</html>`

var loginTmpl = template.Must(template.Must(template.New("login").Parse(base)).Parse(`
{{define "content"}}
<h1>Sign in{{if .ClientName}} to {{.ClientName}}{{end}}</h1>
{{if .Error}}<p class="error" role="alert" id="error">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRF}}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="{{.Username}}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="signInSubmitButton">Sign in</button>
</form>
{{end}}`))

var errorTmpl = template.Must(template.Must(template.New("error").Parse(base)).Parse(`
{{define "title"}}Error{{end}}
{{define "content"}}
<h1>Something went wrong</h1>
<p class="error" role="alert"><strong>{{.Code}}</strong>: {{.Message}}</p>
{{end}}`))

type loginPage struct {
	Action, CSRF, ClientName, Username, Error string
}

func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
}

func (h *Handler) renderLogin(w http.ResponseWriter, status int, p loginPage) {
	setPageHeaders(w)
	w.WriteHeader(status)
	loginTmpl.Execute(w, p)
}

func (h *Handler) renderError(w http.ResponseWriter, status int, code, msg string) {
	setPageHeaders(w)
	w.WriteHeader(status)
	errorTmpl.Execute(w, struct{ Code, Message string }{code, msg})
}
