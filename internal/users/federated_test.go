package users_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

func attrOf(t *testing.T, svc *users.Service, pool, username, name string) (string, bool) {
	t.Helper()
	out, err := svc.AdminGetUser(context.Background(), &cip.AdminGetUserRequest{UserPoolId: pool, Username: username})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.UserAttributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// TestSignInExternalCreatesFederatedUser: the first sign-in makes
// "<ProviderName>_<UserID>" with status EXTERNAL_PROVIDER, a sub, the
// identities attribute and the provider's group; the next sign-in is the
// same user with the mapped attributes written again.
func TestSignInExternalCreatesFederatedUser(t *testing.T) {
	svc, _, _, pool, client := setup(t)
	ctx := context.Background()
	id := users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "1234",
		Attributes: map[string]string{"email": "g@example.com", "name": "First"}}
	name, err := svc.SignInExternal(ctx, pool, client, id)
	if err != nil || name != "Google_1234" {
		t.Fatalf("SignInExternal = %q, %v", name, err)
	}
	got, err := svc.AdminGetUser(ctx, &cip.AdminGetUserRequest{UserPoolId: pool, Username: "Google_1234"})
	if err != nil {
		t.Fatal(err)
	}
	if got.UserStatus != "EXTERNAL_PROVIDER" || !*got.Enabled {
		t.Fatalf("status %s enabled %v", got.UserStatus, *got.Enabled)
	}
	if sub, _ := attrOf(t, svc, pool, name, "sub"); len(sub) != 36 {
		t.Fatalf("sub %q", sub)
	}
	raw, _ := attrOf(t, svc, pool, name, "identities")
	var ids []map[string]any
	if err := json.Unmarshal([]byte(raw), &ids); err != nil || len(ids) != 1 {
		t.Fatalf("identities %q: %v", raw, err)
	}
	if ids[0]["userId"] != "1234" || ids[0]["providerName"] != "Google" || ids[0]["providerType"] != "Google" ||
		ids[0]["primary"] != "true" || ids[0]["issuer"] != nil || ids[0]["dateCreated"] == "" {
		t.Fatalf("identities %q", raw)
	}
	if _, ok := attrOf(t, svc, pool, name, "email_verified"); ok {
		t.Fatal("email_verified set though the provider did not map it")
	}
	groups, err := svc.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserRequest{UserPoolId: pool, Username: name})
	if err != nil || len(groups.Groups) != 1 || groups.Groups[0].GroupName != pool+"_Google" {
		t.Fatalf("groups %+v, %v", groups, err)
	}
	id.Attributes["name"] = "Second"
	if again, err := svc.SignInExternal(ctx, pool, client, id); err != nil || again != name {
		t.Fatalf("second sign-in = %q, %v", again, err)
	}
	if v, _ := attrOf(t, svc, pool, name, "name"); v != "Second" {
		t.Fatalf("name after the second sign-in: %q", v)
	}
	// A federated user has no password to reset.
	_, err = svc.ForgotPassword(ctx, &cip.ForgotPasswordRequest{ClientId: client, Username: name})
	wantType(t, err, awserr.NotAuthorized)
}

type fakeProviders map[string]string

func (f fakeProviders) ProviderType(_ context.Context, _, name string) (string, error) {
	if t, ok := f[name]; ok {
		return t, nil
	}
	return "", awserr.New(awserr.ResourceNotFound, "Identity provider "+name+" does not exist.")
}

// TestLinkAndDisableProvider: a linked identity signs in as the native
// user; at most five links; an identity that signed in already cannot be
// linked; unlinking makes the next sign-in a new federated user, and
// disabling a federated user's provider refuses its sign-in.
func TestLinkAndDisableProvider(t *testing.T) {
	svc, _, _, pool, client := setup(t)
	svc.SetProviders(fakeProviders{"Google": "Google", "Corp": "SAML", "P1": "OIDC", "P2": "OIDC", "P3": "OIDC", "P4": "OIDC", "P5": "OIDC"})
	ctx := context.Background()
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "native", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	link := func(provider, attr, value, dest string) error {
		_, err := svc.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserRequest{UserPoolId: pool,
			DestinationUser: &cip.ProviderUserIdentifierType{ProviderName: "Cognito", ProviderAttributeValue: dest},
			SourceUser:      &cip.ProviderUserIdentifierType{ProviderName: provider, ProviderAttributeName: attr, ProviderAttributeValue: value}})
		return err
	}
	if err := link("Corp", "email", "n@corp.example", "native"); err != nil {
		t.Fatal(err)
	}
	wantType(t, link("Nope", "Cognito_Subject", "x", "native"), awserr.ResourceNotFound)
	wantType(t, link("Google", "email", "x@example.com", "native"), awserr.InvalidParameter) // social: the subject only
	wantType(t, link("Corp", "Cognito_Subject", "x", "missing"), awserr.UserNotFound)
	name, err := svc.SignInExternal(ctx, pool, client, users.ExternalIdentity{ProviderName: "Corp", ProviderType: "SAML", UserID: "nameid-1",
		Attributes: map[string]string{"email": "n@corp.example", "given_name": "Nat"}})
	if err != nil || name != "native" {
		t.Fatalf("linked sign-in = %q, %v", name, err)
	}
	if v, _ := attrOf(t, svc, pool, "native", "given_name"); v != "Nat" {
		t.Fatalf("given_name %q", v)
	}
	raw, _ := attrOf(t, svc, pool, "native", "identities")
	var ids []map[string]any
	if err := json.Unmarshal([]byte(raw), &ids); err != nil || len(ids) != 1 || ids[0]["userId"] != "nameid-1" || ids[0]["providerType"] != "SAML" || ids[0]["primary"] != "false" {
		t.Fatalf("identities %q: %v", raw, err)
	}
	// After the sign-in, the subject finds the user.
	if name, err := svc.SignInExternal(ctx, pool, client, users.ExternalIdentity{ProviderName: "Corp", UserID: "nameid-1"}); err != nil || name != "native" {
		t.Fatalf("sign-in by subject = %q, %v", name, err)
	}
	// An identity that signed in already is a user of its own: no merging.
	if _, err := svc.SignInExternal(ctx, pool, client, users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "g1"}); err != nil {
		t.Fatal(err)
	}
	wantType(t, link("Google", "Cognito_Subject", "g1", "native"), awserr.InvalidParameter)
	// Linked to another user already.
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "other", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	wantType(t, link("Corp", "Cognito_Subject", "nameid-1", "other"), awserr.AliasExists)
	for _, p := range []string{"P1", "P2", "P3", "P4"} {
		if err := link(p, "Cognito_Subject", "s", "native"); err != nil {
			t.Fatal(err)
		}
	}
	wantType(t, link("P5", "Cognito_Subject", "s", "native"), awserr.LimitExceeded)

	// Unlinking: the next sign-in is a new federated user.
	if _, err := svc.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserRequest{UserPoolId: pool,
		User: &cip.ProviderUserIdentifierType{ProviderName: "Corp", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "nameid-1"}}); err != nil {
		t.Fatal(err)
	}
	if name, err := svc.SignInExternal(ctx, pool, client, users.ExternalIdentity{ProviderName: "Corp", ProviderType: "SAML", UserID: "nameid-1"}); err != nil || name != "Corp_nameid-1" {
		t.Fatalf("sign-in after unlinking = %q, %v", name, err)
	}
	// Disabling a federated user's provider disables the user.
	if _, err := svc.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserRequest{UserPoolId: pool,
		User: &cip.ProviderUserIdentifierType{ProviderName: "Google", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "g1"}}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.SignInExternal(ctx, pool, client, users.ExternalIdentity{ProviderName: "Google", UserID: "g1"})
	wantType(t, err, awserr.NotAuthorized)
	_, err = svc.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserRequest{UserPoolId: pool,
		User: &cip.ProviderUserIdentifierType{ProviderName: "Google", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "nobody"}})
	wantType(t, err, awserr.UserNotFound)
}

// TestFederatedUsernameCase: in a case-insensitive pool the federated
// username is in lower case, as Cognito makes it; the identity still finds
// its user, and a mapped email that a native user has as its username
// (UsernameAttributes) does not clash.
func TestFederatedUsernameCase(t *testing.T) {
	svc, st, clk, _, _ := setup(t)
	ctx := context.Background()
	pools := userpool.New(st, userpool.Options{Clock: clk})
	p, err := pools.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "ci", UsernameAttributes: []string{"email"},
		UsernameConfiguration: &cip.UsernameConfigurationType{CaseSensitive: ptrTo(false)}})
	if err != nil {
		t.Fatal(err)
	}
	pool := p.UserPool.Id
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "ann@example.com", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	id := users.ExternalIdentity{ProviderName: "MyOkta", ProviderType: "SAML", UserID: "Ann.Smith", Attributes: map[string]string{"email": "ann@example.com"}}
	for range 2 {
		name, err := svc.SignInExternal(ctx, pool, "", id)
		if err != nil || name != "myokta_ann.smith" {
			t.Fatalf("SignInExternal = %q, %v", name, err)
		}
	}
	if v, _ := attrOf(t, svc, pool, "MyOkta_Ann.Smith", "email"); v != "ann@example.com" {
		t.Fatalf("email %q", v)
	}
}

func ptrTo[T any](v T) *T { return &v }
