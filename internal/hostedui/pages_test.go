package hostedui

import (
	"bytes"
	"html/template"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/userpool"
)

var (
	labelForRE = regexp.MustCompile(`<label for="([^"]+)"`)
	inputRE    = regexp.MustCompile(`<input ([^>]*)>`)
	idRE       = regexp.MustCompile(`\bid="([^"]+)"`)
	typeRE     = regexp.MustCompile(`\btype="([^"]+)"`)
	describeRE = regexp.MustCompile(`aria-describedby="([^"]+)"`)
)

func ptr[T any](v T) *T { return &v }

// TestPagesAccessible renders every page and checks what a screen reader
// and a keyboard need: every visible input has a label, every label and
// aria-describedby points at an element, errors are alerts, the language
// is set, and the forms carry the CSRF token.
func TestPagesAccessible(t *testing.T) {
	pool := &userpool.Pool{Name: "p", SchemaAttributes: []userpool.SchemaAttribute{
		{Name: "given_name", Required: ptr(true)}, {Name: "phone_number", Required: ptr(true)}, {Name: "custom:team_name", AttributeDataType: "String"}}}
	fields := signUpAttributes(&userpool.Client{}, pool)
	fields = append(fields, attrField(pool, "custom:team_name", "", false))
	full := page{Title: "T", ClientName: "web", Action: "/x?a=1&b=2", CSRF: strings.Repeat("c", 43), Error: "Bad <thing>\nsecond line",
		Notice: "n", Intro: "i", Username: "u", UsernameLabel: "Username", UsernameType: "text", Fields: fields,
		PasswordHint: passwordHint(pool), PasswordLabel: "Password", Links: []link{{Prefix: "p", Text: "t", Href: "/y"}},
		Step: "SOFTWARE_TOKEN_MFA", CodeLabel: "Code", Choices: []choice{{"SMS_MFA", "SMS"}, {"SOFTWARE_TOKEN_MFA", "App"}},
		Secret: "ABCD EFGH", SecretURI: otpauthURL("p:u", url.Values{"secret": {"ABCDEFGH"}}), SecondAction: "/z", Code: "invalid_request"}
	for _, tc := range []struct {
		name string
		t    *template.Template
	}{
		{"login", loginTmpl}, {"signup", signUpTmpl}, {"confirm", confirmTmpl}, {"forgot", forgotTmpl},
		{"confirmForgot", confirmForgotTmpl}, {"newPassword", newPasswordTmpl}, {"mfaCode", mfaCodeTmpl},
		{"selectMFA", selectMFATmpl}, {"setupMFA", setupMFATmpl}, {"message", messageTmpl}, {"error", errorTmpl},
	} {
		var buf bytes.Buffer
		if err := tc.t.Execute(&buf, full); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out := buf.String()
		ids := map[string]bool{}
		for _, m := range idRE.FindAllStringSubmatch(out, -1) {
			if ids[m[1]] {
				t.Errorf("%s: duplicate id %q", tc.name, m[1])
			}
			ids[m[1]] = true
		}
		var labelled []string
		for _, m := range labelForRE.FindAllStringSubmatch(out, -1) {
			labelled = append(labelled, m[1])
			if !ids[m[1]] {
				t.Errorf("%s: label for %q labels nothing", tc.name, m[1])
			}
		}
		for _, m := range describeRE.FindAllStringSubmatch(out, -1) {
			for _, id := range strings.Fields(m[1]) {
				if !ids[id] {
					t.Errorf("%s: aria-describedby %q points at nothing", tc.name, id)
				}
			}
		}
		for _, in := range inputRE.FindAllStringSubmatch(out, -1) {
			typ := typeRE.FindStringSubmatch(in[1])
			if typ != nil && (typ[1] == "hidden" || typ[1] == "radio") {
				continue // radio buttons are wrapped in their label
			}
			id := idRE.FindStringSubmatch(in[1])
			if id == nil || !slices.Contains(labelled, id[1]) {
				t.Errorf("%s: an input without a label: %s", tc.name, in[0])
			}
		}
		for _, want := range []string{`<html lang="en">`, `name="viewport"`, `role="alert"`, "Bad &lt;thing&gt;", "<title>Error: "} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q missing", tc.name, want)
			}
		}
		if strings.Contains(out, `<form method="post"`) && strings.Count(out, `<form method="post"`) != strings.Count(out, `name="_csrf"`) {
			t.Errorf("%s: a form without its CSRF token", tc.name)
		}
		if strings.Contains(out, "ZgotmplZ") {
			t.Errorf("%s: a value was refused by html/template: %s", tc.name, out)
		}
	}
}

func TestPageHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:8765/callback": "http://localhost:8765", "https://app.example.com/cb?x=1": "https://app.example.com",
		"myapp://callback": "myapp:", "https://x.example/'; script-src *": "", "not a url": "",
	} {
		if got := cspSource(in); got != want {
			t.Errorf("cspSource(%q) = %q, want %q", in, got, want)
		}
	}
	q := url.Values{"client_id": {"c"}, "state": {"s"}, "username": {"u"}, "user_name": {"u"}, "confirmation_code": {"1"}}
	if got := authQuery(q).Encode(); got != "client_id=c&state=s" {
		t.Errorf("authQuery %s", got)
	}
	if got := pageURL("/confirm", q, "bob"); got != "/confirm?client_id=c&state=s&username=bob" {
		t.Errorf("pageURL %s", got)
	}
	pp := &userpool.Pool{Policies: &userpool.UserPoolPolicy{PasswordPolicy: &userpool.PasswordPolicy{MinimumLength: ptr(int32(12)),
		RequireUppercase: ptr(true), RequireNumbers: ptr(true)}}}
	if got := passwordHint(pp); got != "At least 12 characters, with an uppercase letter and a number." {
		t.Errorf("passwordHint %q", got)
	}
	if got := passwordHint(&userpool.Pool{}); got != "At least 8 characters." {
		t.Errorf("passwordHint %q", got)
	}
	for _, tc := range []struct {
		pool        userpool.Pool
		label, kind string
	}{
		{userpool.Pool{}, "Username", "text"},
		{userpool.Pool{UsernameAttributes: []string{"email"}}, "Email", "email"},
		{userpool.Pool{UsernameAttributes: []string{"email", "phone_number"}}, "Email or phone number", "text"},
		{userpool.Pool{AliasAttributes: []string{"email", "preferred_username"}}, "Username or email or preferred username", "text"},
	} {
		if l, k := usernameLabel(&tc.pool); l != tc.label || k != tc.kind {
			t.Errorf("usernameLabel %v = %q %q", tc.pool, l, k)
		}
	}
	// An email username has no separate email input.
	fs := signUpAttributes(&userpool.Client{}, &userpool.Pool{UsernameAttributes: []string{"email"},
		SchemaAttributes: []userpool.SchemaAttribute{{Name: "email", Required: ptr(true)}, {Name: "name", Required: ptr(true)}}})
	if len(fs) != 1 || fs[0].Name != "name" {
		t.Errorf("sign-up fields %+v", fs)
	}
	// A client that may not write the email does not ask for it.
	fs = signUpAttributes(&userpool.Client{WriteAttributes: []string{"name"}}, &userpool.Pool{})
	if len(fs) != 0 {
		t.Errorf("sign-up fields %+v", fs)
	}
	if got := attrLabel("custom:team_name"); got != "Team name" {
		t.Errorf("attrLabel %q", got)
	}
}

func TestPageHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	setPageHeaders(w, "http://localhost:8765")
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "form-action 'self' http://localhost:8765;") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", w.Header())
	}
}
