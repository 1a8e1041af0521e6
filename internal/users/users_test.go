package users_test

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storecount"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// fakeClock is the clock of the services under test (a clock.Clock).
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func setup(t *testing.T) (*users.Service, store.Store, *fakeClock, string, string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &fakeClock{t: time.Now()}
	pools := userpool.New(st, userpool.Options{Clock: clk})
	p, err := pools.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p", AutoVerifiedAttributes: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := pools.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: p.UserPool.Id, ClientName: "c"})
	if err != nil {
		t.Fatal(err)
	}
	svc := users.New(st, users.Options{Pools: pools, Clock: clk, Sender: messaging.NewOutbox(st, clk)})
	return svc, st, clk, p.UserPool.Id, c.UserPoolClient.ClientId
}

var code = regexp.MustCompile(`\d{6}`)

func lastCode(t *testing.T, st store.Store, pool, user string) string {
	ms, err := st.ListMessages(context.Background(), store.MessageFilter{PoolID: pool, Username: user, Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("no message: %v", err)
	}
	return code.FindString(ms[0].Body)
}

func wantType(t *testing.T, err error, typ string) {
	t.Helper()
	if !awserr.Is(err, typ) {
		t.Fatalf("got %v, want %s", err, typ)
	}
}

// TestCodesExpire: a sign-up code lives 24 hours and a reset code 1 hour,
// as Cognito's.
func TestCodesExpire(t *testing.T) {
	svc, st, clk, pool, client := setup(t)
	ctx := context.Background()
	attrs := []cip.AttributeType{{Name: "email", Value: "e@example.com"}}
	for _, u := range []string{"early", "late"} {
		if _, err := svc.SignUp(ctx, &cip.SignUpRequest{ClientId: client, Username: u, Password: "Passw0rd!", UserAttributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}
	early, late := lastCode(t, st, pool, "early"), lastCode(t, st, pool, "late")
	clk.t = clk.t.Add(23 * time.Hour)
	if _, err := svc.ConfirmSignUp(ctx, &cip.ConfirmSignUpRequest{ClientId: client, Username: "early", ConfirmationCode: early}); err != nil {
		t.Fatalf("a 23-hour-old code: %v", err)
	}
	clk.t = clk.t.Add(2 * time.Hour)
	_, err := svc.ConfirmSignUp(ctx, &cip.ConfirmSignUpRequest{ClientId: client, Username: "late", ConfirmationCode: late})
	wantType(t, err, "ExpiredCodeException")

	if _, err := svc.ForgotPassword(ctx, &cip.ForgotPasswordRequest{ClientId: client, Username: "early"}); err != nil {
		t.Fatal(err)
	}
	reset := lastCode(t, st, pool, "early")
	clk.t = clk.t.Add(61 * time.Minute)
	_, err = svc.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordRequest{ClientId: client, Username: "early", ConfirmationCode: reset, Password: "N3w-Passw0rd"})
	wantType(t, err, "ExpiredCodeException")
}

// TestTemporaryPasswordExpires: a FORCE_CHANGE_PASSWORD user's temporary
// password is good for the pool's TemporaryPasswordValidityDays.
func TestTemporaryPasswordExpires(t *testing.T) {
	svc, _, clk, pool, _ := setup(t)
	ctx := context.Background()
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "tim", TemporaryPassword: "Temp-Passw0rd", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	a, _ := svc.Account(ctx, pool, "tim")
	if a.TempPasswordExpired {
		t.Fatal("expired at once")
	}
	clk.t = clk.t.Add(8 * 24 * time.Hour)
	a, _ = svc.Account(ctx, pool, "tim")
	if !a.TempPasswordExpired {
		t.Fatal("a temporary password older than 7 days is still good")
	}
}

// TestResendLimit: at most five codes an hour.
func TestResendLimit(t *testing.T) {
	svc, _, clk, _, client := setup(t)
	ctx := context.Background()
	if _, err := svc.SignUp(ctx, &cip.SignUpRequest{ClientId: client, Username: "rae", Password: "Passw0rd!", UserAttributes: []cip.AttributeType{{Name: "email", Value: "r@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := svc.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeRequest{ClientId: client, Username: "rae"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeRequest{ClientId: client, Username: "rae"})
	wantType(t, err, awserr.LimitExceeded)
	clk.t = clk.t.Add(61 * time.Minute)
	if _, err := svc.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeRequest{ClientId: client, Username: "rae"}); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
}

// An operation reads its pool from the loader (no store read once loaded)
// and its user once.
func TestReadsPerOperation(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counted := storecount.New(st)
	pools := userpool.New(counted, userpool.Options{})
	svc := users.New(counted, users.Options{Pools: pools})
	p, err := pools.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})
	if err != nil {
		t.Fatal(err)
	}
	id := p.UserPool.Id
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: id, Username: "ann", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]func() error{
		"AdminGetUser": func() error {
			_, err := svc.AdminGetUser(ctx, &cip.AdminGetUserRequest{UserPoolId: id, Username: "ann"})
			return err
		},
		"AdminDisableUser": func() error {
			_, err := svc.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: id, Username: "ann"})
			return err
		},
	} {
		counted.Reset()
		if err := op(); err != nil {
			t.Fatal(err)
		}
		got := counted.Counts()
		if got["GetUserPool"] != 0 || got["GetUser"] > 1 {
			t.Errorf("%s read %v", name, got)
		}
	}
}
