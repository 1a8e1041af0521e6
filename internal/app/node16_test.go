package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/edge/edgetest"
)

// The JavaScript clients of issue 16: aws-amplify v6 against the API
// (test/node/amplify.test.mjs) and openid-client v6 through a user pool
// domain over HTTPS (test/node/oidc.test.mjs). The pools, clients and
// users are prepared here with aws-sdk-go-v2; the Node files do the rest.

// amplifyGraceSeconds is the rotating client's RetryGracePeriodSeconds.
const amplifyGraceSeconds = 10

// TestNodeAmplify runs test/node/amplify.test.mjs: aws-amplify v6 signs a
// user up (the code read from the outbox), confirms it, signs in with SRP,
// refreshes with fetchAuthSession({ forceRefresh: true }) through an app
// client without refresh-token rotation and one with it (and a grace
// period, which the Node side passes by moving the server's clock through
// startClockControl), updates attributes, signs out globally, and signs
// out of the rotating client (RevokeToken revokes the rotated family); jose
// verifies every token against the JWKS.
func TestNodeAmplify(t *testing.T) {
	node := nodeRuntime(t)
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)

	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("node-amplify"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})).UserPool
	flows := []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	fixed := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id,
		ClientName: aws.String("amplify-fixed"), ExplicitAuthFlows: flows,
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeDisabled}})).UserPoolClient
	rotating := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id,
		ClientName: aws.String("amplify-rotating"), ExplicitAuthFlows: flows,
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(amplifyGraceSeconds)}})).UserPoolClient
	for _, cl := range []*types.UserPoolClientType{fixed, rotating} {
		if cl.ClientSecret != nil {
			t.Fatalf("the app client %s has a secret; Amplify needs a public one", aws.ToString(cl.ClientName))
		}
	}

	env := append(awsEnv(t),
		"NO_COLOR=1",
		"GOGNITO_ENDPOINT="+ts.URL,
		"GOGNITO_REGION=us-east-1",
		"GOGNITO_POOL_ID="+aws.ToString(pool.Id),
		"GOGNITO_CLIENT_ID="+aws.ToString(fixed.ClientId),
		"GOGNITO_ROTATING_CLIENT_ID="+aws.ToString(rotating.ClientId),
		"GOGNITO_GRACE_SECONDS="+strconv.Itoa(amplifyGraceSeconds),
		"GOGNITO_ISSUER="+ts.URL+"/"+aws.ToString(pool.Id),
		"GOGNITO_CLOCK="+startClockControl(t, ts),
	)
	runNodeTests(t, node, "amplify.test.mjs", env, 7)
}

// startClockControl serves, on a loopback port of the test's own (never on
// the server's listeners), POST /advance?seconds=N, which moves the
// server's one clock N seconds (1 to 3600) further ahead of the system
// clock with App.SetNow, and answers {"offsetSeconds": total}. The Node
// tests pass a refresh token's grace period with it instead of sleeping.
func startClockControl(t *testing.T, ts *testServer) string {
	t.Helper()
	var mu sync.Mutex
	var offset time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/advance" {
			http.Error(w, "POST /advance?seconds=N", http.StatusNotFound)
			return
		}
		n, err := strconv.Atoi(r.URL.Query().Get("seconds"))
		if err != nil || n < 1 || n > 3600 {
			http.Error(w, "seconds must be 1 to 3600", http.StatusBadRequest)
			return
		}
		mu.Lock()
		offset += time.Duration(n) * time.Second
		off := offset
		mu.Unlock()
		ts.App.SetNow(func() time.Time { return time.Now().Add(off) })
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"offsetSeconds":%d}`, int(off/time.Second))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { ts.App.SetNow(nil) })
	return srv.URL
}

// TestNodeOpenIDClient runs test/node/oidc.test.mjs: openid-client v6
// discovers the pool (whose endpoints are its prefix domain's, over HTTPS
// on the edge with a certificate of gognito's local CA, which Node trusts
// through NODE_EXTRA_CA_CERTS), signs a user in through the hosted login
// with PKCE (the pages driven by fetch), exchanges the code, refreshes,
// reads userInfo, and logs out RP-initiated (post_logout_redirect_uri,
// id_token_hint, state); through a second client, with refresh-token
// rotation and no grace period, the refresh grant rotates.
func TestNodeOpenIDClient(t *testing.T) {
	node := nodeRuntime(t)
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	const (
		prefix      = "nodeoidc"
		host        = prefix + ".auth.us-east-1.localhost"
		redirectURI = "http://localhost:8765/callback"
		logoutURI   = "http://localhost:8765/signed-out"
	)

	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("node-oidc")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(prefix), UserPoolId: pool.Id}))
	app := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id,
		ClientName: aws.String("openid-client"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{redirectURI}, LogoutURLs: []string{logoutURI},
		SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).UserPoolClient
	rotating := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id,
		ClientName: aws.String("openid-client-rotating"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{redirectURI}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows:    []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)}})).UserPoolClient
	if app.ClientSecret == nil || rotating.ClientSecret == nil {
		t.Fatal("a confidential app client has no secret")
	}
	password := nodeTestPassword(t)
	const username = "oliver"
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", "oliver@example.com", "email_verified", "true")}))
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id,
		Username: aws.String(username), Password: aws.String(password), Permanent: true}))

	// gognito's local CA, for Node, and the edge serving the domain.
	caPEM := must[[]byte](t)(caPEMOf(ts))
	caFile := filepath.Join(t.TempDir(), "gognito-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	roots := rootsOf(caPEM)
	waitFor(t, 5*time.Second, "the edge to serve "+host, func() (bool, error) {
		_, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		return err == nil, err
	})
	_, edgePort, _ := net.SplitHostPort(ts.EdgeAddr)
	if strings.TrimSpace(edgePort) == "" {
		t.Fatalf("no edge port in %q", ts.EdgeAddr)
	}

	env := append(awsEnv(t),
		"NO_COLOR=1",
		"NODE_EXTRA_CA_CERTS="+caFile,
		"GOGNITO_ENDPOINT="+ts.URL,
		"GOGNITO_ISSUER="+ts.URL+"/"+aws.ToString(pool.Id),
		"GOGNITO_DOMAIN=https://"+host+":"+edgePort,
		"GOGNITO_CLIENT_ID="+aws.ToString(app.ClientId),
		"GOGNITO_CLIENT_SECRET="+aws.ToString(app.ClientSecret),
		"GOGNITO_ROTATING_CLIENT_ID="+aws.ToString(rotating.ClientId),
		"GOGNITO_ROTATING_CLIENT_SECRET="+aws.ToString(rotating.ClientSecret),
		"GOGNITO_REDIRECT_URI="+redirectURI,
		"GOGNITO_LOGOUT_URI="+logoutURI,
		"GOGNITO_USER="+username,
		"GOGNITO_PASSWORD="+password,
	)
	runNodeTests(t, node, "oidc.test.mjs", env, 6)
}
