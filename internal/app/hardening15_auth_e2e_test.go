package app_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/srp"
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

// secretHashAnswers calls every public operation that takes a SECRET_HASH
// for username with a wrong hash, and returns each answer as
// "operation: type: message" (or "operation: ok").
func secretHashAnswers(t *testing.T, f *authFixture, username string) []string {
	t.Helper()
	ctx := context.Background()
	wrong := aws.String(secretHash("not-the-secret", username, *f.client.ClientId))
	id := f.client.ClientId
	answer := func(op string, err error) string {
		if err == nil {
			return op + ": ok"
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v", op, err)
		}
		return op + ": " + ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	var out []string
	for _, flow := range []types.AuthFlowType{types.AuthFlowTypeUserPasswordAuth, types.AuthFlowTypeUserSrpAuth} {
		_, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: id, AuthFlow: flow,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": "Wr0ngPass!", "SRP_A": "1234", "SECRET_HASH": *wrong}})
		out = append(out, answer("InitiateAuth "+string(flow), err))
	}
	_, err := f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: id, Username: &username, SecretHash: wrong})
	out = append(out, answer("ForgotPassword", err))
	_, err = f.c.ResendConfirmationCode(ctx, &cognito.ResendConfirmationCodeInput{ClientId: id, Username: &username, SecretHash: wrong})
	out = append(out, answer("ResendConfirmationCode", err))
	_, err = f.c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: id, Username: &username, SecretHash: wrong,
		ConfirmationCode: aws.String("123456"), Password: aws.String("N3wPassw0rd!")})
	out = append(out, answer("ConfirmForgotPassword", err))
	_, err = f.c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: id, Username: &username, SecretHash: wrong, ConfirmationCode: aws.String("123456")})
	out = append(out, answer("ConfirmSignUp", err))
	return out
}

// Issue 15 item 2: a wrong SECRET_HASH is refused, checked against the
// username of the request before any look-up, so that its answer is the
// same for a user who exists and one who does not, with and without
// PreventUserExistenceErrors.
func TestWrongSecretHashTellsNobodyWhoExists(t *testing.T) {
	for _, prevent := range []types.PreventUserExistenceErrorTypes{types.PreventUserExistenceErrorTypesEnabled, types.PreventUserExistenceErrorTypesLegacy} {
		t.Run(string(prevent), func(t *testing.T) {
			f := newAuthFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
				&cognito.CreateUserPoolClientInput{GenerateSecret: true, PreventUserExistenceErrors: prevent})
			f.confirmedUser(t, "alice", "Passw0rd!", "email", "alice@example.com", "email_verified", "true")
			// An unconfirmed user too, for the sign-up codes.
			must[*cognito.SignUpOutput](t)(f.c.SignUp(context.Background(), &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("bob"),
				Password: aws.String("Passw0rd!"), UserAttributes: attrs("email", "bob@example.com"),
				SecretHash: aws.String(secretHash(*f.client.ClientSecret, "bob", *f.client.ClientId))}))
			for _, who := range []string{"alice", "bob", "nobody"} {
				for _, got := range secretHashAnswers(t, f, who) {
					_, msg, _ := strings.Cut(got, ": ")
					if msg != "NotAuthorizedException: Unable to verify secret hash for client "+*f.client.ClientId {
						t.Errorf("%s: %s", who, got)
					}
				}
			}
		})
	}
}

// Issue 15 item 4: a sign-out (or a disable) refuses every token issued
// before it, also one of the same second, and no token issued after it,
// whatever the clock's resolution: here the clock stands still, so every
// token and the sign-out itself are stamped with the same instant.
func TestSignOutRefusesTokensOfItsOwnSecond(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	f.confirmedUser(t, "sam", "Passw0rd!")
	frozen := time.Now().Truncate(time.Second).Add(500 * time.Millisecond)
	f.ts.App.SetNow(func() time.Time { return frozen })
	defer f.ts.App.SetNow(time.Now)

	before := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sam", "Passw0rd!")).AuthenticationResult
	must[*cognito.AdminUserGlobalSignOutOutput](t)(f.c.AdminUserGlobalSignOut(ctx, &cognito.AdminUserGlobalSignOutInput{UserPoolId: &f.poolID, Username: aws.String("sam")}))
	after := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sam", "Passw0rd!")).AuthenticationResult

	_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: before.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	_, err = f.c.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: before.AccessToken, PreviousPassword: aws.String("Passw0rd!"), ProposedPassword: aws.String("Stol3nPass!")})
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = f.c.DeleteUser(ctx, &cognito.DeleteUserInput{AccessToken: before.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": *before.RefreshToken}})
	wantAPIError(t, err, "NotAuthorizedException", "")
	must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: after.AccessToken}))

	// GlobalSignOut by the user, then a disable: the same.
	must[*cognito.GlobalSignOutOutput](t)(f.c.GlobalSignOut(ctx, &cognito.GlobalSignOutInput{AccessToken: after.AccessToken}))
	_, err = f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: after.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")
	again := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sam", "Passw0rd!")).AuthenticationResult
	must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: again.AccessToken}))
	must[*cognito.AdminDisableUserOutput](t)(f.c.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: &f.poolID, Username: aws.String("sam")}))
	must[*cognito.AdminEnableUserOutput](t)(f.c.AdminEnableUser(ctx, &cognito.AdminEnableUserInput{UserPoolId: &f.poolID, Username: aws.String("sam")}))
	_, err = f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: again.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")
	last := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sam", "Passw0rd!")).AuthenticationResult
	must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: last.AccessToken}))
}

// Issue 15 item 16: the access tokens of a deleted app client are refused,
// a user's and a machine's (client_credentials) alike; those of another
// client of the pool keep working.
func TestDeletedClientsTokensAreRefused(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	f.confirmedUser(t, "dora", "Passw0rd!")
	other := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("other"), ExplicitAuthFlows: allFlows})).UserPoolClient
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("dora", "Passw0rd!")).AuthenticationResult
	kept := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: other.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "dora", "PASSWORD": "Passw0rd!"}})).AuthenticationResult
	must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok.AccessToken}))

	must[*cognito.DeleteUserPoolClientOutput](t)(f.c.DeleteUserPoolClient(ctx, &cognito.DeleteUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId}))
	_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = f.c.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String("Passw0rd!"), ProposedPassword: aws.String("Stol3nPass!")})
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = f.c.DeleteUser(ctx, &cognito.DeleteUserInput{AccessToken: tok.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "")
	// The token of the pool's other client still works.
	must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: kept.AccessToken}))
}

// Issue 15 item 8: GetUser shows only the attributes the app client may
// read, as the ID token does.
func TestGetUserHonoursReadAttributes(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{ReadAttributes: []string{"email", "name"}})
	ctx := context.Background()
	f.confirmedUser(t, "rita", "Passw0rd!", "email", "rita@example.com", "name", "Rita", "phone_number", "+15555550100", "family_name", "Secret")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("rita", "Passw0rd!")).AuthenticationResult
	claims := f.verifyJWT(t, *tok.IdToken)
	got := must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok.AccessToken}))
	seen := map[string]bool{}
	for _, a := range got.UserAttributes {
		seen[*a.Name] = true
		if _, inToken := claims[*a.Name]; !inToken {
			t.Errorf("GetUser shows %s, which the ID token (and ReadAttributes) leave out", *a.Name)
		}
	}
	for _, want := range []string{"sub", "email", "name"} {
		if !seen[want] {
			t.Errorf("GetUser misses %s", want)
		}
	}
}

// Issue 15 item 18: in a pool that signs in by email, changing a user's
// email to another user's answers AliasExistsException, as Cognito does
// (creating a user with it stays UsernameExistsException).
func TestEmailTakenByAnotherUserIsAnAlias(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}}, nil)
	ctx := context.Background()
	f.confirmedUser(t, "ann@example.com", "Passw0rd!")
	f.confirmedUser(t, "ben@example.com", "Passw0rd!")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("ben@example.com", "Passw0rd!")).AuthenticationResult
	_, err := f.c.UpdateUserAttributes(ctx, &cognito.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrs("email", "ann@example.com")})
	wantAPIError(t, err, "AliasExistsException", "An account with the given email already exists.")
	_, err = f.c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: &f.poolID, Username: aws.String("ben@example.com"),
		UserAttributes: attrs("email", "ann@example.com")})
	wantAPIError(t, err, "AliasExistsException", "An account with the given email already exists.")
	_, err = f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("ann@example.com"), Password: aws.String("Passw0rd!")})
	wantAPIError(t, err, "UsernameExistsException", "")
}

// Issue 15 item 19: a TOTP code used once (to verify the set-up, or to sign
// in) answers ExpiredCodeException "Your software token has already been
// used once." when used again, as Cognito does; a wrong code stays
// CodeMismatchException. The clock stands still so that the step does not
// change under the test.
func TestTOTPCodeUsedTwiceHasExpired(t *testing.T) {
	f := newAuthFixture(t, mfaPool(""), nil)
	enableMFA(t, f, types.UserPoolMfaTypeOptional)
	ctx := context.Background()
	now := time.Now().Truncate(30 * time.Second).Add(10 * time.Second)
	f.ts.App.SetNow(func() time.Time { return now })
	defer f.ts.App.SetNow(time.Now)
	f.confirmedUser(t, "tom", "Passw0rd!")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tom", "Passw0rd!")).AuthenticationResult.AccessToken
	secret := *must[*cognito.AssociateSoftwareTokenOutput](t)(f.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{AccessToken: tok})).SecretCode
	setup := totp(t, secret, now)
	must[*cognito.VerifySoftwareTokenOutput](t)(f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: tok, UserCode: &setup}))
	must[*cognito.SetUserMFAPreferenceOutput](t)(f.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: tok,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	respond := func(code string) (*cognito.RespondToAuthChallengeOutput, error) {
		start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tom", "Passw0rd!"))
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
			Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "tom", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	_, err := respond(setup)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	_, err = respond(wrongCode(setup))
	wantAPIError(t, err, "CodeMismatchException", "")

	later := now.Add(30 * time.Second)
	f.ts.App.SetNow(func() time.Time { return later })
	code := totp(t, secret, later)
	if out := must[*cognito.RespondToAuthChallengeOutput](t)(respond(code)); out.AuthenticationResult == nil {
		t.Fatalf("a fresh code did not sign in: %+v", out)
	}
	_, err = respond(code)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")
}

// Issue 15 item 7: with PreventUserExistenceErrors, the made-up delivery of
// a missing user has the shape of a real one (not the username's first
// letter at e***), and is the same each time it is asked, as a real
// user's is.
func TestMadeUpDeliveryLooksReal(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}}}},
		&cognito.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ctx := context.Background()
	shape := regexp.MustCompile(`^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$`)
	locals := map[string]bool{}
	for _, name := range []string{"gus", "gail", "gwen", "gina", "greg", "gary"} {
		var seen string
		for range 2 {
			fp := must[*cognito.ForgotPasswordOutput](t)(f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: f.client.ClientId, Username: aws.String(name)})).CodeDeliveryDetails
			rc := must[*cognito.ResendConfirmationCodeOutput](t)(f.c.ResendConfirmationCode(ctx, &cognito.ResendConfirmationCodeInput{ClientId: f.client.ClientId, Username: aws.String(name)})).CodeDeliveryDetails
			for _, d := range []*types.CodeDeliveryDetailsType{fp, rc} {
				dest := aws.ToString(d.Destination)
				if !shape.MatchString(dest) || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
					t.Fatalf("%s: made-up delivery %+v", name, d)
				}
				if seen != "" && dest != seen {
					t.Fatalf("%s: made-up delivery changes: %s, then %s", name, seen, dest)
				}
				seen = dest
			}
		}
		locals[seen] = true
	}
	if len(locals) == 1 {
		t.Fatalf("every missing g... user gets the same made-up destination %v: it tells them from real users", locals)
	}
}

// Issue 15 item 7: with PreventUserExistenceErrors, a missing user gets the
// answers an existing one gets: ConfirmForgotPassword's (expired before a
// code was asked for, a mismatch after), and the lock-out after repeated
// wrong passwords.
func TestMissingUserAnswersAsAnExistingOne(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
		&cognito.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ctx := context.Background()
	f.confirmedUser(t, "olga", "Passw0rd!", "email", "olga@example.com", "email_verified", "true")
	answer := func(err error) string {
		if err == nil {
			return "ok"
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	answers := func(who string) []string {
		confirm := func() string {
			_, err := f.c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: f.client.ClientId, Username: &who,
				ConfirmationCode: aws.String("000000"), Password: aws.String("N3wPassw0rd!")})
			return answer(err)
		}
		out := []string{"before a code: " + confirm()}
		must[*cognito.ForgotPasswordOutput](t)(f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: f.client.ClientId, Username: &who}))
		for i := range 6 {
			out = append(out, fmt.Sprintf("wrong code %d: %s", i, confirm()))
		}
		for i := range 7 {
			_, err := f.passwordAuth(who, "Wr0ngPassw0rd!")
			out = append(out, fmt.Sprintf("wrong password %d: %s", i, answer(err)))
		}
		return out
	}
	real, missing := answers("olga"), answers("oscar")
	if strings.Join(real, "\n") != strings.Join(missing, "\n") {
		t.Fatalf("an existing user gets:\n%s\na missing one:\n%s", strings.Join(real, "\n"), strings.Join(missing, "\n"))
	}
}

// Issue 15 item 2, the SRP answer: with PreventUserExistenceErrors, a wrong
// SECRET_HASH in the PASSWORD_VERIFIER answer gets the same refusal for an
// existing and a missing user.
func TestWrongSecretHashInSRPAnswerTellsNobodyWhoExists(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{GenerateSecret: true, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ctx := context.Background()
	f.confirmedUser(t, "ivan", "Passw0rd!")
	var got []string
	for _, who := range []string{"ivan", "nobody"} {
		cl, _ := srp.NewClient(rand.Reader, f.poolID)
		start := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": who, "SRP_A": cl.AHex(), "SECRET_HASH": secretHash(*f.client.ClientSecret, who, *f.client.ClientId)}}))
		p := start.ChallengeParameters
		sig, ts, err := cl.Respond(p["USER_ID_FOR_SRP"], "Passw0rd!", p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts,
				"SECRET_HASH": secretHash("not-the-secret", who, *f.client.ClientId)}})
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v", who, err)
		}
		got = append(got, ae.ErrorCode()+": "+ae.ErrorMessage())
	}
	if got[0] != got[1] || !strings.Contains(got[0], "Unable to verify secret hash") {
		t.Fatalf("existing user: %s; missing user: %s", got[0], got[1])
	}
}
