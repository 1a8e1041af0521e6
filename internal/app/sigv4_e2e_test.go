package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// The access key the signed servers of these tests accept.
const (
	adminKeyID  = "AKIAGOGNITOADMIN0001"
	adminSecret = "wJalrXUtnFEMI/gognito+admin/SECRET0001"
)

// startSignedServer runs a server that requires SigV4 signatures from the
// admin key.
func startSignedServer(t *testing.T) *testServer {
	t.Helper()
	return startServerWith(t, t.TempDir(), func(c *config.Config) {
		c.Credentials = config.Secret(adminKeyID + ":" + adminSecret)
	})
}

// cognitoAs is an SDK client that signs with the given credentials
// (aws.AnonymousCredentials: it does not sign).
func (ts *testServer) cognitoAs(creds aws.CredentialsProvider) *cognito.Client {
	return cognito.New(cognito.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.URL), Credentials: creds, RetryMaxAttempts: 1, HTTPClient: testHTTPClient})
}

func static(id, secret string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(id, secret, "")
}

// wantStatus asserts the HTTP status of an SDK error.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("want HTTP %d, got %v", status, err)
	}
}

func poolCount(t *testing.T, c *cognito.Client) int {
	t.Helper()
	out := must[*cognito.ListUserPoolsOutput](t)(c.ListUserPools(context.Background(), &cognito.ListUserPoolsInput{MaxResults: aws.Int32(60)}))
	return len(out.UserPools)
}

// TestSignedAPI: with access keys configured, IAM-authorised operations
// need a valid signature from one of them, and every failure is answered
// as Cognito answers it and changes nothing; the public and access-token
// operations stay unsigned, as in Cognito.
func TestSignedAPI(t *testing.T) {
	ts := startSignedServer(t)
	ctx := context.Background()
	admin := ts.cognitoAs(static(adminKeyID, adminSecret))
	pool := must[*cognito.CreateUserPoolOutput](t)(admin.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("signed")})).UserPool
	client := must[*cognito.CreateUserPoolClientOutput](t)(admin.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("app"), ExplicitAuthFlows: allFlows})).UserPoolClient

	t.Run("wrong secret", func(t *testing.T) {
		_, err := ts.cognitoAs(static(adminKeyID, "not-the-secret")).CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("x")})
		wantAPIError(t, err, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
		wantStatus(t, err, 400)
	})
	t.Run("unknown key", func(t *testing.T) {
		_, err := ts.cognitoAs(static("AKIAGOGNITOUNKNOWN01", adminSecret)).DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: pool.Id})
		wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
		wantStatus(t, err, 400)
	})
	t.Run("unsigned admin operation", func(t *testing.T) {
		_, err := ts.cognitoAs(aws.AnonymousCredentials{}).AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("mallory")})
		wantAPIError(t, err, "MissingAuthenticationTokenException", "Missing Authentication Token")
		wantStatus(t, err, 403)
	})
	t.Run("session token", func(t *testing.T) {
		c := ts.cognitoAs(credentials.NewStaticCredentialsProvider(adminKeyID, adminSecret, "FwoGZXIvYXdzEGognitoSessionToken"))
		must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id}))
	})
	// Nothing the refused calls asked for happened.
	if n := poolCount(t, admin); n != 1 {
		t.Fatalf("%d pools after refused calls, want 1", n)
	}
	if _, err := admin.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("mallory")}); err == nil {
		t.Fatal("an unsigned AdminCreateUser created its user")
	}

	t.Run("public operations unsigned", func(t *testing.T) {
		anon := ts.cognitoAs(aws.AnonymousCredentials{})
		must[*cognito.SignUpOutput](t)(anon.SignUp(ctx, &cognito.SignUpInput{ClientId: client.ClientId, Username: aws.String("alice"), Password: aws.String("Passw0rd!x"),
			UserAttributes: attrs("email", "alice@example.com")}))
		must[*cognito.AdminConfirmSignUpOutput](t)(admin.AdminConfirmSignUp(ctx, &cognito.AdminConfirmSignUpInput{UserPoolId: pool.Id, Username: aws.String("alice")}))
		auth := must[*cognito.InitiateAuthOutput](t)(anon.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: client.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!x"}}))
		user := must[*cognito.GetUserOutput](t)(anon.GetUser(ctx, &cognito.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken}))
		if aws.ToString(user.Username) != "alice" {
			t.Fatalf("GetUser: %+v", user)
		}
		// A client that signs its public calls too (older SDKs did) is
		// served whatever its key: Cognito does not use IAM for them.
		stranger := ts.cognitoAs(static("AKIDGOGNITOTEST", "secret"))
		must[*cognito.InitiateAuthOutput](t)(stranger.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: client.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!x"}}))
	})

	t.Run("acm", func(t *testing.T) {
		signed := acm.New(acm.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.URL), Credentials: static(adminKeyID, adminSecret), RetryMaxAttempts: 1, HTTPClient: testHTTPClient})
		must[*acm.ListCertificatesOutput](t)(signed.ListCertificates(ctx, &acm.ListCertificatesInput{}))
		unsigned := acm.New(acm.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1, HTTPClient: testHTTPClient})
		_, err := unsigned.ListCertificates(ctx, &acm.ListCertificatesInput{})
		wantAPIError(t, err, "MissingAuthenticationTokenException", "Missing Authentication Token")
		// A signature for cognito-idp does not open ACM.
		status, body := rawSigned(t, ts.URL, "CertificateManager.ListCertificates", `{}`, "cognito-idp", time.Now(), nil)
		if status != 400 || body["__type"] != "InvalidSignatureException" || body["message"] != "Credential should be scoped to correct service: 'acm'. " {
			t.Fatalf("cognito-idp signature on ACM: %d %v", status, body)
		}
	})
}

// rawSigned sends one request signed by aws-sdk-go-v2's signer at the given
// time with the admin key; tamper, when set, changes the signed request
// before it is sent. It returns the status and the decoded body.
func rawSigned(t *testing.T, url, target, body, service string, at time.Time, tamper func(*http.Request)) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: adminKeyID, SecretAccessKey: adminSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s answered %d %q", target, resp.StatusCode, raw)
	}
	if resp.StatusCode != 200 && resp.Header.Get("x-amzn-ErrorType") != out["__type"] {
		t.Errorf("x-amzn-ErrorType %q, body %v", resp.Header.Get("x-amzn-ErrorType"), out)
	}
	return resp.StatusCode, out
}

// TestSignedAPIRawRequests: a skewed clock and a body changed after
// signing are refused, and change nothing.
func TestSignedAPIRawRequests(t *testing.T) {
	ts := startSignedServer(t)
	const target = "AWSCognitoIdentityProviderService.CreateUserPool"
	status, body := rawSigned(t, ts.URL, target, `{"PoolName":"fine"}`, "cognito-idp", time.Now(), nil)
	if status != 200 {
		t.Fatalf("a signed request: %d %v", status, body)
	}
	for _, off := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		status, body = rawSigned(t, ts.URL, target, `{"PoolName":"skewed"}`, "cognito-idp", time.Now().Add(off), nil)
		msg, _ := body["message"].(string)
		want := map[bool]string{true: "Signature expired: ", false: "Signature not yet current: "}[off < 0]
		if status != 400 || body["__type"] != "InvalidSignatureException" || !strings.HasPrefix(msg, want) || !strings.Contains(msg, " min.)") {
			t.Fatalf("clock %v off: %d %v", off, status, body)
		}
	}
	status, body = rawSigned(t, ts.URL, target, `{"PoolName":"signed"}`, "cognito-idp", time.Now(), func(r *http.Request) {
		tampered := `{"PoolName":"evil!!"}` // same length: only the bytes differ
		r.Body = io.NopCloser(strings.NewReader(tampered))
	})
	if status != 400 || body["__type"] != "InvalidSignatureException" {
		t.Fatalf("a body changed after signing: %d %v", status, body)
	}
	status, body = rawSigned(t, ts.URL, target, `{"PoolName":"nodate"}`, "cognito-idp", time.Now(), func(r *http.Request) {
		r.Header.Del("X-Amz-Date")
	})
	if status != 400 || body["__type"] != "IncompleteSignatureException" ||
		!strings.HasPrefix(body["message"].(string), "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=") {
		t.Fatalf("no date: %d %v", status, body)
	}
	// The signature is checked before the body is decoded: an unsigned
	// request with a broken body to a signed operation is refused as
	// unsigned, the same body to a public operation as not JSON.
	for target, want := range map[string]string{
		"AWSCognitoIdentityProviderService.AdminCreateUser": "MissingAuthenticationTokenException",
		"CertificateManager.ImportCertificate":              "MissingAuthenticationTokenException",
		"AWSCognitoIdentityProviderService.SignUp":          "SerializationException",
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(`{"Username":`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("x-amzn-ErrorType"); got != want {
			t.Errorf("%s unsigned with a broken body: %s, want %s", target, got, want)
		}
	}
	pools := must[*cognito.ListUserPoolsOutput](t)(ts.cognitoAs(static(adminKeyID, adminSecret)).ListUserPools(context.Background(), &cognito.ListUserPoolsInput{MaxResults: aws.Int32(60)})).UserPools
	if len(pools) != 1 || aws.ToString(pools[0].Name) != "fine" {
		t.Fatalf("pools after refused requests: %v", pools)
	}
}

// TestSignedAPIWithTheAWSCLI: the AWS CLI signs with the environment's
// credentials; the right ones work, wrong ones get Cognito's errors.
func TestSignedAPIWithTheAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the AWS CLI is required for this test (it is on the project's machines): ", err)
	}
	ts := startSignedServer(t)
	cli := func(keyID, secret string, args ...string) (map[string]any, string, error) {
		return runAWSWithEnv(t, ts.URL, []string{"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret}, args...)
	}
	out, stderr, err := cli(adminKeyID, adminSecret, "cognito-idp", "create-user-pool", "--pool-name", "cli")
	if err != nil {
		t.Fatalf("create-user-pool with the right key: %v\n%s", err, stderr)
	}
	poolID := out["UserPool"].(map[string]any)["Id"].(string)
	out, stderr, err = cli(adminKeyID, adminSecret, "cognito-idp", "create-user-pool-client", "--user-pool-id", poolID, "--client-name", "cli",
		"--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
	if err != nil {
		t.Fatalf("create-user-pool-client: %v\n%s", err, stderr)
	}
	clientID := out["UserPoolClient"].(map[string]any)["ClientId"].(string)

	_, stderr, err = cli(adminKeyID, "wrong-secret", "cognito-idp", "list-user-pools", "--max-results", "10")
	if err == nil || !strings.Contains(stderr, "(InvalidSignatureException) when calling the ListUserPools operation: The request signature we calculated does not match") {
		t.Fatalf("wrong secret: %v %q", err, stderr)
	}
	_, stderr, err = cli("AKIAGOGNITOUNKNOWN01", adminSecret, "cognito-idp", "delete-user-pool", "--user-pool-id", poolID)
	if err == nil || !strings.Contains(stderr, "(UnrecognizedClientException) when calling the DeleteUserPool operation: The security token included in the request is invalid.") {
		t.Fatalf("unknown key: %v %q", err, stderr)
	}
	// sign-up is unsigned in the CLI (the model says so), whatever the key.
	_, stderr, err = cli("AKIAGOGNITOUNKNOWN01", "whatever", "cognito-idp", "sign-up", "--client-id", clientID, "--username", "bob", "--password", "Passw0rd!x")
	if err != nil {
		t.Fatalf("sign-up: %v\n%s", err, stderr)
	}
	out, stderr, err = cli(adminKeyID, adminSecret, "cognito-idp", "list-user-pools", "--max-results", "10")
	if err != nil || len(out["UserPools"].([]any)) != 1 {
		t.Fatalf("list-user-pools after refused calls: %v %v\n%s", err, out, stderr)
	}
}

// fakeAddrListener is a loopback listener that reports another address, so
// that the refusal to serve unsigned on a non-loopback address is tested
// without listening on one.
type fakeAddrListener struct {
	net.Listener
	addr net.Addr
}

func (l fakeAddrListener) Addr() net.Addr { return l.addr }

// TestUnsignedRefusesRemoteListener: without signatures the server does not
// serve the API on a non-loopback address unless told to.
func TestUnsignedRefusesRemoteListener(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*config.Config)
		refuse bool
	}{
		{"unsigned", func(*config.Config) {}, true},
		{"unsigned, allowed", func(c *config.Config) { c.AllowUnsignedRemote = true }, false},
		{"signed", func(c *config.Config) { c.Credentials = config.Secret(adminKeyID + ":" + adminSecret) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.ShutdownTimeout = 5 * time.Second
			c.change(&cfg)
			var logs bytes.Buffer
			a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if strings.Contains(logs.String(), adminSecret) {
				t.Fatalf("the start-up log shows the secret: %s", logs.String())
			}
			wantMode := map[bool]string{true: "API authentication: sigv4", false: "API authentication: none"}[cfg.SignaturesRequired()]
			if !strings.Contains(logs.String(), wantMode) {
				t.Fatalf("the start-up log does not say %q: %s", wantMode, logs.String())
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			remote := fakeAddrListener{ln, &net.TCPAddr{IP: net.IPv4zero, Port: ln.Addr().(*net.TCPAddr).Port}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- a.Serve(ctx, app.Listeners{API: remote}) }()
			if c.refuse {
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), "refusing to serve the API on 0.0.0.0:") || !strings.Contains(err.Error(), "--allow-unsigned-remote") {
						t.Fatalf("Serve: %v", err)
					}
				case <-time.After(10 * time.Second):
					cancel()
					t.Fatal("Serve served an unsigned API on a non-loopback address")
				}
				ln.Close()
				cancel()
				return
			}
			resp, err := http.Get("http://" + ln.Addr().String() + "/_gognito/health")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Serve: %v", err)
			}
		})
	}
}
