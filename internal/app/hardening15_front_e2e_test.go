package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawCall posts an AWS JSON request to the API listener with the given
// Host and Origin ("" leaves them as they are) and returns the status, the
// response headers and the decoded body.
func rawCall(t *testing.T, ts *testServer, method, path, target, body, host, origin string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	}
	if host != "" {
		req.Host = host
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

// TestUnsignedCrossOriginAdminRefused (issue 15 item 5): in the default
// unsigned mode a web page must not administer gognito from a browser. The
// operations browsers call on Cognito (caller None or an access token) stay
// open to every origin; an IAM-authorised operation sent with a foreign
// Origin is refused as an unsigned call is in AWS, before it does anything,
// and gets no CORS grant. The same origin still works.
func TestUnsignedCrossOriginAdminRefused(t *testing.T) {
	ts := startServer(t, t.TempDir())
	const evil = "https://evil.example"

	status, h, m := rawCall(t, ts, "POST", "/", "CreateUserPool", `{"PoolName":"fromthepage"}`, "", evil)
	if status != http.StatusForbidden || m["__type"] != "MissingAuthenticationTokenException" || h.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("cross-origin CreateUserPool: %d %v; want 403 MissingAuthenticationTokenException", status, m["__type"])
	}
	if got := h.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("cross-origin admin call granted CORS: %q", got)
	}
	status, _, m = rawCall(t, ts, "POST", "/", "CreateUserPool", `{"PoolName":"null-origin"}`, "", "null")
	if status != http.StatusForbidden {
		t.Errorf("CreateUserPool from Origin null: %d %v", status, m["__type"])
	}
	_, _, list := rawCall(t, ts, "POST", "/", "ListUserPools", `{"MaxResults":10}`, "", "")
	if pools, _ := list["UserPools"].([]any); len(pools) != 0 {
		t.Fatalf("a refused cross-origin call created a pool: %v", pools)
	}

	// A public operation stays open to every origin, as in Cognito.
	status, h, m = rawCall(t, ts, "POST", "/", "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nosuchclient","AuthParameters":{"USERNAME":"a","PASSWORD":"b"}}`, "", evil)
	if h.Get("Access-Control-Allow-Origin") == "" || m["__type"] == "MissingAuthenticationTokenException" {
		t.Errorf("cross-origin InitiateAuth: %d %v, CORS %q; want it answered with a CORS grant", status, m, h.Get("Access-Control-Allow-Origin"))
	}
	// A preflight (which names no operation) is answered.
	status, h, _ = rawCall(t, ts, "OPTIONS", "/", "", "", "", evil)
	if status != http.StatusOK || h.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("preflight: %d, CORS %q", status, h.Get("Access-Control-Allow-Origin"))
	}
	// The same origin administers.
	status, _, m = rawCall(t, ts, "POST", "/", "CreateUserPool", `{"PoolName":"sameorigin"}`, "", ts.URL)
	if status != http.StatusOK {
		t.Errorf("same-origin CreateUserPool: %d %v", status, m)
	}
}

// TestForeignHostRefused (issue 15 item 5): a Host that is not one of
// gognito's names (DNS rebinding: evil.example resolving to 127.0.0.1) is
// refused on the API listener and on the outbox; the listen address,
// localhost names and user pool domains are served.
func TestForeignHostRefused(t *testing.T) {
	ts := startServer(t, t.TempDir())
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	rebound := "rebind.evil.example:" + port

	status, h, m := rawCall(t, ts, "POST", "/", "ListUserPools", `{"MaxResults":10}`, rebound, "")
	if status == http.StatusOK || m["__type"] == nil || h.Get("x-amzn-ErrorType") == "" {
		t.Errorf("API under Host %s: %d %v; want a well-formed AWS error", rebound, status, m)
	}
	if _, ok := m["UserPools"]; ok {
		t.Errorf("API under Host %s answered the operation", rebound)
	}
	status, _, _ = rawCall(t, ts, "GET", "/_gognito/outbox", "", "", rebound, "")
	if status == http.StatusOK {
		t.Errorf("outbox under Host %s: %d; want refused", rebound, status)
	}
	for _, host := range []string{"", "localhost:" + port, "[::1]:" + port, "somepool.auth.us-east-1.localhost:" + port} {
		status, _, m := rawCall(t, ts, "POST", "/", "ListUserPools", `{"MaxResults":10}`, host, "")
		if status != http.StatusOK {
			t.Errorf("API under Host %q: %d %v", host, status, m)
		}
	}
	status, _, _ = rawCall(t, ts, "GET", "/_gognito/outbox", "", "", "localhost:"+port, "")
	if status != http.StatusOK {
		t.Errorf("outbox under Host localhost: %d", status)
	}
}
