package lambda

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/gognito/gognito/internal/triggers"
)

const fnARN = "arn:aws:lambda:eu-west-2:123456789012:function:hook"

// invokeServer answers every Invoke call with answer, after checking the
// request as check says.
func invokeServer(t *testing.T, check func(r *http.Request, body []byte), answer func(w http.ResponseWriter)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.EscapedPath() != "/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:hook/invocations" {
			t.Errorf("request %s %s", r.Method, r.URL.EscapedPath())
		}
		if check != nil {
			check(r, body)
		}
		answer(w)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInvokeSignsWithSigV4(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	srv := invokeServer(t, func(r *http.Request, body []byte) {
		// Sign the same request again, as the Lambda service would, and
		// compare: service lambda, the ARN's Region, the payload's hash.
		again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
		for _, h := range []string{"Content-Type", "X-Amz-Invocation-Type"} {
			again.Header.Set(h, r.Header.Get(h))
		}
		sum := sha256.Sum256(body)
		v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cret"}, again,
			hex.EncodeToString(sum[:]), "lambda", "eu-west-2", now)
		if got, want := r.Header.Get("Authorization"), again.Header.Get("Authorization"); got != want || got == "" {
			t.Errorf("Authorization\n got %s\nwant %s", got, want)
		}
		if r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" || string(body) != `{"a":1}` {
			t.Errorf("headers %v body %s", r.Header, body)
		}
	}, func(w http.ResponseWriter) { io.WriteString(w, `{"response":{}}`) })
	c := New(Options{Endpoint: srv.URL + "/", AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cret", Now: func() time.Time { return now }})
	out, err := c.Invoke(context.Background(), fnARN, []byte(`{"a":1}`))
	if err != nil || string(out) != `{"response":{}}` {
		t.Fatalf("Invoke: %s, %v", out, err)
	}
}

func TestInvokeUnsignedWithoutCredentials(t *testing.T) {
	srv := invokeServer(t, func(r *http.Request, _ []byte) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("signed without credentials: %s", r.Header.Get("Authorization"))
		}
	}, func(w http.ResponseWriter) { io.WriteString(w, `{}`) })
	if _, err := New(Options{Endpoint: srv.URL}).Invoke(context.Background(), fnARN, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
}

func TestInvokeErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   error
	}{
		{"function error", func(w http.ResponseWriter) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorMessage":"nope","errorType":"Error"}`)
		}, &triggers.FunctionError{Type: "Error", Message: "nope"}},
		{"function error, not JSON", func(w http.ResponseWriter) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, "crashed\n")
		}, &triggers.FunctionError{Message: "crashed"}},
		{"service error by header", func(w http.ResponseWriter) {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda/")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"Type":"User","Message":"Function not found"}`)
		}, &triggers.ServiceError{Code: "ResourceNotFoundException", Message: "Function not found"}},
		{"service error by body", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"__type":"com.amazonaws#TooManyRequestsException","message":"Rate exceeded"}`)
		}, &triggers.ServiceError{Code: "TooManyRequestsException", Message: "Rate exceeded"}},
		{"bare status", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, &triggers.ServiceError{Code: "HTTP 502"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := invokeServer(t, nil, tc.answer)
			_, err := New(Options{Endpoint: srv.URL}).Invoke(context.Background(), fnARN, []byte(`{}`))
			var fe *triggers.FunctionError
			var se *triggers.ServiceError
			switch want := tc.want.(type) {
			case *triggers.FunctionError:
				if !errors.As(err, &fe) || *fe != *want {
					t.Fatalf("got %v, want %v", err, want)
				}
			case *triggers.ServiceError:
				if !errors.As(err, &se) || *se != *want {
					t.Fatalf("got %#v, want %v", err, want)
				}
			}
		})
	}
}

func TestInvokeByName(t *testing.T) {
	for arn, want := range map[string]string{
		fnARN:           "/2015-03-31/functions/hook/invocations",
		fnARN + ":live": "/2015-03-31/functions/hook/invocations?Qualifier=live",
	} {
		var got string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.URL.RequestURI()
			io.WriteString(w, `{}`)
		}))
		if _, err := New(Options{Endpoint: srv.URL, ByName: true}).Invoke(context.Background(), arn, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if got != want {
			t.Errorf("%s: invoked %s, want %s", arn, got, want)
		}
	}
}

// recordingTransport records the URL of each request and answers none.
type recordingTransport struct{ urls []string }

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.urls = append(rt.urls, r.URL.String())
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`)), Header: http.Header{}, Request: r}, nil
}

// TestInvokeURLIsBuiltFromAValidARN (issue 15 item 10): the endpoint of a
// function's Region is built from the ARN's checked parts; an ARN whose
// Region or name would put another host (or path) into the URL is refused
// before any request is made.
func TestInvokeURLIsBuiltFromAValidARN(t *testing.T) {
	rt := &recordingTransport{}
	c := New(Options{HTTPClient: &http.Client{Transport: rt}})
	for arn, want := range map[string]string{
		"arn:aws:lambda:eu-west-2:123456789012:function:hook":            "https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:hook/invocations",
		"arn:aws:lambda:us-east-1:123456789012:function:hook:live":       "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:hook:live/invocations",
		"arn:aws-cn:lambda:cn-north-1:123456789012:function:hook":        "https://lambda.cn-north-1.amazonaws.com.cn/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:hook/invocations",
		"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:h_1-": "https://lambda.us-gov-west-1.amazonaws.com/2015-03-31/functions/arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:h_1-/invocations",
	} {
		rt.urls = nil
		if _, err := c.Invoke(context.Background(), arn, []byte(`{}`)); err != nil {
			t.Errorf("%s: %v", arn, err)
		}
		if len(rt.urls) != 1 || rt.urls[0] != want {
			t.Errorf("%s: requested %v, want %s", arn, rt.urls, want)
		}
	}
	for _, arn := range []string{
		"arn:aws:lambda:attacker.example/x:123456789012:function:f",
		"arn:aws:lambda:us-east-1.attacker.example/:123456789012:function:f",
		"arn:aws:lambda:us-east-1@attacker.example:123456789012:function:f",
		"arn:aws:lambda:x:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f/../../admin",
		"arn:aws:lambda:us-east-1:12345:function:f",
		"arn:aws:s3:us-east-1:123456789012:function:f",
		"arn:evil:lambda:us-east-1:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:layer:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f:v1:extra",
		"arn:aws:lambda:us-east-1:123456789012:function:f:v/1",
		"f",
	} {
		rt.urls = nil
		_, err := c.Invoke(context.Background(), arn, []byte(`{}`))
		if err == nil || len(rt.urls) != 0 {
			t.Errorf("%s: err %v, requested %v", arn, err, rt.urls)
		}
	}
}
