// Package wire is the runtime behind the code generated from the AWS service
// models (internal/wire/models): the shape and operation tables that the
// generated packages (internal/wire/cognitoidp, internal/wire/acm) fill in,
// the epoch-seconds timestamp type of the AWS JSON 1.1 protocol, and the
// generic request validator that answers the way AWS does.
//
// It owns:
//
//   - Shape, Member, Shapes and Kind: every shape of a service model with the
//     data validation needs (members in model order, required members,
//     length/value bounds, pattern, enum, sensitivity, error flags).
//   - Operation and AuthKind: one entry per operation with its input, output
//     and error shapes and how a caller is authenticated (SigV4, an access
//     token, or nothing).
//   - Time: a timestamp that travels as epoch seconds (a JSON number).
//   - Validate and FormatViolations: checks a decoded request body against
//     the shape table and words the result exactly like AWS
//     ("1 validation error detected: Value null at 'userPoolId' failed to
//     satisfy constraint: Member must not be null"), or reports a
//     *TypeError, which the caller answers with a SerializationException.
//
// The package depends on nothing but the standard library and never imports
// net/http; the protocol front door lives elsewhere. The generator itself is
// internal/wire/gen; it also writes the error table of internal/awserr from
// the models' exception shapes.
package wire
