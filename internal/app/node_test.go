package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// nodeDir holds the JavaScript client tests and their pinned packages.
var nodeDir = filepath.Join("..", "..", "test", "node")

// TestNodeClients runs test/node/signin.test.mjs with Node's test runner:
// amazon-cognito-identity-js (SRP sign-in, NEW_PASSWORD_REQUIRED, TOTP set-up
// and SOFTWARE_TOKEN_MFA) and @aws-sdk/client-cognito-identity-provider
// (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, GetUser) against a real server,
// with every token verified by jose against the JWKS the server publishes.
// The pool, the client and the users are prepared here with aws-sdk-go-v2.
func TestNodeClients(t *testing.T) {
	node := nodeRuntime(t)
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)

	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("node-clients")})).UserPool
	must[*cognito.SetUserPoolMfaConfigOutput](t)(c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{UserPoolId: pool.Id,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
	app := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).UserPoolClient
	if app.ClientSecret != nil {
		t.Fatal("the app client has a secret; the JavaScript clients need a public one")
	}

	// createUser makes a user with a temporary password and, when permanent
	// is not empty, sets that as its permanent password (CONFIRMED).
	createUser := func(name, temporary, permanent string) {
		t.Helper()
		must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(name),
			MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String(temporary),
			UserAttributes: attrs("email", name+"@example.com", "email_verified", "true")}))
		if permanent != "" {
			must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id,
				Username: aws.String(name), Password: aws.String(permanent), Permanent: true}))
		}
		want := types.UserStatusTypeForceChangePassword
		if permanent != "" {
			want = types.UserStatusTypeConfirmed
		}
		if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(name)})); g.UserStatus != want {
			t.Fatalf("%s is %s, want %s", name, g.UserStatus, want)
		}
	}
	password, totpPassword, temp := nodeTestPassword(t), nodeTestPassword(t), nodeTestPassword(t)
	createUser("alice", nodeTestPassword(t), password)
	createUser("nina", temp, "")
	createUser("tom", nodeTestPassword(t), totpPassword)

	env := append(awsEnv(t),
		"NO_COLOR=1",
		"GOGNITO_ENDPOINT="+ts.URL,
		"GOGNITO_REGION=us-east-1",
		"GOGNITO_POOL_ID="+aws.ToString(pool.Id),
		"GOGNITO_CLIENT_ID="+aws.ToString(app.ClientId),
		"GOGNITO_ISSUER="+ts.URL+"/"+aws.ToString(pool.Id),
		"GOGNITO_USER=alice",
		"GOGNITO_PASSWORD="+password,
		"GOGNITO_NEWPW_USER=nina",
		"GOGNITO_NEWPW_TEMP="+temp,
		"GOGNITO_TOTP_USER=tom",
		"GOGNITO_TOTP_PASSWORD="+totpPassword,
	)

	// The TOTP test may wait up to 30 s for a fresh code; each test has its
	// own timeout, well under the run's.
	runNodeTests(t, node, "signin.test.mjs", env, 5)
}

// nodeRuntime is the node binary, which must be Node.js 20 or later with
// the packages of test/node installed.
func nodeRuntime(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("Node.js 20 or later is required for the JavaScript client tests (node is not on PATH): %v", err)
	}
	if v, err := exec.Command(node, "--version").Output(); err != nil {
		t.Fatalf("node --version: %v", err)
	} else if m := regexp.MustCompile(`^v(\d+)\.`).FindSubmatch(bytes.TrimSpace(v)); m == nil {
		t.Fatalf("node --version printed %q", v)
	} else if major, _ := strconv.Atoi(string(m[1])); major < 20 {
		t.Fatalf("Node.js 20 or later is required for the JavaScript client tests, found %s", bytes.TrimSpace(v))
	}
	for _, pkg := range []string{"amazon-cognito-identity-js", "@aws-sdk/client-cognito-identity-provider", "jose", "aws-amplify", "openid-client"} {
		if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", filepath.FromSlash(pkg), "package.json")); err != nil {
			t.Fatalf("the Node packages of test/node are not installed (%s is missing): run `npm ci --prefix test/node` "+
				"or scripts/node-deps.sh from the repository root (make test does it)", pkg)
		}
	}
	return node
}

// runNodeTests runs a test file of test/node with Node's test runner and
// fails unless at least minPass tests passed and none failed or was
// skipped.
func runNodeTests(t *testing.T, node, file string, env []string, minPass int) {
	t.Helper()
	ctx := context.Background()
	runCtx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, node, "--test", "--test-reporter=spec", file)
	cmd.Dir = nodeDir
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	output := out.String()
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		t.Fatalf("node --test test/node/%s did not finish in 4 minutes:\n%s", file, output)
	}
	if err != nil {
		t.Fatalf("node --test test/node/%s failed (%v) after %s:\n%s", file, err, time.Since(start).Round(time.Millisecond), output)
	}

	// Node's closing summary: every test passed, none skipped.
	count := func(what string) int {
		m := regexp.MustCompile(`(?m)^ℹ ` + what + ` (\d+)$`).FindStringSubmatch(output)
		if m == nil {
			t.Fatalf("node's output has no %q count:\n%s", what, output)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	pass, fail, skipped, todo, cancelled := count("pass"), count("fail"), count("skipped"), count("todo"), count("cancelled")
	if fail != 0 || skipped != 0 || todo != 0 || cancelled != 0 || pass < minPass {
		t.Fatalf("node tests: %d passed, %d failed, %d skipped, %d todo, %d cancelled:\n%s", pass, fail, skipped, todo, cancelled, output)
	}
	t.Logf("node --test: %d passed in %s", pass, time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		for _, line := range strings.Split(strings.TrimSpace(output), "\n") {
			if strings.HasPrefix(line, "✔") || strings.HasPrefix(line, "  ✔") {
				t.Log(line)
			}
		}
	}
}

// nodeTestPassword is a new password under the default policy.
func nodeTestPassword(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "Pw-" + hex.EncodeToString(b) + "-Aa1"
}
