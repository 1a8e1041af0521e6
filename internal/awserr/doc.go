// Package awserr owns the errors gognito answers with on the AWS wire: the
// error type (the `__type` of an AWS JSON error), the HTTP status AWS uses for
// it, and the message. Domain packages return *Error values; the transport
// layer writes them. Any other error reaching the transport is an internal
// error: it is logged with the request id and answered as
// InternalErrorException, never shown.
package awserr
