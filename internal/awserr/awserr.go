package awserr

import (
	"errors"
	"fmt"
)

// Error is an AWS error as a client sees it. It is immutable once built:
// constructors return a fresh value, so a shared error cannot be changed by
// accident.
type Error struct {
	typ     string
	message string
	status  int
	reason  string
}

// New builds an error of the given type; the HTTP status comes from the
// error table.
func New(typ, message string) *Error {
	return &Error{typ: typ, message: message, status: StatusOf(typ)}
}

// Newf is New with a format string.
func Newf(typ, format string, args ...any) *Error {
	return New(typ, fmt.Sprintf(format, args...))
}

// WithReason returns a copy carrying an InvalidParameterException reasonCode.
func (e *Error) WithReason(code string) *Error {
	c := *e
	c.reason = code
	return &c
}

func (e *Error) Error() string      { return e.typ + ": " + e.message }
func (e *Error) Type() string       { return e.typ }
func (e *Error) Message() string    { return e.message }
func (e *Error) HTTPStatus() int    { return e.status }
func (e *Error) ReasonCode() string { return e.reason }

// As reports whether err is (or wraps) an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err is an AWS error of the given type.
func Is(err error, typ string) bool {
	e, ok := As(err)
	return ok && e.typ == typ
}

// The error table: every error type gognito can answer with and the HTTP
// status AWS answers it with, as plain numbers so that the domain packages
// that build errors never depend on net/http. It has two parts:
//
//   - types_gen.go, generated from the exception shapes of the service
//     models (go generate ./internal/awserr): a constant per type, named
//     without the "Exception" suffix (ResourceNotFound,
//     InvalidParameter, ...), and its status.
//   - protocolStatus below: the errors of the AWS JSON protocol front door
//     and of request signing, which no model declares.
//
// A test (table_test.go) fails when code under internal/ or cmd/ uses an
// error type that has no row here, and when an exception that a modelled
// operation can return has no row with the status the model gives.

// Errors of the protocol front door and of request signing that the models
// do not declare as exception shapes.
const (
	Serialization              = "SerializationException"
	UnknownOperation           = "UnknownOperationException"
	MissingAuthenticationToken = "MissingAuthenticationTokenException"
	UnrecognizedClient         = "UnrecognizedClientException"
	InvalidSignature           = "InvalidSignatureException"
	IncompleteSignature        = "IncompleteSignatureException"
	RequestEntityTooLarge      = "RequestEntityTooLargeException"
	InvalidAction              = "InvalidAction"
	NotImplemented             = "NotImplementedException"
	InternalFailure            = "InternalFailureException"
	ServiceUnavailable         = "ServiceUnavailable"
)

// ValidationError is the generated Validation ("ValidationException"),
// under the name it had before the table was generated.
const ValidationError = Validation

// protocolStatus holds the status of each protocol error. AWS's common
// errors give 403 for a missing token; Cognito and the other AWS JSON
// services answer the signature errors with 400 (see internal/sigv4).
var protocolStatus = map[string]int{
	Serialization:              400,
	UnknownOperation:           400,
	MissingAuthenticationToken: 403,
	UnrecognizedClient:         400,
	InvalidSignature:           400,
	IncompleteSignature:        400,
	RequestEntityTooLarge:      413,
	InvalidAction:              400,
	NotImplemented:             501,
	InternalFailure:            500,
	ServiceUnavailable:         503,
}

// Known reports whether the error type has a row in the table.
func Known(typ string) bool {
	_, ok := status(typ)
	return ok
}

// StatusOf is the HTTP status for an error type; unknown types are treated as
// client errors.
func StatusOf(typ string) int {
	if s, ok := status(typ); ok {
		return s
	}
	return 400
}

func status(typ string) (int, bool) {
	if s, ok := modelledStatus[typ]; ok {
		return s, true
	}
	s, ok := protocolStatus[typ]
	return s, ok
}
