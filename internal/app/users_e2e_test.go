package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/messaging/smtptest"
)

type outboxMessage struct {
	Id          int64
	UserPoolId  string
	Username    string
	Kind        string
	Medium      string
	Destination string
	Subject     string
	Body        string
}

// outbox reads the messages sent to a user, newest first, from
// /_gognito/outbox as a developer would.
func (ts *testServer) outbox(t *testing.T, poolID, username string) []outboxMessage {
	t.Helper()
	resp, err := http.Get(ts.URL + "/_gognito/outbox?pool=" + url.QueryEscape(poolID) + "&username=" + url.QueryEscape(username))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Messages []outboxMessage }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("outbox: %d %v", resp.StatusCode, err)
	}
	return out.Messages
}

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// lastCode is the code in the newest message to a user.
func (ts *testServer) lastCode(t *testing.T, poolID, username string) string {
	t.Helper()
	ms := ts.outbox(t, poolID, username)
	if len(ms) == 0 {
		t.Fatalf("no message for %s", username)
	}
	m := codeRE.FindStringSubmatch(ms[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", ms[0].Body)
	}
	return m[1]
}

func (ts *testServer) passwordMatches(t *testing.T, poolID, username, pw string) bool {
	t.Helper()
	ok, err := ts.App.Users().PasswordMatches(context.Background(), poolID, username, pw)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestSignUpToPasswordRecovery walks the whole self-service path: sign-up,
// the code read from the outbox, confirmation, an attribute update, a
// forgotten password, the new code, and the old password refused.
func TestSignUpToPasswordRecovery(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("selfservice"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)}},
	})).UserPool
	app := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("app")})).UserPoolClient

	su := must[*cognito.SignUpOutput](t)(c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("bob"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "bob@example.com", "given_name", "Bob")}))
	if su.UserConfirmed || !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(aws.ToString(su.UserSub)) {
		t.Fatalf("sign-up: %+v", su)
	}
	if d := su.CodeDeliveryDetails; d == nil || aws.ToString(d.Destination) != "b***@e***" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Fatalf("delivery details %+v", su.CodeDeliveryDetails)
	}
	msgs := ts.outbox(t, *pool.Id, "bob")
	if len(msgs) != 1 || msgs[0].Destination != "bob@example.com" || msgs[0].Medium != "EMAIL" || msgs[0].Subject == "" {
		t.Fatalf("outbox after sign-up: %+v", msgs)
	}
	code := ts.lastCode(t, *pool.Id, "bob")

	// Sign-up errors.
	_, err := c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("bob"), Password: aws.String("Passw0rd!"), UserAttributes: attrs("email", "b2@example.com")})
	wantAPIError(t, err, "UsernameExistsException", "User already exists")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("weak"), Password: aws.String("short"), UserAttributes: attrs("email", "w@example.com")})
	wantAPIError(t, err, "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("weak"), Password: aws.String("longenough1!"), UserAttributes: attrs("email", "w@example.com")})
	wantAPIError(t, err, "InvalidPasswordException", "Password must have uppercase characters")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("noemail"), Password: aws.String("Passw0rd!")})
	wantAPIError(t, err, "InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("x"), Password: aws.String("Passw0rd!"), UserAttributes: attrs("email", "x@example.com", "custom:nope", "1")})
	wantAPIError(t, err, "InvalidParameterException", "custom:nope: Attribute does not exist in the schema.")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("x"), Password: aws.String("Passw0rd!"), UserAttributes: attrs("email", "not-an-email")})
	wantAPIError(t, err, "InvalidParameterException", "Invalid email address format.")
	_, err = c.SignUp(ctx, &cognito.SignUpInput{ClientId: aws.String("nosuchclient0000000000000a"), Username: aws.String("x"), Password: aws.String("Passw0rd!")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = ts.client("us-east-1", true).SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'username' failed to satisfy constraint: Member must not be null")

	// Confirmation.
	_, err = c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(wrongCode(code))})
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	must[*cognito.ConfirmSignUpOutput](t)(c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(code)}))
	_, err = c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(code)})
	wantAPIError(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	_, err = c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: app.ClientId, Username: aws.String("nobody"), ConfirmationCode: aws.String("123456")})
	wantAPIError(t, err, "UserNotFoundException", "")
	_, err = c.ResendConfirmationCode(ctx, &cognito.ResendConfirmationCodeInput{ClientId: app.ClientId, Username: aws.String("bob")})
	wantAPIError(t, err, "InvalidParameterException", "User is already confirmed.")
	g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("bob")}))
	if g.UserStatus != types.UserStatusTypeConfirmed || attrOf(g.UserAttributes, "email_verified") != "true" || attrOf(g.UserAttributes, "sub") != aws.ToString(su.UserSub) || !g.Enabled {
		t.Fatalf("after confirmation: %+v", g)
	}

	// Attributes.
	must[*cognito.AdminUpdateUserAttributesOutput](t)(c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: pool.Id, Username: aws.String("bob"),
		UserAttributes: attrs("given_name", "Robert", "family_name", "Builder")}))
	g = must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("bob")}))
	if attrOf(g.UserAttributes, "given_name") != "Robert" || attrOf(g.UserAttributes, "family_name") != "Builder" {
		t.Fatalf("after update: %+v", g.UserAttributes)
	}
	_, err = c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: pool.Id, Username: aws.String("bob"), UserAttributes: attrs("sub", "x")})
	wantAPIError(t, err, "InvalidParameterException", "sub")

	// Forgotten password.
	fp := must[*cognito.ForgotPasswordOutput](t)(c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob")}))
	if d := fp.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("forgot password details %+v", fp.CodeDeliveryDetails)
	}
	reset := ts.lastCode(t, *pool.Id, "bob")
	if ms := ts.outbox(t, *pool.Id, "bob"); ms[0].Kind != "ForgotPassword" {
		t.Fatalf("reset message kind %s", ms[0].Kind)
	}
	_, err = c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(reset), Password: aws.String("weak")})
	wantAPIError(t, err, "InvalidPasswordException", "")
	_, err = c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(wrongCode(reset)), Password: aws.String("N3w-Passw0rd")})
	wantAPIError(t, err, "CodeMismatchException", "")
	must[*cognito.ConfirmForgotPasswordOutput](t)(c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(reset), Password: aws.String("N3w-Passw0rd")}))
	_, err = c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(reset), Password: aws.String("An0ther-Passw0rd")})
	wantAPIError(t, err, "ExpiredCodeException", "")
	if ts.passwordMatches(t, *pool.Id, "bob", "Passw0rd!") {
		t.Fatal("the old password still works")
	}
	if !ts.passwordMatches(t, *pool.Id, "bob", "N3w-Passw0rd") {
		t.Fatal("the new password does not work")
	}
	_, err = c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")

	// Wrong codes are limited.
	must[*cognito.ForgotPasswordOutput](t)(c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob")}))
	reset = ts.lastCode(t, *pool.Id, "bob")
	for range 5 {
		_, err = c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(wrongCode(reset)), Password: aws.String("N3w-Passw0rd2")})
		wantAPIError(t, err, "CodeMismatchException", "")
	}
	_, err = c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: app.ClientId, Username: aws.String("bob"), ConfirmationCode: aws.String(reset), Password: aws.String("N3w-Passw0rd2")})
	wantAPIError(t, err, "LimitExceededException", "Attempt limit exceeded")
}

func wrongCode(c string) string {
	if c == "000000" {
		return "000001"
	}
	return "000000"
}

func TestPreventUserExistenceAndSecretHash(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("secret"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})).UserPool
	cl := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("conf"),
		GenerateSecret: true, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})).UserPoolClient
	in := &cognito.SignUpInput{ClientId: cl.ClientId, Username: aws.String("carol"), Password: aws.String("Passw0rd!"), UserAttributes: attrs("email", "carol@example.com")}
	_, err := c.SignUp(ctx, in)
	wantAPIError(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	in.SecretHash = aws.String("bm90IHRoZSBoYXNo")
	_, err = c.SignUp(ctx, in)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+*cl.ClientId)
	in.SecretHash = aws.String(secretHash(*cl.ClientSecret, "carol", *cl.ClientId))
	must[*cognito.SignUpOutput](t)(c.SignUp(ctx, in))

	// Unknown users are not revealed.
	fp := must[*cognito.ForgotPasswordOutput](t)(c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: cl.ClientId, Username: aws.String("nobody@example.com"),
		SecretHash: aws.String(secretHash(*cl.ClientSecret, "nobody@example.com", *cl.ClientId))}))
	if fp.CodeDeliveryDetails == nil || fp.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("simulated delivery %+v", fp.CodeDeliveryDetails)
	}
	_, err = c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: cl.ClientId, Username: aws.String("nobody"), ConfirmationCode: aws.String("123456"),
		SecretHash: aws.String(secretHash(*cl.ClientSecret, "nobody", *cl.ClientId))})
	wantAPIError(t, err, "CodeMismatchException", "")
}

func TestAdminUsers(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("admin"),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{
			SMSMessage: aws.String("Hi {username}, your temporary password is {####}"), EmailSubject: aws.String("Welcome"), EmailMessage: aws.String("User {username} password {####}")}},
	})).UserPool

	cu := must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("dave"),
		UserAttributes: attrs("phone_number", "+15555550100", "email", "dave@example.com", "email_verified", "true")}))
	if cu.User.UserStatus != types.UserStatusTypeForceChangePassword || !cu.User.Enabled || aws.ToString(cu.User.Username) != "dave" || attrOf(cu.User.Attributes, "sub") == "" {
		t.Fatalf("created %+v", cu.User)
	}
	msgs := ts.outbox(t, *pool.Id, "dave")
	if len(msgs) != 1 || msgs[0].Medium != "SMS" || msgs[0].Destination != "+15555550100" {
		t.Fatalf("invitation (SMS by default): %+v", msgs)
	}
	m := regexp.MustCompile(`^Hi dave, your temporary password is (\S+)$`).FindStringSubmatch(msgs[0].Body)
	if m == nil {
		t.Fatalf("invitation template not applied: %q", msgs[0].Body)
	}
	if !ts.passwordMatches(t, *pool.Id, "dave", m[1]) {
		t.Fatal("the temporary password sent does not work")
	}
	_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})
	wantAPIError(t, err, "UsernameExistsException", "User account already exists")
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("dave"),
		MessageAction: types.MessageActionTypeResend, DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}, TemporaryPassword: aws.String("Temp-Passw0rd")}))
	msgs = ts.outbox(t, *pool.Id, "dave")
	if len(msgs) != 2 || msgs[0].Medium != "EMAIL" || msgs[0].Subject != "Welcome" || msgs[0].Body != "User dave password Temp-Passw0rd" {
		t.Fatalf("resent invitation: %+v", msgs[0])
	}
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
		TemporaryPassword: aws.String("Temp-Passw0rd")}))
	if len(ts.outbox(t, *pool.Id, "erin")) != 0 {
		t.Fatal("SUPPRESS sent a message")
	}
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("fay"), TemporaryPassword: aws.String("weak")})
	wantAPIError(t, err, "InvalidPasswordException", "")
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_nothere00"), Username: aws.String("fay")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("fay"), MessageAction: "SHOUT"})
	wantAPIError(t, err, "InvalidParameterException", "enum value set")
	_, err = raw.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'username'")

	_, err = c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	must[*cognito.AdminDisableUserOutput](t)(c.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: pool.Id, Username: aws.String("dave")}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); g.Enabled {
		t.Fatal("disabled user is enabled")
	}
	must[*cognito.AdminEnableUserOutput](t)(c.AdminEnableUser(ctx, &cognito.AdminEnableUserInput{UserPoolId: pool.Id, Username: aws.String("dave")}))
	_, err = c.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: pool.Id, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")
	_, err = c.AdminEnableUser(ctx, &cognito.AdminEnableUserInput{UserPoolId: pool.Id, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")

	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("dave"), Password: aws.String("Perm-Passw0rd"), Permanent: true}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); g.UserStatus != types.UserStatusTypeConfirmed || !ts.passwordMatches(t, *pool.Id, "dave", "Perm-Passw0rd") {
		t.Fatalf("after a permanent password: %s", g.UserStatus)
	}
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("dave"), Password: aws.String("Temp-Passw0rd2")}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); g.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("after a temporary password: %s", g.UserStatus)
	}
	_, err = c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("dave"), Password: aws.String("nouppercase1!")})
	wantAPIError(t, err, "InvalidPasswordException", "Password must have uppercase characters")

	must[*cognito.AdminResetUserPasswordOutput](t)(c.AdminResetUserPassword(ctx, &cognito.AdminResetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("dave")}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); g.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("after a reset: %s", g.UserStatus)
	}
	if ms := ts.outbox(t, *pool.Id, "dave"); ms[0].Kind != "ForgotPassword" || !codeRE.MatchString(ms[0].Body) {
		t.Fatalf("reset code message %+v", ms[0])
	}
	_, err = c.AdminResetUserPassword(ctx, &cognito.AdminResetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("erin")})
	wantAPIError(t, err, "InvalidParameterException", "no registered/verified email or phone_number")

	must[*cognito.AdminDeleteUserAttributesOutput](t)(c.AdminDeleteUserAttributes(ctx, &cognito.AdminDeleteUserAttributesInput{UserPoolId: pool.Id, Username: aws.String("dave"), UserAttributeNames: []string{"phone_number"}}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); attrOf(g.UserAttributes, "phone_number") != "" {
		t.Fatal("attribute not deleted")
	}
	_, err = c.AdminDeleteUserAttributes(ctx, &cognito.AdminDeleteUserAttributesInput{UserPoolId: pool.Id, Username: aws.String("dave"), UserAttributeNames: []string{"sub"}})
	wantAPIError(t, err, "InvalidParameterException", "")

	must[*cognito.AdminSetUserSettingsOutput](t)(c.AdminSetUserSettings(ctx, &cognito.AdminSetUserSettingsInput{UserPoolId: pool.Id, Username: aws.String("dave"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})); len(g.MFAOptions) != 1 {
		t.Fatalf("MFAOptions %+v", g.MFAOptions)
	}
	_, err = c.AdminSetUserSettings(ctx, &cognito.AdminSetUserSettingsInput{UserPoolId: pool.Id, Username: aws.String("nobody"), MFAOptions: []types.MFAOptionType{}})
	wantAPIError(t, err, "UserNotFoundException", "")

	// AdminConfirmSignUp confirms an UNCONFIRMED user only.
	app := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("app")})).UserPoolClient
	must[*cognito.SignUpOutput](t)(c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("gus"), Password: aws.String("Passw0rd!")}))
	must[*cognito.AdminConfirmSignUpOutput](t)(c.AdminConfirmSignUp(ctx, &cognito.AdminConfirmSignUpInput{UserPoolId: pool.Id, Username: aws.String("gus")}))
	_, err = c.AdminConfirmSignUp(ctx, &cognito.AdminConfirmSignUpInput{UserPoolId: pool.Id, Username: aws.String("gus")})
	wantAPIError(t, err, "NotAuthorizedException", "Current status is CONFIRMED")

	if d := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id})); d.UserPool.EstimatedNumberOfUsers != 3 {
		t.Fatalf("EstimatedNumberOfUsers %d", d.UserPool.EstimatedNumberOfUsers)
	}
	must[*cognito.AdminDeleteUserOutput](t)(c.AdminDeleteUser(ctx, &cognito.AdminDeleteUserInput{UserPoolId: pool.Id, Username: aws.String("dave")}))
	_, err = c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})
	wantAPIError(t, err, "UserNotFoundException", "")
	_, err = c.AdminDeleteUser(ctx, &cognito.AdminDeleteUserInput{UserPoolId: pool.Id, Username: aws.String("dave")})
	wantAPIError(t, err, "UserNotFoundException", "")
}

func TestUsernameRules(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)

	// Email as the username.
	byEmail := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("email-username"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})).UserPool
	u := must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: byEmail.Id, Username: aws.String("hana@example.com"), MessageAction: types.MessageActionTypeSuppress})).User
	if aws.ToString(u.Username) != attrOf(u.Attributes, "sub") || attrOf(u.Attributes, "email") != "hana@example.com" {
		t.Fatalf("email-as-username user %+v", u)
	}
	g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: byEmail.Id, Username: aws.String("hana@example.com")}))
	if aws.ToString(g.Username) != aws.ToString(u.Username) {
		t.Fatal("lookup by email failed")
	}
	_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: byEmail.Id, Username: aws.String("hana@example.com"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "UsernameExistsException", "An account with the given email already exists.")
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: byEmail.Id, Username: aws.String("hana"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "InvalidParameterException", "Username should be an email.")

	// A verified email as an alias.
	alias := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("alias"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail, types.AliasAttributeTypePreferredUsername}})).UserPool
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: alias.Id, Username: aws.String("ivy@example.com"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "InvalidParameterException", "Username cannot be of email format, since user pool is configured for email alias.")
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: alias.Id, Username: aws.String("ivy"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", "ivy@example.com", "email_verified", "true", "preferred_username", "ivy1")}))
	for _, name := range []string{"ivy@example.com", "ivy1"} {
		g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: alias.Id, Username: aws.String(name)}))
		if aws.ToString(g.Username) != "ivy" {
			t.Fatalf("alias %s found %s", name, aws.ToString(g.Username))
		}
	}
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: alias.Id, Username: aws.String("jack"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", "ivy@example.com", "email_verified", "true")})
	wantAPIError(t, err, "AliasExistsException", "An account with the email already exists.")
	// An unverified email is no alias: another user may have it.
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: alias.Id, Username: aws.String("jack"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", "ivy@example.com")}))
	_, err = c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: alias.Id, Username: aws.String("jack"), UserAttributes: attrs("email_verified", "true")})
	wantAPIError(t, err, "AliasExistsException", "")

	// Case-insensitive usernames.
	ci := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("ci"),
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}})).UserPool
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: ci.Id, Username: aws.String("Kim"), MessageAction: types.MessageActionTypeSuppress}))
	if g := must[*cognito.AdminGetUserOutput](t)(c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: ci.Id, Username: aws.String("kIM")})); aws.ToString(g.Username) != "Kim" {
		t.Fatalf("case-insensitive lookup: %s", aws.ToString(g.Username))
	}
	_, err = c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: ci.Id, Username: aws.String("KIM"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "UsernameExistsException", "")
	// Case-sensitive (the default): a different case is another user.
	cs := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("cs")})).UserPool
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: cs.Id, Username: aws.String("Kim"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: cs.Id, Username: aws.String("kim"), MessageAction: types.MessageActionTypeSuppress}))
}

// TestSignUpCodeBySMTP: with SMTP configured, the sign-up code arrives at a
// real SMTP listener, with the pool's template applied (and stays in the
// outbox too).
func TestSignUpCodeBySMTP(t *testing.T) {
	mail := smtptest.NewServer(t, smtptest.Options{})
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPStartTLS, c.SMTPFrom = mail.Host(), int64(mail.Port()), "off", "auth@example.com"
	})
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("smtp"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			EmailSubject: aws.String("Welcome to Demo"), EmailMessage: aws.String("Hello {username}, your Demo code is {####}."),
		}})).UserPool
	app := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("app")})).UserPoolClient
	must[*cognito.SignUpOutput](t)(c.SignUp(ctx, &cognito.SignUpInput{ClientId: app.ClientId, Username: aws.String("lena"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "lena@example.com")}))
	got := mail.WaitForMessages(t, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	m := got[0]
	if m.Subject() != "Welcome to Demo" || len(m.To) != 1 || m.To[0] != "lena@example.com" || m.From != "auth@example.com" {
		t.Fatalf("message: subject %q to %v from %q", m.Subject(), m.To, m.From)
	}
	match := regexp.MustCompile(`^Hello lena, your Demo code is (\d{6})\.`).FindStringSubmatch(strings.TrimSpace(m.Body()))
	if match == nil {
		t.Fatalf("template not applied: %q", m.Body())
	}
	if outboxCode := ts.lastCode(t, *pool.Id, "lena"); outboxCode != match[1] {
		t.Fatalf("outbox code %s, SMTP code %s", outboxCode, match[1])
	}
	must[*cognito.ConfirmSignUpOutput](t)(c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: app.ClientId, Username: aws.String("lena"), ConfirmationCode: aws.String(match[1])}))
}
