// Package edge is the HTTPS listener that serves user pool domains. On every
// TLS handshake it picks the certificate by SNI from an in-memory index
// (exact name, then a single-label wildcard), never touching the store, and
// refuses names it does not serve with a TLS alert instead of showing another
// domain's certificate.
//
// The index changes one site at a time under a write lock: Refresh reloads a
// name from the Source, RefreshCertificate reloads every name that uses a
// certificate ARN, and Sync re-reads everything as a safety net. A load that
// fails keeps the last good certificate, and the listener is never restarted,
// so connections already open carry on and new handshakes see the new
// certificate at once.
package edge
