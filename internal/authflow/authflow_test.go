package authflow_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/authflow"
	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// These tests build the sign-in services over a SQLite store in a
// temporary directory and call the operations with the wire types: no
// server, no HTTP.

type outbox struct {
	mu   sync.Mutex
	msgs []messaging.Message
}

func (o *outbox) Send(_ context.Context, m messaging.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

type fixture struct {
	auth   *authflow.Service
	users  *users.Service
	pools  *userpool.Service
	clock  *clock.Settable
	poolID string
	client *cip.UserPoolClientType
}

var allFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"}

func newFixture(t *testing.T, flows []string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clock: &clock.Settable{}}
	f.pools = userpool.New(st, userpool.Options{Sealer: sealer, Clock: f.clock})
	f.users = users.New(st, users.Options{Pools: f.pools, Clock: f.clock, Sender: &outbox{}, Sealer: sealer})
	tok := tokens.New(tokens.Options{Store: st, Pools: f.pools, Clock: f.clock, Sealer: sealer, Issuer: func(id string) string { return "http://gognito.test/" + id },
		SignedOutAfter: f.users.SignedOutAfter})
	f.auth = authflow.New(authflow.Options{Store: st, Users: f.users, Tokens: tok, Sealer: sealer, Clock: f.clock})
	pool, err := f.pools.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "unit"})
	if err != nil {
		t.Fatal(err)
	}
	f.poolID = pool.UserPool.Id
	cl, err := f.pools.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: f.poolID, ClientName: "app", ExplicitAuthFlows: flows})
	if err != nil {
		t.Fatal(err)
	}
	f.client = cl.UserPoolClient
	return f
}

// user creates a user; permanent sets its password for good, else the
// password is temporary (FORCE_CHANGE_PASSWORD).
func (f *fixture) user(t *testing.T, name, password string, permanent bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.users.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: f.poolID, Username: name,
		TemporaryPassword: password, MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	if permanent {
		if _, err := f.users.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordRequest{UserPoolId: f.poolID, Username: name,
			Password: password, Permanent: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) initiate(flow string, params map[string]string) (*cip.InitiateAuthResponse, error) {
	return f.auth.InitiateAuth(context.Background(), &cip.InitiateAuthRequest{ClientId: f.client.ClientId, AuthFlow: flow, AuthParameters: params})
}

func (f *fixture) respond(challenge, session string, answers map[string]string) (*cip.RespondToAuthChallengeResponse, error) {
	return f.auth.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeRequest{ClientId: f.client.ClientId,
		ChallengeName: challenge, Session: session, ChallengeResponses: answers})
}

func ptr[T any](v T) *T { return &v }

func wantError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok || e.Type() != typ || !strings.Contains(e.Message(), msg) {
		t.Fatalf("error %v, want %s %q", err, typ, msg)
	}
}

func wantTokens(t *testing.T, r *cip.AuthenticationResultType, refresh bool) {
	t.Helper()
	if r == nil || r.AccessToken == "" || r.IdToken == "" || (r.RefreshToken != "") != refresh || r.TokenType != "Bearer" {
		t.Fatalf("authentication result %+v", r)
	}
}

func TestRegisteredParts(t *testing.T) {
	f := newFixture(t, allFlows)
	wantFlows := []string{"ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "CUSTOM_AUTH", "REFRESH_TOKEN", "REFRESH_TOKEN_AUTH",
		"USER_AUTH", "USER_PASSWORD_AUTH", "USER_SRP_AUTH"}
	wantChallenges := []string{"CUSTOM_CHALLENGE", "EMAIL_OTP", "MFA_SETUP", "NEW_PASSWORD_REQUIRED", "PASSWORD_VERIFIER",
		"SELECT_MFA_TYPE", "SMS_MFA", "SOFTWARE_TOKEN_MFA"}
	if got := f.auth.Flows(); !slices.Equal(got, wantFlows) {
		t.Errorf("flows %v", got)
	}
	if got := f.auth.Challenges(); !slices.Equal(got, wantChallenges) {
		t.Errorf("challenges %v", got)
	}
	_, err := f.initiate("NO_SUCH_FLOW", nil)
	wantError(t, err, awserr.InvalidParameter, "Auth flow not enabled for this client")
	_, err = f.initiate("ADMIN_USER_PASSWORD_AUTH", map[string]string{"USERNAME": "x", "PASSWORD": "y"})
	wantError(t, err, awserr.InvalidParameter, "Initiate Auth method not supported.")
	_, err = f.respond("NO_SUCH_CHALLENGE", "", nil)
	wantError(t, err, awserr.InvalidParameter, "The challenge NO_SUCH_CHALLENGE is not supported.")
	_, err = f.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "x"})
	wantError(t, err, awserr.InvalidParameter, "Auth flow not enabled for this client")
}

func TestUserPasswordAuthAndRefresh(t *testing.T) {
	f := newFixture(t, allFlows)
	f.user(t, "ann", "Passw0rd!", true)
	out, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"})
	if err != nil {
		t.Fatal(err)
	}
	wantTokens(t, out.AuthenticationResult, true)

	ref, err := f.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	wantTokens(t, ref.AuthenticationResult, false)
	_, err = f.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": "not-a-token"})
	if _, ok := awserr.As(err); !ok || !awserr.Is(err, awserr.NotAuthorized) {
		t.Fatalf("a bad refresh token: %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	f := newFixture(t, allFlows)
	f.user(t, "ann", "Passw0rd!", true)
	_, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "wrong"})
	wantError(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	_, err = f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "nobody", "PASSWORD": "wrong"})
	wantError(t, err, awserr.UserNotFound, "User does not exist.")
	_, err = f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann"})
	wantError(t, err, awserr.InvalidParameter, "Missing required parameter PASSWORD")

	g := newFixture(t, []string{"ALLOW_USER_SRP_AUTH"})
	_, err = g.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"})
	wantError(t, err, awserr.InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
}

func TestUserSRPAuth(t *testing.T) {
	f := newFixture(t, allFlows)
	f.user(t, "ann", "Passw0rd!", true)
	c, err := srp.NewClient(rand.Reader, f.poolID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "ann", "SRP_A": c.AHex()})
	if err != nil {
		t.Fatal(err)
	}
	p := out.ChallengeParameters
	if out.ChallengeName != "PASSWORD_VERIFIER" || p["SALT"] == "" || p["SRP_B"] == "" || p["SECRET_BLOCK"] == "" {
		t.Fatalf("%+v", out)
	}
	answer := func(password string) (*cip.RespondToAuthChallengeResponse, error) {
		sig, ts, err := c.Respond(p["USER_ID_FOR_SRP"], password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return f.respond("PASSWORD_VERIFIER", out.Session, map[string]string{"USERNAME": "ann",
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts})
	}
	_, err = answer("wrong")
	wantError(t, err, awserr.NotAuthorized, "Incorrect username or password.")
	res, err := answer("Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	wantTokens(t, res.AuthenticationResult, true)
}

func TestNewPasswordRequiredAndExpiredSession(t *testing.T) {
	f := newFixture(t, allFlows)
	f.user(t, "ann", "Temp-pass1", false)
	start := func() *cip.InitiateAuthResponse {
		out, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Temp-pass1"})
		if err != nil {
			t.Fatal(err)
		}
		if out.ChallengeName != "NEW_PASSWORD_REQUIRED" || out.Session == "" || out.ChallengeParameters["USER_ID_FOR_SRP"] != "ann" {
			t.Fatalf("%+v", out)
		}
		return out
	}

	// The session lasts the client's AuthSessionValidity (3 minutes).
	out := start()
	now := time.Now()
	f.clock.Set(func() time.Time { return now.Add(4 * time.Minute) })
	_, err := f.respond("NEW_PASSWORD_REQUIRED", out.Session, map[string]string{"USERNAME": "ann", "NEW_PASSWORD": "Perm-pass1"})
	wantError(t, err, awserr.NotAuthorized, "Invalid session for the user, session is expired.")
	f.clock.Set(nil)

	out = start()
	_, err = f.respond("SOFTWARE_TOKEN_MFA", out.Session, map[string]string{"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": "123456"})
	wantError(t, err, awserr.NotAuthorized, "Invalid session for the user.") // another challenge's session
	_, err = f.respond("NEW_PASSWORD_REQUIRED", out.Session, map[string]string{"USERNAME": "ann"})
	wantError(t, err, awserr.InvalidParameter, "Missing required parameter NEW_PASSWORD")
	res, err := f.respond("NEW_PASSWORD_REQUIRED", out.Session, map[string]string{"USERNAME": "ann", "NEW_PASSWORD": "Perm-pass1"})
	if err != nil {
		t.Fatal(err)
	}
	wantTokens(t, res.AuthenticationResult, true)
	if _, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Perm-pass1"}); err != nil {
		t.Fatalf("the new password: %v", err)
	}
}

// totp is an authenticator app's code for a base32 secret at a time.
func totp(t *testing.T, secret string, at time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1000000)
}

func TestSoftwareTokenMFA(t *testing.T) {
	f := newFixture(t, allFlows)
	ctx := context.Background()
	if _, err := f.pools.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigRequest{UserPoolId: f.poolID, MfaConfiguration: "OPTIONAL",
		SoftwareTokenMfaConfiguration: &cip.SoftwareTokenMfaConfigType{Enabled: ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// withTOTP makes a user who has set up an authenticator app (now).
	withTOTP := func(name string) string {
		f.user(t, name, "Passw0rd!", true)
		out, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": name, "PASSWORD": "Passw0rd!"})
		if err != nil {
			t.Fatal(err)
		}
		access := out.AuthenticationResult.AccessToken // no factor yet: tokens
		as, err := f.auth.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenRequest{AccessToken: access})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.auth.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenRequest{AccessToken: access, UserCode: totp(t, as.SecretCode, now)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.auth.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceRequest{AccessToken: access,
			SoftwareTokenMfaSettings: &cip.SoftwareTokenMfaSettingsType{Enabled: ptr(true), PreferredMfa: ptr(true)}}); err != nil {
			t.Fatal(err)
		}
		return as.SecretCode
	}
	secret, bobs := withTOTP("ann"), withTOTP("bob")

	out, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != "SOFTWARE_TOKEN_MFA" || out.AuthenticationResult != nil {
		t.Fatalf("%+v", out)
	}
	_, err = f.respond("SOFTWARE_TOKEN_MFA", out.Session, map[string]string{"USERNAME": "ann"})
	wantError(t, err, awserr.InvalidParameter, "Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
	res, err := f.respond("SOFTWARE_TOKEN_MFA", out.Session, map[string]string{"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": totp(t, secret, now.Add(30*time.Second))})
	if err != nil {
		t.Fatal(err)
	}
	wantTokens(t, res.AuthenticationResult, true)

	// The hosted pages answer the same registered challenge.
	step, err := f.auth.PageSignIn(ctx, f.client.ClientId, "bob", "Passw0rd!")
	if err != nil || step.Next != authflow.StepTOTP || step.Session == "" || step.Username != "bob" {
		t.Fatalf("page sign-in %+v %v", step, err)
	}
	step, err = f.auth.PageRespond(ctx, f.client.ClientId, step.Next, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totp(t, bobs, now.Add(30*time.Second))}, step.Session)
	if err != nil || step.Next != "" || step.Username != "bob" {
		t.Fatalf("page MFA step %+v %v", step, err)
	}
}

// TestPagesTrusted: a client with a secret needs a SECRET_HASH on the API;
// the hosted pages, which hold the client, sign in through the same flow
// without one, whatever the client's ExplicitAuthFlows.
func TestPagesTrusted(t *testing.T) {
	f := newFixture(t, []string{"ALLOW_REFRESH_TOKEN_AUTH"})
	ctx := context.Background()
	cl, err := f.pools.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: f.poolID, ClientName: "web",
		GenerateSecret: ptr(true), ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	f.user(t, "ann", "Temp-pass1", false)
	_, err = f.auth.InitiateAuth(ctx, &cip.InitiateAuthRequest{ClientId: cl.UserPoolClient.ClientId, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Temp-pass1"}})
	wantError(t, err, awserr.NotAuthorized, "configured for secret but secret was not received")

	for _, id := range []string{cl.UserPoolClient.ClientId, f.client.ClientId} {
		_, err := f.auth.PageSignIn(ctx, id, "ann", "wrong")
		wantError(t, err, awserr.NotAuthorized, "Incorrect username or password.")
		_, err = f.auth.PageSignIn(ctx, id, "nobody", "wrong")
		wantError(t, err, awserr.NotAuthorized, "Incorrect username or password.")
		step, err := f.auth.PageSignIn(ctx, id, "ann", "Temp-pass1")
		if err != nil || step.Next != authflow.StepNewPassword {
			t.Fatalf("%+v %v", step, err)
		}
		if id == f.client.ClientId {
			step, err = f.auth.PageRespond(ctx, id, step.Next, map[string]string{"NEW_PASSWORD": "Perm-pass1"}, step.Session)
			if err != nil || step.Next != "" || step.Username != "ann" {
				t.Fatalf("%+v %v", step, err)
			}
			continue
		}
		// A session is its client's.
		_, err = f.auth.PageRespond(ctx, f.client.ClientId, step.Next, map[string]string{"NEW_PASSWORD": "Perm-pass1"}, step.Session)
		wantError(t, err, awserr.NotAuthorized, "Invalid session for the user.")
	}
}

// TestAccessTokenCaller holds the checks of an access-token operation,
// made on the one read of the user: a global sign-out, a disabled user, a
// deleted one and a re-created one of the same name refuse the token; a
// sign-in in the second of a sign-out is good.
func TestAccessTokenCaller(t *testing.T) {
	f := newFixture(t, allFlows)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	f.clock.Set(func() time.Time { return now })
	f.user(t, "ann", "Passw0rd!", true)
	signIn := func() string {
		t.Helper()
		out, err := f.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"})
		if err != nil {
			t.Fatal(err)
		}
		return out.AuthenticationResult.AccessToken
	}
	getUser := func(tok string) error {
		t.Helper()
		out, err := f.auth.GetUser(ctx, &cip.GetUserRequest{AccessToken: tok})
		if err == nil && out.Username != "ann" {
			t.Fatalf("GetUser answered %q", out.Username)
		}
		return err
	}
	old := signIn()
	if err := getUser(old); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	if _, err := f.auth.GlobalSignOut(ctx, &cip.GlobalSignOutRequest{AccessToken: old}); err != nil {
		t.Fatal(err)
	}
	wantError(t, getUser(old), awserr.NotAuthorized, "Access Token has been revoked")
	fresh := signIn() // the second of the sign-out itself
	if err := getUser(fresh); err != nil {
		t.Fatalf("a token from the second of the sign-out: %v", err)
	}

	now = now.Add(2 * time.Second)
	if _, err := f.users.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: f.poolID, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	wantError(t, getUser(fresh), awserr.NotAuthorized, "Access Token has been revoked")
	if _, err := f.users.AdminEnableUser(ctx, &cip.AdminEnableUserRequest{UserPoolId: f.poolID, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	wantError(t, getUser(fresh), awserr.NotAuthorized, "Access Token has been revoked") // disabling signed it out
	current := signIn()
	if err := getUser(current); err != nil {
		t.Fatal(err)
	}

	if _, err := f.users.AdminDeleteUser(ctx, &cip.AdminDeleteUserRequest{UserPoolId: f.poolID, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	wantError(t, getUser(current), awserr.NotAuthorized, "Access Token has been revoked")
	f.user(t, "ann", "Passw0rd!", true) // another ann, another sub
	wantError(t, getUser(current), awserr.NotAuthorized, "Access Token has been revoked")
	if err := getUser(signIn()); err != nil {
		t.Fatal(err)
	}
}
