package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
)

// Invoker calls a Lambda function synchronously with a JSON payload and
// returns what the function returned.
type Invoker interface {
	Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, error)
}

// FunctionError is an error the function itself returned (the Invoke API's
// X-Amz-Function-Error): the trigger refuses the operation.
type FunctionError struct {
	Type    string // errorType
	Message string // errorMessage
}

func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

// ServiceError is an error of the Lambda service (function not found, access
// denied, throttled...), by its error code.
type ServiceError struct {
	Code    string
	Message string
}

func (e *ServiceError) Error() string { return "lambda: " + e.Code + ": " + e.Message }

// DefaultTimeout is how long Cognito waits for a trigger.
const DefaultTimeout = 5 * time.Second

// Service calls triggers.
type Service struct {
	inv     Invoker
	timeout time.Duration
	log     *slog.Logger
}

// New builds the service; timeout 0 is Cognito's 5 seconds. Triggers that
// cannot be invoked or answer what is not an event are logged to log (nil:
// not logged), with the cause the client's error does not show.
func New(inv Invoker, timeout time.Duration, log *slog.Logger) *Service {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{inv: inv, timeout: timeout, log: log}
}

// CallerContext is the callerContext of every event.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// Event is what every trigger receives: the common parameters, the
// trigger's request and its response as Cognito fills it in before the
// call.
type Event struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
	Request       any           `json:"request"`
	Response      any           `json:"response"`
}

// sdkVersion is the callerContext.awsSdkVersion Cognito reports when it
// does not know the caller's SDK.
const sdkVersion = "aws-sdk-unknown-unknown"

// NewEvent builds an event of a pool; the Region is the pool id's prefix.
func NewEvent(source, poolID, clientID, username string, req, resp any) Event {
	region, _, _ := strings.Cut(poolID, "_")
	return Event{Version: "1", TriggerSource: source, Region: region, UserPoolID: poolID, UserName: username,
		CallerContext: CallerContext{AWSSDKVersion: sdkVersion, ClientID: clientID}, Request: req, Response: resp}
}

// Call invokes the trigger named name (PreSignUp, PostConfirmation...) at
// the function arn with ev, and decodes the response section of what it
// returns into out (nil: the answer is not read). A trigger that is not
// configured (arn "") is not called.
func (s *Service) Call(ctx context.Context, name, arn string, ev Event, out any) error {
	if arn == "" {
		return nil
	}
	if s == nil || s.inv == nil {
		return unexpected(name, "ResourceNotFoundException")
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	body, err := s.inv.Invoke(cctx, arn, payload)
	var fe *FunctionError
	var se *ServiceError
	switch {
	case errors.As(err, &fe):
		return awserr.Newf("UserLambdaValidationException", "%s failed with error %s.", name, fe.Message)
	case errors.As(err, &se):
		s.log.Warn("lambda trigger: the Lambda service refused the invocation", "trigger", name, "function", arn, "error", err)
		return unexpected(name, se.Code)
	case err != nil && ctx.Err() != nil:
		return ctx.Err() // the caller went away
	case err != nil && errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("lambda trigger: timed out", "trigger", name, "function", arn, "timeout", s.timeout)
		return unexpected(name, "Socket timeout while invoking Lambda function")
	case err != nil:
		s.log.Warn("lambda trigger: cannot invoke", "trigger", name, "function", arn, "error", err)
		return unexpected(name, "Unable to reach the Lambda service")
	}
	var back struct {
		Response json.RawMessage `json:"response"`
	}
	err = json.Unmarshal(body, &back)
	if err == nil && out != nil && len(back.Response) > 0 && string(back.Response) != "null" {
		err = json.Unmarshal(back.Response, out)
	}
	if err != nil {
		s.log.Warn("lambda trigger: the function's answer is not the event", "trigger", name, "function", arn, "error", err)
		return invalidResponse()
	}
	return nil
}

func unexpected(name, cause string) error {
	return awserr.New("UnexpectedLambdaException", fmt.Sprintf("%s invocation failed due to error %s.", name, cause))
}

func invalidResponse() error {
	return awserr.New("InvalidLambdaResponseException", "Unrecognizable lambda output")
}

// InvalidResponse is Cognito's error for a trigger answer it cannot use.
func InvalidResponse() error { return invalidResponse() }

// NoClient is the callerContext.clientId of events from administrative
// operations, which name no app client.
const NoClient = "CLIENT_ID_NOT_APPLICABLE"
