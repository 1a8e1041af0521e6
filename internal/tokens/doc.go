// Package tokens owns the tokens a user pool issues: RS256 ID and access
// tokens with Cognito's claims, signed with per-pool keys (one for ID
// tokens, one for access tokens, as Cognito has) that are created on first
// use, kept sealed in the store and rotated in stages (keys.go: a new key is
// in the JWKS at once, signs after a publish delay, and the old one verifies
// until the last token it can have signed has expired, all decided from
// stored timestamps and the clock); the pool's iss in either of its forms,
// IssuerConfiguration ORIGINAL or UPDATED (issuer.go), both verifying;
// opaque refresh tokens sealed
// with the server's key and bound to client and user; the JWKS; and the
// checks that refuse an expired, revoked, signed-out, foreign-pool,
// deleted-client or badly signed token. An access token's jti carries the
// exact instant it was issued (iat has whole seconds), and issues and
// sign-outs are stamped with clock.Stamp, so a sign-out refuses exactly
// the tokens issued before it. ParseAccess makes the checks of the token alone, for a
// caller that reads the user anyway and checks the sign-out on that read
// (package users' Caller); VerifyAccess adds the sign-out check. A PreTokenGeneration trigger's changes (Overrides) are
// applied to the claims, Cognito's protected claims excepted. Refresh-token
// rotation (refresh_rotation.go) records each token's first rotation in the
// shared store (one put-if-absent) so that the old token is refused after
// the client's grace period on every node.
package tokens
