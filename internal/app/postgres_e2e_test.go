package app_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

var schemaSeq atomic.Int64

// postgresDSN gives the test an empty schema on the private PostgreSQL that
// make test starts (scripts/postgres-test.sh); it fails, never skips, without it.
func postgresDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv("GOGNITO_TEST_POSTGRES")
	if base == "" {
		t.Fatal("GOGNITO_TEST_POSTGRES is not set: run the tests through scripts/postgres-test.sh (make test does)")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	// Lower case and unquoted, so search_path names the same schema.
	schema := fmt.Sprintf("gognito_app_%d_%d", os.Getpid(), schemaSeq.Add(1))
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("GOGNITO_TEST_POSTGRES must be a postgres:// URL, got %q", base)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestTwoNodesOnPostgres runs two servers on one PostgreSQL database: what
// is written through one is read and used through the other.
func TestTwoNodesOnPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	// Every node of one database shares the secret key (secret-key-file)
	// and the public URL clients reach them at (the tokens' issuer).
	keyFile := filepath.Join(t.TempDir(), "secret.key")
	onPG := func(c *config.Config) {
		c.Database, c.SecretKeyFile, c.PublicURL = dsn, keyFile, "https://idp.gognito.test"
	}
	a := startServerWith(t, t.TempDir(), onPG)
	b := startServerWith(t, t.TempDir(), onPG)
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

	// A node with another secret key could open none of the sealed secrets:
	// it refuses to start, and says why.
	cfg := config.Default()
	cfg.DataDir, cfg.Database = t.TempDir(), dsn
	if _, err := app.New(ctx, cfg, nil); err == nil || !strings.Contains(err.Error(), "secret-key-file") {
		t.Fatalf("a node with a different secret key started: %v", err)
	}
}
