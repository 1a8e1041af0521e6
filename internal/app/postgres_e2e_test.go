package app_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/edge/edgetest"
	"github.com/gognito/gognito/internal/store/postgres"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// twoNodes starts two servers on one fresh PostgreSQL schema, configured as
// the nodes of one deployment: the same secret key and public URL.
func twoNodes(t *testing.T) (a, b *testServer, dsn string) {
	dsn = pgtest.DSN(t)
	keyFile := filepath.Join(t.TempDir(), "secret.key")
	onPG := func(c *config.Config) {
		c.Database, c.SecretKeyFile, c.PublicURL = dsn, keyFile, "https://idp.gognito.test"
	}
	return startServerWith(t, t.TempDir(), onPG), startServerWith(t, t.TempDir(), onPG), dsn
}

// TestCertificateReplacedOnAnotherNode replaces a custom domain's
// certificate through node A: node B's edge serves the new one without
// waiting for its periodic sync (LISTEN/NOTIFY), and neither edge fails a
// handshake meanwhile.
func TestCertificateReplacedOnAnotherNode(t *testing.T) {
	a, b, dsn := twoNodes(t)
	ctx := context.Background()
	c, certs := a.client("us-east-1", false), a.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	const host = "auth.cluster.example.test"
	now := time.Now()
	arnA := importCert(t, certs, ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	arnB := importCert(t, certs, ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	leafOf := func(arn string) *x509.Certificate {
		out := must[*acm.GetCertificateOutput](t)(certs.GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: &arn}))
		return parsePEM(t, []byte(aws.ToString(out.Certificate)))
	}
	leafA, leafB := leafOf(arnA), leafOf(arnB)

	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("cluster")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnA}}))
	// The periodic sync is 30 s apart: B serving the domain at once is the announcement.
	waitFor(t, 2*time.Second, "node B to serve the new domain", func() (bool, error) {
		leaf, err := edgetest.Handshake(b.EdgeAddr, host, roots)
		return err == nil && leaf.Equal(leafA), nil
	})

	loopA := edgetest.StartHandshakeLoop(a.EdgeAddr, host, roots, 20000, 20*time.Second)
	loopB := edgetest.StartHandshakeLoop(b.EdgeAddr, host, roots, 20000, 20*time.Second)
	time.Sleep(150 * time.Millisecond)
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnB}}))
	returned := time.Now()
	var servedB time.Time
	waitFor(t, 2*time.Second, "node B to serve the new certificate", func() (bool, error) {
		leaf, err := edgetest.Handshake(b.EdgeAddr, host, roots)
		if err == nil && leaf.Equal(leafB) {
			servedB = time.Now()
			return true, nil
		}
		return false, err
	})
	time.Sleep(150 * time.Millisecond)
	loopA.Finish()
	loopB.Finish()
	for name, l := range map[string]*edgetest.HandshakeLoop{"A": loopA, "B": loopB} {
		if n := l.Failed.Load(); n != 0 {
			t.Fatalf("node %s: %d failed handshakes during the replacement; first: %v", name, n, l.FirstErr)
		}
		if l.OK.Load() < 10 {
			t.Fatalf("node %s: only %d handshakes ran", name, l.OK.Load())
		}
	}
	if _, ok := loopB.Seen[leafB.SerialNumber.String()]; !ok {
		t.Fatal("node B's handshake loop never saw the new certificate")
	}
	t.Logf("node B served the new certificate %v after UpdateUserPoolDomain returned on node A", servedB.Sub(returned).Round(time.Millisecond))

	// ACTIVE once both nodes serve it.
	waitFor(t, 2*time.Second, "ACTIVE", func() (bool, error) { return describeDomain(t, c, host).Status == types.DomainStatusTypeActive, nil })

	// A live node that does not serve the new certificate holds ACTIVE back;
	// once silent for longer than the node timeout it counts as dead.
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lagging := func(beat time.Time) {
		b, _ := json.Marshal(map[string]any{"Beat": beat.UnixMilli(), "Serving": map[string]string{host: "an old version"}})
		if err := st.SetValue(ctx, "nodes/lagging-node", b); err != nil {
			t.Fatal(err)
		}
	}
	lagging(time.Now())
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnA}}))
	waitFor(t, 2*time.Second, "node B to serve certificate A again", func() (bool, error) {
		leaf, err := edgetest.Handshake(b.EdgeAddr, host, roots)
		return err == nil && leaf.Equal(leafA), nil
	})
	for range 8 { // both real nodes serve it; the lagging one holds the status
		if st := describeDomain(t, c, host).Status; st != types.DomainStatusTypeUpdating {
			t.Fatalf("status %s while a live node lags, want UPDATING", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	lagging(time.Now().Add(-time.Minute))
	waitFor(t, 2*time.Second, "ACTIVE once the lagging node is dead", func() (bool, error) {
		return describeDomain(t, c, host).Status == types.DomainStatusTypeActive, nil
	})

	// Re-importing under the same ARN (a renewal, no Cognito call) reaches B too.
	renewed := reimportCert(t, certs, ca, arnA, []string{host})
	waitFor(t, 2*time.Second, "node B to serve the renewed certificate", func() (bool, error) {
		leaf, err := edgetest.Handshake(b.EdgeAddr, host, roots)
		return err == nil && leaf.Equal(renewed), nil
	})
}

// TestTwoNodesOnPostgres runs two servers on one PostgreSQL database: what
// is written through one is read and used through the other.
func TestTwoNodesOnPostgres(t *testing.T) {
	a, b, dsn := twoNodes(t)
	ctx := context.Background()
	ca, cb := a.client("us-east-1", false), b.client("us-east-1", false)

	pool := must[*cognito.CreateUserPoolOutput](t)(ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("shared")})).UserPool
	cl := must[*cognito.CreateUserPoolClientOutput](t)(cb.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).UserPoolClient
	must[*cognito.AdminCreateUserOutput](t)(ca.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(cb.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("pat"), Password: aws.String("Passw0rd!"), Permanent: true}))

	// Signed in through A, the tokens work through B (shared signing keys).
	r := must[*cognito.InitiateAuthOutput](t)(ca.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "pat", "PASSWORD": "Passw0rd!"}})).AuthenticationResult
	// Created through A, the user signs in through B as well.
	if rb := must[*cognito.InitiateAuthOutput](t)(cb.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "pat", "PASSWORD": "Passw0rd!"}})); rb.AuthenticationResult == nil {
		t.Fatalf("sign-in through B: %+v", rb)
	}
	// B's JWKS verifies A's tokens, and both nodes name the same issuer.
	for _, tok := range []*string{r.IdToken, r.AccessToken} {
		if iss := (&authFixture{ts: b, poolID: *pool.Id}).verifyJWT(t, *tok)["iss"]; iss != "https://idp.gognito.test/"+*pool.Id {
			t.Fatalf("iss %v", iss)
		}
	}
	if g := must[*cognito.GetUserOutput](t)(cb.GetUser(ctx, &cognito.GetUserInput{AccessToken: r.AccessToken})); aws.ToString(g.Username) != "pat" {
		t.Fatalf("GetUser through B: %+v", g)
	}
	must[*cognito.InitiateAuthOutput](t)(cb.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}}))
	// A conflicting write gets Cognito's error whichever node it reaches.
	_, err := cb.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "UsernameExistsException", "")
	l := must[*cognito.ListUsersOutput](t)(cb.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id}))
	if len(l.Users) != 1 {
		t.Fatalf("B lists %d users", len(l.Users))
	}

	// Wrong passwords count across nodes: five, alternating, lock the user
	// out on both.
	must[*cognito.AdminCreateUserOutput](t)(ca.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("guessed"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(ca.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("guessed"), Password: aws.String("Passw0rd!"), Permanent: true}))
	signIn := func(c *cognito.Client, password string) error {
		_, err := c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "guessed", "PASSWORD": password}})
		return err
	}
	for i := range 5 {
		wantAPIError(t, signIn([]*cognito.Client{ca, cb}[i%2], "wrong-Passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	}
	for _, c := range []*cognito.Client{ca, cb} {
		wantAPIError(t, signIn(c, "Passw0rd!"), "NotAuthorizedException", "Password attempts exceeded")
	}

	// Racing creations of one username through both nodes: one winner,
	// UsernameExistsException for every other, one user stored.
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, err := []*cognito.Client{ca, cb}[i%2].AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id,
				Username: aws.String("racer"), MessageAction: types.MessageActionTypeSuppress})
			errs <- err
		}()
	}
	won := 0
	for range 8 {
		if err := <-errs; err == nil {
			won++
		} else {
			wantAPIError(t, err, "UsernameExistsException", "")
		}
	}
	if l := must[*cognito.ListUsersOutput](t)(ca.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id})); won != 1 || len(l.Users) != 3 {
		t.Fatalf("%d racers won, %d users stored; want 1 and 3", won, len(l.Users))
	}

	// A node with another secret key could open none of the sealed secrets:
	// it refuses to start, and says why.
	cfg := config.Default()
	cfg.DataDir, cfg.Database = t.TempDir(), dsn
	if _, err := app.New(ctx, cfg, nil); err == nil || !strings.Contains(err.Error(), "secret-key-file") {
		t.Fatalf("a node with a different secret key started: %v", err)
	}
}
