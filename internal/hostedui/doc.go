// Package hostedui serves what Cognito serves on a user pool domain: the
// OAuth 2.0 / OpenID Connect endpoints (/oauth2/authorize, /oauth2/token,
// /oauth2/userInfo, /oauth2/revoke, /logout) and the hosted sign-in page.
// It is a transport package: the rules of signing in, tokens and users live
// in authflow, tokens and users.
//
// State the browser carries is sealed: the session cookie (one hour, as
// Cognito's) and the authorization codes (single use, five minutes). Every
// form is protected by a double-submit CSRF token.
package hostedui
