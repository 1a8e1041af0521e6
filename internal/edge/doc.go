// Package edge is the HTTPS listener that serves user pool domains. On every
// TLS handshake it picks the certificate by SNI from an in-memory index
// (exact name, then a single-label wildcard), never touching the store, and
// refuses names it does not serve with a TLS alert instead of showing another
// domain's certificate.
//
// The index changes under a write lock as the serving package pushes ready
// sites (serving.Site): Put swaps one in, Drop removes a name, Replace
// applies a full re-read. A site without a usable certificate (its load
// failed) is refused and the last good certificate kept, and the listener is
// never restarted, so connections already open carry on and new handshakes
// see the new certificate at once. The edge never reads the store.
//
// Each site carries its domain's TLS security policy (policy.go): on every
// handshake GetConfigForClient finds the site by SNI and answers with the
// configuration of its policy, built once (versions, TLS 1.0–1.2 suites, key
// exchanges with X25519MLKEM768 first on the post-quantum-ready policies),
// so a policy switches with its site at the next handshake.
package edge
