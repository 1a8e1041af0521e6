package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/edge/edgetest"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

func sdkClient(url string) *cognito.Client {
	return cognito.New(cognito.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", "")})
}

// readerClient is a client for reading back: it retries what the SDK deems
// retryable. The SDK sometimes loses a large response body on its side
// ("use of closed network connection" after a 200: aws/aws-sdk-go-v2#2737;
// about one ListUsers page in a few hundred here, never with plain
// net/http), and retries that by default.
func readerClient(url string) *cognito.Client {
	return cognito.New(cognito.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 3,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", "")})
}

// clusterNodes builds gognito and returns a function that starts a node of
// one deployment on a fresh PostgreSQL schema (shared database, secret key
// and public URL); name is its data directory.
func clusterNodes(t *testing.T, ctx context.Context) func(name string) *node {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	env := []string{"GOGNITO_DATABASE=" + dsn, "GOGNITO_SECRET_KEY_FILE=" + filepath.Join(dir, "secret.key"), "GOGNITO_PUBLIC_URL=https://idp.gognito.test"}
	return func(name string) *node {
		return startNode(t, ctx, bin, t.TempDir(), env, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, name))
	}
}

// TestNodeKilledMidLoad runs two gognito processes on one PostgreSQL and
// kills one with SIGKILL in the middle of a bounded AdminCreateUser load:
// the other keeps serving, and every user either node acknowledged is there.
func TestNodeKilledMidLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := clusterNodes(t, ctx)
	a := start("a")
	b := start("b")
	if a.url == "" || b.url == "" {
		t.Fatalf("no API address printed: %v / %v", a.printed, b.printed)
	}
	ca, cb := sdkClient(a.url), sdkClient(b.url)
	created, err := ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("kill")})
	if err != nil {
		t.Fatal(err)
	}
	pool := created.UserPool

	// 4 workers send 300 requests in all, alternating nodes; A is killed
	// once 100 have been acknowledged, with requests in flight on it.
	const total, killAt, workers = 300, 100, 4
	var (
		mu                   sync.Mutex
		acked                []string
		sent                 int
		killed               bool
		failedOnA, failedOnB int
		wg                   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if sent == total {
					mu.Unlock()
					return
				}
				i := sent
				sent++
				if !killed && len(acked) >= killAt {
					killed = true
					a.cmd.Process.Signal(syscall.SIGKILL)
				}
				mu.Unlock()
				c, onA := cb, false
				if i%2 == 0 {
					c, onA = ca, true
				}
				name := fmt.Sprintf("user%04d", i)
				_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: &name, MessageAction: types.MessageActionTypeSuppress})
				mu.Lock()
				switch {
				case err == nil:
					acked = append(acked, name)
				case onA:
					failedOnA++ // not acknowledged: whether it landed is unknown
				default:
					failedOnB++
					t.Errorf("node B failed while A died: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if !killed || failedOnB != 0 || failedOnA == 0 || len(acked) < total/2 {
		t.Fatalf("killed %v; %d acknowledged, %d failures on A, %d on B (want 0)", killed, len(acked), failedOnA, failedOnB)
	}
	// Nothing acknowledged is lost: B finds every user, whichever node took it.
	for _, name := range acked {
		u, err := cb.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(name)})
		if err != nil || aws.ToString(u.Username) != name {
			t.Fatalf("AdminGetUser %s: %v", name, err)
		}
	}
	// A restarted node joins again and sees everything.
	a2 := start("a")
	n := 0
	p := cognito.NewListUsersPaginator(readerClient(a2.url), &cognito.ListUsersInput{UserPoolId: pool.Id})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Users)
	}
	// Requests that were in flight on A when it died may have landed:
	// at least every acknowledged one, at most every one sent.
	if n < len(acked) || n > len(acked)+failedOnA {
		t.Fatalf("the restarted node lists %d users; %d were acknowledged, %d unanswered on A", n, len(acked), failedOnA)
	}
	t.Logf("%d acknowledged (all found), %d refused or unanswered by the killed node, %d stored", len(acked), failedOnA, n)
}

// TestProcessesFollowReplacedCertificate: a custom domain's certificate
// replaced through process A is served by process B's edge, with no failed
// handshake on either edge, and the domain turns ACTIVE. A user created
// through A then signs in through B, and both JWKS verify B's token.
func TestProcessesFollowReplacedCertificate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := clusterNodes(t, ctx)
	a, b := start("a"), start("b")
	if a.edge == "" || b.edge == "" {
		t.Fatalf("no edge address printed: %v / %v", a.printed, b.printed)
	}
	c := sdkClient(a.url)
	const host = "auth.processes.example.test"
	roots, arns, leaves := importCertificates(t, ctx, a.url, host, 2)
	created, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("processes")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: created.UserPool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arns[0]}}); err != nil {
		t.Fatal(err)
	}
	serves := func(addr string, want *x509.Certificate) bool {
		leaf, err := edgetest.Handshake(addr, host, roots)
		return err == nil && leaf.Equal(want)
	}
	waitUntil(t, 15*time.Second, "B to serve the new domain", func() bool { return serves(b.edge, leaves[0]) })

	loopA := edgetest.StartHandshakeLoop(a.edge, host, roots, 20000, 20*time.Second)
	loopB := edgetest.StartHandshakeLoop(b.edge, host, roots, 20000, 20*time.Second)
	time.Sleep(150 * time.Millisecond)
	if _, err := c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: created.UserPool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arns[1]}}); err != nil {
		t.Fatal(err)
	}
	returned := time.Now()
	waitUntil(t, 5*time.Second, "B to serve the new certificate", func() bool { return serves(b.edge, leaves[1]) })
	servedB := time.Since(returned)
	time.Sleep(150 * time.Millisecond)
	loopA.Finish()
	loopB.Finish()
	for name, l := range map[string]*edgetest.HandshakeLoop{"A": loopA, "B": loopB} {
		if l.Failed.Load() != 0 || l.OK.Load() < 10 {
			t.Fatalf("edge %s: %d failed handshakes, %d succeeded; first error: %v", name, l.Failed.Load(), l.OK.Load(), l.FirstErr)
		}
	}
	waitUntil(t, 5*time.Second, "ACTIVE", func() bool {
		d, err := c.DescribeUserPoolDomain(ctx, &cognito.DescribeUserPoolDomainInput{Domain: aws.String(host)})
		return err == nil && d.DomainDescription.Status == types.DomainStatusTypeActive
	})
	t.Logf("process B served the new certificate %v after UpdateUserPoolDomain returned on A; %d+%d handshakes, 0 failed",
		servedB.Round(time.Millisecond), loopA.OK.Load(), loopB.OK.Load())

	// A user created through A signs in through B; the ID token B issued
	// verifies against both nodes' JWKS (the keys are shared).
	pool := created.UserPool.Id
	cl, err := c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("pat"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("pat"), Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	auth, err := sdkClient(b.url).InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "pat", "PASSWORD": "Passw0rd!"}})
	if err != nil {
		t.Fatalf("sign-in through B: %v", err)
	}
	for _, n := range []*node{a, b} {
		resp, err := http.Get(n.url + "/" + *pool + "/.well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		var set jose.JSONWebKeySet
		err = json.NewDecoder(resp.Body).Decode(&set)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := jose.ParseSigned(*auth.AuthenticationResult.IdToken, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		keys := set.Key(obj.Signatures[0].Header.KeyID)
		if len(keys) != 1 {
			t.Fatalf("%s: the ID token's kid is not in the JWKS", n.url)
		}
		if _, err := obj.Verify(keys[0].Key); err != nil {
			t.Fatalf("%s: %v", n.url, err)
		}
	}
}

// importCertificates imports n certificates for host, issued by a test CA,
// through the ACM API at url; it returns the CA, a pool that trusts it,
// and the certificates' ARNs and leaves in the same order.
func importCertificates(t *testing.T, ctx context.Context, url, host string, n int) (*x509.CertPool, []string, []*x509.Certificate) {
	t.Helper()
	certs := acm.New(acm.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", "")})
	ca := certtest.NewCA(t)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.PEM())
	now := time.Now()
	var arns []string
	var leaves []*x509.Certificate
	for range n {
		certPEM, keyPEM := ca.Leaf(t, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
		out, err := certs.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: ca.PEM()})
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(certPEM)
		leaf, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		arns, leaves = append(arns, *out.CertificateArn), append(leaves, leaf)
	}
	return roots, arns, leaves
}

// waitUntil polls cond until it holds, failing the test after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
