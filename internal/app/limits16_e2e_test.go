package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// limitType is the LimitType of the two provisioned-limit operations.
type limitType struct {
	LimitDefinition struct {
		LimitClass string
		Attributes map[string]string
	}
	ProvisionedLimitValue int32
	FreeLimitValue        int32
}

// sdkCallAs sends op with the JSON body in through the aws-sdk-go-v2 client
// c, and decodes the response into out. The SDK of this module's version
// has no GetProvisionedLimit or UpdateProvisionedLimit, so a
// DescribeUserPool call is turned into op after the SDK serialised it: its
// X-Amz-Target and body are replaced before the SDK computes the payload
// hash and signs; the SDK's transport, retries and error decoding apply as
// to any call (an error is the SDK's smithy.APIError).
func sdkCallAs(ctx context.Context, c *cognito.Client, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var raw []byte
	_, err = c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_unused")}, func(o *cognito.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			if err := s.Serialize.Add(middleware.SerializeMiddlewareFunc("AsOtherOperation",
				func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
					req := in.Request.(*smithyhttp.Request)
					req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
					r, err := req.SetStream(bytes.NewReader(body))
					if err != nil {
						return middleware.SerializeOutput{}, middleware.Metadata{}, err
					}
					in.Request = r
					return next.HandleSerialize(ctx, in)
				}), middleware.After); err != nil {
				return err
			}
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("KeepBody",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					res, md, err := next.HandleDeserialize(ctx, in)
					if resp, ok := res.RawResponse.(*smithyhttp.Response); ok && err == nil && resp.StatusCode == 200 {
						raw, _ = io.ReadAll(resp.Body)
						resp.Body = io.NopCloser(bytes.NewReader(raw))
					}
					return res, md, err
				}), middleware.After)
		})
	})
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

type limitDef struct {
	LimitClass string
	Attributes map[string]string
}

func getLimit(ctx context.Context, c *cognito.Client, def limitDef) (limitType, error) {
	var out struct{ Limit limitType }
	err := sdkCallAs(ctx, c, "GetProvisionedLimit", map[string]any{"LimitDefinition": def}, &out)
	return out.Limit, err
}

func updateLimit(ctx context.Context, c *cognito.Client, def limitDef, value int32) (limitType, error) {
	var out struct{ Limit limitType }
	err := sdkCallAs(ctx, c, "UpdateProvisionedLimit", map[string]any{"LimitDefinition": def, "RequestedLimitValue": value}, &out)
	return out.Limit, err
}

func category(name string) limitDef {
	return limitDef{LimitClass: "API_CATEGORY", Attributes: map[string]string{"Category": name}}
}

// frozenClock is a settable instant shared with the server's goroutines.
type frozenClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *frozenClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *frozenClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// listUsersAllowed counts how many of n ListUsers calls at one instant pass;
// the rest must be TooManyRequestsException.
func listUsersAllowed(t *testing.T, ctx context.Context, c *cognito.Client, poolID *string, n int) int {
	t.Helper()
	ok := 0
	for i := 0; i < n; i++ {
		_, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: poolID})
		if err == nil {
			ok++
			continue
		}
		wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
	}
	return ok
}

// GetProvisionedLimit reports a category's rate and Cognito's default;
// UpdateProvisionedLimit changes the rate at once, within Cognito's default
// and the configured maximum, answering AWS's errors otherwise; a restarted
// node keeps the provisioned rate.
func TestProvisionedLimits(t *testing.T) {
	dir := t.TempDir()
	clk := &frozenClock{now: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	start := func() *testServer {
		ts := startServerWith(t, dir, func(c *config.Config) { c.RateLimits = "cognito" })
		ts.App.SetNow(clk.Now)
		return ts
	}
	ts := start()
	c := ts.client("us-east-1", true)
	ctx := context.Background()
	// LimitManagement holds 1 request a second: each call below comes a
	// second after the last.
	step := func() { clk.Add(1100 * time.Millisecond) }

	step()
	l, err := getLimit(ctx, c, category("UserList"))
	if err != nil {
		t.Fatal(err)
	}
	if l.ProvisionedLimitValue != 30 || l.FreeLimitValue != 30 || l.LimitDefinition.LimitClass != "API_CATEGORY" ||
		l.LimitDefinition.Attributes["Category"] != "UserList" || len(l.LimitDefinition.Attributes) != 1 {
		t.Fatalf("GetProvisionedLimit UserList = %+v; want 30 provisioned, 30 free, the definition echoed", l)
	}

	// The enforced rate before the change: 30 of 45 calls at one instant.
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("provisioned")})).UserPool
	if got := listUsersAllowed(t, ctx, c, pool.Id, 45); got != 30 {
		t.Fatalf("UserList at Cognito's 30/s let %d of 45 through", got)
	}

	step()
	l, err = updateLimit(ctx, c, category("UserList"), 40)
	if err != nil {
		t.Fatal(err)
	}
	if l.ProvisionedLimitValue != 40 || l.FreeLimitValue != 30 || l.LimitDefinition.Attributes["Category"] != "UserList" {
		t.Fatalf("UpdateProvisionedLimit UserList 40 = %+v", l)
	}
	step()
	if l, err = getLimit(ctx, c, category("UserList")); err != nil || l.ProvisionedLimitValue != 40 || l.FreeLimitValue != 30 {
		t.Fatalf("GetProvisionedLimit after the update = %+v, %v; want 40 provisioned, 30 free", l, err)
	}
	// The new rate holds at once: 40 of 45 calls at one instant.
	if got := listUsersAllowed(t, ctx, c, pool.Id, 45); got != 40 {
		t.Fatalf("UserList provisioned at 40/s let %d of 45 through", got)
	}
	// Other categories keep theirs.
	step()
	if l, err = getLimit(ctx, c, category("UserAuthentication")); err != nil || l.ProvisionedLimitValue != 120 || l.FreeLimitValue != 120 {
		t.Fatalf("GetProvisionedLimit UserAuthentication = %+v, %v", l, err)
	}

	// Errors.
	for _, tc := range []struct {
		name  string
		def   limitDef
		value int32
		typ   string
		msg   string
	}{
		{"below the default", category("UserList"), 29, "InvalidParameterException", "below the default limit of 30"},
		{"above the maximum", category("UserList"), 301, "ServiceQuotaExceededException", "exceeds the maximum limit of 300"},
		{"unknown category", category("UserDeletion"), 50, "InvalidParameterException", `Invalid Category "UserDeletion"`},
		{"gognito's own category", category("HostedUI"), 600, "InvalidParameterException", `Invalid Category "HostedUI"`},
		{"no category", limitDef{LimitClass: "API_CATEGORY", Attributes: map[string]string{}}, 50, "InvalidParameterException", "must contain Category"},
		{"another attribute", limitDef{LimitClass: "API_CATEGORY", Attributes: map[string]string{"Category": "UserList", "Region": "eu-west-1"}}, 50, "InvalidParameterException", `Invalid attribute "Region"`},
		{"another class", limitDef{LimitClass: "RESOURCE_COUNT", Attributes: map[string]string{"Category": "UserList"}}, 50, "InvalidParameterException", "at 'limitDefinition.limitClass' failed to satisfy constraint"},
	} {
		step()
		_, err := updateLimit(ctx, c, tc.def, tc.value)
		if err == nil {
			t.Fatalf("%s: UpdateProvisionedLimit accepted", tc.name)
		}
		wantAPIError(t, err, tc.typ, tc.msg)
		if tc.typ == "InvalidParameterException" && tc.value == 50 {
			step()
			_, err = getLimit(ctx, c, tc.def)
			wantAPIError(t, err, tc.typ, tc.msg)
		}
	}
	// The maximum itself is accepted (10 times the default by default).
	step()
	if l, err = updateLimit(ctx, c, category("UserCreation"), 500); err != nil || l.ProvisionedLimitValue != 500 || l.FreeLimitValue != 50 {
		t.Fatalf("UpdateProvisionedLimit UserCreation 500 = %+v, %v", l, err)
	}
	// LimitManagement itself holds 1 a second.
	_, err = getLimit(ctx, c, category("UserList"))
	wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")

	// A restarted node applies what was provisioned.
	ts.stop()
	ts = start()
	c = ts.client("us-east-1", true)
	step()
	if l, err = getLimit(ctx, c, category("UserList")); err != nil || l.ProvisionedLimitValue != 40 {
		t.Fatalf("GetProvisionedLimit after a restart = %+v, %v; want 40", l, err)
	}
	step()
	if got := listUsersAllowed(t, ctx, c, pool.Id, 45); got != 40 {
		t.Fatalf("after a restart, UserList provisioned at 40/s let %d of 45 through", got)
	}
}

// With --rate-limits off a provisioned rate is stored and reported but
// nothing is throttled; it is enforced once the limits are on.
func TestProvisionedLimitsWithLimitsOff(t *testing.T) {
	dir := t.TempDir()
	clk := &frozenClock{now: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	ts := startServerWith(t, dir, func(c *config.Config) { c.RateLimits = "off"; c.ProvisionedLimitFactor = 2 })
	ts.App.SetNow(clk.Now)
	c := ts.client("us-east-1", true)
	ctx := context.Background()

	if l, err := getLimit(ctx, c, category("UserList")); err != nil || l.ProvisionedLimitValue != 30 || l.FreeLimitValue != 30 {
		t.Fatalf("GetProvisionedLimit with limits off = %+v, %v; want Cognito's default", l, err)
	}
	// --provisioned-limit-factor 2: at most 60.
	_, err := updateLimit(ctx, c, category("UserList"), 61)
	wantAPIError(t, err, "ServiceQuotaExceededException", "maximum limit of 60")
	if l, err := updateLimit(ctx, c, category("UserList"), 31); err != nil || l.ProvisionedLimitValue != 31 {
		t.Fatalf("UpdateProvisionedLimit with limits off = %+v, %v", l, err)
	}
	if l, err := getLimit(ctx, c, category("UserList")); err != nil || l.ProvisionedLimitValue != 31 {
		t.Fatalf("GetProvisionedLimit after the update = %+v, %v; want 31", l, err)
	}
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("unlimited")})).UserPool
	if got := listUsersAllowed(t, ctx, c, pool.Id, 40); got != 40 {
		t.Fatalf("with limits off %d of 40 ListUsers passed", got)
	}

	ts.stop()
	ts = startServerWith(t, dir, func(c *config.Config) { c.RateLimits = "cognito" })
	ts.App.SetNow(clk.Now)
	c = ts.client("us-east-1", true)
	if got := listUsersAllowed(t, ctx, c, pool.Id, 40); got != 31 {
		t.Fatalf("limits on: UserList provisioned at 31/s let %d of 40 through", got)
	}
}

// A rate provisioned through node A holds on node B too, once B heard of it
// (PostgreSQL LISTEN/NOTIFY), without a restart.
func TestProvisionedLimitOnTwoNodes(t *testing.T) {
	dsn := pgtest.DSN(t)
	keyFile := filepath.Join(t.TempDir(), "secret.key")
	node := func(c *config.Config) {
		c.Database, c.SecretKeyFile, c.PublicURL = dsn, keyFile, "https://idp.gognito.test"
		c.RateLimits = "cognito"
	}
	a, b := startServerWith(t, t.TempDir(), node), startServerWith(t, t.TempDir(), node)
	clk := &frozenClock{now: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	a.App.SetNow(clk.Now)
	b.App.SetNow(clk.Now)
	ca, cb := a.client("us-east-1", true), b.client("us-east-1", true)
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("shared")})).UserPool
	if got := listUsersAllowed(t, ctx, cb, pool.Id, 45); got != 30 {
		t.Fatalf("node B before the change let %d of 45 through, want 30", got)
	}

	clk.Add(2 * time.Second)
	if _, err := updateLimit(ctx, ca, category("UserList"), 42); err != nil {
		t.Fatal(err)
	}
	clk.Add(2 * time.Second)
	if l, err := getLimit(ctx, cb, category("UserList")); err != nil || l.ProvisionedLimitValue != 42 {
		t.Fatalf("node B's GetProvisionedLimit = %+v, %v; want 42", l, err)
	}
	// Node B applies it when the announcement arrives: each try starts with
	// full buckets (two seconds later on the frozen clock).
	got := 0
	for deadline := time.Now().Add(10 * time.Second); got != 42 && time.Now().Before(deadline); {
		clk.Add(2 * time.Second)
		got = listUsersAllowed(t, ctx, cb, pool.Id, 45)
		if got != 42 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if got != 42 {
		t.Fatalf("node B kept letting %d of 45 through; want the provisioned 42", got)
	}
}
