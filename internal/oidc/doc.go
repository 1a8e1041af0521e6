// Package oidc serves a user pool's OpenID Connect issuer endpoints on the
// API listener, where the pool's tokens say they come from
// (<public URL>/<pool id> under IssuerConfiguration ORIGINAL,
// <public URL>/issuer/<pool id> under UPDATED; both forms are always
// served): the JSON Web Key Set (/.well-known/jwks.json)
// and the discovery document (/.well-known/openid-configuration), which
// points at the OAuth endpoints of the pool's domain. It is a transport
// package: the keys come from tokens, the pool's domain from the
// composition root; it owns no stored document.
package oidc
