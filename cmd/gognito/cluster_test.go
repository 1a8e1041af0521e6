package main

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

func sdkClient(url string) *cognito.Client {
	return cognito.New(cognito.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", "")})
}

// TestNodeKilledMidLoad runs two gognito processes on one PostgreSQL and
// kills one with SIGKILL in the middle of a bounded AdminCreateUser load:
// the other keeps serving, and every user either node acknowledged is there.
func TestNodeKilledMidLoad(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	env := []string{"GOGNITO_DATABASE=" + dsn, "GOGNITO_SECRET_KEY_FILE=" + filepath.Join(dir, "secret.key"), "GOGNITO_PUBLIC_URL=https://idp.gognito.test"}
	start := func(name string) *node {
		return startNode(t, ctx, bin, t.TempDir(), env, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, name))
	}
	a := start("a")
	b := start("b")
	if a.url == "" || b.url == "" {
		t.Fatalf("no API address printed: %v / %v", a.printed, b.printed)
	}
	ca, cb := sdkClient(a.url), sdkClient(b.url)
	created, err := ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("kill")})
	if err != nil {
		t.Fatal(err)
	}
	pool := created.UserPool

	const total, killAt = 300, 100
	var acked []string
	failedOnA, failedOnB := 0, 0
	for i := range total {
		if i == killAt {
			if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
		c, onA := cb, false
		if i%2 == 0 {
			c, onA = ca, true
		}
		name := fmt.Sprintf("user%04d", i)
		_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: &name, MessageAction: types.MessageActionTypeSuppress})
		switch {
		case err == nil:
			acked = append(acked, name)
		case onA && i >= killAt:
			failedOnA++ // A is dead: expected, and not acknowledged
		case onA:
			t.Fatalf("node A before the kill: %v", err)
		default:
			failedOnB++
			t.Errorf("node B failed while A died: %v", err)
		}
	}
	if failedOnB != 0 || failedOnA != (total-killAt)/2 {
		t.Fatalf("after the kill: %d failures on A (want %d), %d on B (want 0)", failedOnA, (total-killAt)/2, failedOnB)
	}
	// Nothing acknowledged is lost: B finds every user, whichever node took it.
	for _, name := range acked {
		u, err := cb.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(name)})
		if err != nil || aws.ToString(u.Username) != name {
			t.Fatalf("AdminGetUser %s: %v", name, err)
		}
	}
	if len(acked) != total-(total-killAt)/2 {
		t.Fatalf("%d acknowledged, want %d", len(acked), total-(total-killAt)/2)
	}
	// A restarted node joins again and sees everything.
	a2 := start("a")
	n := 0
	p := cognito.NewListUsersPaginator(sdkClient(a2.url), &cognito.ListUsersInput{UserPoolId: pool.Id})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Users)
	}
	if n != len(acked) {
		t.Fatalf("the restarted node lists %d users, want %d", n, len(acked))
	}
}
