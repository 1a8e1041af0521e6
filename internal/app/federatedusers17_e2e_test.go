package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/users"
)

// Federated users (issue 17): the users of external identities as
// SignInExternal makes them (the hosted pages call it after an OIDC or SAML
// provider answered), seen through the API; AdminLinkProviderForUser and
// AdminDisableProviderForUser end to end.

// federatedFixture is a pool whose PreSignUp and PostConfirmation triggers
// reach a fake Lambda; PreSignUp auto-verifies the email.
func federatedFixture(t *testing.T) (*authFixture, *fakeLambda) {
	t.Helper()
	fl := newFakeLambda(t)
	pre := fl.handle("preSignUp", func(ev map[string]any) (any, error) {
		return map[string]any{"autoConfirmUser": false, "autoVerifyEmail": true, "autoVerifyPhone": false}, nil
	})
	post := fl.handle("postConfirmation", func(map[string]any) (any, error) { return nil, nil })
	ts := startLambdaServer(t, fl)
	f := newAuthFixtureOn(t, ts, &cognito.CreateUserPoolInput{
		LambdaConfig: &types.LambdaConfigType{PreSignUp: &pre, PostConfirmation: &post}}, nil)
	return f, fl
}

// createProviders creates the pool's identity providers the test names
// (social types by their names, OIDC otherwise, with local endpoints). It
// reports false where the identity-provider operations are not served
// (a build without package idp): then no provider is checked.
func (f *authFixture) createProviders(t *testing.T, names ...string) bool {
	t.Helper()
	for _, name := range names {
		typ, details := types.IdentityProviderTypeType(name), map[string]string{"client_id": "cid", "client_secret": "secret", "authorize_scopes": "openid email"}
		switch name {
		case "Google", "Facebook", "LoginWithAmazon":
		default:
			typ = types.IdentityProviderTypeTypeOidc
			details["attributes_request_method"] = "GET"
			details["oidc_issuer"] = "https://idp.invalid"
			details["authorize_url"] = "https://idp.invalid/authorize"
			details["token_url"] = "https://idp.invalid/token"
			details["attributes_url"] = "https://idp.invalid/userinfo"
			details["jwks_uri"] = "https://idp.invalid/jwks"
		}
		_, err := f.c.CreateIdentityProvider(context.Background(), &cognito.CreateIdentityProviderInput{UserPoolId: &f.poolID,
			ProviderName: aws.String(name), ProviderType: typ, ProviderDetails: details, AttributeMapping: map[string]string{"email": "email"}})
		if apiErrorCode(err) == "UnsupportedOperationException" {
			return false
		}
		if err != nil {
			t.Fatalf("CreateIdentityProvider %s: %v", name, err)
		}
	}
	return true
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func (f *authFixture) signInExternal(t *testing.T, id users.ExternalIdentity) (string, error) {
	t.Helper()
	return f.ts.App.Users().SignInExternal(context.Background(), f.poolID, *f.client.ClientId, id)
}

// idTokenFor issues tokens for a username as the hosted pages do, and
// returns the verified claims of its ID token.
func (f *authFixture) idTokenFor(t *testing.T, username string) map[string]any {
	t.Helper()
	out, err := f.ts.App.AuthFlows().IssueForClient(context.Background(), *f.client.ClientId, username, []string{"openid", "email", "profile"}, "n1", time.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	return f.verifyJWT(t, out.IDToken)
}

// TestFederatedUserCreatedAndMapped: a first external sign-in makes
// "Google_<sub>" with status EXTERNAL_PROVIDER, fires
// PreSignUp_ExternalProvider (whose autoVerifyEmail is applied) and
// PostConfirmation, puts the user in "<pool>_Google" (ListGroups shows it);
// each sign-in writes the mapped attributes again; the ID token carries the
// identities claim and the group; password flows refuse the user.
func TestFederatedUserCreatedAndMapped(t *testing.T) {
	f, fl := federatedFixture(t)
	ctx := context.Background()
	clientID := *f.client.ClientId
	id := users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "1057",
		Attributes: map[string]string{"email": "gina@example.com", "given_name": "Gina"}}
	name, err := f.signInExternal(t, id)
	if err != nil || name != "Google_1057" {
		t.Fatalf("SignInExternal = %q, %v", name, err)
	}
	ev := fl.only("PreSignUp_ExternalProvider")
	wantCommon(t, ev, "1", f.poolID, clientID, "Google_1057")
	if path(ev, "request", "userAttributes", "email") != "gina@example.com" || path(ev, "request", "userAttributes", "sub") != nil {
		t.Fatalf("PreSignUp event %v", ev)
	}
	post := fl.only("PostConfirmation_ConfirmSignUp")
	if path(post, "request", "userAttributes", "cognito:user_status") != "EXTERNAL_PROVIDER" {
		t.Fatalf("PostConfirmation event %v", post)
	}

	got := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("Google_1057")}))
	if got.UserStatus != types.UserStatusTypeExternalProvider || !got.Enabled || attrOf(got.UserAttributes, "email_verified") != "true" ||
		attrOf(got.UserAttributes, "given_name") != "Gina" || len(attrOf(got.UserAttributes, "sub")) != 36 {
		t.Fatalf("AdminGetUser %+v", got)
	}
	list := must[*cognito.ListUsersOutput](t)(f.c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: &f.poolID,
		Filter: aws.String(`cognito:user_status = "EXTERNAL_PROVIDER"`)}))
	if len(list.Users) != 1 || *list.Users[0].Username != "Google_1057" {
		t.Fatalf("ListUsers %+v", list.Users)
	}
	groups := must[*cognito.ListGroupsOutput](t)(f.c.ListGroups(ctx, &cognito.ListGroupsInput{UserPoolId: &f.poolID}))
	if len(groups.Groups) != 1 || *groups.Groups[0].GroupName != f.poolID+"_Google" {
		t.Fatalf("ListGroups %+v", groups.Groups)
	}

	// The second sign-in: the same user, the mapped attributes written
	// again, no sign-up triggers.
	fl.reset()
	id.Attributes["given_name"] = "Georgina"
	if again, err := f.signInExternal(t, id); err != nil || again != name {
		t.Fatalf("second sign-in = %q, %v", again, err)
	}
	if n := len(fl.received("PreSignUp_ExternalProvider")) + len(fl.received("PostConfirmation_ConfirmSignUp")); n != 0 {
		t.Fatalf("%d sign-up triggers on the second sign-in", n)
	}
	got = must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String(name)}))
	if attrOf(got.UserAttributes, "given_name") != "Georgina" {
		t.Fatalf("given_name after the second sign-in: %+v", got.UserAttributes)
	}

	claims := f.idTokenFor(t, name)
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities claim %v", claims["identities"])
	}
	first, _ := ids[0].(map[string]any)
	if first["userId"] != "1057" || first["providerName"] != "Google" || first["providerType"] != "Google" || first["primary"] != "true" ||
		first["issuer"] != nil || first["dateCreated"] == "" {
		t.Fatalf("identities claim %v", first)
	}
	if gs, _ := claims["cognito:groups"].([]any); !slices.Contains(gs, any(f.poolID+"_Google")) {
		t.Fatalf("cognito:groups %v", claims["cognito:groups"])
	}
	if claims["cognito:username"] != name || claims["email_verified"] != true {
		t.Fatalf("claims %v", claims)
	}

	// No password: password sign-in and resets are refused.
	_, err = f.passwordAuth(name, "Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: &clientID, Username: &name})
	wantAPIError(t, err, "NotAuthorizedException", "cannot be reset")
}

// TestFederatedLinkAndDisable: AdminLinkProviderForUser links an identity
// (by a mapped attribute, as for SAML) to a native user, whose later
// sign-ins are that user's, with the mapped attributes and the identities
// claim; its errors; AdminDisableProviderForUser unlinks, and disables a
// federated user.
func TestFederatedLinkAndDisable(t *testing.T) {
	f, fl := federatedFixture(t)
	ctx := context.Background()
	checked := f.createProviders(t, "Corp", "Google", "Facebook", "LoginWithAmazon")
	f.confirmedUser(t, "nat", "Passw0rd!", "email", "nat@example.com")
	cognitoUser := func(username string) *types.ProviderUserIdentifierType {
		return &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String(username)}
	}
	source := func(provider, attr, value string) *types.ProviderUserIdentifierType {
		return &types.ProviderUserIdentifierType{ProviderName: &provider, ProviderAttributeName: &attr, ProviderAttributeValue: &value}
	}
	link := func(dest, src *types.ProviderUserIdentifierType) error {
		_, err := f.c.AdminLinkProviderForUser(ctx, &cognito.AdminLinkProviderForUserInput{UserPoolId: &f.poolID, DestinationUser: dest, SourceUser: src})
		return err
	}
	must[*cognito.AdminLinkProviderForUserOutput](t)(f.c.AdminLinkProviderForUser(ctx, &cognito.AdminLinkProviderForUserInput{UserPoolId: &f.poolID,
		DestinationUser: cognitoUser("nat"), SourceUser: source("Corp", "email", "nat@corp.example")}))

	name, err := f.signInExternal(t, users.ExternalIdentity{ProviderName: "Corp", ProviderType: "SAML", UserID: "nameid-7",
		Attributes: map[string]string{"email": "nat@corp.example", "family_name": "Lee"}})
	if err != nil || name != "nat" {
		t.Fatalf("linked sign-in = %q, %v", name, err)
	}
	if n := len(fl.received("PreSignUp_ExternalProvider")); n != 0 {
		t.Fatalf("%d PreSignUp events for a linked identity", n)
	}
	got := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("nat")}))
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "family_name") != "Lee" || attrOf(got.UserAttributes, "email") != "nat@corp.example" {
		t.Fatalf("the linked native user %+v", got)
	}
	claims := f.idTokenFor(t, "nat")
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities claim %v", claims["identities"])
	}
	if e, _ := ids[0].(map[string]any); e["userId"] != "nameid-7" || e["providerName"] != "Corp" || e["providerType"] != "SAML" || e["primary"] != "false" {
		t.Fatalf("identities claim %v", e)
	}
	// The native user keeps its password.
	if _, err := f.passwordAuth("nat", "Passw0rd!"); err != nil {
		t.Fatalf("password sign-in of the linked user: %v", err)
	}

	// Errors.
	wantAPIError(t, link(cognitoUser("nobody"), source("Google", "Cognito_Subject", "1")), "UserNotFoundException", "")
	wantAPIError(t, link(cognitoUser("nat"), source("Cognito", "Cognito_Subject", "nat")), "InvalidParameterException", "SourceUser")
	if _, err := f.signInExternal(t, users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "99"}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, link(cognitoUser("nat"), source("Google", "Cognito_Subject", "99")), "InvalidParameterException", "Merging is not currently supported")
	f.confirmedUser(t, "other", "Passw0rd!")
	wantAPIError(t, link(cognitoUser("other"), source("Corp", "Cognito_Subject", "nameid-7")), "AliasExistsException", "")
	// Five identities at most (one is Corp's), two of a provider allowed.
	for _, s := range []*types.ProviderUserIdentifierType{source("Google", "Cognito_Subject", "g-1"), source("Google", "Cognito_Subject", "g-2"),
		source("Facebook", "Cognito_Subject", "f-1"), source("LoginWithAmazon", "Cognito_Subject", "a-1")} {
		if err := link(cognitoUser("nat"), s); err != nil {
			t.Fatalf("link %s %s: %v", *s.ProviderName, *s.ProviderAttributeValue, err)
		}
	}
	wantAPIError(t, link(cognitoUser("nat"), source("Facebook", "Cognito_Subject", "f-2")), "LimitExceededException", "")
	if checked { // the pool's providers are known: a missing one is refused
		wantAPIError(t, link(cognitoUser("other"), source("Okta", "Cognito_Subject", "s")), "ResourceNotFoundException", "")
	}
	_, err = f.c.AdminLinkProviderForUser(ctx, &cognito.AdminLinkProviderForUserInput{UserPoolId: aws.String("us-east-1_nopenopen"),
		DestinationUser: cognitoUser("nat"), SourceUser: source("Google", "Cognito_Subject", "1")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Unlinking: the identity's next sign-in is a user of its own.
	must[*cognito.AdminDisableProviderForUserOutput](t)(f.c.AdminDisableProviderForUser(ctx, &cognito.AdminDisableProviderForUserInput{UserPoolId: &f.poolID,
		User: source("Corp", "Cognito_Subject", "nameid-7")}))
	if name, err := f.signInExternal(t, users.ExternalIdentity{ProviderName: "Corp", ProviderType: "SAML", UserID: "nameid-7"}); err != nil || name != "Corp_nameid-7" {
		t.Fatalf("sign-in after unlinking = %q, %v", name, err)
	}
	// Disabling a federated user's provider: the user is disabled.
	must[*cognito.AdminDisableProviderForUserOutput](t)(f.c.AdminDisableProviderForUser(ctx, &cognito.AdminDisableProviderForUserInput{UserPoolId: &f.poolID,
		User: source("Google", "Cognito_Subject", "99")}))
	got = must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("Google_99")}))
	if got.Enabled {
		t.Fatal("Google_99 still enabled")
	}
	if _, err := f.signInExternal(t, users.ExternalIdentity{ProviderName: "Google", UserID: "99"}); err == nil {
		t.Fatal("a disabled federated user signed in")
	}
	_, err = f.c.AdminDisableProviderForUser(ctx, &cognito.AdminDisableProviderForUserInput{UserPoolId: &f.poolID, User: source("Google", "Cognito_Subject", "nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")
}

// TestFederatedPreSignUpLinks: the pattern Cognito documents for joining a
// federated identity to an existing account — the PreSignUp function of
// the first sign-in (PreSignUp_ExternalProvider) calls
// AdminLinkProviderForUser — makes that sign-in, and the later ones, the
// native user's, and no federated user is made.
func TestFederatedPreSignUpLinks(t *testing.T) {
	fl := newFakeLambda(t)
	var f *authFixture
	pre := fl.handle("preSignUp", func(ev map[string]any) (any, error) {
		if ev["triggerSource"] == "PreSignUp_ExternalProvider" {
			subject := strings.TrimPrefix(ev["userName"].(string), "Google_")
			_, err := f.c.AdminLinkProviderForUser(context.Background(), &cognito.AdminLinkProviderForUserInput{UserPoolId: &f.poolID,
				DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("pat")},
				SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Google"), ProviderAttributeName: aws.String("Cognito_Subject"),
					ProviderAttributeValue: &subject}})
			if err != nil {
				return nil, err
			}
		}
		return map[string]any{"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}, nil
	})
	ts := startLambdaServer(t, fl)
	f = newAuthFixtureOn(t, ts, &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{PreSignUp: &pre}}, nil)
	f.createProviders(t, "Google")
	f.confirmedUser(t, "pat", "Passw0rd!", "email", "pat@example.com")
	ctx := context.Background()
	id := users.ExternalIdentity{ProviderName: "Google", ProviderType: "Google", UserID: "314", Attributes: map[string]string{"name": "Pat"}}
	for range 2 {
		if name, err := f.signInExternal(t, id); err != nil || name != "pat" {
			t.Fatalf("SignInExternal = %q, %v", name, err)
		}
	}
	if n := len(fl.received("PreSignUp_ExternalProvider")); n != 1 {
		t.Fatalf("%d PreSignUp_ExternalProvider events, want 1", n)
	}
	_, err := f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("Google_314")})
	wantAPIError(t, err, "UserNotFoundException", "")
	got := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("pat")}))
	if attrOf(got.UserAttributes, "name") != "Pat" || !strings.Contains(attrOf(got.UserAttributes, "identities"), `"userId":"314"`) {
		t.Fatalf("pat %+v", got.UserAttributes)
	}
}
