package hostedui

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/authflow"
	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// The sign-in page, /login, and the steps that may follow the password on
// it: a new password for a temporary one, then a second factor (a TOTP
// code, a code sent by SMS or email, the choice between factors, or the
// set-up of an authenticator app). Between steps the browser holds a
// short-lived sealed "pending sign-in" cookie naming the user, the client
// and the authorization request; each step POSTs to /login with a "step"
// field, and GET /login shows the step the cookie is at. After the last
// step the session cookie is set and the authorization finishes as it does
// after a password alone.

const pendingCookie = "cognito-fl"

// pendingState is a sign-in in progress.
type pendingState struct {
	PoolID   string    `json:"p"`
	ClientID string    `json:"c"`
	Username string    `json:"u"`            // the internal username
	Display  string    `json:"d,omitempty"`  // what the user typed, for the authenticator app
	Query    string    `json:"q"`            // the authorization request it belongs to
	Step     string    `json:"s"`            // the step the user must answer
	Required []string  `json:"ra,omitempty"` // NEW_PASSWORD_REQUIRED: missing attributes
	Medium   string    `json:"m,omitempty"`  // SMS_MFA, EMAIL_OTP: where the code went
	Dest     string    `json:"to,omitempty"`
	Choices  []string  `json:"ch,omitempty"` // SELECT_MFA_TYPE
	Secret   string    `json:"ts,omitempty"` // MFA_SETUP: the new TOTP secret
	Session  string    `json:"ss"`           // the challenge's Session, as the API carries it
	Expires  time.Time `json:"e"`
}

const pendingAAD = "hosted pending sign-in"

// pendingValidity is the client's AuthSessionValidity (3 minutes unless set).
func pendingValidity(c *userpool.Client) time.Duration {
	if c.AuthSessionValidity != nil && *c.AuthSessionValidity > 0 {
		return time.Duration(*c.AuthSessionValidity) * time.Minute
	}
	return 3 * time.Minute
}

func (h *Handler) pending(r *http.Request, site Site, ar *authRequest) *pendingState {
	c, err := r.Cookie(site.cookie(pendingCookie))
	if err != nil {
		return nil
	}
	var ps pendingState
	if !h.open(pendingAAD, c.Value, &ps) || ps.PoolID != site.PoolID || ps.ClientID != ar.client.ClientId ||
		ps.Query != authQuery(ar.query).Encode() || h.now().After(ps.Expires) {
		return nil
	}
	return &ps
}

func (h *Handler) setPending(w http.ResponseWriter, site Site, ar *authRequest, ps *pendingState) {
	validity := pendingValidity(ar.client)
	ps.PoolID, ps.ClientID, ps.Query, ps.Expires = site.PoolID, ar.client.ClientId, authQuery(ar.query).Encode(), h.now().Add(validity)
	http.SetCookie(w, &http.Cookie{Name: site.cookie(pendingCookie), Value: h.seal(pendingAAD, ps), Path: "/", MaxAge: int(validity / time.Second),
		HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearPending(w http.ResponseWriter, site Site) {
	http.SetCookie(w, &http.Cookie{Name: site.cookie(pendingCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: site.Secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request, site Site) {
	ar, err := h.checkAuthRequest(r.Context(), r.URL.Query(), site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return
	}
	switch r.Method {
	case http.MethodGet:
		if ps := h.pending(r, site, ar); ps != nil {
			h.renderStep(w, r, site, ar, ps, http.StatusOK, "", nil)
			return
		}
		h.renderLogin(w, r, site, ar, http.StatusOK, r.URL.Query().Get("username"), "")
	case http.MethodPost:
		if !h.postForm(w, r, site) {
			return
		}
		if step := r.PostFormValue("step"); step == "corporate-email" {
			h.corporateEmail(w, r, site, ar)
			return
		} else if step != "" {
			h.loginStep(w, r, site, ar, step)
			return
		}
		if !slices.Contains(ar.client.SupportedIdentityProviders, "COGNITO") {
			h.renderLogin(w, r, site, ar, http.StatusBadRequest, "", "Login option is not available. Please try another one.")
			return
		}
		username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
		step, err := h.o.Auth.PageSignIn(r.Context(), ar.client.ClientId, username, password)
		if err != nil {
			h.signInFailed(w, r, site, ar, username, err)
			return
		}
		h.advance(w, r, site, ar, username, step)
	default:
		h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET or POST.")
	}
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, status int, username, errMsg string) {
	p := h.newPage(w, r, site, ar, "Sign in")
	p.Action, p.Username, p.Error = "/login?"+authQuery(ar.query).Encode(), username, errMsg
	p.Providers, p.CorporateEmail = h.loginProviders(r, site, ar)
	p.LocalSignIn = slices.Contains(ar.client.SupportedIdentityProviders, "COGNITO")
	if secondary, _ := h.replica(r.Context(), site.PoolID); secondary {
		h.render(w, status, loginTmpl, p) // sign-in only (a SECONDARY replica)
		return
	}
	p.Links = append(p.Links, link{Text: "Forgot your password?", Href: pageURL("/forgotPassword", ar.query, "")})
	if !adminCreateOnly(ar.pool) {
		p.Links = append(p.Links, link{Prefix: "Need an account?", Text: "Sign up", Href: pageURL("/signup", ar.query, "")})
	}
	h.render(w, status, loginTmpl, p)
}

// signInFailed answers a password that did not sign the user in. As
// Cognito's pages do, an unconfirmed user (whose password was right) is
// sent a new code and taken to the confirmation page, and a user whose
// password must be reset is sent a reset code and taken to the reset page.
func (h *Handler) signInFailed(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, username string, err error) {
	ctx := r.Context()
	u := h.o.Auth.Users()
	switch {
	case awserr.Is(err, awserr.UserNotConfirmed):
		d, rerr := u.ResendConfirmationCodeTrusted(ctx, trustedClient(ar.client), username)
		if rerr == nil {
			h.setNotice(w, site, "Your account is not confirmed yet. "+sentNotice(d, "a code", "to confirm your account"))
			http.Redirect(w, r, pageURL("/confirm", ar.query, username), http.StatusFound)
			return
		}
		if _, ok := awserr.As(rerr); !ok {
			h.sendError(w, r, ar, rerr)
			return
		}
		h.renderLogin(w, r, site, ar, http.StatusBadRequest, username, "Your account is not confirmed. An administrator must confirm it before you can sign in.")
		return
	case awserr.Is(err, "PasswordResetRequiredException"):
		d, rerr := u.ForgotPasswordTrusted(ctx, trustedClient(ar.client), username)
		if rerr == nil {
			h.setNotice(w, site, "You must reset your password. "+sentNotice(d, "a password reset code", "to choose a new password"))
			http.Redirect(w, r, pageURL("/confirmForgotPassword", ar.query, username), http.StatusFound)
			return
		}
		err = rerr
	}
	msg := errorText(err)
	if awserr.Is(err, awserr.UserNotFound) {
		msg = "Incorrect username or password." // never say whether a user exists
	}
	if msg == "" {
		h.sendError(w, r, ar, err)
		return
	}
	h.renderLogin(w, r, site, ar, http.StatusBadRequest, username, msg)
}

// advance goes on after a step: the next step's page, or the end of the
// sign-in.
func (h *Handler) advance(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, display string, step *authflow.PageStep) {
	if step.Next == "" {
		h.clearPending(w, site)
		now := h.now()
		h.setSession(r.Context(), w, site, step.Username, now)
		h.finish(w, r, ar, step.Username, now)
		return
	}
	ps := &pendingState{Username: step.Username, Display: display, Step: step.Next, Required: step.RequiredAttributes,
		Medium: step.Medium, Dest: step.Destination, Choices: step.Choices, Session: step.Session}
	if step.Next == authflow.StepSetupMFA {
		if !slices.Contains(step.CanSetup, authflow.StepTOTP) {
			h.clearPending(w, site)
			h.renderLogin(w, r, site, ar, http.StatusBadRequest, display,
				"Your account must set up multi-factor authentication by SMS, which this page does not offer. Sign in through your app.")
			return
		}
		secret, session, err := h.o.Auth.PageAssociateTOTP(r.Context(), ar.client.ClientId, step.Session)
		if err != nil {
			h.stepFailed(w, r, site, ar, nil, err)
			return
		}
		ps.Secret, ps.Session = secret, session
	}
	h.setPending(w, site, ar, ps)
	http.Redirect(w, r, "/login?"+authQuery(ar.query).Encode(), http.StatusFound)
}

// loginStep answers a step's form.
func (h *Handler) loginStep(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, step string) {
	ps := h.pending(r, site, ar)
	if step == "cancel" {
		h.clearPending(w, site)
		http.Redirect(w, r, "/login?"+authQuery(ar.query).Encode(), http.StatusFound)
		return
	}
	if ps == nil {
		h.clearPending(w, site)
		h.renderLogin(w, r, site, ar, http.StatusBadRequest, "", "Your sign-in session has expired. Please sign in again.")
		return
	}
	if step != ps.Step {
		http.Redirect(w, r, "/login?"+authQuery(ar.query).Encode(), http.StatusFound) // show the step the user is at
		return
	}
	ctx, clientID := r.Context(), ar.client.ClientId
	var (
		next *authflow.PageStep
		err  error
	)
	switch ps.Step {
	case authflow.StepNewPassword:
		password := r.PostFormValue("password")
		attrs := map[string]string{}
		answers := map[string]string{"NEW_PASSWORD": password}
		for _, name := range ps.Required {
			attrs[name] = strings.TrimSpace(r.PostFormValue(name))
			if attrs[name] != "" {
				answers["userAttributes."+name] = attrs[name]
			}
		}
		if password != r.PostFormValue("confirm_password") {
			h.renderStep(w, r, site, ar, ps, http.StatusBadRequest, "The passwords do not match.", attrs)
			return
		}
		next, err = h.o.Auth.PageRespond(ctx, clientID, ps.Step, answers, ps.Session)
		if err != nil {
			h.stepFailed(w, r, site, ar, ps, err, attrs)
			return
		}
	case authflow.StepTOTP, authflow.StepSMS, authflow.StepEmail:
		code := strings.TrimSpace(r.PostFormValue("code"))
		if code == "" {
			h.renderStep(w, r, site, ar, ps, http.StatusBadRequest, "Enter the code.", nil)
			return
		}
		next, err = h.o.Auth.PageRespond(ctx, clientID, ps.Step, map[string]string{codeAnswer[ps.Step]: code}, ps.Session)
	case authflow.StepSelectMFA:
		choice := r.PostFormValue("mfa")
		if !slices.Contains(ps.Choices, choice) {
			h.renderStep(w, r, site, ar, ps, http.StatusBadRequest, "Choose one of the offered sign-in methods.", nil)
			return
		}
		next, err = h.o.Auth.PageRespond(ctx, clientID, ps.Step, map[string]string{"ANSWER": choice}, ps.Session)
	case authflow.StepSetupMFA:
		next, err = h.o.Auth.PageVerifyTOTP(ctx, clientID, ps.Session, r.PostFormValue("code"))
	default:
		h.clearPending(w, site)
		h.renderLogin(w, r, site, ar, http.StatusBadRequest, "", "This sign-in step is not supported. Please sign in again.")
		return
	}
	if err != nil {
		h.stepFailed(w, r, site, ar, ps, err)
		return
	}
	h.advance(w, r, site, ar, ps.Display, next)
}

// stepFailed shows a step's error on its page, or starts the sign-in again
// when the step can no longer be answered.
func (h *Handler) stepFailed(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, ps *pendingState, err error, values ...map[string]string) {
	msg := errorText(err)
	if msg == "" {
		h.sendError(w, r, ar, err)
		return
	}
	if ps == nil || authflow.PageRestart(err) {
		h.clearPending(w, site)
		display := ""
		if ps != nil {
			display = ps.Display
		}
		h.renderLogin(w, r, site, ar, http.StatusBadRequest, display, msg)
		return
	}
	var v map[string]string
	if len(values) > 0 {
		v = values[0]
	}
	h.renderStep(w, r, site, ar, ps, http.StatusBadRequest, msg, v)
}

// codeAnswer is the challenge response that carries a step's code.
var codeAnswer = map[string]string{
	authflow.StepTOTP:  "SOFTWARE_TOKEN_MFA_CODE",
	authflow.StepSMS:   "SMS_MFA_CODE",
	authflow.StepEmail: "EMAIL_OTP_CODE",
}

var factorLabels = map[string]string{
	authflow.StepTOTP:  "Authenticator app",
	authflow.StepSMS:   "Text message (SMS)",
	authflow.StepEmail: "Email",
}

// renderStep shows the page of the step a sign-in is at.
func (h *Handler) renderStep(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, ps *pendingState, status int, errMsg string, values map[string]string) {
	p := h.newPage(w, r, site, ar, "")
	p.Action, p.Step, p.Error = "/login?"+authQuery(ar.query).Encode(), ps.Step, errMsg
	t := mfaCodeTmpl
	switch ps.Step {
	case authflow.StepNewPassword:
		t, p.Title = newPasswordTmpl, "Change your password"
		p.Intro = "You must change your temporary password before you can sign in."
		if len(ps.Required) > 0 {
			p.Intro = "You must change your temporary password and complete your details before you can sign in."
		}
		for _, name := range ps.Required {
			p.Fields = append(p.Fields, attrField(ar.pool, name, values[name], true))
		}
	case authflow.StepTOTP:
		p.Title, p.CodeLabel = "Enter your authentication code", "Code from your authenticator app"
		p.Intro = "Open your authenticator app and enter the 6-digit code it shows for this account."
	case authflow.StepSMS, authflow.StepEmail:
		p.Title, p.CodeLabel = "Enter your sign-in code", "Sign-in code"
		p.Intro = sentNotice(&cip.CodeDeliveryDetailsType{DeliveryMedium: ps.Medium, Destination: ps.Dest}, "a sign-in code", "to sign in")
	case authflow.StepSelectMFA:
		t, p.Title = selectMFATmpl, "Choose how to verify it's you"
		for _, c := range ps.Choices {
			label := factorLabels[c]
			if label == "" {
				label = c
			}
			p.Choices = append(p.Choices, choice{Value: c, Label: label})
		}
	case authflow.StepSetupMFA:
		t, p.Title, p.CodeLabel = setupMFATmpl, "Set up an authenticator app", "Code from your authenticator app"
		p.Intro = "Your account must use multi-factor authentication. Set up an authenticator app to continue."
		p.Secret = groupsOf4(ps.Secret)
		label := ps.Display
		if label == "" {
			label = ps.Username
		}
		issuer := ar.pool.Name
		if issuer == "" {
			issuer = site.PoolID
		}
		v := url.Values{"secret": {ps.Secret}, "issuer": {issuer}}
		p.SecretURI = otpauthURL(issuer+":"+label, v)
	}
	h.render(w, status, t, p)
}

// groupsOf4 spaces a secret for reading aloud and typing.
func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// otpauthURL is the link authenticator apps open (Key Uri Format).
func otpauthURL(label string, v url.Values) template.URL {
	return template.URL("otpauth://totp/" + url.PathEscape(label) + "?" + v.Encode())
}
