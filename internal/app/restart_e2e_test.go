package app_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestRestartKeepsData creates pools, clients and resource servers, stops
// the server, starts a new one on the same data directory and reads
// everything back unchanged.
func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ts := startServer(t, dir)
	c := ts.client("us-east-1", false)

	type snapshot struct {
		Pool    *types.UserPoolType
		Clients []*types.UserPoolClientType
		RS      *types.ResourceServerType
		MFA     *cognito.GetUserPoolMfaConfigOutput
	}
	var before []snapshot
	for _, name := range []string{"alpha", "beta"} {
		p := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{
			PoolName: aws.String(name), UserPoolTags: map[string]string{"team": name},
			Schema: []types.SchemaAttributeType{{Name: aws.String("org"), AttributeDataType: types.AttributeDataTypeString}},
		})).UserPool
		must[*cognito.SetUserPoolMfaConfigOutput](t)(c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{UserPoolId: p.Id,
			MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
		rs := must[*cognito.CreateResourceServerOutput](t)(c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{
			UserPoolId: p.Id, Identifier: aws.String("api-" + name), Name: aws.String(name),
			Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}},
		})).ResourceServer
		s := snapshot{RS: rs}
		for _, cn := range []string{"web", "server"} {
			cl := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
				UserPoolId: p.Id, ClientName: aws.String(cn), GenerateSecret: cn == "server",
			})).UserPoolClient
			s.Clients = append(s.Clients, cl)
		}
		s.Pool = must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id})).UserPool
		s.MFA = must[*cognito.GetUserPoolMfaConfigOutput](t)(c.GetUserPoolMfaConfig(ctx, &cognito.GetUserPoolMfaConfigInput{UserPoolId: p.Id}))
		before = append(before, s)
	}
	ts.stop()

	ts2 := startServer(t, dir)
	c2 := ts2.client("us-east-1", false)
	for _, s := range before {
		p := must[*cognito.DescribeUserPoolOutput](t)(c2.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: s.Pool.Id})).UserPool
		sameJSON(t, "pool", s.Pool, p)
		for _, cl := range s.Clients {
			got := must[*cognito.DescribeUserPoolClientOutput](t)(c2.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: s.Pool.Id, ClientId: cl.ClientId})).UserPoolClient
			sameJSON(t, "client", cl, got)
		}
		rs := must[*cognito.DescribeResourceServerOutput](t)(c2.DescribeResourceServer(ctx, &cognito.DescribeResourceServerInput{UserPoolId: s.Pool.Id, Identifier: s.RS.Identifier})).ResourceServer
		sameJSON(t, "resource server", s.RS, rs)
		mfa := must[*cognito.GetUserPoolMfaConfigOutput](t)(c2.GetUserPoolMfaConfig(ctx, &cognito.GetUserPoolMfaConfigInput{UserPoolId: s.Pool.Id}))
		if mfa.MfaConfiguration != s.MFA.MfaConfiguration || !mfa.SoftwareTokenMfaConfiguration.Enabled {
			t.Fatalf("MFA config changed across restart: %+v", mfa)
		}
	}
	l := must[*cognito.ListUserPoolsOutput](t)(c2.ListUserPools(ctx, &cognito.ListUserPoolsInput{MaxResults: aws.Int32(60)}))
	if len(l.UserPools) != 2 {
		t.Fatalf("%d pools after restart, want 2", len(l.UserPools))
	}
	if err := ts2.App.Store().Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func sameJSON(t *testing.T, what string, a, b any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatalf("%s changed across restart:\nbefore %s\nafter  %s", what, ja, jb)
	}
}
