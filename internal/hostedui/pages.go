package hostedui

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The pages are server-rendered HTML that works without JavaScript: every
// input has a label, errors are announced (role=alert) and tied to the
// inputs (aria-describedby), notices are polite (role=status), colours meet
// WCAG AA contrast, focus is always visible, and the layout fits a phone.

var base = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{{if .Refresh}}<meta http-equiv="refresh" content="0;url={{.Refresh}}">{{end}}
<title>{{if .Error}}Error: {{end}}{{block "title" .}}{{.Title}}{{end}}</title>
<style>
.managed-login{background:linear-gradient(160deg,#eef2fb,#f7f7fa)}
.managed-login main{max-width:28rem;border-radius:1rem;box-shadow:0 8px 28px rgba(20,30,60,.14);padding:2.5rem}
.managed-login h1{font-size:1.6rem;font-weight:700;letter-spacing:-.01em}
.managed-login input{border-radius:.5rem}
.managed-login button[type=submit]{border-radius:2rem;background:#0b5394}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1a1a1a;margin:0;line-height:1.5}
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
@media (max-width:30rem){main{margin:0;padding:1.25rem;border-radius:0;box-shadow:none;min-height:100vh}}
h1{font-size:1.4rem;margin-top:0}
label,legend{display:block;margin:1rem 0 .25rem;font-weight:600}
fieldset{border:0;margin:0;padding:0}
.choice{display:flex;align-items:center;gap:.5rem;margin:.5rem 0;font-weight:400}
.choice input{width:auto;margin:0}
input{width:100%;padding:.6rem;border:1px solid #6b6b6b;border-radius:.25rem;font-size:1rem;background:#fff;color:#1a1a1a}
input:focus,a:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px}
button{margin-top:1.5rem;width:100%;padding:.7rem;border:2px solid #1a5fb4;border-radius:.25rem;background:#1a5fb4;color:#fff;font-size:1rem;cursor:pointer}
button:hover{background:#0b4a93;border-color:#0b4a93}
button.secondary{background:#fff;color:#1a5fb4;margin-top:.75rem}
button.secondary:hover{background:#eef3fb}
button.link{width:auto;margin:0;padding:0;border:0;background:none;color:#1a5fb4;text-decoration:underline;font-size:1rem}
a{color:#1a5fb4}
a:hover{color:#0b2d57}
.hint{font-size:.9rem;color:#4a4a4a;margin:.25rem 0 0}
.error{white-space:pre-line;background:#fdecea;color:#8a1c12;padding:.75rem;border-radius:.25rem;border-left:4px solid #8a1c12}
.notice{background:#e8f1fb;color:#0b2d57;padding:.75rem;border-radius:.25rem;border-left:4px solid #1a5fb4}
.secret{font-family:ui-monospace,monospace;font-size:1.05rem;word-break:break-all;background:#f4f5f7;padding:.5rem;border-radius:.25rem}
.links{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #d0d0d0}
.links p{margin:.5rem 0}
.banner-customizable{text-align:center}
.logo-customizable{max-width:100%}
</style>
{{if .CustomCSS}}<style id="ui-customization">{{.CustomCSS}}</style>{{end}}
</head>
<body class="{{if .ManagedLogin}}managed-login{{else}}hosted-ui{{end}}"><main class="background-customizable">
<div class="banner-customizable">{{if .LogoURL}}<img class="logo-customizable" src="{{.LogoURL}}" alt="{{if .ClientName}}{{.ClientName}}{{else}}Logo{{end}}">{{end}}</div>
{{if .ClientName}}<p class="hint">{{.ClientName}}</p>{{end}}
<h1 class="textDescription-customizable">{{.Title}}</h1>
{{if .Error}}<p class="error errorMessage-customizable" role="alert" id="error">{{.Error}}</p>{{end}}
{{if .Notice}}<p class="notice" role="status" id="notice">{{.Notice}}</p>{{end}}
{{if .Intro}}<p id="intro" class="textDescription-customizable">{{.Intro}}</p>{{end}}
{{block "content" .}}{{end}}
{{if .Links}}<nav class="links" aria-label="Other options">{{range .Links}}<p>{{if .Prefix}}{{.Prefix}} {{end}}<a href="{{.Href}}">{{.Text}}</a></p>{{end}}</nav>{{end}}
</main></body>
</html>
`

// partials are the pieces the pages share.
var partials = `{{define "cancel"}}<form method="post" action="{{.Action}}">
{{template "csrf" .}}<input type="hidden" name="step" value="cancel">
<button type="submit" class="secondary" name="cancel">Sign in as another user</button>
</form>{{end}}
{{define "csrf"}}<input type="hidden" name="_csrf" value="{{.CSRF}}">{{end}}
{{define "described"}}{{if .Error}} aria-describedby="error"{{end}}{{end}}
{{define "username"}}<label for="username" class="label-customizable">{{.UsernameLabel}}</label>
<input class="inputField-customizable" id="username" name="username" type="{{.UsernameType}}" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{.Username}}"{{template "described" .}}>{{end}}
{{define "fields"}}{{range .Fields}}<label for="{{.ID}}" class="label-customizable">{{.Label}}{{if not .Required}} (optional){{end}}</label>
<input class="inputField-customizable" id="{{.ID}}" name="{{.Name}}" type="{{.Type}}"{{if .Autocomplete}} autocomplete="{{.Autocomplete}}"{{end}}{{if .Required}} required{{end}} value="{{.Value}}"{{if .Hint}} aria-describedby="{{.ID}}-hint"{{end}}>
{{if .Hint}}<p class="hint" id="{{.ID}}-hint">{{.Hint}}</p>{{end}}{{end}}{{end}}
{{define "newpassword"}}<label for="password" class="label-customizable">{{.PasswordLabel}}</label>
<input class="inputField-customizable" id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint{{if .Error}} error{{end}}">
<p class="hint" id="password-hint">{{.PasswordHint}}</p>{{end}}
{{define "confirmpassword"}}<label for="confirm_password" class="label-customizable">Confirm new password</label>
<input class="inputField-customizable" id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>{{end}}
{{define "code"}}<label for="code" class="label-customizable">{{if .CodeLabel}}{{.CodeLabel}}{{else}}Code{{end}}</label>
<input class="inputField-customizable" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="16" required{{template "described" .}}>{{end}}
{{define "resend"}}{{if .SecondAction}}<form method="post" action="{{.SecondAction}}">
{{template "csrf" .}}<input type="hidden" name="username" value="{{.Username}}">
<button type="submit" class="secondary" name="resend">Send a new code</button>
</form>{{end}}{{end}}`

func pageTemplate(name, content string) *template.Template {
	return template.Must(template.Must(template.Must(template.New(name).Parse(base)).Parse(partials)).Parse(content))
}

var (
	loginTmpl = pageTemplate("login", `{{define "content"}}
{{if .Providers}}<div id="identity-providers">{{range .Providers}}
<p><a class="btn idpButton-customizable" id="idp-{{.Name}}" href="{{.Href}}">Continue with {{.Name}}</a></p>{{end}}
</div>{{end}}
{{if .CorporateEmail}}<form method="post" action="{{.Action}}" id="corporate-email-form" novalidate>
{{template "csrf" .}}
<input type="hidden" name="step" value="corporate-email">
<label for="corporate_email" class="label-customizable">Sign in with your corporate ID</label>
<input class="inputField-customizable" id="corporate_email" name="corporate_email" type="email" autocomplete="email" placeholder="name@host.com" required>
<button type="submit" class="submitButton-customizable" name="corporateEmailButton">Sign in with corporate email</button>
</form>{{end}}
{{if .LocalSignIn}}{{if or .Providers .CorporateEmail}}<p class="hint">Or sign in with your username and password</p>{{end}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}
{{template "username" .}}
<label for="password" class="label-customizable">Password</label>
<input class="inputField-customizable" id="password" name="password" type="password" autocomplete="current-password" required{{template "described" .}}>
<button type="submit" class="submitButton-customizable" name="signInSubmitButton">Sign in</button>
</form>{{end}}
{{end}}`)

	signUpTmpl = pageTemplate("signup", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}
{{template "username" .}}
{{template "fields" .}}
{{template "newpassword" .}}
<button type="submit" class="submitButton-customizable" name="signUpButton">Sign up</button>
</form>
{{end}}`)

	confirmTmpl = pageTemplate("confirm", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}
{{template "username" .}}
{{template "code" .}}
<button type="submit" class="submitButton-customizable" name="confirm">Confirm account</button>
</form>
{{template "resend" .}}
{{end}}`)

	forgotTmpl = pageTemplate("forgot", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}
{{template "username" .}}
<button type="submit" class="submitButton-customizable" name="reset_my_password">Reset my password</button>
</form>
{{end}}`)

	confirmForgotTmpl = pageTemplate("confirmForgot", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}
{{template "username" .}}
{{template "code" .}}
{{template "newpassword" .}}
{{template "confirmpassword" .}}
<button type="submit" class="submitButton-customizable" name="reset_password">Change password</button>
</form>
{{template "resend" .}}
{{end}}`)

	newPasswordTmpl = pageTemplate("newPassword", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}<input type="hidden" name="step" value="{{.Step}}">
{{template "newpassword" .}}
{{template "confirmpassword" .}}
{{template "fields" .}}
<button type="submit" class="submitButton-customizable" name="change_password">Change password and sign in</button>
</form>
{{template "cancel" .}}
{{end}}`)

	mfaCodeTmpl = pageTemplate("mfaCode", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}<input type="hidden" name="step" value="{{.Step}}">
{{template "code" .}}
<button type="submit" class="submitButton-customizable" name="verify">Sign in</button>
</form>
{{template "cancel" .}}
{{end}}`)

	selectMFATmpl = pageTemplate("selectMFA", `{{define "content"}}
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}<input type="hidden" name="step" value="{{.Step}}">
<fieldset{{template "described" .}}><legend>How do you want to receive your sign-in code?</legend>
{{range $i, $c := .Choices}}<label class="choice"><input type="radio" name="mfa" value="{{$c.Value}}"{{if eq $i 0}} checked{{end}}> {{$c.Label}}</label>
{{end}}</fieldset>
<button type="submit" class="submitButton-customizable" name="choose">Continue</button>
</form>
{{template "cancel" .}}
{{end}}`)

	setupMFATmpl = pageTemplate("setupMFA", `{{define "content"}}
<ol>
<li>Open an authenticator app on your phone.</li>
<li>Add an account with this secret key{{if .SecretURI}} (or <a href="{{.SecretURI}}">open it in your app</a>){{end}}:
<p class="secret" id="secret">{{.Secret}}</p></li>
<li>Enter the 6-digit code the app shows.</li>
</ol>
<form method="post" action="{{.Action}}" novalidate>
{{template "csrf" .}}<input type="hidden" name="step" value="{{.Step}}">
{{template "code" .}}
<button type="submit" class="submitButton-customizable" name="verify">Turn on and sign in</button>
</form>
{{template "cancel" .}}
{{end}}`)

	messageTmpl = pageTemplate("message", `{{define "content"}}{{end}}`)

	errorTmpl = pageTemplate("error", `{{define "content"}}<p>Error code: <strong>{{.Code}}</strong></p>{{end}}`)
)

// page is what a template shows.
type page struct {
	Title, ClientName   string
	Action, CSRF        string
	Error, Notice       string
	Intro               string
	Username            string
	UsernameLabel       string
	UsernameType        string
	Fields              []field
	PasswordHint        string
	PasswordLabel       string
	Links               []link
	Step                string
	CodeLabel           string
	Choices             []choice
	Secret              string
	SecretURI           template.URL
	SecondAction        string // the form of a secondary button (send a new code)
	Code                string // error pages
	formActionAllowance string // an origin the forms may end up redirecting to

	// The login page's external identity providers (federation.go), the
	// corporate-email field, and whether the pool's own sign-in is offered.
	Providers      []providerButton
	CorporateEmail bool
	LocalSignIn    bool
	// Refresh, when set, sends the browser on to this address of the domain.
	Refresh string

	// ManagedLogin selects managed login's look (ManagedLoginVersion 2).
	ManagedLogin bool

	// The client's hosted UI (classic) branding, from uicustom.
	CustomCSS template.CSS // sanitised: safe inside <style>
	LogoURL   string
	imgSource string // the logo's origin, for the CSP's img-src
}

type field struct {
	ID, Name, Label, Type, Autocomplete, Value, Hint string
	Required                                         bool
}

type link struct{ Prefix, Text, Href string }

type choice struct{ Value, Label string }

func setPageHeaders(w http.ResponseWriter, formTarget string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// form-action also applies to the redirects that follow a form's
	// submission (the redirect back to the client after signing in).
	fa := "'self'"
	if formTarget != "" {
		fa += " " + formTarget
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action "+fa+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// The pages' addresses can carry state and codes: never send them on.
	h.Set("Referrer-Policy", "no-referrer")
}

// cspSource is the CSP source expression of a redirect URI: its origin, or
// its scheme for an app's custom scheme.
func cspSource(redirect string) string {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme == "" || strings.ContainsAny(redirect, " ;,'\"") {
		return ""
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + ":"
}

func (h *Handler) render(w http.ResponseWriter, status int, t *template.Template, p page) {
	setPageHeaders(w, p.formActionAllowance)
	if p.imgSource != "" {
		w.Header().Set("Content-Security-Policy", w.Header().Get("Content-Security-Policy")+"; img-src "+p.imgSource)
	}
	w.WriteHeader(status)
	if err := t.Execute(w, p); err != nil {
		h.o.Log.Error("hosted UI template", "template", t.Name(), "error", err)
	}
}

func (h *Handler) renderError(w http.ResponseWriter, status int, code, msg string) {
	h.render(w, status, errorTmpl, page{Title: "Something went wrong", Error: msg, Code: code})
}
