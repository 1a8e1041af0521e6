package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// totp computes an RFC 6238 code (SHA-1, 6 digits, 30 s) as an
// authenticator app does.
func totp(t *testing.T, secret string, at time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatalf("secret %q is not base32: %v", secret, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1000000)
}

func mfaPool(mode types.UserPoolMfaType) *cognito.CreateUserPoolInput {
	return &cognito.CreateUserPoolInput{PoolName: aws.String("mfa"), SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/sns")}}
}

func enableMFA(t *testing.T, f *authFixture, mode types.UserPoolMfaType) {
	must[*cognito.SetUserPoolMfaConfigOutput](t)(f.c.SetUserPoolMfaConfig(context.Background(), &cognito.SetUserPoolMfaConfigInput{UserPoolId: &f.poolID, MfaConfiguration: mode,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code is {####}"), SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/sns")}}}))
}

func TestTOTPMFA(t *testing.T) {
	f := newAuthFixture(t, mfaPool(""), nil)
	enableMFA(t, f, types.UserPoolMfaTypeOptional)
	ctx := context.Background()
	f.confirmedUser(t, "tina", "Passw0rd!")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tina", "Passw0rd!")).AuthenticationResult.AccessToken // no MFA yet

	assoc := must[*cognito.AssociateSoftwareTokenOutput](t)(f.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{AccessToken: tok}))
	secret := aws.ToString(assoc.SecretCode)
	_, err := f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: tok, UserCode: aws.String(wrongCode(totp(t, secret, time.Now())))})
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch")
	_, err = f.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: tok, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
	wantAPIError(t, err, "InvalidParameterException", "User has not verified software token mfa")
	v := must[*cognito.VerifySoftwareTokenOutput](t)(f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: tok, UserCode: aws.String(totp(t, secret, time.Now()))}))
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("verify status %s", v.Status)
	}
	must[*cognito.SetUserMFAPreferenceOutput](t)(f.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: tok,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("tina")}))
	if aws.ToString(g.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" || len(g.UserMFASettingList) != 1 {
		t.Fatalf("MFA settings %v %v", g.PreferredMfaSetting, g.UserMFASettingList)
	}

	// Sign-in now asks for the code; a code is good once.
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tina", "Passw0rd!"))
	if start.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || start.Session == nil || start.AuthenticationResult != nil {
		t.Fatalf("challenge %+v", start)
	}
	respond := func(session *string, code string) (*cognito.RespondToAuthChallengeOutput, error) {
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	_, err = respond(start.Session, wrongCode(totp(t, secret, time.Now())))
	wantAPIError(t, err, "CodeMismatchException", "")
	// The code used to verify the set-up was used: wait for a fresh step.
	used := totp(t, secret, time.Now())
	waitFor(t, 35*time.Second, "a new TOTP step", func() (bool, error) { return totp(t, secret, time.Now()) != used, nil })
	code := totp(t, secret, time.Now())
	out := must[*cognito.RespondToAuthChallengeOutput](t)(respond(start.Session, code))
	if out.AuthenticationResult == nil || out.AuthenticationResult.IdToken == nil {
		t.Fatalf("after TOTP %+v", out)
	}
	again := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tina", "Passw0rd!"))
	_, err = respond(again.Session, code)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")

	// AdminSetUserMFAPreference turns it off.
	must[*cognito.AdminSetUserMFAPreferenceOutput](t)(f.c.AdminSetUserMFAPreference(ctx, &cognito.AdminSetUserMFAPreferenceInput{UserPoolId: &f.poolID, Username: aws.String("tina"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false}}))
	if r := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tina", "Passw0rd!")); r.AuthenticationResult == nil {
		t.Fatalf("MFA still asked after turning it off: %+v", r)
	}
}

func TestMFASetupWhenRequired(t *testing.T) {
	f := newAuthFixture(t, mfaPool(""), nil)
	enableMFA(t, f, types.UserPoolMfaTypeOn)
	ctx := context.Background()
	f.confirmedUser(t, "max", "Passw0rd!")
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("max", "Passw0rd!"))
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup || !strings.Contains(start.ChallengeParameters["MFAS_CAN_SETUP"], "SOFTWARE_TOKEN_MFA") {
		t.Fatalf("MFA_SETUP challenge %+v", start)
	}
	assoc := must[*cognito.AssociateSoftwareTokenOutput](t)(f.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{Session: start.Session}))
	v := must[*cognito.VerifySoftwareTokenOutput](t)(f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(totp(t, *assoc.SecretCode, time.Now()))}))
	out := must[*cognito.RespondToAuthChallengeOutput](t)(f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: v.Session, ChallengeResponses: map[string]string{"USERNAME": "max"}}))
	if out.AuthenticationResult == nil {
		t.Fatalf("after MFA_SETUP %+v", out)
	}
	// Next time the code is asked.
	if next := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("max", "Passw0rd!")); next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after set-up %+v", next)
	}
	_, err := f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "max"}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
}

func TestSMSMFAAndSelection(t *testing.T) {
	f := newAuthFixture(t, mfaPool(""), nil)
	enableMFA(t, f, types.UserPoolMfaTypeOptional)
	ctx := context.Background()
	f.confirmedUser(t, "sue", "Passw0rd!", "phone_number", "+15555550199", "phone_number_verified", "true")
	must[*cognito.AdminSetUserMFAPreferenceOutput](t)(f.c.AdminSetUserMFAPreference(ctx, &cognito.AdminSetUserMFAPreferenceInput{UserPoolId: &f.poolID, Username: aws.String("sue"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}))
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sue", "Passw0rd!"))
	if start.ChallengeName != types.ChallengeNameTypeSmsMfa || start.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" || start.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0199" {
		t.Fatalf("SMS_MFA challenge %+v", start)
	}
	msgs := f.ts.outbox(t, f.poolID, "sue")
	if len(msgs) == 0 || msgs[0].Kind != "Authentication" || !strings.HasPrefix(msgs[0].Body, "Your code is ") {
		t.Fatalf("SMS code message %+v", msgs)
	}
	code := f.ts.lastCode(t, f.poolID, "sue")
	sms := func(session *string, c string) (*cognito.RespondToAuthChallengeOutput, error) {
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypeSmsMfa,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "sue", "SMS_MFA_CODE": c}})
	}
	_, err := sms(start.Session, wrongCode(code))
	wantAPIError(t, err, "CodeMismatchException", "")
	if out := must[*cognito.RespondToAuthChallengeOutput](t)(sms(start.Session, code)); out.AuthenticationResult == nil {
		t.Fatalf("after SMS code %+v", out)
	}

	// With two factors and no preference, the user chooses.
	tok := must[*cognito.AdminInitiateAuthOutput](t)(f.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "sue", "PASSWORD": "Passw0rd!"}}))
	smsStart := tok.Session
	code = f.ts.lastCode(t, f.poolID, "sue")
	res := must[*cognito.AdminRespondToAuthChallengeOutput](t)(f.c.AdminRespondToAuthChallenge(ctx, &cognito.AdminRespondToAuthChallengeInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		ChallengeName: types.ChallengeNameTypeSmsMfa, Session: smsStart, ChallengeResponses: map[string]string{"USERNAME": "sue", "SMS_MFA_CODE": code}}))
	access := res.AuthenticationResult.AccessToken
	assoc := must[*cognito.AssociateSoftwareTokenOutput](t)(f.c.AssociateSoftwareToken(ctx, &cognito.AssociateSoftwareTokenInput{AccessToken: access}))
	must[*cognito.VerifySoftwareTokenOutput](t)(f.c.VerifySoftwareToken(ctx, &cognito.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(totp(t, *assoc.SecretCode, time.Now()))}))
	must[*cognito.SetUserMFAPreferenceOutput](t)(f.c.SetUserMFAPreference(ctx, &cognito.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}}))
	sel := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sue", "Passw0rd!"))
	var choose []string
	json.Unmarshal([]byte(sel.ChallengeParameters["MFAS_CAN_CHOOSE"]), &choose)
	if sel.ChallengeName != types.ChallengeNameTypeSelectMfaType || len(choose) != 2 {
		t.Fatalf("SELECT_MFA_TYPE %+v", sel)
	}
	picked := must[*cognito.RespondToAuthChallengeOutput](t)(f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId,
		ChallengeName: types.ChallengeNameTypeSelectMfaType, Session: sel.Session, ChallengeResponses: map[string]string{"USERNAME": "sue", "ANSWER": "SMS_MFA"}}))
	if picked.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("after choosing SMS %+v", picked)
	}
}

func TestEmailOTPMFA(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{PoolName: aws.String("email-mfa"),
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper, SourceArn: aws.String("arn:aws:ses:us-east-1:000000000000:identity/example.com")}}, nil)
	ctx := context.Background()
	must[*cognito.SetUserPoolMfaConfigOutput](t)(f.c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{UserPoolId: &f.poolID, MfaConfiguration: types.UserPoolMfaTypeOptional,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Sign-in code {####}"), Subject: aws.String("Your code")}}))
	f.confirmedUser(t, "eve", "Passw0rd!", "email", "eve@example.com", "email_verified", "true")
	must[*cognito.AdminSetUserMFAPreferenceOutput](t)(f.c.AdminSetUserMFAPreference(ctx, &cognito.AdminSetUserMFAPreferenceInput{UserPoolId: &f.poolID, Username: aws.String("eve"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("eve", "Passw0rd!"))
	if start.ChallengeName != types.ChallengeNameTypeEmailOtp || start.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
		t.Fatalf("EMAIL_OTP challenge %+v", start)
	}
	ms := f.ts.outbox(t, f.poolID, "eve")
	if len(ms) == 0 || ms[0].Medium != "EMAIL" || ms[0].Destination != "eve@example.com" || ms[0].Subject != "Your code" || !strings.HasPrefix(ms[0].Body, "Sign-in code ") {
		t.Fatalf("email code %+v", ms)
	}
	code := f.ts.lastCode(t, f.poolID, "eve")
	email := func(c string) (*cognito.RespondToAuthChallengeOutput, error) {
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypeEmailOtp,
			Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "eve", "EMAIL_OTP_CODE": c}})
	}
	_, err := email(wrongCode(code))
	wantAPIError(t, err, "CodeMismatchException", "")
	if out := must[*cognito.RespondToAuthChallengeOutput](t)(email(code)); out.AuthenticationResult == nil {
		t.Fatalf("after the email code %+v", out)
	}
	_, err = email(code)
	wantAPIError(t, err, "ExpiredCodeException", "")
}
