package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/store"
)

// seedUsers puts n users straight into the store (one sign-up's worth of
// document copied, so seeding 100,000 users takes seconds), then the
// benchmark measures the API on a pool of that size.
func seedUsers(b *testing.B, ts *testServer, poolID string, n int) {
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	must[*cognito.AdminCreateUserOutput](&testing.T{})(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("template"),
		MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String("Temp-Passw0rd")}))
	tmpl, err := ts.App.Store().GetUser(ctx, poolID, "template")
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(tmpl.Doc, &doc)
	now := time.Now()
	for i := range n {
		name := fmt.Sprintf("seed%07d", i)
		email := fmt.Sprintf("seed%07d@example.com", i)
		sub := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		doc["Attributes"] = []map[string]string{{"Name": "sub", "Value": sub}, {"Name": "email", "Value": email}}
		d, _ := json.Marshal(doc)
		if err := ts.App.Store().CreateUser(ctx, store.User{PoolID: poolID, Username: name, Key: name, Sub: sub, Status: "CONFIRMED", Enabled: true,
			CreatedAt: now, UpdatedAt: now, Doc: d,
			Index:  map[string]string{"username": name, "email": email, "sub": sub, "cognito:user_status": "CONFIRMED", "status": "Enabled"},
			Unique: map[string]string{"sub": sub}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUsers measures AdminCreateUser and ListUsers (Limit 60, and
// filtered by email) through the API on pools of 1,000 and 100,000 users.
// A filtered lookup reads the attribute index: its cost must not grow with
// the pool.
func BenchmarkUsers(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		ts := startServer(&testing.T{}, b.TempDir())
		ctx := context.Background()
		c := ts.client("us-east-1", false)
		pool := must[*cognito.CreateUserPoolOutput](&testing.T{})(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bench")})).UserPool
		seedUsers(b, ts, *pool.Id, n)
		b.Run(fmt.Sprintf("ListUsersByEmail/users=%d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				email := fmt.Sprintf("seed%07d@example.com", (i*7919)%n)
				out, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Filter: aws.String(`email = "` + email + `"`)})
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Users) != 1 {
					b.Fatalf("%d users for %s", len(out.Users), email)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("ListUsersLimit60/users=%d", n), func(b *testing.B) {
			for b.Loop() {
				out, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Limit: aws.Int32(60)})
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Users) != 60 {
					b.Fatalf("%d users", len(out.Users))
				}
			}
		})
		b.Run(fmt.Sprintf("AdminCreateUser/users=%d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(fmt.Sprintf("new%d-%d", n, i)),
					MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String("Temp-Passw0rd"),
					UserAttributes: attrs("email", fmt.Sprintf("new%d@example.com", i))})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		ts.stop()
	}
}
