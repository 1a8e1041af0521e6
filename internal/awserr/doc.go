// Package awserr owns the errors gognito answers with on the AWS wire: the
// error type (the `__type` of an AWS JSON error), the HTTP status AWS uses for
// it, and the message. Domain packages return *Error values; the transport
// layer writes them. Any other error reaching the transport is an internal
// error: it is logged with the request id and answered as
// InternalErrorException, never shown.
//
// The error table (awserr.go) is generated from the exception shapes of the
// service models (types_gen.go, one constant per type such as
// ResourceNotFound) plus a hand-written table of the protocol errors no
// model declares. A test fails when the code names an error type that has
// no row, or a modelled operation can return one whose row lacks the
// model's status.
package awserr

//go:generate go run ../wire/gen -errors -pkg awserr -out types_gen.go ../wire/models/cognito-idp-2016-04-18.json ../wire/models/acm-2015-12-08.json
