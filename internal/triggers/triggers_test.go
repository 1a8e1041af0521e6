package triggers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/triggers"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// invoker answers with a fixed body or error, after an optional wait, and
// keeps the last payload.
type invoker struct {
	body    string
	err     error
	wait    time.Duration
	payload []byte
	calls   int
}

func (i *invoker) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	i.calls++
	i.payload = payload
	if i.wait > 0 {
		select {
		case <-time.After(i.wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return []byte(i.body), i.err
}

const arn = "arn:aws:lambda:eu-west-1:123456789012:function:f"

func call(t *testing.T, inv *invoker, out any) error {
	t.Helper()
	ev := triggers.NewEvent("PreSignUp_SignUp", "eu-west-1_AbC", "client", "ann",
		triggers.PreSignUpRequest{UserAttributes: triggers.Attrs{"email": "a@example.com"}}, triggers.PreSignUpResponse{})
	return triggers.New(inv, 50*time.Millisecond, nil).Call(context.Background(), triggers.PreSignUp, arn, ev, out)
}

func TestCall(t *testing.T) {
	var out triggers.PreSignUpResponse
	inv := &invoker{body: `{"response":{"autoConfirmUser":true}}`}
	if err := call(t, inv, &out); err != nil || !out.AutoConfirmUser {
		t.Fatalf("%+v %v", out, err)
	}
	var ev map[string]any
	json.Unmarshal(inv.payload, &ev)
	if ev["version"] != "1" || ev["region"] != "eu-west-1" || ev["triggerSource"] != "PreSignUp_SignUp" || ev["response"].(map[string]any)["autoConfirmUser"] != false {
		t.Fatalf("event %s", inv.payload)
	}
	for _, body := range []string{`{"response":null}`, `{}`} {
		out = triggers.PreSignUpResponse{}
		if err := call(t, &invoker{body: body}, &out); err != nil || out.AutoConfirmUser {
			t.Fatalf("%s: %+v %v", body, out, err)
		}
	}
}

func TestCallErrors(t *testing.T) {
	for _, tc := range []struct {
		inv       *invoker
		typ, want string
	}{
		{&invoker{err: &triggers.FunctionError{Type: "Error", Message: "no"}}, "UserLambdaValidationException", "PreSignUp failed with error no."},
		{&invoker{err: &triggers.ServiceError{Code: "AccessDeniedException"}}, "UnexpectedLambdaException", "PreSignUp invocation failed due to error AccessDeniedException."},
		{&invoker{wait: time.Minute}, "UnexpectedLambdaException", "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."},
		{&invoker{err: errors.New("connection refused")}, "UnexpectedLambdaException", "PreSignUp invocation failed due to error"},
		{&invoker{body: `not json`}, "InvalidLambdaResponseException", "Unrecognizable lambda output"},
		{&invoker{body: `{"response":{"autoConfirmUser":"yes"}}`}, "InvalidLambdaResponseException", "Unrecognizable lambda output"},
	} {
		err := call(t, tc.inv, &triggers.PreSignUpResponse{})
		e, ok := awserr.As(err)
		if !ok || e.Type() != tc.typ || len(e.Message()) < len(tc.want) || e.Message()[:len(tc.want)] != tc.want || e.HTTPStatus() != 400 {
			t.Errorf("%+v: got %v, want %s %q", tc.inv, err, tc.typ, tc.want)
		}
	}
}

func TestNotConfigured(t *testing.T) {
	inv := &invoker{}
	if err := triggers.New(inv, 0, nil).Call(context.Background(), triggers.PreSignUp, "", triggers.Event{}, nil); err != nil || inv.calls != 0 {
		t.Fatalf("a trigger that is not configured: %v, %d calls", err, inv.calls)
	}
	var none *triggers.Service
	if err := none.Call(context.Background(), triggers.PreSignUp, arn, triggers.Event{}, nil); !awserr.Is(err, "UnexpectedLambdaException") {
		t.Fatalf("no invoker: %v", err)
	}
}

func TestUserAttributes(t *testing.T) {
	attrs := []cip.AttributeType{{Name: "sub", Value: "s-1"}, {Name: "email", Value: "a@example.com"}, {Name: "email_verified", Value: "true"},
		{Name: "phone_number", Value: "+15555550100"}, {Name: "phone_number_verified", Value: "false"}}
	got := triggers.UserAttributes(attrs, "CONFIRMED", []string{"email", "phone_number"})
	want := triggers.Attrs{"sub": "s-1", "email": "a@example.com", "email_verified": "true", "phone_number": "+15555550100",
		"phone_number_verified": "false", "cognito:user_status": "CONFIRMED", "cognito:email_alias": "a@example.com"}
	if !maps.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if got := triggers.UserAttributes(attrs, "", nil); got["cognito:user_status"] != "" || got["cognito:email_alias"] != "" {
		t.Fatalf("no status, no aliases: %v", got)
	}
}

// TestCallLogs: what the client's error hides of a failed invocation goes to
// the log; an error the function returns (the function's own answer) does not.
func TestCallLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ev := triggers.NewEvent("PreSignUp_SignUp", "eu-west-1_AbC", "client", "ann", nil, nil)
	s := triggers.New(&invoker{err: errors.New("dial tcp 127.0.0.1:1: connection refused")}, time.Second, log)
	s.Call(context.Background(), triggers.PreSignUp, arn, ev, nil)
	if !strings.Contains(buf.String(), "connection refused") || !strings.Contains(buf.String(), arn) {
		t.Fatalf("log %q", buf.String())
	}
	buf.Reset()
	s = triggers.New(&invoker{err: &triggers.FunctionError{Message: "secret business"}}, time.Second, log)
	s.Call(context.Background(), triggers.PreSignUp, arn, ev, nil)
	if buf.Len() != 0 {
		t.Fatalf("a function error was logged: %q", buf.String())
	}
}

func TestParseFunctionARN(t *testing.T) {
	a, err := triggers.ParseFunctionARN("arn:aws:lambda:eu-west-1:123456789012:function:f:live")
	if err != nil || a != (triggers.FunctionARN{"aws", "eu-west-1", "123456789012", "f", "live"}) || a.Host() != "lambda.eu-west-1.amazonaws.com" ||
		a.String() != "arn:aws:lambda:eu-west-1:123456789012:function:f:live" {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range []string{"", "f", "arn:aws:lambda:eu-west-1.evil.example:123456789012:function:f", "arn:aws:lambda:eu-west-1:123456789012:function:a.b",
		"arn:aws:lambda:eu-west-1:123456789012:function:" + strings.Repeat("f", 65), "arn:aws:lambda:eu-west-1:123456789012:function:f:"} {
		if _, err := triggers.ParseFunctionARN(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
