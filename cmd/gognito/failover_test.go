package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/edge/edgetest"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// Failover timings of this test: a node silent for 2 s counts as gone; the
// documented detection time is then node-timeout + health interval (1 s)
// + one heartbeat (1 s) = 4 s. The polls below allow 15 s so that a slow
// machine does not fail them; they assert no timing.
const (
	failoverNodeTimeout = "2s"
	failoverDeadline    = 15 * time.Second
)

func regionClient(url, region string) *cognito.Client {
	return cognito.New(cognito.Options{Region: region, BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", "")})
}

// edgeClient is a browser for a custom domain, dialling one node's edge.
func edgeClient(edgeAddr string, roots *x509.CertPool) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{Timeout: 2 * time.Second}
	return &http.Client{
		Jar:     jar,
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, edgeAddr)
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

var failoverCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// hostedSignIn signs a user in through a domain's hosted login page and
// exchanges the code at /oauth2/token; it returns the access token.
func hostedSignIn(hc *http.Client, host, clientID, callback, username, password string) (string, error) {
	authorize := "https://" + host + "/oauth2/authorize?" + url.Values{"client_id": {clientID}, "response_type": {"code"},
		"redirect_uri": {callback}, "scope": {"openid aws.cognito.signin.user.admin"}, "state": {"st"}}.Encode()
	resp, err := hc.Get(authorize)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Path != "/login" {
		return "", errors.New("authorize: " + resp.Status)
	}
	resp, err = hc.Get(loc.String())
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := failoverCSRF.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(string(page), `name="password"`) {
		return "", errors.New("the hosted login page: " + resp.Status)
	}
	resp, err = hc.PostForm(loc.String(), url.Values{"_csrf": {string(m[1])}, "username": {username}, "password": {password}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	back, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || back == nil || back.Query().Get("code") == "" || !strings.HasPrefix(back.String(), callback) {
		return "", errors.New("sign-in: " + resp.Status)
	}
	resp, err = hc.PostForm("https://"+host+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID},
		"code": {back.Query().Get("code")}, "redirect_uri": {callback}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", errors.New("token: " + resp.Status)
	}
	return tok.AccessToken, nil
}

// TestRegionReplicaFailover runs gognito processes for two Regions on one
// PostgreSQL: a pool of us-east-1 gets a replica in us-west-2; a user
// created through the us-east-1 node signs in through the us-west-2 node
// (SECONDARY: directory writes refused), and tokens of either verify in
// both. Its custom domain, routed to fail over to us-west-2, is served by
// the us-east-1 edge only; with the us-east-1 node killed it is served
// (TLS and the hosted login page, where sign-in works) by the us-west-2
// edge within the detection time; with a us-east-1 node back, by it again.
func TestRegionReplicaFailover(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	env := []string{"GOGNITO_DATABASE=" + dsn, "GOGNITO_SECRET_KEY_FILE=" + filepath.Join(dir, "secret.key"), "GOGNITO_PUBLIC_URL=https://idp.gognito.test"}
	start := func(name, region string) *node {
		n := startNode(t, ctx, bin, t.TempDir(), env, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
			"--data-dir", filepath.Join(dir, name), "--region", region, "--node-timeout", failoverNodeTimeout)
		if n.url == "" || n.edge == "" {
			t.Fatalf("%s: no addresses printed: %v", name, n.printed)
		}
		return n
	}
	east := start("east", "us-east-1")
	west := start("west", "us-west-2")
	ce, cw := regionClient(east.url, "us-east-1"), regionClient(west.url, "us-west-2")

	const host = "login.failover.example.test"
	const callback = "https://app.example.test/cb"
	roots, arns, _ := importCertificates(t, ctx, east.url, host, 1)
	pool := got(ce.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("regions")}))(t).UserPool.Id
	if !strings.HasPrefix(*pool, "us-east-1_") {
		t.Fatalf("pool %s", *pool)
	}
	clientID := got(ce.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("web"),
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "aws.cognito.signin.user.admin"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"}}))(t).UserPoolClient.ClientId
	got(ce.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress}))(t)
	got(ce.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("pat"), Password: aws.String("Passw0rd!"), Permanent: true}))(t)

	// The replica, activated.
	got(ce.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: pool, RegionName: aws.String("us-west-2")}))(t)
	got(cw.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: pool, RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeActive}))(t)

	// The user created through us-east-1 signs in through the us-west-2
	// node (unsigned: the node's Region); tokens verify in both Regions.
	signIn := func(n *node) *types.AuthenticationResultType {
		out, err := regionClient(n.url, "us-east-1").InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "pat", "PASSWORD": "Passw0rd!"}})
		if err != nil {
			t.Fatalf("sign-in through %s: %v", n.url, err)
		}
		return out.AuthenticationResult
	}
	fromWest, fromEast := signIn(west), signIn(east)
	for _, n := range []*node{east, west} {
		for _, tok := range []*string{fromWest.AccessToken, fromEast.AccessToken} {
			if _, err := regionClient(n.url, "us-east-1").GetUser(ctx, &cognito.GetUserInput{AccessToken: tok}); err != nil {
				t.Fatalf("GetUser through %s: %v", n.url, err)
			}
		}
	}
	// The SECONDARY refuses what changes the directory, as Cognito does.
	_, err := cw.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("sam")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "OperationNotEnabledException" {
		t.Fatalf("AdminCreateUser through the secondary: %v", err)
	}

	// The custom domain, failing over to us-west-2.
	got(ce.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arns[0]},
		Routing:            &types.RoutingType{Failover: &types.FailoverType{SecondaryRegion: aws.String("us-west-2"), PrimaryRoute53HealthCheckId: aws.String("us-east-1-nodes")}}}))(t)
	serves := func(n *node) bool { _, err := edgetest.Handshake(n.edge, host, roots); return err == nil }
	waitUntil(t, failoverDeadline, "the us-east-1 edge to serve the domain", func() bool { return serves(east) })
	if serves(west) {
		t.Fatal("the us-west-2 edge serves the domain while us-east-1 is healthy")
	}
	if _, err := hostedSignIn(edgeClient(east.edge, roots), host, *clientID, callback, "pat", "Passw0rd!"); err != nil {
		t.Fatalf("hosted sign-in on the primary's edge: %v", err)
	}

	// The us-east-1 node dies: the us-west-2 edge takes the domain over.
	east.cmd.Process.Signal(syscall.SIGKILL)
	east.cmd.Wait()
	killed := time.Now()
	waitUntil(t, failoverDeadline, "the us-west-2 edge to serve the domain", func() bool { return serves(west) })
	t.Logf("failed over %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	access, err := hostedSignIn(edgeClient(west.edge, roots), host, *clientID, callback, "pat", "Passw0rd!")
	if err != nil {
		t.Fatalf("hosted sign-in on the secondary's edge after failover: %v", err)
	}

	// A us-east-1 node again: the domain goes back to it.
	east2 := start("east", "us-east-1")
	back := time.Now()
	waitUntil(t, failoverDeadline, "the domain back on the us-east-1 edge only", func() bool { return serves(east2) && !serves(west) })
	t.Logf("back on the primary %v after it started", time.Since(back).Round(100*time.Millisecond))
	if _, err := hostedSignIn(edgeClient(east2.edge, roots), host, *clientID, callback, "pat", "Passw0rd!"); err != nil {
		t.Fatalf("hosted sign-in on the primary's edge after its return: %v", err)
	}
	// The token the secondary issued during the failover verifies on the primary.
	if _, err := regionClient(east2.url, "us-east-1").GetUser(ctx, &cognito.GetUserInput{AccessToken: &access}); err != nil {
		t.Fatalf("the secondary's token on the primary: %v", err)
	}
}

// got is v, or the test's end with err: got(call())(t).
func got[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
