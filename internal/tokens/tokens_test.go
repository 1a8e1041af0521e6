package tokens_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/tokens"
)

// storePools is the pool check of the tests: the pool's record exists.
type storePools struct{ st store.Store }

func (p storePools) CheckPool(ctx context.Context, poolID string) error {
	_, err := p.st.GetUserPool(ctx, poolID)
	return err
}

// CheckClient lets every client be: the tests issue tokens to clients
// they do not create.
func (p storePools) CheckClient(ctx context.Context, poolID, clientID string) error { return nil }

func newService(t *testing.T) (*tokens.Service, store.Store) {
	return newServiceWithClock(t, nil)
}

func newServiceWithClock(t *testing.T, clk clock.Clock) (*tokens.Service, store.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, _ := secrets.NewSealer(key)
	st.CreateUserPool(context.Background(), store.UserPool{ID: "us-east-1_TOKENS001", Name: "p", Doc: []byte(`{}`)})
	return tokens.New(tokens.Options{Store: st, Pools: storePools{st}, Sealer: sealer, Clock: clk, Issuer: func(p string) string { return "http://issuer.test/" + p }}), st
}

func kid(t *testing.T, token string) string {
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return obj.Signatures[0].Header.KeyID
}

func TestKeysAreCognitoLikeAndRotate(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	sub := tokens.Subject{PoolID: "us-east-1_TOKENS001", ClientID: "client", Username: "u", Sub: "sub-1"}
	v := tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: 24 * time.Hour}
	first, err := s.Issue(ctx, sub, v, true)
	if err != nil {
		t.Fatal(err)
	}
	idKID, accessKID := kid(t, first.IDToken), kid(t, first.AccessToken)
	if idKID == accessKID || len(idKID) != 44 || !strings.HasSuffix(idKID, "=") {
		t.Fatalf("kids %q %q: want two different 44-character base64 kids", idKID, accessKID)
	}
	var set jose.JSONWebKeySet
	b, _ := s.JWKS(ctx, sub.PoolID)
	json.Unmarshal(b, &set)
	if len(set.Keys) != 2 || set.Keys[0].Algorithm != "RS256" || set.Keys[0].Use != "sig" {
		t.Fatalf("JWKS %s", b)
	}

	if err := s.Rotate(ctx, sub.PoolID); err != nil {
		t.Fatal(err)
	}
	second, _ := s.Issue(ctx, sub, v, false)
	if kid(t, second.AccessToken) == accessKID || kid(t, second.IDToken) == idKID {
		t.Fatal("tokens after the rotation are signed with the old keys")
	}
	if _, err := s.VerifyAccess(ctx, first.AccessToken); err != nil {
		t.Fatalf("a token signed before the rotation: %v", err)
	}
	if _, err := s.VerifyAccess(ctx, second.AccessToken); err != nil {
		t.Fatal(err)
	}
	b, _ = s.JWKS(ctx, sub.PoolID)
	json.Unmarshal(b, &set)
	if len(set.Keys) != 4 {
		t.Fatalf("JWKS after rotation has %d keys, want 4", len(set.Keys))
	}
	if _, err := s.VerifyAccess(ctx, first.IDToken); !awserr.Is(err, awserr.NotAuthorized) {
		t.Fatalf("an ID token accepted as an access token: %v", err)
	}
}

func TestRefreshTokens(t *testing.T) {
	clk := &clock.Settable{}
	s, _ := newServiceWithClock(t, clk)
	ctx := context.Background()
	sub := tokens.Subject{PoolID: "us-east-1_TOKENS001", ClientID: "client", Username: "u", Sub: "sub-1"}
	out, _ := s.Issue(ctx, sub, tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: time.Hour}, true)
	rc, err := s.ParseRefresh(ctx, out.RefreshToken)
	if err != nil || rc.ClientID != "client" || rc.Sub != "sub-1" || rc.OriginJTI != out.OriginJTI {
		t.Fatalf("refresh claims %+v %v", rc, err)
	}
	tampered := []byte(out.RefreshToken)
	tampered[10] ^= 1
	if _, err := s.ParseRefresh(ctx, string(tampered)); !awserr.Is(err, awserr.NotAuthorized) {
		t.Fatalf("tampered refresh token: %v", err)
	}
	clk.Set(func() time.Time { return time.Now().Add(2 * time.Hour) })
	if _, err := s.ParseRefresh(ctx, out.RefreshToken); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired refresh token: %v", err)
	}
	clk.Set(nil)
	if err := s.Revoke(ctx, out.OriginJTI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ParseRefresh(ctx, out.RefreshToken); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked refresh token: %v", err)
	}
	if _, err := s.VerifyAccess(ctx, out.AccessToken); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("access token of a revoked refresh token: %v", err)
	}
}

// TestRotationThroughAnotherNode: two services on one store (two nodes). A
// token signed with keys B has not seen is accepted once B's cached keys are
// older than the re-read interval, and not before: a made-up kid cannot make
// every verification re-read the keys.
func TestRotationThroughAnotherNode(t *testing.T) {
	_, st := newService(t)
	ctx := context.Background()
	now := time.Now()
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, _ := secrets.NewSealer(key) // one secret key for both nodes
	issuer := func(p string) string { return "http://issuer.test/" + p }
	a := tokens.New(tokens.Options{Store: st, Pools: storePools{st}, Sealer: sealer, Issuer: issuer})
	b := tokens.New(tokens.Options{Store: st, Pools: storePools{st}, Sealer: sealer, Issuer: issuer, Clock: clock.Func(func() time.Time { return now })})
	sub := tokens.Subject{PoolID: "us-east-1_TOKENS001", ClientID: "client", Username: "u", Sub: "sub-1"}
	v := tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: 24 * time.Hour}
	first, err := a.Issue(ctx, sub, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.VerifyAccess(ctx, first.AccessToken); err != nil { // B caches the keys
		t.Fatal(err)
	}
	if err := a.Rotate(ctx, sub.PoolID); err != nil {
		t.Fatal(err)
	}
	second, _ := a.Issue(ctx, sub, v, false)
	if _, err := b.VerifyAccess(ctx, second.AccessToken); err == nil {
		t.Fatal("B re-read its keys for an unknown kid right after reading them")
	}
	now = now.Add(6 * time.Second)
	if _, err := b.VerifyAccess(ctx, second.AccessToken); err != nil {
		t.Fatalf("after the re-read interval B still refuses the rotated key: %v", err)
	}
}
