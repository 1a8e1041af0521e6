// Package acme is gognito's ACME server (RFC 8555): the transport that
// serves the ACME endpoints that ACM's CreateAcmeEndpoint makes, on the API
// listener, under
//
//	/acme/<endpoint id>/directory
//
// (the EndpointUrl that DescribeAcmeEndpoint shows). It speaks HTTP and
// JWS; the records (endpoints, external account bindings, domain
// validations, accounts, orders, authorizations, nonces) and the issuing
// are the certs package's, which does not import net/http: this package
// checks a request and asks certs through the narrow Records interface.
//
// What it checks on every POST (RFC 8555 §6.2–6.5): a JWS in the flattened
// JSON serialization with one signature, RS256, ES256, ES384 or ES512 (no
// MAC, no "none"; go-jose verifies), a protected header with exactly one of
// "jwk" (newAccount and revokeCert with the certificate's key only) and
// "kid" (the URL of a valid account of this endpoint), a "url" equal to the
// URL the request was sent to, and a "nonce" this server issued and nobody
// used (one use each, on every node). newAccount requires an
// externalAccountBinding (an HS256 JWS by the binding's MAC key over the
// account key, with the binding's key id and the newAccount URL).
//
// Authorizations are PRE_APPROVED, as ACM's: what stands for DNS validation
// is the domain validation an administrator creates with
// CreateAcmeDomainValidation (VALID at once; gognito has no public DNS).
// An order's names must each be covered by one of the endpoint's domain
// validations; their authorizations are valid at once, the order ready, and
// finalize issues synchronously from the local CA for the CSR's key: the
// client keeps its private key. The certificate is downloaded as a PEM
// chain (leaf, then the local CA's root) and listed by ACM with
// CertificateKeyPairOrigin ACME. Accounts may be updated and deactivated,
// authorizations deactivated, certificates revoked (by their account or by
// their key). Key rollover (keyChange) is not offered.
//
// Over plain HTTP on the API listener: ACME clients (certbot --server,
// lego) accept an http:// directory; put the listener behind TLS, or give
// --public-url an https:// URL, to serve it over HTTPS.
package acme
