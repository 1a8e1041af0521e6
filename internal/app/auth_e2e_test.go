package app_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/srp"
)

var allFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
	types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth}

type authFixture struct {
	ts     *testServer
	c      *cognito.Client
	poolID string
	client *types.UserPoolClientType
}

func newAuthFixture(t testing.TB, pool *cognito.CreateUserPoolInput, cl *cognito.CreateUserPoolClientInput) *authFixture {
	t.Helper()
	return newAuthFixtureOn(t, startServer(t, t.TempDir()), pool, cl)
}

// newAuthFixtureOn is newAuthFixture on a server of the test's own.
func newAuthFixtureOn(t testing.TB, ts *testServer, pool *cognito.CreateUserPoolInput, cl *cognito.CreateUserPoolClientInput) *authFixture {
	t.Helper()
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	if pool == nil {
		pool = &cognito.CreateUserPoolInput{}
	}
	if pool.PoolName == nil {
		pool.PoolName = aws.String("auth")
	}
	p := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, pool)).UserPool
	if cl == nil {
		cl = &cognito.CreateUserPoolClientInput{}
	}
	cl.UserPoolId, cl.ClientName = p.Id, aws.String("app")
	if cl.ExplicitAuthFlows == nil {
		cl.ExplicitAuthFlows = allFlows
	}
	client := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, cl)).UserPoolClient
	return &authFixture{ts: ts, c: c, poolID: *p.Id, client: client}
}

// confirmedUser makes a CONFIRMED user with a permanent password.
func (f *authFixture) confirmedUser(t testing.TB, username, password string, kv ...string) {
	t.Helper()
	ctx := context.Background()
	must[*cognito.AdminCreateUserOutput](t)(f.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &f.poolID, Username: &username,
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs(kv...)}))
	must[*cognito.AdminSetUserPasswordOutput](t)(f.c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: &f.poolID, Username: &username, Password: &password, Permanent: true}))
}

func (f *authFixture) passwordAuth(username, password string) (*cognito.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	if f.client.ClientSecret != nil {
		params["SECRET_HASH"] = secretHash(*f.client.ClientSecret, username, *f.client.ClientId)
	}
	return f.c.InitiateAuth(context.Background(), &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params})
}

// verifyJWT checks a token's signature against the JWKS the server serves
// and returns its claims.
func (f *authFixture) verifyJWT(t *testing.T, token string) map[string]any {
	t.Helper()
	resp, err := http.Get(f.ts.URL + "/" + f.poolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("not a JWS: %v", err)
	}
	keys := set.Key(obj.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q not in the JWKS", obj.Signatures[0].Header.KeyID)
	}
	payload, err := obj.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	var claims map[string]any
	json.Unmarshal(payload, &claims)
	return claims
}

func TestPasswordSignInAndTokens(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeNumber}}}, nil)
	ctx := context.Background()
	f.confirmedUser(t, "alice", "Passw0rd!", "email", "alice@example.com", "email_verified", "true", "custom:tier", "3")
	must[*cognito.CreateGroupOutput](t)(f.c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: &f.poolID, GroupName: aws.String("admins")}))
	must[*cognito.AdminAddUserToGroupOutput](t)(f.c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: &f.poolID, GroupName: aws.String("admins"), Username: aws.String("alice")}))

	out := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("alice", "Passw0rd!"))
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn != 3600 || r.RefreshToken == nil || out.ChallengeName != "" {
		t.Fatalf("result %+v", out)
	}
	iss := f.ts.URL + "/" + f.poolID
	id := f.verifyJWT(t, *r.IdToken)
	access := f.verifyJWT(t, *r.AccessToken)
	for k, want := range map[string]any{"iss": iss, "aud": *f.client.ClientId, "token_use": "id", "cognito:username": "alice",
		"email": "alice@example.com", "email_verified": true, "custom:tier": "3"} {
		if id[k] != want {
			t.Errorf("id token %s = %#v, want %#v", k, id[k], want)
		}
	}
	for k, want := range map[string]any{"iss": iss, "client_id": *f.client.ClientId, "token_use": "access", "username": "alice", "scope": "aws.cognito.signin.user.admin"} {
		if access[k] != want {
			t.Errorf("access token %s = %#v, want %#v", k, access[k], want)
		}
	}
	if g, _ := access["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" {
		t.Errorf("cognito:groups %v", access["cognito:groups"])
	}
	if id["sub"] != access["sub"] || id["origin_jti"] != access["origin_jti"] || id["jti"] == access["jti"] || access["exp"].(float64)-access["iat"].(float64) != 3600 {
		t.Errorf("claims do not line up: id %v access %v", id, access)
	}
	if _, ok := access["aud"]; ok {
		t.Error("access token has aud")
	}

	// Discovery.
	resp, _ := http.Get(iss + "/.well-known/openid-configuration")
	var disc map[string]any
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if disc["issuer"] != iss || disc["jwks_uri"] != iss+"/.well-known/jwks.json" {
		t.Fatalf("discovery %v", disc)
	}
	if resp, _ := http.Get(f.ts.URL + "/us-east-1_nothere00/.well-known/jwks.json"); resp.StatusCode != 404 {
		t.Fatalf("JWKS of an unknown pool: %d", resp.StatusCode)
	}

	// The access token works for the caller's own operations.
	gu := must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: r.AccessToken}))
	if aws.ToString(gu.Username) != "alice" || attrOf(gu.UserAttributes, "custom:tier") != "3" {
		t.Fatalf("GetUser %+v", gu)
	}

	// Refresh keeps origin_jti and auth_time, and gives no new refresh token.
	time.Sleep(1100 * time.Millisecond)
	ref := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}})).AuthenticationResult
	if ref.RefreshToken != nil || ref.AccessToken == nil {
		t.Fatalf("refresh result %+v", ref)
	}
	a2 := f.verifyJWT(t, *ref.AccessToken)
	if a2["origin_jti"] != access["origin_jti"] || a2["auth_time"] != access["auth_time"] || a2["iat"] == access["iat"] {
		t.Fatalf("refreshed claims %v vs %v", a2, access)
	}
	must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshToken,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}}))
	_, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": "garbage"}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")

	// Admin flows.
	adm := must[*cognito.AdminInitiateAuthOutput](t)(f.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}}))
	if adm.AuthenticationResult == nil || adm.AuthenticationResult.IdToken == nil {
		t.Fatalf("admin auth %+v", adm)
	}
	must[*cognito.AdminInitiateAuthOutput](t)(f.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		AuthFlow: types.AuthFlowTypeAdminNoSrpAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}}))

	// Errors.
	_, err = f.passwordAuth("alice", "wrong-Passw0rd")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = f.passwordAuth("nobody", "Passw0rd!")
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice"}})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter PASSWORD")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "x"}})
	wantAPIError(t, err, "InvalidParameterException", "Initiate Auth method not supported.")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: "MAGIC", AuthParameters: map[string]string{}})
	wantAPIError(t, err, "InvalidParameterException", "enum value set")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: aws.String("nosuchclient0000000000000a"), AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "a", "PASSWORD": "b"}})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	srpOnly := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("srp-only")})).UserPoolClient
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: srpOnly.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	wantAPIError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	_, err = f.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &f.poolID, ClientId: srpOnly.ClientId, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	wantAPIError(t, err, "InvalidParameterException", "Auth flow not enabled for this client")

	// Disabled and unconfirmed users.
	must[*cognito.AdminDisableUserOutput](t)(f.c.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: &f.poolID, Username: aws.String("alice")}))
	_, err = f.passwordAuth("alice", "Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	must[*cognito.AdminEnableUserOutput](t)(f.c.AdminEnableUser(ctx, &cognito.AdminEnableUserInput{UserPoolId: &f.poolID, Username: aws.String("alice")}))
	must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: f.client.ClientId, Username: aws.String("uma"), Password: aws.String("Passw0rd!")}))
	_, err = f.passwordAuth("uma", "Passw0rd!")
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")
}

// TestSRPSignIn signs in with USER_SRP_AUTH as the SDKs compute it, with a
// client secret and an email as the username (so the SECRET_HASH after the
// challenge uses the internal username).
func TestSRPSignIn(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}},
		&cognito.CreateUserPoolClientInput{GenerateSecret: true})
	ctx := context.Background()
	f.confirmedUser(t, "sam@example.com", "Passw0rd!")
	secret, clientID := *f.client.ClientSecret, *f.client.ClientId

	signIn := func(password string, fix func(resp map[string]string)) (*cognito.RespondToAuthChallengeOutput, error) {
		cl, err := srp.NewClient(rand.Reader, f.poolID)
		if err != nil {
			t.Fatal(err)
		}
		start := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": "sam@example.com", "SRP_A": cl.AHex(), "SECRET_HASH": secretHash(secret, "sam@example.com", clientID)}}))
		p := start.ChallengeParameters
		if start.ChallengeName != types.ChallengeNameTypePasswordVerifier || p["SALT"] == "" || p["SRP_B"] == "" || p["SECRET_BLOCK"] == "" || start.Session != nil {
			t.Fatalf("PASSWORD_VERIFIER challenge %+v", start)
		}
		user := p["USER_ID_FOR_SRP"]
		if user == "sam@example.com" || p["USERNAME"] != user {
			t.Fatalf("USER_ID_FOR_SRP %q, USERNAME %q: want the internal username", user, p["USERNAME"])
		}
		sig, ts, err := cl.Respond(user, password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp := map[string]string{"USERNAME": user, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig,
			"TIMESTAMP": ts, "SECRET_HASH": secretHash(secret, user, clientID)}
		if fix != nil {
			fix(resp)
		}
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: resp})
	}
	out := must[*cognito.RespondToAuthChallengeOutput](t)(signIn("Passw0rd!", nil))
	if out.AuthenticationResult == nil || out.AuthenticationResult.RefreshToken == nil {
		t.Fatalf("SRP result %+v", out)
	}
	if id := f.verifyJWT(t, *out.AuthenticationResult.IdToken); id["email"] != "sam@example.com" {
		t.Fatalf("id token %v", id)
	}
	_, err := signIn("Wrong-Passw0rd", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = signIn("Passw0rd!", func(r map[string]string) { r["TIMESTAMP"] = "2024-01-01T00:00:00Z" })
	wantAPIError(t, err, "InvalidParameterException", "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	_, err = signIn("Passw0rd!", func(r map[string]string) {
		// The right instant with the wrong weekday: parsable, not canonical.
		ts, _ := srp.ParseTimestamp(r["TIMESTAMP"])
		r["TIMESTAMP"] = ts.AddDate(0, 0, 1).Format("Mon") + r["TIMESTAMP"][3:]
	})
	wantAPIError(t, err, "NotAuthorizedException", "")
	_, err = signIn("Passw0rd!", func(r map[string]string) {
		// Another instant, canonical, but not the one that was signed.
		ts, _ := srp.ParseTimestamp(r["TIMESTAMP"])
		r["TIMESTAMP"] = srp.FormatTimestamp(ts.Add(time.Second))
	})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = signIn("Passw0rd!", func(r map[string]string) { r["SECRET_HASH"] = secretHash(secret, "sam@example.com", clientID) })
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash")
	_, err = signIn("Passw0rd!", func(r map[string]string) {
		r["PASSWORD_CLAIM_SECRET_BLOCK"] = base64.StdEncoding.EncodeToString([]byte("forged"))
	})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "sam@example.com", "SRP_A": "abc"}})
	wantAPIError(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
}

func TestNewPasswordRequiredAndSessions(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)}}}, nil)
	ctx := context.Background()
	must[*cognito.AdminCreateUserOutput](t)(f.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("nina"),
		TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("name", "x")}))
	must[*cognito.AdminDeleteUserAttributesOutput](t)(f.c.AdminDeleteUserAttributes(ctx, &cognito.AdminDeleteUserAttributesInput{UserPoolId: &f.poolID, Username: aws.String("nina"), UserAttributeNames: []string{"email"}}))
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("nina", "Temp-Passw0rd"))
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || start.Session == nil || start.ChallengeParameters["USER_ID_FOR_SRP"] != "nina" {
		t.Fatalf("challenge %+v", start)
	}
	var ua map[string]string
	if err := json.Unmarshal([]byte(start.ChallengeParameters["userAttributes"]), &ua); err != nil || ua["name"] != "x" {
		t.Fatalf("userAttributes %q", start.ChallengeParameters["userAttributes"])
	}
	respond := func(session *string, pw string) (*cognito.RespondToAuthChallengeOutput, error) {
		return f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": pw, "userAttributes.name": "Nina"}})
	}
	_, err := respond(start.Session, "weak")
	wantAPIError(t, err, "InvalidPasswordException", "")
	_, err = respond(aws.String("forged-session-forged-session-forged-session"), "N3w-Passw0rd")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")

	// An expired session: AuthSessionValidity (3 minutes by default) has passed.
	f.ts.App.SetNow(func() time.Time { return time.Now().Add(4 * time.Minute) })
	_, err = respond(start.Session, "N3w-Passw0rd")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
	f.ts.App.SetNow(time.Now)

	out := must[*cognito.RespondToAuthChallengeOutput](t)(respond(start.Session, "N3w-Passw0rd"))
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("after the new password %+v", out)
	}
	g := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("nina")}))
	if g.UserStatus != types.UserStatusTypeConfirmed || attrOf(g.UserAttributes, "name") != "Nina" {
		t.Fatalf("after NEW_PASSWORD_REQUIRED: %s %v", g.UserStatus, g.UserAttributes)
	}
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("nina", "N3w-Passw0rd"))
	_, err = f.passwordAuth("nina", "Temp-Passw0rd")
	wantAPIError(t, err, "NotAuthorizedException", "")

	// A temporary password expires.
	must[*cognito.AdminCreateUserOutput](t)(f.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("otto"),
		TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("name", "Otto")}))
	// (users' clock is not moved; the expiry check is exercised through the sign-in clock in the users package tests)
}

func TestRevocationAndSignOut(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	f.confirmedUser(t, "rita", "Passw0rd!")
	f.confirmedUser(t, "rick", "Passw0rd!")
	first := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("rita", "Passw0rd!")).AuthenticationResult
	second := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("rita", "Passw0rd!")).AuthenticationResult
	getUser := func(token *string) error {
		_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: token})
		return err
	}
	refresh := func(token *string) error {
		_, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": *token}})
		return err
	}

	// RevokeToken revokes the refresh token and every token from it.
	must[*cognito.RevokeTokenOutput](t)(f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: f.client.ClientId, Token: first.RefreshToken}))
	wantAPIError(t, refresh(first.RefreshToken), "NotAuthorizedException", "Refresh Token has been revoked")
	wantAPIError(t, getUser(first.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	if err := getUser(second.AccessToken); err != nil {
		t.Fatalf("another sign-in's token was revoked too: %v", err)
	}
	must[*cognito.RevokeTokenOutput](t)(f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: f.client.ClientId, Token: aws.String("not-a-token")}))
	_, err := f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: f.client.ClientId, Token: second.AccessToken})
	wantAPIError(t, err, "UnsupportedTokenTypeException", "")
	noRevoke := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("norevoke"),
		EnableTokenRevocation: aws.Bool(false), ExplicitAuthFlows: allFlows})).UserPoolClient
	_, err = f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: noRevoke.ClientId, Token: second.RefreshToken})
	wantAPIError(t, err, "UnsupportedOperationException", "")

	// Badly signed and foreign tokens.
	parts := strings.Split(*second.AccessToken, ".")
	sig := []byte(parts[2])
	if sig[5] == 'A' { // another base64url character, so the token still looks like one
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	wantAPIError(t, getUser(aws.String(parts[0]+"."+parts[1]+"."+string(sig))), "NotAuthorizedException", "")
	other := newAuthFixture(t, nil, nil)
	other.confirmedUser(t, "rita", "Passw0rd!")
	foreign := must[*cognito.InitiateAuthOutput](t)(other.passwordAuth("rita", "Passw0rd!")).AuthenticationResult
	var claims map[string]any
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(*foreign.AccessToken, ".")[1])
	json.Unmarshal(payload, &claims)
	claims["iss"] = f.ts.URL + "/" + f.poolID // claim this server's pool with the other pool's key
	forged, _ := json.Marshal(claims)
	fp := strings.Split(*foreign.AccessToken, ".")
	wantAPIError(t, getUser(aws.String(fp[0]+"."+base64.RawURLEncoding.EncodeToString(forged)+"."+fp[2])), "NotAuthorizedException", "")
	wantAPIError(t, getUser(foreign.AccessToken), "NotAuthorizedException", "") // a pool of another server
	wantAPIError(t, getUser(second.IdToken), "NotAuthorizedException", "")      // an ID token is no access token

	// Expired.
	f.ts.App.SetNow(func() time.Time { return time.Now().Add(2 * time.Hour) })
	wantAPIError(t, getUser(second.AccessToken), "NotAuthorizedException", "Access Token has expired")
	f.ts.App.SetNow(time.Now)

	// GlobalSignOut: every token so far stops working; a new sign-in works.
	rick := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("rick", "Passw0rd!")).AuthenticationResult
	time.Sleep(1100 * time.Millisecond) // tokens are stamped in seconds
	must[*cognito.GlobalSignOutOutput](t)(f.c.GlobalSignOut(ctx, &cognito.GlobalSignOutInput{AccessToken: second.AccessToken}))
	wantAPIError(t, getUser(second.AccessToken), "NotAuthorizedException", "")
	wantAPIError(t, refresh(second.RefreshToken), "NotAuthorizedException", "")
	if err := getUser(rick.AccessToken); err != nil {
		t.Fatalf("another user was signed out: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	fresh := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("rita", "Passw0rd!")).AuthenticationResult
	if err := getUser(fresh.AccessToken); err != nil {
		t.Fatalf("a sign-in after the sign-out: %v", err)
	}

	// AdminUserGlobalSignOut, and a deleted user's tokens.
	time.Sleep(1100 * time.Millisecond)
	must[*cognito.AdminUserGlobalSignOutOutput](t)(f.c.AdminUserGlobalSignOut(ctx, &cognito.AdminUserGlobalSignOutInput{UserPoolId: &f.poolID, Username: aws.String("rick")}))
	wantAPIError(t, getUser(rick.AccessToken), "NotAuthorizedException", "")
	wantAPIError(t, refresh(rick.RefreshToken), "NotAuthorizedException", "")
	_, err = f.c.AdminUserGlobalSignOut(ctx, &cognito.AdminUserGlobalSignOutInput{UserPoolId: &f.poolID, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")
	must[*cognito.AdminDeleteUserOutput](t)(f.c.AdminDeleteUser(ctx, &cognito.AdminDeleteUserInput{UserPoolId: &f.poolID, Username: aws.String("rita")}))
	wantAPIError(t, getUser(fresh.AccessToken), "NotAuthorizedException", "")
}

func TestPasswordAttemptsThrottled(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	f.confirmedUser(t, "tom", "Passw0rd!")
	for range 5 {
		_, err := f.passwordAuth("tom", "Wrong-Passw0rd")
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	// After five wrong passwords in a row the user is locked for a while:
	// even the right password is refused.
	_, err := f.passwordAuth("tom", "Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
	time.Sleep(1100 * time.Millisecond)
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("tom", "Passw0rd!"))
}

func TestOwnAccountOperations(t *testing.T) {
	f := newAuthFixture(t, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}, nil)
	ctx := context.Background()
	f.confirmedUser(t, "vera", "Passw0rd!", "email", "vera@example.com", "email_verified", "true")
	tok := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("vera", "Passw0rd!")).AuthenticationResult.AccessToken

	up := must[*cognito.UpdateUserAttributesOutput](t)(f.c.UpdateUserAttributes(ctx, &cognito.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: attrs("email", "vera@new.example.com", "given_name", "Vera")}))
	if len(up.CodeDeliveryDetailsList) != 1 || aws.ToString(up.CodeDeliveryDetailsList[0].AttributeName) != "email" {
		t.Fatalf("update details %+v", up.CodeDeliveryDetailsList)
	}
	gu := must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok}))
	if attrOf(gu.UserAttributes, "email_verified") != "false" || attrOf(gu.UserAttributes, "given_name") != "Vera" {
		t.Fatalf("after update %v", gu.UserAttributes)
	}
	code := f.ts.lastCode(t, f.poolID, "vera")
	_, err := f.c.VerifyUserAttribute(ctx, &cognito.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(wrongCode(code))})
	wantAPIError(t, err, "CodeMismatchException", "")
	must[*cognito.VerifyUserAttributeOutput](t)(f.c.VerifyUserAttribute(ctx, &cognito.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(code)}))
	must[*cognito.GetUserAttributeVerificationCodeOutput](t)(f.c.GetUserAttributeVerificationCode(ctx, &cognito.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")}))
	if ms := f.ts.outbox(t, f.poolID, "vera"); ms[0].Kind != "VerifyUserAttribute" {
		t.Fatalf("verification message %+v", ms[0])
	}
	gu = must[*cognito.GetUserOutput](t)(f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok}))
	if attrOf(gu.UserAttributes, "email_verified") != "true" {
		t.Fatalf("email not verified: %v", gu.UserAttributes)
	}
	must[*cognito.DeleteUserAttributesOutput](t)(f.c.DeleteUserAttributes(ctx, &cognito.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"given_name"}}))
	must[*cognito.SetUserSettingsOutput](t)(f.c.SetUserSettings(ctx, &cognito.SetUserSettingsInput{AccessToken: tok, MFAOptions: []types.MFAOptionType{}}))

	_, err = f.c.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: tok, PreviousPassword: aws.String("Wrong-Passw0rd"), ProposedPassword: aws.String("N3w-Passw0rd")})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = f.c.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: tok, PreviousPassword: aws.String("Passw0rd!"), ProposedPassword: aws.String("weak")})
	wantAPIError(t, err, "InvalidPasswordException", "")
	must[*cognito.ChangePasswordOutput](t)(f.c.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: tok, PreviousPassword: aws.String("Passw0rd!"), ProposedPassword: aws.String("N3w-Passw0rd")}))
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("vera", "N3w-Passw0rd"))
	_, err = f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: aws.String("not.a.token")})
	wantAPIError(t, err, "NotAuthorizedException", "")

	must[*cognito.DeleteUserOutput](t)(f.c.DeleteUser(ctx, &cognito.DeleteUserInput{AccessToken: tok}))
	_, err = f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("vera")})
	wantAPIError(t, err, "UserNotFoundException", "")
}

var _ = io.EOF
