package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/users"
)

// TestFederatedUsersOnPostgres: on PostgreSQL, identities find their users
// through the store's unique index (names with punctuation, a value with a
// NUL byte and a long one included), a second first sign-in of the same
// identity on another node is the same user, and unlinking frees the
// identity.
func TestFederatedUsersOnPostgres(t *testing.T) {
	a, b, _ := twoNodes(t)
	f := newAuthFixtureOn(t, a, &cognito.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("id"),
		AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)}}}, nil)
	ctx := context.Background()
	f.createProviders(t, "Corp:a|b", "Google")
	f.confirmedUser(t, "nat", "Passw0rd!", "email", "nat@example.com")
	long := string(make([]byte, 300)) // 300 NUL bytes
	for _, v := range []string{"nat@corp.example", "x\x00y", long} {
		must[*cognito.AdminLinkProviderForUserOutput](t)(f.c.AdminLinkProviderForUser(ctx, &cognito.AdminLinkProviderForUserInput{UserPoolId: &f.poolID,
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("nat")},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Corp:a|b"), ProviderAttributeName: aws.String("custom:id"),
				ProviderAttributeValue: aws.String(v)}}))
	}
	for _, v := range []string{"nat@corp.example", "x\x00y", long} {
		name, err := a.App.Users().SignInExternal(ctx, f.poolID, *f.client.ClientId, users.ExternalIdentity{ProviderName: "Corp:a|b", ProviderType: "SAML",
			UserID: "sub-" + v[:1], Attributes: map[string]string{"custom:id": v}})
		if err != nil || name != "nat" {
			t.Fatalf("linked sign-in by %q = %q, %v", v[:1], name, err)
		}
	}
	// The same new identity through both nodes: one user.
	id := users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "777"}
	for _, ts := range []*testServer{a, b} {
		if name, err := ts.App.Users().SignInExternal(ctx, f.poolID, *f.client.ClientId, id); err != nil || name != "Google_777" {
			t.Fatalf("SignInExternal = %q, %v", name, err)
		}
	}
	list := must[*cognito.ListUsersOutput](t)(f.c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: &f.poolID, Filter: aws.String(`username = "Google_777"`)}))
	if len(list.Users) != 1 || list.Users[0].UserStatus != types.UserStatusTypeExternalProvider {
		t.Fatalf("ListUsers %+v", list.Users)
	}
	must[*cognito.AdminDisableProviderForUserOutput](t)(f.c.AdminDisableProviderForUser(ctx, &cognito.AdminDisableProviderForUserInput{UserPoolId: &f.poolID,
		User: &types.ProviderUserIdentifierType{ProviderName: aws.String("Corp:a|b"), ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("sub-x")}}))
	if name, err := b.App.Users().SignInExternal(ctx, f.poolID, *f.client.ClientId, users.ExternalIdentity{ProviderName: "Corp:a|b", UserID: "sub-x"}); err != nil || name != "Corp:a|b_sub-x" {
		t.Fatalf("sign-in after unlinking = %q, %v", name, err)
	}
}
