package app_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
)

// BenchmarkSignIn measures whole sign-ins through the API (aws-sdk-go-v2 in
// the same process, 8 concurrent callers on this 2-core machine) next to
// the bound the cryptography of one sign-in sets, measured in the same run:
// BenchmarkSignIn/bound/* do only the RSA signatures and modular
// exponentiations a sign-in needs, on as many goroutines.
func BenchmarkSignIn(b *testing.B) {
	t := &testing.T{}
	f := newAuthFixture(t, nil, nil)
	const users = 64
	for i := range users {
		f.confirmedUser(t, fmt.Sprintf("bench%02d", i), "Passw0rd!")
	}
	ctx := context.Background()
	b.SetParallelism(4) // 4 × GOMAXPROCS(2) = 8 concurrent sign-ins

	b.Run("USER_PASSWORD_AUTH", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				out, err := f.passwordAuth(fmt.Sprintf("bench%02d", i%users), "Passw0rd!")
				if err != nil || out.AuthenticationResult == nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	})
	b.Run("USER_SRP_AUTH", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				user := fmt.Sprintf("bench%02d", i%users)
				cl, _ := srp.NewClient(rand.Reader, f.poolID)
				start, err := f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth,
					AuthParameters: map[string]string{"USERNAME": user, "SRP_A": cl.AHex()}})
				if err != nil {
					b.Fatal(err)
				}
				p := start.ChallengeParameters
				sig, ts, err := cl.Respond(p["USER_ID_FOR_SRP"], "Passw0rd!", p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
				if err != nil {
					b.Fatal(err)
				}
				out, err := f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypePasswordVerifier,
					ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}})
				if err != nil || out.AuthenticationResult == nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	})

	// The bounds: the same cryptography, nothing else.
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	digest := sha256.Sum256([]byte("claims"))
	salt, verifier, _ := srp.NewVerifier(rand.Reader, "Pool", "user", "Passw0rd!")
	twoSignatures := func() {
		for range 2 { // the ID token and the access token
			if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("bound/USER_PASSWORD_AUTH", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !srp.CheckPassword("Pool", "user", "Passw0rd!", salt, verifier) {
					b.Fatal("password")
				}
				twoSignatures()
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	})
	b.Run("bound/USER_SRP_AUTH", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				cl, _ := srp.NewClient(rand.Reader, "us-east-1_Pool")
				ses, err := srp.NewServerSession(rand.Reader, cl.AHex(), salt, verifier)
				if err != nil {
					b.Fatal(err)
				}
				block := "c2VjcmV0"
				sig, ts, _ := cl.Respond("user", "Passw0rd!", salt, ses.BHex(), block, time.Now())
				if !ses.Verify("Pool", "user", block, ts, sig) {
					b.Fatal("verify")
				}
				twoSignatures()
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	})
	_ = aws.String
}
