package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
)

// App client secrets are sealed at rest: neither the client's record nor
// the database files hold them, while every operation that needs one (the
// describe, SECRET_HASH in sign-up and sign-in) still works, and clients
// stored before sealing keep theirs.
func TestClientSecretsSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("sealed")})).UserPool
	cl := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("backend"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).UserPoolClient
	secret := aws.ToString(cl.ClientSecret)
	if len(secret) != 51 {
		t.Fatalf("secret %q", secret)
	}
	rec := must[store.AppClient](t)(ts.App.Store().GetAppClient(ctx, *cl.ClientId))
	if bytes.Contains(rec.Doc, []byte(secret)) || !bytes.Contains(rec.Doc, []byte(`"value":"sealed:`)) {
		t.Fatalf("stored client record: %s", rec.Doc)
	}

	// It still works wherever a secret is needed.
	hash := func(user string) *string { return aws.String(srp.SecretHash(secret, user, *cl.ClientId)) }
	must[*cognito.SignUpOutput](t)(c.SignUp(ctx, &cognito.SignUpInput{ClientId: cl.ClientId, Username: aws.String("ann"), Password: aws.String("Passw0rd!"), SecretHash: hash("ann")}))
	_, err := c.SignUp(ctx, &cognito.SignUpInput{ClientId: cl.ClientId, Username: aws.String("bob"), Password: aws.String("Passw0rd!"), SecretHash: aws.String("d3Jvbmc=")})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client")
	must[*cognito.AdminConfirmSignUpOutput](t)(c.AdminConfirmSignUp(ctx, &cognito.AdminConfirmSignUpInput{UserPoolId: pool.Id, Username: aws.String("ann")}))
	auth := func() (*cognito.AdminInitiateAuthOutput, error) {
		return c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: pool.Id, ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!", "SECRET_HASH": *hash("ann")}})
	}
	if out := must[*cognito.AdminInitiateAuthOutput](t)(auth()); out.AuthenticationResult == nil {
		t.Fatalf("sign-in with SECRET_HASH: %+v", out)
	}
	// An update keeps the secret, sealed.
	must[*cognito.UpdateUserPoolClientOutput](t)(c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientName: aws.String("renamed"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))
	d := must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: cl.ClientId})).UserPoolClient
	if aws.ToString(d.ClientSecret) != secret || aws.ToString(d.ClientName) != "renamed" {
		t.Fatalf("after update: %+v", d)
	}
	rec = must[store.AppClient](t)(ts.App.Store().GetAppClient(ctx, *cl.ClientId))
	if bytes.Contains(rec.Doc, []byte(secret)) {
		t.Fatalf("the update stored the secret in the clear: %s", rec.Doc)
	}

	// A record written before secrets were sealed keeps working.
	legacy := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("old"), GenerateSecret: true})).UserPoolClient
	must[store.AppClient](t)(ts.App.Store().UpdateAppClient(ctx, *legacy.ClientId, func(r *store.AppClient) error {
		var m map[string]any
		if err := json.Unmarshal(r.Doc, &m); err != nil {
			return err
		}
		// As a version 2 document held it: one secret, no list.
		delete(m, "client_secrets")
		m["v"] = 2
		m["client_secret"] = "legacyplaintextsecret"
		r.Doc, _ = json.Marshal(m)
		return nil
	}))
	d = must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: legacy.ClientId})).UserPoolClient
	if aws.ToString(d.ClientSecret) != "legacyplaintextsecret" {
		t.Fatalf("legacy secret: %q", aws.ToString(d.ClientSecret))
	}

	// Nor do the database files hold the sealed client's secret.
	ts.stop()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the client secret in the clear", filepath.Base(f))
		}
	}
}
