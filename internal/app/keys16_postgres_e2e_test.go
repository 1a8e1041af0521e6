package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// TestKeysOnTwoNodes16: two nodes on one PostgreSQL database. A staged
// rotation made through node A is published by node B's JWKS, and B signs
// with the new key after the publish delay; tokens from every live key
// verify on both nodes; the old key leaves both JWKS when retired; a pool
// moved to the UPDATED issuer through A gets it on B, the old form still
// verifying; two nodes' schedules rotate a due pool once.
func TestKeysOnTwoNodes16(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	start := time.Now()
	at := func(d time.Duration) {
		for _, n := range []*testServer{a, b} {
			n.App.SetNow(func() time.Time { return start.Add(d) })
		}
	}
	at(0)
	pa := newKeys16Pool(t, a, &cognito.CreateUserPoolInput{PoolName: aws.String("two-nodes")})
	pb := &keys16Pool{ts: b, c: b.client("us-east-1", false), poolID: pa.poolID, clientID: pa.clientID}
	jwksB := b.URL + "/" + pa.poolID + "/.well-known/jwks.json"

	before := pa.signIn(t)
	oldKID := tokenKID(t, aws.ToString(before.AccessToken))
	if err := pb.getUser(before.AccessToken); err != nil { // B caches the keys
		t.Fatal(err)
	}

	// The rotation through A (the publish delay is the default, 15 min).
	at(time.Hour)
	rotated, err := a.App.RotateKeys(ctx, pa.poolID)
	if err != nil || len(rotated) != 1 {
		t.Fatalf("RotateKeys: %+v %v", rotated, err)
	}
	var newKID string
	for _, k := range rotated[0].Keys {
		if k.Use == "access" && k.State == "published" {
			newKID = k.KID
		}
	}
	at(time.Hour + time.Minute) // B's copy of the keys is older than its re-read interval
	if set := jwksOf(t, jwksB); len(set.Key(newKID)) != 1 || len(set.Key(oldKID)) != 1 {
		t.Fatalf("node B's JWKS during the publish delay: %+v", set.Keys)
	}
	during := pb.signIn(t)
	if tokenKID(t, aws.ToString(during.AccessToken)) != oldKID {
		t.Fatal("node B signs with the new key before the publish delay is over")
	}

	at(time.Hour + 15*time.Minute)
	afterB, afterA := pb.signIn(t), pa.signIn(t)
	if tokenKID(t, aws.ToString(afterB.AccessToken)) != newKID || tokenKID(t, aws.ToString(afterA.AccessToken)) != newKID {
		t.Fatal("the nodes do not sign with the new key after the publish delay")
	}
	for name, r := range map[string]*types.AuthenticationResultType{"before": before, "during": during, "after (B)": afterB, "after (A)": afterA} {
		for _, p := range []*keys16Pool{pa, pb} {
			if err := p.getUser(r.AccessToken); err != nil {
				t.Errorf("the token issued %s the rotation, on %s: %v", name, p.ts.URL, err)
			}
		}
	}

	// The issuer moves through A; B issues the new form, and both forms verify on both.
	must[*cognito.UpdateUserPoolOutput](t)(pa.c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String(pa.poolID),
		IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated}}))
	updated := "https://idp.gognito.test/issuer/" + pa.poolID
	var moved *types.AuthenticationResultType
	waitFor(t, 2*time.Second, "node B to issue the UPDATED issuer", func() (bool, error) {
		moved = pb.signIn(t)
		c := verifiedBy(t, jwksOf(t, b.URL+"/issuer/"+pa.poolID+"/.well-known/jwks.json"), aws.ToString(moved.AccessToken))
		return c != nil && c["iss"] == updated, nil
	})
	for _, p := range []*keys16Pool{pa, pb} {
		for _, tok := range []*string{afterA.AccessToken, moved.AccessToken} {
			if err := p.getUser(tok); err != nil {
				t.Errorf("on %s after the move: %v", p.ts.URL, err)
			}
		}
	}

	// Retired 24 h after it stopped signing: gone from both JWKS.
	at(time.Hour + 15*time.Minute + 24*time.Hour)
	for _, n := range []*testServer{a, b} {
		set := jwksOf(t, n.URL+"/"+pa.poolID+"/.well-known/jwks.json")
		if len(set.Key(oldKID)) != 0 || len(set.Key(newKID)) != 1 {
			t.Errorf("%s's JWKS after the retirement: %+v", n.URL, set.Keys)
		}
	}
}

// TestScheduledRotationOnTwoNodes16: both nodes run the rotation schedule;
// at the same instant, one of them rotates a due pool, once.
func TestScheduledRotationOnTwoNodes16(t *testing.T) {
	dsn := pgtest.DSN(t)
	keyFile := filepath.Join(t.TempDir(), "secret.key")
	onPG := func(c *config.Config) {
		c.Database, c.SecretKeyFile, c.PublicURL = dsn, keyFile, "https://idp.gognito.test"
		c.KeyRotationInterval = 24 * time.Hour
	}
	a, b := startServerWith(t, t.TempDir(), onPG), startServerWith(t, t.TempDir(), onPG)
	p := newKeys16Pool(t, a, &cognito.CreateUserPoolInput{PoolName: aws.String("scheduled")})
	p.signIn(t) // the pool's first keys
	ctx := context.Background()
	due := time.Now().Add(25 * time.Hour)
	results := make(chan []string, 2)
	for _, n := range []*testServer{a, b} {
		go func() {
			ids, err := n.App.RotateDueKeys(ctx, due)
			if err != nil {
				t.Error(err)
			}
			results <- ids
		}()
	}
	total := len(<-results) + len(<-results)
	if total != 1 {
		t.Fatalf("the two schedules rotated the pool %d times", total)
	}
	keys, err := b.App.SigningKeys(ctx, p.poolID)
	if err != nil || len(keys) != 4 {
		t.Fatalf("keys after the scheduled rotation: %+v %v", keys, err)
	}
}
