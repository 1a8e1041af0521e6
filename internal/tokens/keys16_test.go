package tokens_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
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

const pool16 = "us-east-1_TOKENS016"

// node16 is one node's token service; several share a store and a sealer.
func nodes16(t *testing.T, n int, clk clock.Clock, issuerType *string) []*tokens.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	sealer, _ := secrets.NewSealer(key)
	st.CreateUserPool(context.Background(), store.UserPool{ID: pool16, Name: "p", Doc: []byte(`{}`)})
	var out []*tokens.Service
	for range n {
		out = append(out, tokens.New(tokens.Options{Store: st, Pools: storePools{st}, Sealer: sealer, Clock: clk,
			Issuer:        func(p string) string { return "http://issuer.test/" + p },
			UpdatedIssuer: func(p string) string { return "http://issuer.test/issuer/" + p },
			IssuerType: func(context.Context, string) (string, error) {
				if issuerType == nil {
					return tokens.IssuerOriginal, nil
				}
				return *issuerType, nil
			}}))
	}
	return out
}

func jwksKIDs(t *testing.T, s *tokens.Service) map[string]bool {
	t.Helper()
	b, err := s.JWKS(context.Background(), pool16)
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, k := range set.Keys {
		out[k.KeyID] = true
	}
	return out
}

func claim(t *testing.T, token, name string) any {
	t.Helper()
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &m)
	return m[name]
}

// TestStagedRotation: a rotation publishes the new keys at once, signs with
// them only after the publish delay, keeps the old keys verifying until
// the last token they can have signed has expired, then retires them
// (out of the JWKS, their tokens refused), on both nodes.
func TestStagedRotation(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clk := &clock.Settable{}
	at := func(d time.Duration) { clk.Set(func() time.Time { return start.Add(d) }) }
	at(0)
	ns := nodes16(t, 2, clk, nil)
	a, b := ns[0], ns[1]
	sub := tokens.Subject{PoolID: pool16, ClientID: "client", Username: "u", Sub: "sub-1"}
	v := tokens.Validity{Access: 24 * time.Hour, ID: 24 * time.Hour, Refresh: 30 * 24 * time.Hour}
	issue := func(s *tokens.Service) *tokens.Issued {
		t.Helper()
		out, err := s.Issue(ctx, sub, v, false)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	verify := func(s *tokens.Service, tok *tokens.Issued) error {
		_, err := s.VerifyAccess(ctx, tok.AccessToken)
		return err
	}

	before := issue(a)
	oldKID := kid(t, before.AccessToken)
	if err := verify(b, before); err != nil { // B caches the keys
		t.Fatal(err)
	}

	const delay = 15 * time.Minute
	at(time.Hour)
	infos, err := a.RotateStaged(ctx, pool16, delay)
	if err != nil {
		t.Fatal(err)
	}
	var newKID string
	states := map[string]string{}
	for _, k := range infos {
		states[k.KID] = k.State
		if k.Use == tokens.UseAccess && k.State == "published" {
			newKID = k.KID
			if !k.SignFrom.Equal(start.Add(time.Hour + delay)) {
				t.Errorf("the new key signs from %v, want %v", k.SignFrom, start.Add(time.Hour+delay))
			}
		}
	}
	if newKID == "" || states[oldKID] != "signing" || len(infos) != 4 {
		t.Fatalf("after the rotation: %+v", infos)
	}

	// During the publish delay: the new key is in the JWKS but does not sign.
	at(time.Hour + time.Minute)
	if kids := jwksKIDs(t, a); !kids[newKID] || !kids[oldKID] {
		t.Fatalf("JWKS during the publish delay: %v (want %s and %s)", kids, newKID, oldKID)
	}
	// A token valid longer than any app client allows (48 h), to tell a
	// retired key from an expired token below.
	long, err := a.Issue(ctx, sub, tokens.Validity{Access: 48 * time.Hour, ID: 48 * time.Hour}, false)
	if err != nil || kid(t, long.AccessToken) != oldKID {
		t.Fatalf("%v", err)
	}
	during := issue(a)
	if kid(t, during.AccessToken) != oldKID {
		t.Fatal("the new key signs before its publish delay is over")
	}
	// B's cached copy is older than the re-read interval: it sees the new key.
	if kids := jwksKIDs(t, b); !kids[newKID] {
		t.Fatalf("node B's JWKS lacks the published key: %v", kids)
	}

	// After the delay both nodes sign with the new key, and every token verifies on both.
	at(time.Hour + delay)
	after := issue(b)
	if kid(t, after.AccessToken) != newKID || kid(t, issue(a).AccessToken) != newKID {
		t.Fatal("the new key does not sign after the publish delay")
	}
	for name, tok := range map[string]*tokens.Issued{"before": before, "during": during, "after": after} {
		for i, s := range ns {
			if err := verify(s, tok); err != nil {
				t.Errorf("the token issued %s the rotation, on node %d: %v", name, i, err)
			}
		}
	}

	// The old key stopped signing at 1h15m; its last tokens expire 24 h later.
	at(time.Hour + delay + 24*time.Hour - time.Second)
	if kids := jwksKIDs(t, a); !kids[oldKID] {
		t.Fatal("the old key left the JWKS before its last token expired")
	}
	if err := verify(b, long); err != nil {
		t.Fatalf("the old key's token refused before its retirement: %v", err)
	}
	// A token it signed that claims to be valid beyond (a longer clock
	// skew, a forged exp) is refused once the key is retired.
	at(time.Hour + delay + 24*time.Hour)
	for i, s := range ns {
		if kids := jwksKIDs(t, s); kids[oldKID] || !kids[newKID] {
			t.Errorf("node %d's JWKS after the retirement: %v", i, kids)
		}
		if err := verify(s, long); !awserr.Is(err, awserr.NotAuthorized) || err.(*awserr.Error).Message() != "Invalid Access Token" {
			t.Errorf("node %d accepts a token of the retired key: %v", i, err)
		}
		if _, err := s.PublicKey(ctx, pool16, oldKID); err == nil {
			t.Errorf("node %d still gives the retired key", i)
		}
	}

	// A later rotation drops the retired keys from the store.
	infos, err = a.RotateStaged(ctx, pool16, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range infos {
		if k.KID == oldKID {
			t.Fatalf("the retired key is still stored: %+v", infos)
		}
	}
	if len(infos) != 4 {
		t.Fatalf("after the second rotation: %+v", infos)
	}
	if kid(t, issue(a).AccessToken) == newKID {
		t.Fatal("a rotation without a delay does not sign at once")
	}
}

// TestIssuerForms: a pool's tokens carry the form of its issuer type, and
// tokens of either form of the pool verify (a pool moving between forms
// keeps its tokens valid); an iss of another shape is refused.
func TestIssuerForms(t *testing.T) {
	ctx := context.Background()
	typ := tokens.IssuerOriginal
	s := nodes16(t, 1, nil, &typ)[0]
	sub := tokens.Subject{PoolID: pool16, ClientID: "client", Username: "u", Sub: "sub-1"}
	v := tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: time.Hour}
	orig, err := s.Issue(ctx, sub, v, false)
	if err != nil {
		t.Fatal(err)
	}
	typ = tokens.IssuerUpdated
	upd, err := s.Issue(ctx, sub, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if claim(t, orig.AccessToken, "iss") != "http://issuer.test/"+pool16 || claim(t, orig.IDToken, "iss") != "http://issuer.test/"+pool16 {
		t.Fatalf("ORIGINAL iss %v", claim(t, orig.AccessToken, "iss"))
	}
	if claim(t, upd.AccessToken, "iss") != "http://issuer.test/issuer/"+pool16 || claim(t, upd.IDToken, "iss") != "http://issuer.test/issuer/"+pool16 {
		t.Fatalf("UPDATED iss %v", claim(t, upd.AccessToken, "iss"))
	}
	for _, tok := range []string{orig.AccessToken, upd.AccessToken} {
		if c, err := s.VerifyAccess(ctx, tok); err != nil || c.PoolID != pool16 {
			t.Fatalf("a token of iss %v: %+v %v", claim(t, tok, "iss"), c, err)
		}
	}
	for _, iss := range []string{"http://issuer.test/other/" + pool16, "http://elsewhere.test/" + pool16, "http://issuer.test/", pool16} {
		if p, ok := s.PoolOfIssuer(iss); ok {
			t.Errorf("PoolOfIssuer(%q) = %q, want none", iss, p)
		}
	}
	if s.IssuerOf(pool16, tokens.IssuerUpdated) != "http://issuer.test/issuer/"+pool16 || s.IssuerOf(pool16, "") != "http://issuer.test/"+pool16 {
		t.Fatal("IssuerOf")
	}
}

// TestLaterRotationWins: a rotation made while an earlier one's keys wait
// to sign replaces them: its keys are the ones that sign, also after the
// earlier delay would have run out.
func TestLaterRotationWins(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clk := &clock.Settable{}
	clk.Set(func() time.Time { return start })
	s := nodes16(t, 1, clk, nil)[0]
	sub := tokens.Subject{PoolID: pool16, ClientID: "client", Username: "u", Sub: "sub-1"}
	v := tokens.Validity{Access: time.Hour, ID: time.Hour}
	if _, err := s.RotateStaged(ctx, pool16, time.Hour); err != nil {
		t.Fatal(err)
	}
	infos, err := s.RotateStaged(ctx, pool16, 0)
	if err != nil {
		t.Fatal(err)
	}
	signing := map[string]bool{}
	for _, k := range infos {
		if k.State == "published" {
			t.Fatalf("the first rotation's waiting key is kept: %+v", infos)
		}
		if k.State == "signing" {
			signing[k.KID] = true
		}
	}
	if len(infos) != 4 || len(signing) != 2 {
		t.Fatalf("keys: %+v", infos)
	}
	// Without a publish delay, a node may sign with the old key until it
	// reads the new one (30 s at most): the old key verifies that much longer.
	for _, k := range infos {
		if k.State == "verifying" && !k.Retires.Equal(start.Add(30*time.Second+24*time.Hour)) {
			t.Errorf("the replaced key retires at %v, want %v", k.Retires, start.Add(30*time.Second+24*time.Hour))
		}
	}
	clk.Set(func() time.Time { return start.Add(2 * time.Hour) })
	out, err := s.Issue(ctx, sub, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if !signing[kid(t, out.AccessToken)] || !signing[kid(t, out.IDToken)] {
		t.Fatal("after the first delay, another key signs than the last rotation's")
	}
}
