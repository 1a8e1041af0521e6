package tokens_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

func TestVerifyIDTokenHint(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	s, st := newServiceWithClock(t, clock.Func(func() time.Time { return now }))
	ctx := context.Background()
	const pool, other = "us-east-1_TOKENS001", "us-east-1_TOKENS002"
	st.CreateUserPool(ctx, store.UserPool{ID: other, Name: "q", Doc: []byte(`{}`)})
	v := tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: 24 * time.Hour}
	issued, err := s.Issue(ctx, tokens.Subject{PoolID: pool, ClientID: "web", Username: "olga", Sub: "sub-1"}, v, false)
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.VerifyIDTokenHint(ctx, pool, issued.IDToken)
	if err != nil || h.Audience != "web" || h.Subject != "sub-1" || h.Username != "olga" {
		t.Fatalf("hint = %+v, %v", h, err)
	}
	// Expired: still a hint.
	now = now.Add(3 * time.Hour)
	if h, err := s.VerifyIDTokenHint(ctx, pool, issued.IDToken); err != nil || h.Audience != "web" {
		t.Fatalf("expired hint = %+v, %v", h, err)
	}
	// Not this pool's, not an ID token, not a token.
	if _, err := s.VerifyIDTokenHint(ctx, other, issued.IDToken); !errors.Is(err, tokens.ErrInvalidHint) {
		t.Errorf("another pool's ID token: %v", err)
	}
	if _, err := s.VerifyIDTokenHint(ctx, pool, issued.AccessToken); !errors.Is(err, tokens.ErrInvalidHint) {
		t.Errorf("an access token: %v", err)
	}
	if _, err := s.VerifyIDTokenHint(ctx, pool, "a.b.c"); !errors.Is(err, tokens.ErrInvalidHint) {
		t.Errorf("not a token: %v", err)
	}
}
