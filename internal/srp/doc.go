// Package srp owns the password cryptography of Cognito user pools: the
// Cognito variant of SRP-6a (USER_SRP_AUTH / PASSWORD_VERIFIER), the
// verifier a user record keeps instead of a password, the TIMESTAMP string
// of the challenge response, and SECRET_HASH.
//
// The arithmetic is byte-for-byte what the AWS SDKs compute
// (amazon-cognito-identity-js AuthenticationHelper, the .NET and Swift
// Cognito helpers, pycognito): the RFC 5054 3072-bit group with g = 2,
// SHA-256, numbers hashed in their Java BigInteger.toByteArray form (a
// leading zero byte when the top bit is set), k = H(N || g),
// u = H(A || B), x = H(salt || H(poolName || userIdForSRP || ":" || password)),
// a 16-byte HKDF key with info "Caldera Derived Key", and
// PASSWORD_CLAIM_SIGNATURE = HMAC-SHA256(key, poolName || userIdForSRP ||
// SECRET_BLOCK bytes || TIMESTAMP).
//
// Both sides are here: the server side (NewVerifier, CheckPassword,
// ServerSession) for the user pool, and the client side (Client) for tests
// and load generation. The package knows nothing of HTTP, storage or the
// sealing of SECRET_BLOCK; callers keep the salt and verifier hex strings
// on the user record and carry ServerSession.Marshal sealed between the
// InitiateAuth and RespondToAuthChallenge requests.
//
// Exponentiation uses math/big, which is not constant time; comparisons of
// secrets (verifiers, signatures, secret hashes) are.
package srp
