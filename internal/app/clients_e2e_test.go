package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestUserPoolClients(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("apps")})).UserPool

	// Defaults Cognito applies to a bare client.
	web := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("web"),
	})).UserPoolClient
	if !clientIDRE.MatchString(aws.ToString(web.ClientId)) {
		t.Fatalf("client id %q", aws.ToString(web.ClientId))
	}
	if web.ClientSecret != nil {
		t.Fatal("a client without GenerateSecret has no secret")
	}
	if web.RefreshTokenValidity != 30 || !aws.ToBool(web.EnableTokenRevocation) || aws.ToBool(web.AllowedOAuthFlowsUserPoolClient) ||
		aws.ToInt32(web.AuthSessionValidity) != 3 || web.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy {
		t.Fatalf("client defaults: %+v", web)
	}
	wantFlows := map[types.ExplicitAuthFlowsType]bool{"ALLOW_REFRESH_TOKEN_AUTH": true, "ALLOW_USER_SRP_AUTH": true, "ALLOW_CUSTOM_AUTH": true}
	if len(web.ExplicitAuthFlows) != 3 {
		t.Fatalf("default flows %v", web.ExplicitAuthFlows)
	}
	for _, f := range web.ExplicitAuthFlows {
		if !wantFlows[f] {
			t.Fatalf("default flows %v", web.ExplicitAuthFlows)
		}
	}

	// A confidential client with OAuth settings and a resource-server scope.
	must[*cognito.CreateResourceServerOutput](t)(c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{
		UserPoolId: pool.Id, Identifier: aws.String("https://api.example.com"), Name: aws.String("api"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}},
	}))
	conf := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("backend"), GenerateSecret: true,
		AccessTokenValidity: aws.Int32(30), IdTokenValidity: aws.Int32(30), RefreshTokenValidity: 7,
		TokenValidityUnits:              &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeDays},
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "email", "https://api.example.com/read"},
		CallbackURLs:                    []string{"https://app.example.com/cb", "http://localhost:3000/cb"},
		LogoutURLs:                      []string{"https://app.example.com/bye"},
		SupportedIdentityProviders:      []string{"COGNITO"},
		ReadAttributes:                  []string{"email", "email_verified"},
		WriteAttributes:                 []string{"email"},
	})).UserPoolClient
	if !secretRE.MatchString(aws.ToString(conf.ClientSecret)) {
		t.Fatalf("secret %q is not 51 lowercase alphanumerics", aws.ToString(conf.ClientSecret))
	}
	if aws.ToInt32(conf.AccessTokenValidity) != 30 || conf.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes || conf.RefreshTokenValidity != 7 {
		t.Fatalf("validity: %+v", conf)
	}

	d := must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: conf.ClientId}))
	if aws.ToString(d.UserPoolClient.ClientSecret) != aws.ToString(conf.ClientSecret) || len(d.UserPoolClient.CallbackURLs) != 2 {
		t.Fatalf("describe: %+v", d.UserPoolClient)
	}

	// Errors.
	_, err := c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String("us-east-1_nothere00"), ClientName: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	_, err = raw.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'clientName' failed to satisfy constraint: Member must not be null")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("x"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_EVERYTHING"}})
	wantAPIError(t, err, "InvalidParameterException", "enum value set")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("x"),
		AccessTokenValidity: aws.Int32(2), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeDays}})
	wantAPIError(t, err, "InvalidParameterException", "Invalid range for token validity.")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("x"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}, AllowedOAuthScopes: []string{"https://api.example.com/read"}, AllowedOAuthFlowsUserPoolClient: true})
	wantAPIError(t, err, "InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("x"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"https://api.example.com/write"},
		AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: []string{"https://a.example.com/"}})
	wantAPIError(t, err, "ScopeDoesNotExistException", "")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("x"),
		ReadAttributes: []string{"custom:nothing"}})
	wantAPIError(t, err, "InvalidParameterException", "Invalid read attributes specified while creating a client")
	_, err = c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: aws.String("abcdefghijklmnopqrstuvwxyz")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client abcdefghijklmnopqrstuvwxyz does not exist.")

	// Update replaces settings, keeping id and secret.
	u := must[*cognito.UpdateUserPoolClientOutput](t)(c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{
		UserPoolId: pool.Id, ClientId: conf.ClientId, ClientName: aws.String("backend-2"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).UserPoolClient
	if aws.ToString(u.ClientName) != "backend-2" || aws.ToString(u.ClientSecret) != aws.ToString(conf.ClientSecret) ||
		len(u.CallbackURLs) != 0 || aws.ToBool(u.AllowedOAuthFlowsUserPoolClient) || aws.ToInt32(u.AccessTokenValidity) != 0 || !u.CreationDate.Equal(*conf.CreationDate) {
		t.Fatalf("update: %+v", u)
	}
	_, err = c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: pool.Id, ClientId: aws.String("abcdefghijklmnopqrstuvwxyz")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: pool.Id, ClientId: conf.ClientId, PreventUserExistenceErrors: "SOMETIMES"})
	wantAPIError(t, err, "InvalidParameterException", "enum value set: [LEGACY, ENABLED]")

	// List with paging.
	for _, n := range []string{"c1", "c2", "c3"} {
		must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String(n)}))
	}
	seen := map[string]bool{}
	pg := cognito.NewListUserPoolClientsPaginator(c, &cognito.ListUserPoolClientsInput{UserPoolId: pool.Id, MaxResults: aws.Int32(2)})
	for pg.HasMorePages() {
		page := must[*cognito.ListUserPoolClientsOutput](t)(pg.NextPage(ctx))
		for _, cl := range page.UserPoolClients {
			if aws.ToString(cl.UserPoolId) != *pool.Id || cl.ClientName == nil {
				t.Fatalf("description %+v", cl)
			}
			seen[*cl.ClientId] = true
		}
	}
	if len(seen) != 5 {
		t.Fatalf("listed %d clients, want 5", len(seen))
	}
	_, err = c.ListUserPoolClients(ctx, &cognito.ListUserPoolClientsInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Delete.
	must[*cognito.DeleteUserPoolClientOutput](t)(c.DeleteUserPoolClient(ctx, &cognito.DeleteUserPoolClientInput{UserPoolId: pool.Id, ClientId: web.ClientId}))
	_, err = c.DeleteUserPoolClient(ctx, &cognito.DeleteUserPoolClientInput{UserPoolId: pool.Id, ClientId: web.ClientId})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: pool.Id, ClientId: web.ClientId})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

func TestResourceServers(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("rs")})).UserPool

	cr := must[*cognito.CreateResourceServerOutput](t)(c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{
		UserPoolId: pool.Id, Identifier: aws.String("orders"), Name: aws.String("Orders API"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read orders")}},
	})).ResourceServer
	if aws.ToString(cr.UserPoolId) != *pool.Id || len(cr.Scopes) != 1 {
		t.Fatalf("create: %+v", cr)
	}
	_, err := c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("orders"), Name: aws.String("again")})
	wantAPIError(t, err, "InvalidParameterException", "already exists")
	_, err = raw.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("x")})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'name'")
	_, err = c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: aws.String("us-east-1_nothere00"), Identifier: aws.String("x"), Name: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	d := must[*cognito.DescribeResourceServerOutput](t)(c.DescribeResourceServer(ctx, &cognito.DescribeResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("orders")}))
	if aws.ToString(d.ResourceServer.Name) != "Orders API" || aws.ToString(d.ResourceServer.Scopes[0].ScopeName) != "read" {
		t.Fatalf("describe %+v", d.ResourceServer)
	}
	_, err = c.DescribeResourceServer(ctx, &cognito.DescribeResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("nothing")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	up := must[*cognito.UpdateResourceServerOutput](t)(c.UpdateResourceServer(ctx, &cognito.UpdateResourceServerInput{
		UserPoolId: pool.Id, Identifier: aws.String("orders"), Name: aws.String("Orders v2"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("r")}, {ScopeName: aws.String("write"), ScopeDescription: aws.String("w")}},
	})).ResourceServer
	if aws.ToString(up.Name) != "Orders v2" || len(up.Scopes) != 2 {
		t.Fatalf("update %+v", up)
	}
	_, err = c.UpdateResourceServer(ctx, &cognito.UpdateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("nothing"), Name: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.UpdateResourceServer(ctx, &cognito.UpdateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("orders"), Name: aws.String("x"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("bad scope"), ScopeDescription: aws.String("d")}}})
	wantAPIError(t, err, "InvalidParameterException", "regular expression pattern")

	must[*cognito.CreateResourceServerOutput](t)(c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("billing"), Name: aws.String("Billing")}))
	l := must[*cognito.ListResourceServersOutput](t)(c.ListResourceServers(ctx, &cognito.ListResourceServersInput{UserPoolId: pool.Id, MaxResults: aws.Int32(1)}))
	if len(l.ResourceServers) != 1 || l.NextToken == nil {
		t.Fatalf("first page %+v", l)
	}
	l2 := must[*cognito.ListResourceServersOutput](t)(c.ListResourceServers(ctx, &cognito.ListResourceServersInput{UserPoolId: pool.Id, MaxResults: aws.Int32(1), NextToken: l.NextToken}))
	if len(l2.ResourceServers) != 1 || l2.NextToken != nil || *l2.ResourceServers[0].Identifier == *l.ResourceServers[0].Identifier {
		t.Fatalf("second page %+v", l2)
	}
	_, err = c.ListResourceServers(ctx, &cognito.ListResourceServersInput{UserPoolId: pool.Id, MaxResults: aws.Int32(51)})
	wantAPIError(t, err, "InvalidParameterException", "less than or equal to 50")

	must[*cognito.DeleteResourceServerOutput](t)(c.DeleteResourceServer(ctx, &cognito.DeleteResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("orders")}))
	_, err = c.DeleteResourceServer(ctx, &cognito.DeleteResourceServerInput{UserPoolId: pool.Id, Identifier: aws.String("orders")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}
