// Package sigv4 verifies AWS Signature Version 4 on the requests of the API
// listener, the way AWS's JSON services do: the Authorization header
// (AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature), the
// canonical request (method, URI, sorted query, signed headers, hashed body),
// the credential scope (date/region/service/aws4_request), the request time
// (X-Amz-Date, else Date) within five minutes of the server's clock, and the
// signature, compared in constant time.
//
// It owns the keys (access key id → secret access key) the server accepts
// and answers every failure with the AWS error a client expects
// (MissingAuthenticationTokenException, IncompleteSignatureException,
// InvalidSignatureException, UnrecognizedClientException). It knows nothing
// of operations: the caller decides which requests must be signed.
package sigv4
