package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
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

	// 4 workers send 300 requests in all, alternating nodes; A is killed
	// once 100 have been acknowledged, with requests in flight on it.
	const total, killAt, workers = 300, 100, 4
	var (
		mu                   sync.Mutex
		acked                []string
		sent                 int
		killed               bool
		failedOnA, failedOnB int
		wg                   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if sent == total {
					mu.Unlock()
					return
				}
				i := sent
				sent++
				if !killed && len(acked) >= killAt {
					killed = true
					a.cmd.Process.Signal(syscall.SIGKILL)
				}
				mu.Unlock()
				c, onA := cb, false
				if i%2 == 0 {
					c, onA = ca, true
				}
				name := fmt.Sprintf("user%04d", i)
				_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: &name, MessageAction: types.MessageActionTypeSuppress})
				mu.Lock()
				switch {
				case err == nil:
					acked = append(acked, name)
				case onA:
					failedOnA++ // not acknowledged: whether it landed is unknown
				default:
					failedOnB++
					t.Errorf("node B failed while A died: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if !killed || failedOnB != 0 || failedOnA == 0 || len(acked) < total/2 {
		t.Fatalf("killed %v; %d acknowledged, %d failures on A, %d on B (want 0)", killed, len(acked), failedOnA, failedOnB)
	}
	// Nothing acknowledged is lost: B finds every user, whichever node took it.
	for _, name := range acked {
		u, err := cb.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(name)})
		if err != nil || aws.ToString(u.Username) != name {
			t.Fatalf("AdminGetUser %s: %v", name, err)
		}
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
	// Requests that were in flight on A when it died may have landed:
	// at least every acknowledged one, at most every one sent.
	if n < len(acked) || n > len(acked)+failedOnA {
		t.Fatalf("the restarted node lists %d users; %d were acknowledged, %d unanswered on A", n, len(acked), failedOnA)
	}
	t.Logf("%d acknowledged (all found), %d refused or unanswered by the killed node, %d stored", len(acked), failedOnA, n)
}
