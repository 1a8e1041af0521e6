package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Issue 15 item 1: SignUp refuses email_verified and phone_number_verified
// from the client, as Cognito's write permissions do (the same client is
// refused by UpdateUserAttributes): a self-registered user cannot present an
// address it does not own as verified.
func TestSignUpRefusesVerifiedAttributes(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}}, nil)
	ctx := context.Background()
	for _, kv := range [][]string{
		{"email", "victim@bank.test", "email_verified", "true"},
		{"phone_number", "+15555550100", "phone_number_verified", "true"},
	} {
		_, err := f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("mallory"), Password: aws.String("Passw0rd!"),
			UserAttributes: attrs(kv...)})
		wantAPIError(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	}
	// Nothing was created.
	_, err := f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("mallory")})
	wantAPIError(t, err, "UserNotFoundException", "")
	// Without the verified flag the sign-up works, and the address is unverified.
	must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("mallory"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "victim@bank.test")}))
	u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("mallory")}))
	if v := attrOf(u.UserAttributes, "email_verified"); v == "true" {
		t.Fatalf("email_verified = %q after sign-up", v)
	}
}
