package users_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Concurrent wrong guesses cannot outrun the lock-out: with the clock
// still, exactly the 5 free failures are checked, and every other guess
// is refused with "Password attempts exceeded" without a check.
func TestConcurrentGuessesMeetTheLockout(t *testing.T) {
	svc, _, _, pool, _ := setup(t)
	ctx := context.Background()
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "vic", TemporaryPassword: "Temp-Passw0rd", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.Account(ctx, pool, "vic")
	if err != nil {
		t.Fatal(err)
	}
	var checked, wrong, exceeded atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, ok, err := svc.VerifyPassword(ctx, a, func(*users.Account) bool { checked.Add(1); return false })
			switch {
			case err == nil && !ok:
				wrong.Add(1)
			case awserr.Is(err, awserr.NotAuthorized):
				exceeded.Add(1)
			default:
				t.Errorf("guess: ok=%v err=%v", ok, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if checked.Load() != 5 || wrong.Load() != 5 || exceeded.Load() != 19 {
		t.Fatalf("24 concurrent wrong guesses: %d checked, %d wrong, %d refused as locked; want 5, 5, 19", checked.Load(), wrong.Load(), exceeded.Load())
	}
	// The right proof is refused while locked, too.
	if _, _, err := svc.VerifyPassword(ctx, a, func(*users.Account) bool { return true }); !awserr.Is(err, awserr.NotAuthorized) {
		t.Fatalf("right proof while locked: %v", err)
	}
}

// A check sees the account as it is now: a password set after the account
// was read is the one checked.
func TestVerifyPasswordReadsTheAccountAgain(t *testing.T) {
	svc, _, _, pool, _ := setup(t)
	ctx := context.Background()
	if _, err := svc.AdminCreateUser(ctx, &cip.AdminCreateUserRequest{UserPoolId: pool, Username: "wes", TemporaryPassword: "Temp-Passw0rd", MessageAction: "SUPPRESS"}); err != nil {
		t.Fatal(err)
	}
	stale, _ := svc.Account(ctx, pool, "wes")
	permanent := true
	if _, err := svc.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordRequest{UserPoolId: pool, Username: "wes", Password: "New-Passw0rd", Permanent: &permanent}); err != nil {
		t.Fatal(err)
	}
	fresh, ok, err := svc.VerifyPassword(ctx, stale, func(a *users.Account) bool { return a.Verifier != stale.Verifier })
	if err != nil || !ok || fresh.Status != users.StatusConfirmed {
		t.Fatalf("check saw the stale account: ok=%v err=%v status=%v", ok, err, fresh)
	}
}

// Issue 15 item 7: a missing name's wrong sign-ins take an existing user's
// path (the caller's password check runs each time, as VerifyPassword's
// does) and are counted in the store, so that the lock-out holds across
// nodes: here two services on one store, taking turns.
func TestUnknownSignInCountsInTheStore(t *testing.T) {
	node1, st, clk, pool, _ := setup(t)
	ctx := context.Background()
	pools := userpool.New(st, userpool.Options{Clock: clk})
	node2 := users.New(st, users.Options{Pools: pools, Clock: clk, Sender: messaging.NewOutbox(st, clk)})
	checks := 0
	check := func() bool { checks++; return false }
	for i, node := range []*users.Service{node1, node2, node1, node2, node1} {
		if err := node.UnknownSignIn(ctx, pool, "Nobody", check); err != nil {
			t.Fatalf("wrong sign-in %d: %v", i, err)
		}
	}
	if checks != 5 {
		t.Fatalf("%d password checks for 5 wrong sign-ins", checks)
	}
	// The sixth, on either node, is locked out
	// without a check.
	for _, node := range []*users.Service{node2, node1} {
		if err := node.UnknownSignIn(ctx, pool, "Nobody", check); !awserr.Is(err, awserr.NotAuthorized) {
			t.Fatalf("after 5 wrong sign-ins: %v, want the lock-out", err)
		}
	}
	if checks != 5 {
		t.Fatalf("a locked-out name was checked")
	}
	// Another name is not locked.
	if err := node2.UnknownSignIn(ctx, pool, "somebody", check); err != nil {
		t.Fatal(err)
	}
}
