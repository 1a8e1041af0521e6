package hostedui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
)

// The self-service pages: sign-up and its confirmation (/signup, /confirm,
// /resendcode and /confirmUser, the target of an emailed link), and a
// forgotten password (/forgotPassword, /confirmForgotPassword). They call
// the user service's trusted entry points for the app client (the page
// holds the client's configuration: no SECRET_HASH is involved), which run
// the rules of the public operations, and carry
// the authorization request along so the flow ends at /login and then back
// at the client with a code.

// selfServicePage checks the authorization request a page carries and,
// for a POST, the form; false means the request was answered.
func (h *Handler) selfServicePage(w http.ResponseWriter, r *http.Request, site Site) (*authRequest, bool) {
	ar, err := h.checkAuthRequest(r.Context(), r.URL.Query(), site)
	if err != nil {
		h.sendError(w, r, ar, err)
		return nil, false
	}
	switch r.Method {
	case http.MethodGet:
		return ar, true
	case http.MethodPost:
		return ar, h.postForm(w, r, site)
	}
	h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET or POST.")
	return nil, false
}

func signInLink(ar *authRequest) link {
	return link{Prefix: "Already have an account?", Text: "Sign in", Href: pageURL("/login", ar.query, "")}
}

// ---- /signup ----

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request, site Site) {
	ar, ok := h.selfServicePage(w, r, site)
	if !ok {
		return
	}
	if adminCreateOnly(ar.pool) {
		h.renderError(w, http.StatusForbidden, "invalid_request", "Sign-up is not permitted for this user pool. Ask an administrator to create your account.")
		return
	}
	p := h.newPage(w, r, site, ar, "Sign up")
	p.Action, p.Links = pageURL("/signup", ar.query, ""), []link{signInLink(ar)}
	p.Fields, p.PasswordLabel = signUpAttributes(ar.client, ar.pool), "Password"
	if r.Method == http.MethodGet {
		h.render(w, http.StatusOK, signUpTmpl, p)
		return
	}
	p.Username = strings.TrimSpace(r.PostFormValue("username"))
	attrs := fillFields(r, p.Fields)
	if p.Username == "" {
		p.Error = "Enter your " + strings.ToLower(p.UsernameLabel) + "."
		h.render(w, http.StatusBadRequest, signUpTmpl, p)
		return
	}
	out, err := h.o.Auth.Users().SignUpTrusted(r.Context(), trustedClient(ar.client), p.Username, r.PostFormValue("password"), attrs)
	if err != nil {
		if p.Error = errorText(err); p.Error == "" {
			h.sendError(w, r, ar, err)
			return
		}
		h.render(w, http.StatusBadRequest, signUpTmpl, p)
		return
	}
	switch {
	case out.UserConfirmed != nil && *out.UserConfirmed:
		h.setNotice(w, site, "Your account is ready. You can sign in now.")
		http.Redirect(w, r, pageURL("/login", ar.query, p.Username), http.StatusFound)
	case out.CodeDeliveryDetails == nil:
		// The pool verifies neither email nor phone: nobody can send the
		// user a code, so only an administrator can confirm the account.
		h.renderMessage(w, r, site, ar, http.StatusOK, "Account created",
			"Your account has been created, but it must be confirmed by an administrator before you can sign in.")
	default:
		h.setNotice(w, site, sentNotice(out.CodeDeliveryDetails, "a code", "to confirm your account"))
		http.Redirect(w, r, pageURL("/confirm", ar.query, p.Username), http.StatusFound)
	}
}

// renderMessage shows a page with a message and a way back to sign in.
func (h *Handler) renderMessage(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, status int, title, msg string) {
	p := h.newPage(w, r, site, ar, title)
	p.Intro = msg
	if ar != nil {
		p.Links = []link{{Text: "Back to sign in", Href: pageURL("/login", ar.query, "")}}
	}
	h.render(w, status, messageTmpl, p)
}

// ---- /confirm and /resendcode ----

func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, username string) page {
	p := h.newPage(w, r, site, ar, "Confirm your account")
	p.Action, p.SecondAction = pageURL("/confirm", ar.query, ""), pageURL("/resendcode", ar.query, "")
	p.Username, p.CodeLabel = username, "Confirmation code"
	if p.Notice == "" {
		p.Intro = "Enter the confirmation code we sent you when you signed up."
	}
	p.Links = []link{signInLink(ar)}
	return p
}

func (h *Handler) confirm(w http.ResponseWriter, r *http.Request, site Site) {
	ar, ok := h.selfServicePage(w, r, site)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		h.render(w, http.StatusOK, confirmTmpl, h.confirmPage(w, r, site, ar, r.URL.Query().Get("username")))
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	err := h.o.Auth.Users().ConfirmSignUpTrusted(r.Context(), trustedClient(ar.client), username, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		p := h.confirmPage(w, r, site, ar, username)
		if p.Error = errorText(err); p.Error == "" {
			h.sendError(w, r, ar, err)
			return
		}
		h.render(w, http.StatusBadRequest, confirmTmpl, p)
		return
	}
	// As Cognito's pages: back to the sign-in page, with the username.
	h.setNotice(w, site, "Your account is confirmed. Sign in to continue.")
	http.Redirect(w, r, pageURL("/login", ar.query, username), http.StatusFound)
}

func (h *Handler) resendCode(w http.ResponseWriter, r *http.Request, site Site) {
	ar, ok := h.selfServicePage(w, r, site)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, pageURL("/confirm", ar.query, r.URL.Query().Get("username")), http.StatusFound)
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	d, err := h.o.Auth.Users().ResendConfirmationCodeTrusted(r.Context(), trustedClient(ar.client), username)
	switch {
	case err == nil:
	case hidden(ar.client, err):
		if d, err = h.o.Auth.Users().MadeUpDelivery(r.Context(), ar.client.UserPoolId, username, false); err != nil {
			h.sendError(w, r, ar, err)
			return
		}
	default:
		p := h.confirmPage(w, r, site, ar, username)
		if p.Error = errorText(err); p.Error == "" {
			h.sendError(w, r, ar, err)
			return
		}
		h.render(w, http.StatusBadRequest, confirmTmpl, p)
		return
	}
	h.setNotice(w, site, sentNotice(d, "a new code", "to confirm your account"))
	http.Redirect(w, r, pageURL("/confirm", ar.query, username), http.StatusFound)
}

// hidden reports an error a client that prevents user existence errors
// must not show: what the user could learn from it is whether the account
// exists (or is confirmed, or has somewhere to send a code). The page then
// answers as for an unknown user, as if a code had been sent.
func hidden(c *userpool.Client, err error) bool {
	_, ok := awserr.As(err)
	return ok && preventsExistence(c) && !awserr.Is(err, "CodeDeliveryFailureException")
}

// ---- /confirmUser: the link in a confirmation email ----

func (h *Handler) confirmUser(w http.ResponseWriter, r *http.Request, site Site) {
	if r.Method != http.MethodGet {
		h.renderError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET.")
		return
	}
	q := r.URL.Query()
	pc, err := h.o.Auth.PageClient(r.Context(), q.Get("client_id"))
	if err != nil || pc.Client.UserPoolId != site.PoolID {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The client does not exist.")
		return
	}
	username, code := q.Get("user_name"), q.Get("confirmation_code")
	if username == "" || code == "" {
		h.renderError(w, http.StatusBadRequest, "invalid_request", "The link is incomplete: user_name and confirmation_code are required.")
		return
	}
	err = h.o.Auth.Users().ConfirmSignUpTrusted(r.Context(), trustedClient(pc.Client), username, code)
	p := h.newPage(w, r, site, nil, "Account confirmed")
	p.ClientName = pc.Client.ClientName
	if login := confirmedSignIn(pc.Client, username); login != "" {
		p.Links = []link{{Text: "Sign in", Href: login}}
	}
	if err != nil {
		if p.Error = errorText(err); p.Error == "" {
			h.o.Log.Error("hosted UI", "error", err)
			h.renderError(w, http.StatusInternalServerError, "server_error", "Something went wrong.")
			return
		}
		p.Title = "Your account could not be confirmed"
		h.render(w, http.StatusBadRequest, messageTmpl, p)
		return
	}
	p.Intro = "Your registration has been confirmed!"
	h.render(w, http.StatusOK, messageTmpl, p)
}

// confirmedSignIn is a sign-in link for a client with one obvious
// redirect URI (its default, or its only one), or "".
func confirmedSignIn(c *userpool.Client, username string) string {
	redirect := c.DefaultRedirectURI
	if redirect == "" && len(c.CallbackURLs) == 1 {
		redirect = c.CallbackURLs[0]
	}
	if redirect == "" || c.AllowedOAuthFlowsUserPoolClient == nil || !*c.AllowedOAuthFlowsUserPoolClient {
		return ""
	}
	respType := ""
	for _, f := range c.AllowedOAuthFlows {
		switch f {
		case "code":
			respType = "code"
		case "implicit":
			if respType == "" {
				respType = "token"
			}
		}
	}
	if respType == "" {
		return ""
	}
	v := url.Values{"client_id": {c.ClientId}, "response_type": {respType}, "redirect_uri": {redirect}, "username": {username}}
	return "/login?" + v.Encode()
}

// ---- /forgotPassword and /confirmForgotPassword ----

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, username string) page {
	p := h.newPage(w, r, site, ar, "Forgot your password?")
	p.Action, p.Username = pageURL("/forgotPassword", ar.query, ""), username
	p.Intro = "Enter your " + strings.ToLower(p.UsernameLabel) + " and we will send you a code to reset your password."
	p.Links = []link{{Text: "Back to sign in", Href: pageURL("/login", ar.query, "")}}
	return p
}

func (h *Handler) forgotPassword(w http.ResponseWriter, r *http.Request, site Site) {
	ar, ok := h.selfServicePage(w, r, site)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		h.render(w, http.StatusOK, forgotTmpl, h.forgotPage(w, r, site, ar, r.URL.Query().Get("username")))
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	if username == "" {
		p := h.forgotPage(w, r, site, ar, "")
		p.Error = "Enter your " + strings.ToLower(p.UsernameLabel) + "."
		h.render(w, http.StatusBadRequest, forgotTmpl, p)
		return
	}
	d, err := h.o.Auth.Users().ForgotPasswordTrusted(r.Context(), trustedClient(ar.client), username)
	switch {
	case err == nil:
	case hidden(ar.client, err):
		if d, err = h.o.Auth.Users().MadeUpDelivery(r.Context(), ar.client.UserPoolId, username, true); err != nil {
			h.sendError(w, r, ar, err)
			return
		}
	default:
		p := h.forgotPage(w, r, site, ar, username)
		if p.Error = errorText(err); p.Error == "" {
			h.sendError(w, r, ar, err)
			return
		}
		h.render(w, http.StatusBadRequest, forgotTmpl, p)
		return
	}
	h.setNotice(w, site, sentNotice(d, "a password reset code", "to reset your password"))
	http.Redirect(w, r, pageURL("/confirmForgotPassword", ar.query, username), http.StatusFound)
}

func (h *Handler) confirmForgotPage(w http.ResponseWriter, r *http.Request, site Site, ar *authRequest, username string) page {
	p := h.newPage(w, r, site, ar, "Reset your password")
	p.Action, p.SecondAction = pageURL("/confirmForgotPassword", ar.query, ""), pageURL("/forgotPassword", ar.query, "")
	p.Username, p.CodeLabel = username, "Password reset code"
	if p.Notice == "" {
		p.Intro = "Enter the password reset code we sent you and choose a new password."
	}
	p.Links = []link{{Text: "Back to sign in", Href: pageURL("/login", ar.query, "")}}
	return p
}

func (h *Handler) confirmForgotPassword(w http.ResponseWriter, r *http.Request, site Site) {
	ar, ok := h.selfServicePage(w, r, site)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		h.render(w, http.StatusOK, confirmForgotTmpl, h.confirmForgotPage(w, r, site, ar, r.URL.Query().Get("username")))
		return
	}
	ctx := r.Context()
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	fail := func(err error) {
		p := h.confirmForgotPage(w, r, site, ar, username)
		if p.Error = errorText(err); p.Error == "" {
			h.sendError(w, r, ar, err)
			return
		}
		h.render(w, http.StatusBadRequest, confirmForgotTmpl, p)
	}
	if password != r.PostFormValue("confirm_password") {
		fail(awserr.New(awserr.InvalidParameter, "The passwords do not match."))
		return
	}
	// The policy first, for every username: whether a weak password or a
	// wrong code is refused must not depend on the user existing.
	u := h.o.Auth.Users()
	if err := u.CheckPasswordPolicy(ctx, site.PoolID, password); err != nil {
		fail(err)
		return
	}
	err := u.ConfirmForgotPasswordTrusted(ctx, trustedClient(ar.client), username, strings.TrimSpace(r.PostFormValue("code")), password)
	if err != nil {
		fail(err)
		return
	}
	h.setNotice(w, site, "Your password has been changed. Sign in with your new password.")
	http.Redirect(w, r, pageURL("/login", ar.query, username), http.StatusFound)
}
