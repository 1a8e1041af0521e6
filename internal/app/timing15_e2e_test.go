package app_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
)

// Issue 15 item 7, timing: with PreventUserExistenceErrors=ENABLED a wrong
// password costs the same for an existing and a missing user, on
// USER_PASSWORD_AUTH and on SRP PASSWORD_VERIFIER. These measure, they do
// not assert (no timing assertions in tests).

// perName is how many wrong passwords a user (or missing name) gets in a
// measurement: fewer than the 5 free failures before a lock-out, so that
// every try takes the same path.
const perName = 4

// timingFixture is a pool whose client hides who exists.
type timingFixture struct {
	*authFixture
	users int // user0 ... made so far
}

func newTimingFixture(tb testing.TB) *timingFixture {
	return &timingFixture{authFixture: newAuthFixture(tb, nil, &cognito.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})}
}

// name is the i-th try's username: an existing user (made on first use)
// or a missing one.
func (f *timingFixture) name(tb testing.TB, i int, existing bool) string {
	n := i / perName
	if !existing {
		return fmt.Sprintf("nobody%d", n)
	}
	for ; f.users <= n; f.users++ {
		f.confirmedUser(tb, fmt.Sprintf("user%d", f.users), "Passw0rd!")
	}
	return fmt.Sprintf("user%d", n)
}

// wrongPassword times one wrong password on USER_PASSWORD_AUTH.
func (f *timingFixture) wrongPassword(tb testing.TB, name string) time.Duration {
	start := time.Now()
	_, err := f.passwordAuth(name, "Wr0ngPassw0rd!")
	d := time.Since(start)
	wantAPIError(tb, err, "NotAuthorizedException", "Incorrect username or password.")
	return d
}

// wrongProof times one wrong password's proof on PASSWORD_VERIFIER (the
// USER_SRP_AUTH start before it is not timed).
func (f *timingFixture) wrongProof(tb testing.TB, name string) time.Duration {
	ctx := context.Background()
	cl, err := srp.NewClient(rand.Reader, f.poolID)
	if err != nil {
		tb.Fatal(err)
	}
	start := must[*cognito.InitiateAuthOutput](tb)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.AHex()}}))
	p := start.ChallengeParameters
	sig, ts, err := cl.Respond(p["USER_ID_FOR_SRP"], "Wr0ngPassw0rd!", p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	resp := map[string]string{"USERNAME": p["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}
	t0 := time.Now()
	_, err = f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: resp})
	d := time.Since(t0)
	wantAPIError(tb, err, "NotAuthorizedException", "Incorrect username or password.")
	return d
}

var timedFlows = []struct {
	name string
	try  func(*timingFixture, testing.TB, string) time.Duration
}{{"USER_PASSWORD_AUTH", (*timingFixture).wrongPassword}, {"PASSWORD_VERIFIER", (*timingFixture).wrongProof}}

// BenchmarkWrongPasswordExisting and BenchmarkWrongPasswordMissing: one
// op is one wrong password (on PASSWORD_VERIFIER, the proof only) of an
// existing user or a missing name, each below the lock-out.
//
//	go test -run '^$' -bench WrongPassword ./internal/app
func BenchmarkWrongPasswordExisting(b *testing.B) { benchmarkWrongPassword(b, true) }
func BenchmarkWrongPasswordMissing(b *testing.B)  { benchmarkWrongPassword(b, false) }

func benchmarkWrongPassword(b *testing.B, existing bool) {
	for _, flow := range timedFlows {
		b.Run(flow.name, func(b *testing.B) {
			f := newTimingFixture(b)
			var total time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				name := f.name(b, i, existing) // users made outside the timer
				b.StartTimer()
				total += flow.try(f, b, name)
			}
			b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/attempt")
		})
	}
}
