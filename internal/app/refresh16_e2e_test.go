package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Issue 16 item 1: GetTokensFromRefreshToken and refresh-token rotation.

// rotation is an app client's RefreshTokenRotation, ENABLED with a grace
// period of grace seconds.
func rotation(grace int32) *types.RefreshTokenRotationType {
	return &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(grace)}
}

// later moves the server's clock d ahead of the real one.
func later(ts *testServer, d time.Duration) {
	ts.App.SetNow(func() time.Time { return time.Now().Add(d) })
}

// getTokens calls GetTokensFromRefreshToken for the fixture's client.
func (f *authFixture) getTokens(token string) (*types.AuthenticationResultType, error) {
	in := &cognito.GetTokensFromRefreshTokenInput{ClientId: f.client.ClientId, RefreshToken: &token, ClientSecret: f.client.ClientSecret}
	out, err := f.c.GetTokensFromRefreshToken(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

// signIn signs a user in with USER_PASSWORD_AUTH and returns the tokens.
func (f *authFixture) signIn(t *testing.T, username string) *types.AuthenticationResultType {
	t.Helper()
	return must[*cognito.InitiateAuthOutput](t)(f.passwordAuth(username, "Passw0rd!")).AuthenticationResult
}

// TestGetTokensRotationOff: a client without rotation describes
// RefreshTokenRotation as DISABLED with no grace period; a refresh gives ID
// and access tokens only, and the refresh token keeps working (also with
// REFRESH_TOKEN_AUTH). DeviceKey is accepted.
func TestGetTokensRotationOff(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	if r := f.client.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeDisabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 0 {
		t.Fatalf("created client's RefreshTokenRotation %+v", r)
	}
	d := must[*cognito.DescribeUserPoolClientOutput](t)(f.c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId})).UserPoolClient
	if r := d.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeDisabled || r.RetryGracePeriodSeconds == nil || *r.RetryGracePeriodSeconds != 0 {
		t.Fatalf("described RefreshTokenRotation %+v", r)
	}
	f.confirmedUser(t, "ann", "Passw0rd!", "email", "ann@example.com")
	first := f.signIn(t, "ann")
	for range 2 {
		out := must[*cognito.GetTokensFromRefreshTokenOutput](t)(f.c.GetTokensFromRefreshToken(ctx, &cognito.GetTokensFromRefreshTokenInput{
			ClientId: f.client.ClientId, RefreshToken: first.RefreshToken, DeviceKey: aws.String("us-east-1_0f1e2d3c-aaaa-4bbb-8ccc-000000000001")})).AuthenticationResult
		if out.RefreshToken != nil || out.IdToken == nil || out.AccessToken == nil || out.ExpiresIn != 3600 || aws.ToString(out.TokenType) != "Bearer" {
			t.Fatalf("refresh without rotation %+v", out)
		}
		if f.verifyJWT(t, *out.IdToken)["cognito:username"] != "ann" {
			t.Fatal("refreshed ID token of another user")
		}
		if u := must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: out.AccessToken})); aws.ToString(u.Username) != "ann" {
			t.Fatalf("GetUser with the refreshed access token: %+v", u)
		}
	}
	later(f.ts, 10*time.Minute)
	defer f.ts.App.SetNow(nil)
	must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}}))
}

// TestGetTokensRotationOn: with rotation, each refresh returns a new
// refresh token, different from the one sent; the old one keeps working
// within the grace period and is refused with RefreshTokenReuseException
// after it; a rotated token expires with the one the user signed in with;
// REFRESH_TOKEN_AUTH is refused (InitiateAuth and AdminInitiateAuth).
func TestGetTokensRotationOn(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{RefreshTokenRotation: rotation(30),
		RefreshTokenValidity: 60, TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes}})
	ctx := context.Background()
	defer f.ts.App.SetNow(nil)
	if r := f.client.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeEnabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 30 {
		t.Fatalf("created client's RefreshTokenRotation %+v", r)
	}
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")

	// REFRESH_TOKEN_AUTH is refused, on both operations.
	_, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}})
	wantAPIError(t, err, "InvalidParameterException", "GetTokensFromRefreshToken")
	_, err = f.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}})
	wantAPIError(t, err, "InvalidParameterException", "GetTokensFromRefreshToken")

	later(f.ts, 20*time.Minute)
	second := must[*types.AuthenticationResultType](t)(f.getTokens(*first.RefreshToken))
	if second.RefreshToken == nil || *second.RefreshToken == *first.RefreshToken || second.IdToken == nil || second.AccessToken == nil {
		t.Fatalf("rotation: %+v", second)
	}
	id1, id2 := f.verifyJWT(t, *first.IdToken), f.verifyJWT(t, *second.IdToken)
	if id1["origin_jti"] != id2["origin_jti"] || id1["auth_time"] != id2["auth_time"] {
		t.Fatalf("the rotated token is not of the same family: %v %v", id1, id2)
	}

	// Within the grace period the old token still works (a retry), and it
	// gets a new refresh token too.
	later(f.ts, 20*time.Minute+10*time.Second)
	retry := must[*types.AuthenticationResultType](t)(f.getTokens(*first.RefreshToken))
	if retry.RefreshToken == nil || *retry.RefreshToken == *first.RefreshToken || *retry.RefreshToken == *second.RefreshToken {
		t.Fatalf("retry within the grace period: %+v", retry)
	}
	// After it, refused; the new one works, and rotates in turn.
	later(f.ts, 20*time.Minute+45*time.Second)
	_, err = f.getTokens(*first.RefreshToken)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
	third := must[*types.AuthenticationResultType](t)(f.getTokens(*second.RefreshToken))
	if third.RefreshToken == nil || *third.RefreshToken == *second.RefreshToken {
		t.Fatalf("second rotation: %+v", third)
	}

	// A rotated token lives as long as the first one (60 minutes from the
	// sign-in), not 60 minutes from its rotation.
	later(f.ts, 59*time.Minute)
	must[*types.AuthenticationResultType](t)(f.getTokens(*third.RefreshToken))
	later(f.ts, 61*time.Minute)
	_, err = f.getTokens(*retry.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// TestGetTokensGraceZero: without a grace period the old token is refused
// at once, and of refreshes of one token racing, exactly one succeeds.
func TestGetTokensGraceZero(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{RefreshTokenRotation: rotation(0)})
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")
	second := must[*types.AuthenticationResultType](t)(f.getTokens(*first.RefreshToken))
	_, err := f.getTokens(*first.RefreshToken)
	wantAPIError(t, err, "RefreshTokenReuseException", "")

	const n = 8
	var wg sync.WaitGroup
	results := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := f.getTokens(*second.RefreshToken)
			results <- err
		})
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
		} else {
			wantAPIError(t, err, "RefreshTokenReuseException", "")
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d racing refreshes of one token succeeded, want 1", ok, n)
	}
}

// TestRefreshFamilyRevocation: revoking any token of a family revokes the
// family, whichever way (an old token revokes the rotated ones, a rotated
// one the old ones, also within the grace period), and so do GlobalSignOut
// and AdminUserGlobalSignOut.
func TestRefreshFamilyRevocation(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{RefreshTokenRotation: rotation(60)})
	ctx := context.Background()
	f.confirmedUser(t, "ann", "Passw0rd!")
	revoke := func(token string) {
		t.Helper()
		must[*cognito.RevokeTokenOutput](t)(f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: f.client.ClientId, Token: &token}))
	}
	wantRevoked := func(tokens ...*string) {
		t.Helper()
		for _, tok := range tokens {
			_, err := f.getTokens(*tok)
			wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		}
	}

	// The old token revokes the rotated one (and its access token).
	old := f.signIn(t, "ann")
	rotated := must[*types.AuthenticationResultType](t)(f.getTokens(*old.RefreshToken))
	revoke(*old.RefreshToken)
	wantRevoked(old.RefreshToken, rotated.RefreshToken)
	_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: rotated.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")

	// The rotated token revokes the old one, within its grace period too.
	old = f.signIn(t, "ann")
	rotated = must[*types.AuthenticationResultType](t)(f.getTokens(*old.RefreshToken))
	revoke(*rotated.RefreshToken)
	wantRevoked(old.RefreshToken, rotated.RefreshToken)

	// GlobalSignOut with a rotated access token ends the whole family.
	old = f.signIn(t, "ann")
	rotated = must[*types.AuthenticationResultType](t)(f.getTokens(*old.RefreshToken))
	must[*cognito.GlobalSignOutOutput](t)(f.c.GlobalSignOut(ctx, &cognito.GlobalSignOutInput{AccessToken: rotated.AccessToken}))
	wantRevoked(old.RefreshToken, rotated.RefreshToken)

	// And AdminUserGlobalSignOut.
	old = f.signIn(t, "ann")
	rotated = must[*types.AuthenticationResultType](t)(f.getTokens(*old.RefreshToken))
	must[*cognito.AdminUserGlobalSignOutOutput](t)(f.c.AdminUserGlobalSignOut(ctx, &cognito.AdminUserGlobalSignOutInput{UserPoolId: &f.poolID, Username: aws.String("ann")}))
	wantRevoked(old.RefreshToken, rotated.RefreshToken)
	// A new sign-in starts a new family.
	must[*types.AuthenticationResultType](t)(f.getTokens(*f.signIn(t, "ann").RefreshToken))
}

// TestTokenEndpointRotates: the token endpoint's refresh_token grant returns
// a new refresh_token for a rotating client, refuses the old one after the
// grace period (invalid_grant), and returns none without rotation.
func TestTokenEndpointRotates(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{GenerateSecret: true, RefreshTokenRotation: rotation(5)})
	ctx := context.Background()
	defer f.ts.App.SetNow(nil)
	must[*cognito.CreateUserPoolDomainOutput](t)(f.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("rotating"), UserPoolId: &f.poolID}))
	_, apiPort, _ := net.SplitHostPort(strings.TrimPrefix(f.ts.URL, "http://"))
	tokenURL := "http://rotating.auth.us-east-1.localhost:" + apiPort + "/oauth2/token"
	hc := hostClient(f.ts, nil, nil)
	grant := func(client *types.UserPoolClientType, refresh string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(*client.ClientId, aws.ToString(client.ClientSecret))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var out map[string]any
		json.Unmarshal(body, &out)
		return resp.StatusCode, out
	}
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")
	status, out := grant(f.client, *first.RefreshToken)
	next, _ := out["refresh_token"].(string)
	if status != 200 || next == "" || next == *first.RefreshToken || out["access_token"] == nil || out["id_token"] == nil {
		t.Fatalf("refresh_token grant with rotation: %d %v", status, out)
	}
	later(f.ts, 10*time.Second)
	if status, out := grant(f.client, *first.RefreshToken); status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("the rotated-out token after the grace period: %d %v", status, out)
	}
	if status, out := grant(f.client, next); status != 200 || out["refresh_token"] == nil {
		t.Fatalf("the new token: %d %v", status, out)
	}
	// The API takes the token the endpoint rotated.
	must[*types.AuthenticationResultType](t)(f.getTokens(next))

	// Without rotation: no refresh_token in the answer.
	plain := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("plain"), ExplicitAuthFlows: allFlows})).UserPoolClient
	pf := &authFixture{ts: f.ts, c: f.c, poolID: f.poolID, client: plain}
	r := pf.signIn(t, "ann")
	if status, out := grant(plain, *r.RefreshToken); status != 200 || out["refresh_token"] != nil || out["access_token"] == nil {
		t.Fatalf("refresh_token grant without rotation: %d %v", status, out)
	}
}

// TestGetTokensTrigger: the PreTokenGeneration trigger runs as
// TokenGeneration_RefreshTokens with the request's ClientMetadata, and its
// changes are in the refreshed tokens.
func TestGetTokensTrigger(t *testing.T) {
	fl := newFakeLambda(t)
	preToken := fl.handle("preToken", func(ev map[string]any) (any, error) {
		return map[string]any{"claimsOverrideDetails": map[string]any{"claimsToAddOrOverride": map[string]any{"tenant": "acme"}}}, nil
	})
	f := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{PreTokenGeneration: &preToken}},
		&cognito.CreateUserPoolClientInput{RefreshTokenRotation: rotation(0)})
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")
	fl.reset()
	out := must[*cognito.GetTokensFromRefreshTokenOutput](t)(f.c.GetTokensFromRefreshToken(context.Background(), &cognito.GetTokensFromRefreshTokenInput{
		ClientId: f.client.ClientId, RefreshToken: first.RefreshToken, ClientMetadata: map[string]string{"app": "web"}})).AuthenticationResult
	ev := fl.only("TokenGeneration_RefreshTokens")
	wantCommon(t, ev, "1", f.poolID, *f.client.ClientId, "ann")
	if path(ev, "request", "clientMetadata", "app") != "web" {
		t.Fatalf("PreTokenGeneration event %v", ev)
	}
	if f.verifyJWT(t, *out.IdToken)["tenant"] != "acme" || out.RefreshToken == nil {
		t.Fatalf("refreshed tokens without the trigger's claim: %+v", out)
	}
}

// TestGetTokensErrors: the client secret (missing, wrong), an unknown
// client, a token of another client, a malformed and an expired token, a
// deleted user, and RefreshTokenRotation's validation.
func TestGetTokensErrors(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{GenerateSecret: true, RefreshTokenRotation: rotation(10)})
	ctx := context.Background()
	defer f.ts.App.SetNow(nil)
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")
	call := func(clientID, secret, token string) error {
		in := &cognito.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: &token}
		if secret != "" {
			in.ClientSecret = &secret
		}
		_, err := f.c.GetTokensFromRefreshToken(ctx, in)
		return err
	}
	id, secret := *f.client.ClientId, *f.client.ClientSecret
	wantAPIError(t, call(id, "", *first.RefreshToken), "NotAuthorizedException", "secret was not received")
	wantAPIError(t, call(id, secret+"x", *first.RefreshToken), "NotAuthorizedException", "Unable to verify secret")
	wantAPIError(t, call("nosuchclient1234567890", "", *first.RefreshToken), "ResourceNotFoundException", "")
	wantAPIError(t, call(id, secret, "not-a-refresh-token"), "NotAuthorizedException", "Invalid Refresh Token")
	wantAPIError(t, call(id, secret, *first.AccessToken), "NotAuthorizedException", "Invalid Refresh Token")

	// A token of another client of the pool.
	other := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("other"), ExplicitAuthFlows: allFlows})).UserPoolClient
	otherTok := (&authFixture{ts: f.ts, c: f.c, poolID: f.poolID, client: other}).signIn(t, "ann")
	wantAPIError(t, call(id, secret, *otherTok.RefreshToken), "NotAuthorizedException", "Invalid Refresh Token")
	wantAPIError(t, call(*other.ClientId, "", *first.RefreshToken), "NotAuthorizedException", "Invalid Refresh Token")

	// A missing RefreshToken (past the SDK's own check).
	raw := f.ts.client("us-east-1", true)
	_, err := raw.GetTokensFromRefreshToken(ctx, &cognito.GetTokensFromRefreshTokenInput{ClientId: &id, ClientSecret: &secret})
	wantAPIError(t, err, "InvalidParameterException", "")

	// Validation of RefreshTokenRotation.
	_, err = raw.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("x"), RefreshTokenRotation: rotation(61)})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = raw.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("x"), RefreshTokenRotation: &types.RefreshTokenRotationType{RetryGracePeriodSeconds: aws.Int32(5)}})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = raw.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("x"), RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: "SOMETIMES"}})
	wantAPIError(t, err, "InvalidParameterException", "")

	// A deleted user's token.
	must[*types.AuthenticationResultType](t)(f.getTokens(*first.RefreshToken))
	must[*cognito.AdminDeleteUserOutput](t)(f.c.AdminDeleteUser(ctx, &cognito.AdminDeleteUserInput{UserPoolId: &f.poolID, Username: aws.String("ann")}))
	_, err = f.getTokens(*first.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "")

	// An expired token (30 days by default).
	f.confirmedUser(t, "bob", "Passw0rd!")
	bob := f.signIn(t, "bob")
	later(f.ts, 31*24*time.Hour)
	_, err = f.getTokens(*bob.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// TestUpdateClientRefreshRotation: UpdateUserPoolClient turns rotation on
// (described as given; a grace period left out is 0) and, left out, off
// again; REFRESH_TOKEN_AUTH follows.
func TestUpdateClientRefreshRotation(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	f.confirmedUser(t, "ann", "Passw0rd!")
	first := f.signIn(t, "ann")
	refreshAuth := func() error {
		_, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *first.RefreshToken}})
		return err
	}
	describe := func() *types.RefreshTokenRotationType {
		return must[*cognito.DescribeUserPoolClientOutput](t)(f.c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId})).UserPoolClient.RefreshTokenRotation
	}
	if err := refreshAuth(); err != nil {
		t.Fatal(err)
	}
	up := must[*cognito.UpdateUserPoolClientOutput](t)(f.c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		ExplicitAuthFlows: allFlows, RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled}})).UserPoolClient
	if r := up.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeEnabled || r.RetryGracePeriodSeconds == nil || *r.RetryGracePeriodSeconds != 0 {
		t.Fatalf("updated RefreshTokenRotation %+v", r)
	}
	if r := describe(); r == nil || r.Feature != types.FeatureTypeEnabled {
		t.Fatalf("described RefreshTokenRotation %+v", r)
	}
	wantAPIError(t, refreshAuth(), "InvalidParameterException", "rotation")
	if r := must[*types.AuthenticationResultType](t)(f.getTokens(*first.RefreshToken)); r.RefreshToken == nil {
		t.Fatal("no new refresh token after rotation was turned on")
	}
	must[*cognito.UpdateUserPoolClientOutput](t)(f.c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		ExplicitAuthFlows: allFlows}))
	if r := describe(); r == nil || r.Feature != types.FeatureTypeDisabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 0 {
		t.Fatalf("RefreshTokenRotation left out of an update: %+v", r)
	}
	second := f.signIn(t, "ann")
	first = second
	if err := refreshAuth(); err != nil {
		t.Fatalf("REFRESH_TOKEN_AUTH after rotation was turned off: %v", err)
	}
}

// TestRefreshRotationAcrossNodesOnPostgres: a refresh token rotated through
// node A works through node B within the grace period, and is refused
// through B after it; the rotated token works through B; racing refreshes
// of one token through both nodes without a grace period: one succeeds.
func TestRefreshRotationAcrossNodesOnPostgres(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	ca, cb := a.client("us-east-1", false), b.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("shared")})).UserPool
	client := func(grace int32) *types.UserPoolClientType {
		return must[*cognito.CreateUserPoolClientOutput](t)(ca.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("app"),
			ExplicitAuthFlows: allFlows, RefreshTokenRotation: rotation(grace)})).UserPoolClient
	}
	fa := &authFixture{ts: a, c: ca, poolID: *pool.Id, client: client(20)}
	fb := &authFixture{ts: b, c: cb, poolID: *pool.Id, client: fa.client}
	fa.confirmedUser(t, "pat", "Passw0rd!")
	defer a.App.SetNow(nil)
	defer b.App.SetNow(nil)

	first := fa.signIn(t, "pat")
	rotated := must[*types.AuthenticationResultType](t)(fa.getTokens(*first.RefreshToken))
	later(b, 5*time.Second)
	must[*types.AuthenticationResultType](t)(fb.getTokens(*first.RefreshToken)) // within the grace period
	later(b, 30*time.Second)
	_, err := fb.getTokens(*first.RefreshToken)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
	if r := must[*types.AuthenticationResultType](t)(fb.getTokens(*rotated.RefreshToken)); r.RefreshToken == nil {
		t.Fatal("no new refresh token through B")
	}
	b.App.SetNow(nil)

	// Grace 0: refreshes of one token racing through both nodes.
	fa.client = client(0)
	fb.client = fa.client
	tok := fa.signIn(t, "pat")
	const n = 6
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := []*authFixture{fa, fb}[i%2].getTokens(*tok.RefreshToken)
			results <- err
		})
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
		} else {
			wantAPIError(t, err, "RefreshTokenReuseException", "")
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d racing refreshes through two nodes succeeded, want 1", ok, n)
	}
}
