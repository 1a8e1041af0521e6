// Package idp owns a user pool's identity providers: the SAML, OIDC and
// social (Google, Facebook, LoginWithAmazon, SignInWithApple) providers
// users federate through, with Cognito's rules for their ProviderDetails,
// AttributeMapping and IdpIdentifiers, and the pool's own SAML signing and
// encryption key pairs.
//
// It serves the identity provider operations of cognito-idp (ops.go) and
// hands the federation code read-only views of providers (Provider,
// ProviderByIdentifier, ProviderForEmail, Providers, SAMLKeys). It owns the
// stored documents of providers (docs.go): ProviderDetails as Cognito
// stores them, client_secret and Apple's private_key sealed, and a SAML
// provider's parsed metadata. It never imports net/http: a SAML MetadataURL
// is read through the MetadataFetcher the application wires.
package idp
