package app_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/config"
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

// waitClosed reads from c until the server closes it or answers, up to
// bound (the test's own limit, far above the server's). It reports what
// came back and whether the server ended the exchange within the bound.
func waitClosed(t *testing.T, c net.Conn, bound time.Duration) (string, bool) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(bound))
	got, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return string(got), false
	}
	return string(got), true
}

// TestSlowClientsAreCutOff (issue 15 item 6): a slowloris-style client on
// loopback. A request body that trickles in is cut off by the body read
// deadline (headers alone were before), and a client address holding as
// many connections as it may gets its next one closed at once, on the API
// listener and on the HTTPS edge; other connections are served meanwhile.
func TestSlowClientsAreCutOff(t *testing.T) {
	// The body deadline (500 ms) far below the test's bound (8 s); the
	// connection bound's server keeps the default deadlines (10 s for
	// headers and handshakes, above its 3 s bound), so only the bound can
	// close its extra connection in time.
	timed := startServerWith(t, t.TempDir(), func(c *config.Config) { c.ReadTimeout = 500 * time.Millisecond })
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.MaxConnsPerClient = 3 })
	apiAddr := strings.TrimPrefix(ts.URL, "http://")
	timedAddr := strings.TrimPrefix(timed.URL, "http://")
	dial := func(addr string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// A body that never finishes: the server gives up on it.
	slow := dial(timedAddr)
	fmt.Fprintf(slow, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{", timedAddr)
	if _, closed := waitClosed(t, slow, 8*time.Second); !closed {
		t.Error("API listener: a request body that trickles in is never timed out")
	}
	slow.Close()

	for _, l := range []struct{ name, addr string }{{"API listener", apiAddr}, {"HTTPS edge", ts.EdgeAddr}} {
		// Connections that send nothing (or half a request), up to the bound.
		var held []net.Conn
		for i := 0; i < 3; i++ {
			c := dial(l.addr)
			if l.name == "API listener" {
				fmt.Fprintf(c, "GET /_gognito/health HTTP/1.1\r\nHost: %s\r\n", apiAddr)
			}
			held = append(held, c)
		}
		// Give the server the moment it takes to accept them (a sleep is
		// no assertion: a late accept only makes the extra one wait).
		time.Sleep(100 * time.Millisecond)
		extra := dial(l.addr)
		if _, closed := waitClosed(t, extra, 3*time.Second); !closed {
			t.Errorf("%s: a 4th connection from one address (bound 3) is kept open", l.name)
		}
		for _, c := range held {
			c.Close()
		}
	}
	// Once they are gone the address is served again.
	var resp *http.Response
	var err error
	for i := 0; i < 50; i++ {
		if resp, err = http.Get(ts.URL + "/_gognito/health"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("after the slow connections closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health after the slow connections closed: %d", resp.StatusCode)
	}
}
