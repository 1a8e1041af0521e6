package hostedui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// What every page shares: the authorization query carried from page to
// page, the CSRF check, notices carried over a redirect, and the shape of
// the pool's forms (username, attributes, password policy).

// pageParams are the query parameters of the pages themselves, not of the
// authorization request they carry.
var pageParams = []string{"username", "user_name", "confirmation_code"}

// authQuery is the authorization request a page carries: its query without
// the page's own parameters.
func authQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if !slices.Contains(pageParams, k) {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// pageURL is a page of the domain with the authorization query and, when
// given, the username.
func pageURL(path string, aq url.Values, username string) string {
	q := authQuery(aq)
	if username != "" {
		q.Set("username", username)
	}
	return path + "?" + q.Encode()
}

// postForm reads a form POST: the body is limited and the CSRF token
// checked; a refused form has been answered.
func (h *Handler) postForm(w http.ResponseWriter, r *http.Request, site Site) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The form could not be read.")
		return false
	}
	if !h.csrfOK(r, site) {
		// The way back is the same page, loaded again (with a new token).
		h.render(w, http.StatusForbidden, errorTmpl, page{Title: "Something went wrong", Code: "invalid_request",
			Error: "The form has expired or was not sent by this page. Please try again.",
			Links: []link{{Text: "Back to the form", Href: r.URL.Path + "?" + r.URL.RawQuery}}})
		return false
	}
	return true
}

// ---- notices carried over a redirect ----

const noticeCookie = "cognito-notice"

type noticeState struct {
	PoolID  string    `json:"p"`
	Message string    `json:"m"`
	Expires time.Time `json:"e"`
}

// setNotice shows msg on the next page the browser loads.
func (h *Handler) setNotice(w http.ResponseWriter, site Site, msg string) {
	v := h.seal("hosted notice", noticeState{PoolID: site.PoolID, Message: msg, Expires: h.now().Add(time.Minute)})
	http.SetCookie(w, &http.Cookie{Name: site.cookie(noticeCookie), Value: v, Path: "/", MaxAge: 60, HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
}

// takeNotice reads and clears the notice of a GET page.
func (h *Handler) takeNotice(w http.ResponseWriter, r *http.Request, site Site) string {
	c, err := r.Cookie(site.cookie(noticeCookie))
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: site.cookie(noticeCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
	var n noticeState
	if !h.open("hosted notice", c.Value, &n) || n.PoolID != site.PoolID || h.now().After(n.Expires) {
		return ""
	}
	return n.Message
}

// sentNotice says where a code went.
func sentNotice(d *cip.CodeDeliveryDetailsType, what, purpose string) string {
	if d == nil || d.Destination == "" {
		return "We have sent you " + what + ". Enter it below " + purpose + "."
	}
	medium := "email"
	if d.DeliveryMedium == "SMS" {
		medium = "SMS"
	}
	return fmt.Sprintf("We have sent %s by %s to %s. Enter it below %s.", what, medium, d.Destination, purpose)
}

// ---- the page skeleton ----

// newPage starts a page for an authorization request: its client, the
// CSRF token, the notice carried over, and how the pool names usernames.
func (h *Handler) newPage(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, title string) page {
	p := page{Title: title, CSRF: h.csrf(w, r, site), PasswordLabel: "New password"}
	if r.Method == http.MethodGet {
		p.Notice = h.takeNotice(w, r, site)
	}
	if ar != nil {
		p.ClientName = ar.client.ClientName
		p.formActionAllowance = cspSource(ar.redirect)
		p.UsernameLabel, p.UsernameType = usernameLabel(ar.pool)
		p.PasswordHint = passwordHint(ar.pool)
		p.ManagedLogin = site.ManagedLoginVersion == 2
		if h.o.Customization != nil && !p.ManagedLogin {
			css, logo, err := h.o.Customization(r.Context(), ar.client.UserPoolId, ar.client.ClientId)
			if err != nil {
				h.o.Log.Warn("hosted UI customization", "client", ar.client.ClientId, "error", err)
			}
			p.CustomCSS, p.LogoURL, p.imgSource = template.CSS(css), logo, cspSource(logo)
			if strings.HasPrefix(logo, "/") {
				p.imgSource = "'self'" // served by the domain the page is on
			}
		}
	}
	return p
}

// usernameLabel is what the pool's users type as username.
func usernameLabel(p *userpool.Pool) (label, typ string) {
	ua := p.UsernameAttributes
	switch {
	case len(ua) == 1 && ua[0] == "email":
		return "Email", "email"
	case len(ua) == 1 && ua[0] == "phone_number":
		return "Phone number", "tel"
	case len(ua) > 1:
		return "Email or phone number", "text"
	}
	var alias []string
	for _, a := range p.AliasAttributes {
		alias = append(alias, attrLabel(a))
	}
	if len(alias) > 0 {
		return "Username or " + strings.ToLower(strings.Join(alias, " or ")), "text"
	}
	return "Username", "text"
}

// passwordHint says what the pool's password policy asks.
func passwordHint(p *userpool.Pool) string {
	min := 8
	var pp *userpool.PasswordPolicy
	if p.Policies != nil {
		pp = p.Policies.PasswordPolicy
	}
	if pp != nil && pp.MinimumLength != nil {
		min = int(*pp.MinimumLength)
	}
	on := func(b *bool) bool { return b != nil && *b }
	var need []string
	if pp != nil {
		if on(pp.RequireUppercase) {
			need = append(need, "an uppercase letter")
		}
		if on(pp.RequireLowercase) {
			need = append(need, "a lowercase letter")
		}
		if on(pp.RequireNumbers) {
			need = append(need, "a number")
		}
		if on(pp.RequireSymbols) {
			need = append(need, "a special character")
		}
	}
	s := "At least " + strconv.Itoa(min) + " characters"
	switch len(need) {
	case 0:
	case 1:
		s += ", with " + need[0]
	default:
		s += ", with " + strings.Join(need[:len(need)-1], ", ") + " and " + need[len(need)-1]
	}
	return s + "."
}

func adminCreateOnly(p *userpool.Pool) bool {
	c := p.AdminCreateUserConfig
	return c != nil && c.AllowAdminCreateUserOnly != nil && *c.AllowAdminCreateUserOnly
}

// trustedClient is the page's app client for the user service's trusted
// entry points: the page holds its configuration, so no SECRET_HASH.
func trustedClient(c *userpool.Client) users.TrustedClient {
	return users.TrustedClient{ClientID: c.ClientId}
}

func preventsExistence(c *userpool.Client) bool {
	return c.PreventUserExistenceErrors == "ENABLED"
}

// errorText is what a page shows for an error of an operation, or "" for
// an error that is not the user's (the caller answers a server error).
func errorText(err error) string {
	e, ok := awserr.As(err)
	if !ok {
		return ""
	}
	switch e.Type() {
	case awserr.UserNotFound:
		return "No account was found with this username."
	case "CodeMismatchException":
		return "Invalid code provided, please try again."
	case "ExpiredCodeException":
		return "The code has expired or was already used. Ask for a new code."
	}
	return e.Message()
}

// ---- attributes on forms ----

var attrLabels = map[string]string{
	"email": "Email", "phone_number": "Phone number", "given_name": "Given name", "family_name": "Family name",
	"middle_name": "Middle name", "name": "Name", "nickname": "Nickname", "preferred_username": "Preferred username",
	"birthdate": "Birthdate", "gender": "Gender", "address": "Address", "locale": "Locale", "zoneinfo": "Time zone",
	"website": "Website", "picture": "Picture URL", "profile": "Profile URL", "updated_at": "Updated at",
}

var attrAutocomplete = map[string]string{
	"email": "email", "phone_number": "tel", "given_name": "given-name", "family_name": "family-name",
	"middle_name": "additional-name", "name": "name", "nickname": "nickname", "birthdate": "bday", "gender": "sex",
	"address": "street-address", "locale": "language", "website": "url", "picture": "photo", "profile": "url",
}

func attrLabel(name string) string {
	if l, ok := attrLabels[name]; ok {
		return l
	}
	n := strings.ReplaceAll(strings.TrimPrefix(name, "custom:"), "_", " ")
	if n == "" {
		return name
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// attrField is the input of an attribute; its form name is the attribute's.
func attrField(p *userpool.Pool, name, value string, required bool) field {
	f := field{ID: "attr-" + strings.NewReplacer(":", "-", ".", "-").Replace(name), Name: name, Label: attrLabel(name),
		Type: "text", Autocomplete: attrAutocomplete[name], Value: value, Required: required}
	switch name {
	case "email":
		f.Type = "email"
	case "phone_number":
		f.Type, f.Hint = "tel", "With the country code, for example +12065550100."
	case "birthdate":
		f.Hint = "As YYYY-MM-DD."
	case "website", "picture", "profile":
		f.Type = "url"
	}
	for _, def := range p.SchemaAttributes {
		if def.Name != name {
			continue
		}
		switch def.AttributeDataType {
		case "Number":
			f.Hint = "A number."
		case "Boolean":
			f.Hint = "true or false."
		case "DateTime":
			f.Hint = "Seconds since 1970-01-01."
		}
	}
	return f
}

// writable reports whether the client may write an attribute.
func writable(c *userpool.Client, name string) bool {
	return len(c.WriteAttributes) == 0 || slices.Contains(c.WriteAttributes, name)
}

// signUpAttributes are the attributes the sign-up form asks for: the email
// (unless it is the username) and every required attribute.
func signUpAttributes(c *userpool.Client, p *userpool.Pool) []field {
	ua := p.UsernameAttributes
	usernameIs := func(a string) bool { return len(ua) == 1 && ua[0] == a }
	var out []field
	seen := map[string]bool{"sub": true}
	if !usernameIs("email") && writable(c, "email") {
		out = append(out, attrField(p, "email", "", isRequired(p, "email")))
		seen["email"] = true
	}
	for _, def := range p.SchemaAttributes {
		if seen[def.Name] || def.Required == nil || !*def.Required || usernameIs(def.Name) {
			continue
		}
		seen[def.Name] = true
		out = append(out, attrField(p, def.Name, "", true))
	}
	return out
}

func isRequired(p *userpool.Pool, name string) bool {
	for _, def := range p.SchemaAttributes {
		if def.Name == name {
			return def.Required != nil && *def.Required
		}
	}
	return false
}

// fillFields sets the fields' values from a posted form and returns the
// attributes given.
func fillFields(r *http.Request, fs []field) []cip.AttributeType {
	var out []cip.AttributeType
	for i := range fs {
		v := strings.TrimSpace(r.PostFormValue(fs[i].Name))
		fs[i].Value = v
		if v != "" {
			out = append(out, cip.AttributeType{Name: fs[i].Name, Value: v})
		}
	}
	return out
}
