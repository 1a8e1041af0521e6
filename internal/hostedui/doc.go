// Package hostedui serves what Cognito serves on a user pool domain: the
// OAuth 2.0 / OpenID Connect endpoints (/oauth2/authorize, /oauth2/token,
// /oauth2/userInfo, /oauth2/revoke, /logout) and the hosted pages: sign-in
// (/login, with its new-password and MFA steps), sign-up (/signup,
// /confirm, /resendcode, /confirmUser) and a forgotten password
// (/forgotPassword, /confirmForgotPassword). The pages are server-rendered
// HTML that works without JavaScript, and carry the authorization request
// from page to page so every flow ends with the redirect back to the client.
// It is a transport package: the rules of signing in, tokens and users live
// in authflow, tokens and users. The sign-in steps are authflow's registered
// flow and challenges, reached through its page entry points (PageSignIn,
// PageRespond); the self-service pages call the user service's trusted
// entry points (SignUpTrusted, ForgotPasswordTrusted...). The page holds
// the app client's configuration, so no SECRET_HASH is computed or asked.
// /logout takes Cognito's forms (client_id with logout_uri, or with a new
// authorization request's redirect_uri) and, beyond Cognito, OpenID
// Connect RP-Initiated Logout 1.0 (post_logout_redirect_uri, id_token_hint
// checked by tokens.VerifyIDTokenHint, state, an optional client_id).
//
// State the browser carries is sealed: the session cookie (one hour, as
// Cognito's; also recorded in the store, so /logout and a global sign-out
// end it whoever holds a copy of the cookie), a sign-in in progress between steps (cognito-fl, the client's
// AuthSessionValidity, carrying the challenge's Session as the API would), a notice shown after a redirect, and the
// authorization codes (single use, five minutes). Every form is protected
// against CSRF: the XSRF-TOKEN cookie holds a random value, and the form's
// _csrf field is an HMAC of it under a server secret (kept sealed in the
// store), so a cookie an attacker plants cannot be matched by a field of
// theirs. Over HTTPS every cookie has the __Host- prefix.
package hostedui
