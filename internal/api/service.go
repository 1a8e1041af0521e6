package api

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/wire"
)

// Service is one AWS service on the wire: its target prefix, shapes and
// operation table, and the handlers registered for its operations.
type Service struct {
	Name   string // short name for metrics and logs, e.g. "cognito-idp"
	Prefix string // X-Amz-Target prefix
	Shapes wire.Shapes
	// ValidationError is the error type of a request that fails the model's
	// constraints: InvalidParameterException for cognito-idp,
	// ValidationException for acm.
	ValidationError string
	// SigningName is the service of a signed request's credential scope
	// (the generated SigningName; the service's Name until set).
	SigningName string
	// RateLimited says that the operations count against the quota
	// categories of internal/ratelimit, which are Cognito's (on by default;
	// a service whose operation names could meet Cognito's, such as ACM's
	// TagResource, turns it off).
	RateLimited bool
	// Guard, when set, may refuse a valid request before its handler runs
	// (cognito-idp: the operations a user pool's SECONDARY replica refuses).
	// body is the decoded request object.
	Guard   func(ctx context.Context, op wire.Operation, body map[string]any) error
	ops     map[string]*endpoint
	ordered []string
}

type endpoint struct {
	op      wire.Operation
	handler func(ctx context.Context, body []byte) (any, error)
	notes   string
	// skipPattern, when set, may exempt member paths of this request from
	// their pattern check.
	skipPattern func(body map[string]any) func(path string) bool
}

// NewService builds a service from its generated tables. Every operation in
// ops answers from the start.
func NewService(name, prefix string, shapes wire.Shapes, ops []wire.Operation) *Service {
	s := &Service{Name: name, Prefix: prefix, Shapes: shapes, ValidationError: awserr.InvalidParameter, SigningName: name, RateLimited: true, ops: map[string]*endpoint{}}
	for _, op := range ops {
		s.ops[op.Name] = &endpoint{op: op}
		s.ordered = append(s.ordered, op.Name)
	}
	sort.Strings(s.ordered)
	return s
}

// Handle registers the typed handler of an operation. It panics when the
// operation is not in the table: that is a programming error.
func Handle[In, Out any](s *Service, name string, fn func(ctx context.Context, in *In) (*Out, error)) *Endpoint {
	ep, ok := s.ops[name]
	if !ok {
		panic(fmt.Sprintf("api: %s has no operation %s", s.Name, name))
	}
	ep.handler = func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := json.Unmarshal(body, in); err != nil {
			return nil, awserr.New(awserr.Serialization, serializationMessage(err))
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return struct{}{}, nil
		}
		return out, nil
	}
	return &Endpoint{ep}
}

// Endpoint lets a registration add details to its operation.
type Endpoint struct{ ep *endpoint }

// Notes records a note on the operation for docs/compatibility.md.
func (e *Endpoint) Notes(n string) *Endpoint { e.ep.notes = n; return e }

// SkipPattern exempts member paths from their pattern, decided per request.
func (e *Endpoint) SkipPattern(f func(body map[string]any) func(path string) bool) *Endpoint {
	e.ep.skipPattern = f
	return e
}

// OperationInfo describes an operation for documentation.
type OperationInfo struct {
	Name        string
	Auth        wire.AuthKind
	Implemented bool
	Notes       string
}

// Operations lists the table, sorted by name.
func (s *Service) Operations() []OperationInfo {
	out := make([]OperationInfo, 0, len(s.ordered))
	for _, n := range s.ordered {
		ep := s.ops[n]
		out = append(out, OperationInfo{Name: n, Auth: ep.op.Auth, Implemented: ep.handler != nil, Notes: ep.notes})
	}
	return out
}

func serializationMessage(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return fmt.Sprintf("Unexpected value type for member %s: expected %s, got JSON %s.", e.Field, e.Type, e.Value)
		}
		return fmt.Sprintf("Unexpected JSON %s where %s was expected.", e.Value, e.Type)
	case *json.SyntaxError:
		return "The request body is not valid JSON."
	}
	return "The request body could not be read."
}
