package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/ratelimit"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// regionSigner verifies every request and says its scope names region.
type regionSigner struct{ region string }

func (s regionSigner) Authenticate(*http.Request, []byte, string) (string, error) {
	return s.region, nil
}

func postScoped(t *testing.T, h http.Handler, op, body, region string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", cip.TargetPrefix+"."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFAKE/20260101/"+region+"/cognito-idp/aws4_request, SignedHeaders=host, Signature=00")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code}
	if rec.Code != 200 {
		a.typ = rec.Header().Get("x-amzn-ErrorType")
	}
	return a
}

// TestRateLimitBucketIgnoresUnverifiedRegion: the Region of a credential
// scope whose signature was not verified (a public operation, or unsigned
// mode) does not choose the quota bucket, so a new made-up Region per
// request is throttled like any other; a verified scope's Region does.
func TestRateLimitBucketIgnoresUnverifiedRegion(t *testing.T) {
	ok := func(context.Context, *struct{}) (*struct{}, error) { return nil, nil }
	authBody := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc"}`
	adminBody := `{"UserPoolId":"us-east-1_abc","Username":"a"}`
	for _, mode := range []string{"unsigned", "sigv4"} {
		t.Run(mode, func(t *testing.T) {
			c, a := bare()
			Handle(c, "InitiateAuth", ok)
			Handle(c, "AdminGetUser", ok)
			opts := Options{Region: "us-east-1", Limiter: ratelimit.New(ratelimit.Rates{ratelimit.UserAuthentication: 1, ratelimit.UserRead: 1})}
			if mode == "sigv4" {
				opts.Authenticator = regionSigner{"eu-west-1"}
			}
			srv := NewServer(opts, c, a)
			if got := postScoped(t, srv, "InitiateAuth", authBody, "us-fake-1"); got.status != 200 {
				t.Fatalf("first call: %d %s", got.status, got.typ)
			}
			throttled := 0
			for i := 2; i < 6; i++ {
				if got := postScoped(t, srv, "InitiateAuth", authBody, fmt.Sprintf("us-fake-%d", i)); got.typ == awserr.TooManyRequests {
					throttled++
				}
			}
			if throttled == 0 {
				t.Error("a new made-up Region per request is never throttled")
			}
			if mode != "sigv4" {
				return
			}
			// Verified: the signed Region (eu-west-1) has its own bucket,
			// whatever the first Admin call in the configured Region did.
			if got := postScoped(t, srv, "AdminGetUser", adminBody, "eu-west-1"); got.status != 200 {
				t.Fatalf("signed call: %d %s", got.status, got.typ)
			}
			if got := postScoped(t, srv, "AdminGetUser", adminBody, "eu-west-1"); got.typ != awserr.TooManyRequests {
				t.Errorf("second signed call in the second: %d %s; want TooManyRequestsException", got.status, got.typ)
			}
		})
	}
}
