package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gognito/gognito/internal/srp"
)

// boundCommand measures the sign-in rate the cryptography of one sign-in
// allows on this machine at the same concurrency, nothing else running in
// the process: for ADMIN_USER_PASSWORD_AUTH the password check (an SRP
// verifier derivation) and two RSA-2048 signatures (ID and access token);
// for USER_SRP_AUTH both sides of the SRP exchange (the load generator's
// client math runs on the same machine too) and the two signatures.
func boundCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gognito-bench bound", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var l limits
	fs.IntVar(&l.concurrency, "concurrency", 8, "concurrent goroutines")
	fs.IntVar(&l.count, "count", 200000, "most sign-ins per flow")
	fs.DurationVar(&l.duration, "duration", 5*time.Second, "longest time per flow")
	jsonPath := fs.String("json", "", "also write the results to this file as JSON")
	target := fs.Int("pool-target", 0, "the pool size of the runs this bound goes with, for the report")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if l.concurrency < 1 || l.count < 1 || l.duration <= 0 {
		fmt.Fprintln(stderr, "gognito-bench: --concurrency, --count and --duration must be positive")
		return 2
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	const poolID, user = "us-east-1_BenchPool", "user"
	salt, verifier, err := srp.NewVerifier(rand.Reader, srp.PoolName(poolID), user, password)
	if err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	digest := sha256.Sum256([]byte("claims"))
	twoSignatures := func() error {
		for range 2 {
			if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
				return err
			}
		}
		return nil
	}
	ctx := context.Background()
	admin := measure(ctx, l, func(context.Context, int) error {
		if !srp.CheckPassword(srp.PoolName(poolID), user, password, salt, verifier) {
			return errors.New("CheckPassword refused the password")
		}
		return twoSignatures()
	})
	admin.Peer, admin.Scenario, admin.PoolTarget = "bound", "auth-admin", *target
	srpFlow := measure(ctx, l, func(context.Context, int) error {
		cl, err := srp.NewClient(rand.Reader, poolID)
		if err != nil {
			return err
		}
		ses, err := srp.NewServerSession(rand.Reader, cl.AHex(), salt, verifier)
		if err != nil {
			return err
		}
		const block = "c2VjcmV0LWJsb2Nr"
		sig, ts, err := cl.Respond(user, password, salt, ses.BHex(), block, time.Now())
		if err != nil {
			return err
		}
		if !ses.Verify(srp.PoolName(poolID), user, block, ts, sig) {
			return errors.New("the server refused the client's proof")
		}
		return twoSignatures()
	})
	srpFlow.Peer, srpFlow.Scenario, srpFlow.PoolTarget = "bound", "auth-srp", *target
	results := []Result{admin, srpFlow}
	printTable(stdout, results)
	if err := writeJSON(*jsonPath, results); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	return 0
}
