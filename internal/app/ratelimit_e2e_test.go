package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/gognito/gognito/internal/config"
)

// With --rate-limits on, a request over its category's rate is refused with
// TooManyRequestsException (HTTP 400) and changes nothing; other categories
// and the other quota keep their own allowance.
func TestRateLimitsByCategory(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.RateLimits = "UserList=2,UserCreation=1,HostedUI=3" })
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("limited")})).UserPool

	// UserList holds 2 a second: a quick run of calls meets the limit.
	ok, throttled := 0, 0
	for i := 0; i < 40 && throttled == 0; i++ {
		_, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id})
		if err == nil {
			ok++
			continue
		}
		wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
			t.Fatalf("throttled with %v, want HTTP 400", err)
		}
		throttled++
	}
	if throttled == 0 || ok < 2 {
		t.Fatalf("UserList at 2/s: %d calls passed and %d were throttled; want the burst of 2 to pass and then a refusal", ok, throttled)
	}
	// Another category is not touched by UserList's exhaustion.
	for i := 0; i < 5; i++ {
		must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id}))
	}

	// A throttled write changes nothing.
	created := []string{}
	var refused string
	for _, name := range []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"} {
		_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(name)})
		if err != nil {
			wantAPIError(t, err, "TooManyRequestsException", "")
			refused = name
			break
		}
		created = append(created, name)
	}
	if refused == "" {
		t.Fatal("UserCreation at 1/s let 8 quick AdminCreateUser calls through")
	}
	users := map[string]bool{}
	for _, u := range must[*cognito.ListUsersOutput](t)(listUsersPatiently(ctx, c, pool.Id)).Users {
		users[*u.Username] = true
	}
	for _, name := range created {
		if !users[name] {
			t.Errorf("acknowledged user %s is missing", name)
		}
	}
	if users[refused] {
		t.Errorf("the throttled AdminCreateUser of %s created the user", refused)
	}

	// A user pool domain's pages: 3 a second for the domain.
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("limitedpages"), UserPoolId: pool.Id}))
	tooMany := 0
	for i := 0; i < 40 && tooMany == 0; i++ {
		req, _ := http.NewRequest("GET", ts.URL+"/login", nil)
		req.Host = "limitedpages.auth.us-east-1.localhost"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			tooMany++
		}
	}
	if tooMany == 0 {
		t.Fatal("the domain at 3 requests/s answered 40 quick requests without a 429")
	}
	// The API is not the domain: its issuer endpoints and operations go on.
	must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id}))
}

// listUsersPatiently lists a pool's users, waiting out UserList throttling
// (the SDK client of these tests does not retry).
func listUsersPatiently(ctx context.Context, c *cognito.Client, poolID *string) (*cognito.ListUsersOutput, error) {
	for i := 0; ; i++ {
		out, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: poolID}, func(o *cognito.Options) { o.RetryMaxAttempts = 10 })
		if err == nil || i == 5 {
			return out, err
		}
	}
}

// Without --rate-limits nothing is throttled (the default for local use).
func TestNoRateLimitsByDefault(t *testing.T) {
	ts := startServer(t, t.TempDir())
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("free")})).UserPool
	for i := 0; i < 200; i++ {
		must[*cognito.ListUsersOutput](t)(c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id}))
	}
}

// The hosted pages carry the security headers a browser needs: a strict CSP
// that forbids framing, HSTS on HTTPS, and cookies that are HttpOnly,
// SameSite and (on HTTPS) Secure.
func TestHostedPagesSecurityHeaders(t *testing.T) {
	f := newPagesFixture(t, nil, false)
	path := "/login?response_type=code&client_id=" + *f.client.ClientId + "&redirect_uri=" + url.QueryEscape(callback)
	check := func(resp *http.Response, secure bool) {
		t.Helper()
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("headers: %v", h)
		}
		if hsts := h.Get("Strict-Transport-Security"); secure != (hsts != "") {
			t.Errorf("secure=%v but Strict-Transport-Security is %q", secure, hsts)
		}
		cookies := resp.Cookies()
		if len(cookies) == 0 {
			t.Fatal("the sign-in page set no cookie (CSRF)")
		}
		for _, c := range cookies {
			if !c.HttpOnly || c.SameSite == http.SameSiteDefaultMode || c.SameSite == http.SameSiteNoneMode || c.Secure != secure {
				t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Secure=%v (page secure=%v)", c.Name, c.HttpOnly, c.SameSite, c.Secure, secure)
			}
		}
	}
	load := func(hc *http.Client, req *http.Request, secure bool) {
		t.Helper()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign-in page (secure=%v): %s", secure, resp.Status)
		}
		check(resp, secure)
	}
	req, _ := http.NewRequest("GET", "https://pagesapp.auth.us-east-1.localhost"+path, nil)
	load(h2Client(f.ts.EdgeAddr, f.roots), req, true)
	req, _ = http.NewRequest("GET", f.ts.URL+path, nil)
	req.Host = "pagesapp.auth.us-east-1.localhost"
	load(http.DefaultClient, req, false)
}

// Oversized headers are refused by the HTTP server before any handler runs.
func TestOversizedHeadersRefused(t *testing.T) {
	ts := startServer(t, t.TempDir())
	req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB of headers: %s, want 431", resp.Status)
	}
}
