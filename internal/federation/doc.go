// Package federation is the relying-party side of Cognito's external
// identity providers of the OpenID Connect and OAuth 2.0 kinds: the types
// OIDC, Google, Facebook, LoginWithAmazon and SignInWithApple. Given a
// provider's type and ProviderDetails, it builds the request that sends the
// browser to the provider's authorization endpoint, and on the way back
// exchanges the code at the provider's token endpoint, verifies the ID
// token (its signature with the provider's JWKS, the issuer, the audience,
// the nonce and the expiry), reads the userinfo (attributes) endpoint with
// the access token, and returns the provider's subject and claims.
//
// An OIDC provider names its endpoints by discovery from oidc_issuer
// (cached), or explicitly with authorize_url, token_url, attributes_url and
// jwks_uri. The social types have fixed endpoints, which a deployment may
// override per type (Options.Overrides, from --federation-endpoints) so
// that tests and air-gapped installations point them at a local provider.
// The RP sends requests only to the endpoints the provider's configuration
// (or the override) names.
//
// It is a transport package: it makes outbound HTTP requests.
package federation
