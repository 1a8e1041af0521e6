package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

type rawResponse struct {
	Status int
	Header http.Header
	Body   map[string]any
}

func post(t *testing.T, url, target, contentType, body string) rawResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("response is not JSON: %q", b)
	}
	return rawResponse{resp.StatusCode, resp.Header, m}
}

func wantWireError(t *testing.T, r rawResponse, status int, typ string) {
	t.Helper()
	if r.Status != status || r.Body["__type"] != typ || r.Header.Get("x-amzn-ErrorType") != typ {
		t.Fatalf("got %d %v (header %q), want %d %s", r.Status, r.Body, r.Header.Get("x-amzn-ErrorType"), status, typ)
	}
	if _, ok := r.Body["message"].(string); !ok {
		t.Fatalf("error without message: %v", r.Body)
	}
	if r.Header.Get("x-amzn-RequestId") == "" {
		t.Fatal("no x-amzn-RequestId")
	}
}

func TestProtocol(t *testing.T) {
	ts := startServer(t, t.TempDir())
	const ct11 = "application/x-amz-json-1.1"
	const prefix = "AWSCognitoIdentityProviderService."

	t.Run("unknown operation", func(t *testing.T) {
		wantWireError(t, post(t, ts.URL, prefix+"MakeCoffee", ct11, `{}`), 400, "UnknownOperationException")
		wantWireError(t, post(t, ts.URL, "NoSuchService.Op", ct11, `{}`), 400, "UnknownOperationException")
		wantWireError(t, post(t, ts.URL, "", ct11, `{}`), 400, "UnknownOperationException")
	})
	t.Run("not JSON", func(t *testing.T) {
		wantWireError(t, post(t, ts.URL, prefix+"ListUserPools", ct11, `{"MaxResults":`), 400, "SerializationException")
		wantWireError(t, post(t, ts.URL, prefix+"ListUserPools", ct11, `[1,2]`), 400, "SerializationException")
		wantWireError(t, post(t, ts.URL, prefix+"ListUserPools", ct11, `{"MaxResults":"ten"}`), 400, "SerializationException")
	})
	t.Run("JSON 1.0 accepted", func(t *testing.T) {
		r := post(t, ts.URL, prefix+"ListUserPools", "application/x-amz-json-1.0", `{"MaxResults":10}`)
		if r.Status != 200 || r.Header.Get("x-amzn-RequestId") == "" {
			t.Fatalf("%d %v", r.Status, r.Body)
		}
		if _, ok := r.Body["UserPools"]; !ok {
			t.Fatalf("no UserPools: %v", r.Body)
		}
	})
	t.Run("validation", func(t *testing.T) {
		r := post(t, ts.URL, prefix+"CreateUserPool", ct11, `{}`)
		wantWireError(t, r, 400, "InvalidParameterException")
		if r.Body["message"] != "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null" {
			t.Fatalf("message %q", r.Body["message"])
		}
	})
	t.Run("not implemented yet", func(t *testing.T) {
		r := post(t, ts.URL, prefix+"CreateUserImportJob", ct11,
			`{"UserPoolId":"us-east-1_abc","JobName":"j","CloudWatchLogsRoleArn":"arn:aws:iam::000000000000:role/r"}`)
		wantWireError(t, r, 400, "UnsupportedOperationException")
		if !strings.Contains(r.Body["message"].(string), "CreateUserImportJob") {
			t.Fatalf("message does not name the operation: %v", r.Body)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		big := `{"PoolName":"` + strings.Repeat("a", 2<<20) + `"}`
		wantWireError(t, post(t, ts.URL, prefix+"CreateUserPool", ct11, big), 413, "RequestEntityTooLargeException")
	})
	t.Run("CORS preflight", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/", nil)
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") == "" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "x-amz-target") ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") {
			t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		r := post(t, ts.URL, prefix+"ListUserPools", ct11, `{"MaxResults":1}`)
		if r.Header.Get("Access-Control-Allow-Origin") == "" || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "x-amzn-RequestId") {
			t.Fatalf("CORS headers missing on POST: %v", r.Header)
		}
	})
	t.Run("health and metrics", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/_gognito/health")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("health: %v %v", resp, err)
		}
		resp.Body.Close()
		resp, err = http.Get(ts.URL + "/_gognito/metrics")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("metrics: %v %v", resp, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`gognito_api_requests_total{error_type="InvalidParameterException",operation="CreateUserPool",service="cognito-idp"}`, "gognito_api_request_duration_seconds_bucket"} {
			if !strings.Contains(string(b), want) {
				t.Fatalf("metrics lack %s", want)
			}
		}
	})
}
