// Package secrets encrypts secrets at rest: certificate private keys today,
// signing keys and client secrets later. One 32-byte key, kept in a file
// readable by its owner only, seals values with AES-256-GCM; the additional
// data given to Seal and Open binds a sealed value to its owner (a
// certificate ARN, say), so a sealed value copied onto another record does
// not open there.
package secrets
