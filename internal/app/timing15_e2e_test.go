package app_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
)

// Issue 15 item 7, timing: with PreventUserExistenceErrors=ENABLED a wrong
// password costs the same for an existing and a missing user, on
// USER_PASSWORD_AUTH and on SRP PASSWORD_VERIFIER. It measures, it does
// not assert (no timing assertions in tests): run it with
//
//	GOGNITO_TIMING=1 go test -count=1 -run TestWrongPasswordTiming -v ./internal/app
//
// and it prints the medians over 200 tries each and their ratio. Each try
// is one wrong password of a user (or missing name) that has had fewer
// wrong passwords than the lock-out allows, so every try takes the same
// path.
func TestWrongPasswordTiming(t *testing.T) {
	if os.Getenv("GOGNITO_TIMING") == "" {
		t.Skip("a measurement: set GOGNITO_TIMING=1")
	}
	const tries, perName = 200, 4 // 4 < the 5 free failures before a lock-out
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	ctx := context.Background()
	names := tries / perName
	for i := range 2 * names { // USER_PASSWORD_AUTH's users, then SRP's
		f.confirmedUser(t, fmt.Sprintf("user%d", i), "Passw0rd!")
	}
	wrongPassword := func(t *testing.T, name string) time.Duration {
		start := time.Now()
		_, err := f.passwordAuth(name, "Wr0ngPassw0rd!")
		d := time.Since(start)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		return d
	}
	wrongProof := func(t *testing.T, name string) time.Duration {
		cl, err := srp.NewClient(rand.Reader, f.poolID)
		if err != nil {
			t.Fatal(err)
		}
		start := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.AHex()}}))
		p := start.ChallengeParameters
		sig, ts, err := cl.Respond(p["USER_ID_FOR_SRP"], "Wr0ngPassw0rd!", p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		resp := map[string]string{"USERNAME": p["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}
		t0 := time.Now()
		_, err = f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: resp})
		d := time.Since(t0)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		return d
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	for _, flow := range []struct {
		name   string
		offset int
		try    func(*testing.T, string) time.Duration
	}{{"USER_PASSWORD_AUTH", 0, wrongPassword}, {"SRP PASSWORD_VERIFIER", names, wrongProof}} {
		var existing, missing []time.Duration
		for i := range tries { // interleaved, so that drift hits both alike
			n := flow.offset + i/perName
			existing = append(existing, flow.try(t, fmt.Sprintf("user%d", n)))
			missing = append(missing, flow.try(t, fmt.Sprintf("nobody%d", n)))
		}
		me, mm := median(existing), median(missing)
		t.Logf("%s: wrong password, median of %d: existing user %v, missing user %v, ratio missing/existing %.2f",
			flow.name, tries, me, mm, float64(mm)/float64(me))
	}
}
