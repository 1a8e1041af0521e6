package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDispatch sends arbitrary targets, content types and bodies through the
// whole front door (decoding, validation, dispatch, the real handlers on a
// real SQLite store). Whatever comes in, the answer must be a well-formed
// AWS response: JSON, a request id, and for errors a __type that matches
// x-amzn-ErrorType and a message; never a panic, never a 5xx.
func FuzzDispatch(f *testing.F) {
	const p = "AWSCognitoIdentityProviderService."
	seeds := []struct{ target, ct, body string }{
		{p + "CreateUserPool", "application/x-amz-json-1.1", `{"PoolName":"fuzz"}`},
		{p + "CreateUserPool", "application/x-amz-json-1.1", `{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":5}},"Schema":[{"Name":"a","AttributeDataType":"Number"}]}`},
		{p + "ListUserPools", "application/x-amz-json-1.0", `{"MaxResults":60,"NextToken":"abc"}`},
		{p + "DescribeUserPool", "application/x-amz-json-1.1", `{"UserPoolId":"us-east-1_AAAAAAAAA"}`},
		{p + "CreateUserPoolClient", "application/x-amz-json-1.1", `{"UserPoolId":"us-east-1_x","ClientName":"c","TokenValidityUnits":{"AccessToken":"days"},"AccessTokenValidity":9}`},
		{p + "UpdateUserPoolClient", "", `{"UserPoolId":"us-east-1_x","ClientId":"abc","AllowedOAuthFlows":["code"]}`},
		{p + "TagResource", "application/json", `{"ResourceArn":"arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_x","Tags":{"a":"b"}}`},
		{p + "SetUserPoolMfaConfig", "application/x-amz-json-1.1", `{"UserPoolId":"us-east-1_x","MfaConfiguration":"ON"}`},
		{p + "InitiateAuth", "application/x-amz-json-1.1", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"x","AuthParameters":{"USERNAME":"u"}}`},
		{"CertificateManager.ListCertificates", "application/x-amz-json-1.1", `{}`},
		{p + "ListUserPools", "text/plain", `not json`},
		{"", "", ""},
		{p + "CreateUserPool", "application/x-amz-json-1.1", `{"PoolName":null,"UserPoolTags":{"k":null}}`},
		{p + "CreateUserPool", "application/x-amz-json-1.1", `{"PoolName":"a","Schema":[null,{"Name":1}]}`},
	}
	for _, s := range seeds {
		f.Add(s.target, s.ct, []byte(s.body))
	}
	h := newFuzzApp(f).h

	f.Fuzz(func(t *testing.T, target, ct string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("X-Amz-Target", target)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q %q: %s", rec.Code, target, body, rec.Body.String())
		}
		if rec.Header().Get("x-amzn-RequestId") == "" {
			t.Fatal("no request id")
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("response is not a JSON object: %q", rec.Body.String())
		}
		if rec.Code != http.StatusOK {
			typ, _ := m["__type"].(string)
			if typ == "" || rec.Header().Get("x-amzn-ErrorType") != typ {
				t.Fatalf("malformed error %d: %v", rec.Code, m)
			}
			if _, ok := m["message"].(string); !ok {
				t.Fatalf("error without message: %v", m)
			}
		}
	})
}
