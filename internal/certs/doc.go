// Package certs owns certificates: the ACM operations gognito serves
// (import, request, describe, get, list, delete and tags), the built-in
// local certificate authority that issues what RequestCertificate asks for
// and the wildcard certificates of prefix domains, and the certificate
// material the TLS edge serves.
//
// Certificates are kept in the store as JSON documents (store.Certificate.Doc)
// holding the PEM of the certificate and its chain and what DescribeCertificate
// shows; a private key is kept only sealed by a secrets.Sealer, bound to the
// certificate's ARN, so neither the database nor its backups hold it in the
// clear. The local CA's key is sealed the same way, bound to "local-ca".
//
// Certificates that ACM issues are renewed by ACM under the same ARN; so are
// those of the local CA (RenewDue, Run). Imported certificates are not
// renewed. Status is computed when a certificate is read: ISSUED until its
// NotAfter, EXPIRED afterwards.
//
// A change of a certificate's material (re-import, renewal, delete) is
// announced to the Announcer (the serving package) with the new material, so
// the sites that use it swap it in without reading it back.
//
// It also owns the records of ACM's ACME endpoints (acme_*.go): the
// endpoints, their external account bindings (MAC keys sealed, bound to the
// binding), domain validations, and the protocol's accounts, orders,
// authorizations and nonces, kept as versioned JSON documents in
// store.Values under "acme/" (acme_records.go says the keys). The ACM
// operations on them are in acme_api.go; acme_protocol.go is the domain side
// of the RFC 8555 server whose transport is internal/acme (this package
// never sees HTTP or a JWS: the transport verifies, then asks here).
// Domain validation is PRE_APPROVED: a domain validation created through the
// API is VALID at once and stands for DNS validation (no public DNS).
// Certificates issued through ACME are stored as ACM certificates
// (AMAZON_ISSUED, CertificateKeyPairOrigin ACME, with no private key: the
// client keeps it; not renewed by ACM; store Type "ACME").
//
// The package takes and returns the generated acm wire types, reports
// failures as *awserr.Error values with ACM's types and messages (store
// errors are mapped in one place, certificateError), and never imports
// net/http; ids and times come from an injected random source and
// clock.Clock.
package certs
