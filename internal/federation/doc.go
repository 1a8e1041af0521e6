// Package federation signs users in through external identity providers
// for the hosted pages. saml*.go is the user pools' SAML 2.0 service
// provider (see SAML): the pool's entity ID urn:amazon:cognito:sp:<pool
// id>, the ACS /saml2/idpresponse on the domain (HTTP-POST), AuthnRequests
// by HTTP-Redirect (signed when RequestSigningAlgorithm is rsa-sha256),
// responses and assertions verified with any signing certificate of the
// IdP's metadata, encrypted assertions decrypted with the pool's
// encryption key, audience / destination / recipient / time window /
// InResponseTo checks, replayed assertions refused (their IDs kept in the
// store until they expire, for every node), IdP-initiated sign-in when
// IDPInit is true, and single logout (IDPSignout). XML signatures and
// encryption are crewjam/saml's and goxmldsig's, never this package's.
package federation
