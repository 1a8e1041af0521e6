package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// BenchmarkBackends measures AdminCreateUser and USER_PASSWORD_AUTH sign-in
// through the SDK on SQLite (one node), PostgreSQL with one node, and
// PostgreSQL with two nodes taking requests in turn. It needs the private
// PostgreSQL of scripts/postgres-test.sh (make bench starts it).
func BenchmarkBackends(b *testing.B) {
	setups := []struct {
		name  string
		nodes int
		pg    bool
	}{{"sqlite/nodes=1", 1, false}, {"postgres/nodes=1", 1, true}, {"postgres/nodes=2", 2, true}}
	for _, s := range setups {
		change := func(*config.Config) {}
		if s.pg {
			dsn, key := pgtest.DSN(b), filepath.Join(b.TempDir(), "secret.key")
			change = func(c *config.Config) {
				c.Database, c.SecretKeyFile, c.PublicURL = dsn, key, "https://idp.gognito.test"
			}
		}
		var clients []*cognito.Client
		for range s.nodes {
			clients = append(clients, startServerWith(&testing.T{}, b.TempDir(), change).client("us-east-1", false))
		}
		ctx := context.Background()
		c := clients[0]
		pool := must[*cognito.CreateUserPoolOutput](&testing.T{})(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bench")})).UserPool
		cl := must[*cognito.CreateUserPoolClientOutput](&testing.T{})(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id,
			ClientName: aws.String("bench"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
				types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).UserPoolClient
		const users = 32
		for i := range users {
			name := fmt.Sprintf("signer%02d", i)
			if _, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: &name, MessageAction: types.MessageActionTypeSuppress}); err != nil {
				b.Fatal(err)
			}
			if _, err := c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: &name, Password: aws.String("Passw0rd!"), Permanent: true}); err != nil {
				b.Fatal(err)
			}
		}
		b.SetParallelism(4)
		var seq atomic.Int64
		b.Run("AdminCreateUser/"+s.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					if _, err := clients[n%int64(len(clients))].AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id,
						Username: aws.String(fmt.Sprintf("created%07d", n)), MessageAction: types.MessageActionTypeSuppress}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
		b.Run("SignIn/"+s.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					out, err := clients[n%int64(len(clients))].InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
						AuthParameters: map[string]string{"USERNAME": fmt.Sprintf("signer%02d", n%users), "PASSWORD": "Passw0rd!"}})
					if err != nil || out.AuthenticationResult == nil {
						b.Fatal(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
		})
	}
}
