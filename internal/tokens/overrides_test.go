package tokens_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/tokens"
)

func claimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &c)
	return c
}

// TestOverrides: what a PreTokenGeneration trigger may change, and what it
// may not.
func TestOverrides(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	scopes := []string{"api/read"}
	noGroups := []string{}
	sub := tokens.Subject{PoolID: "us-east-1_TOKENS001", ClientID: "client", Username: "u", Sub: "sub-1", Groups: []string{"readers"},
		Attributes: map[string]string{"email": "u@example.com", "name": "U"},
		Overrides: &tokens.Overrides{
			IDClaims:     map[string]any{"tenant": "acme", "name": "Renamed", "sub": "forged", "iss": "evil", "cognito:groups": []string{"x"}, "gone": "x"},
			IDSuppress:   []string{"email", "gone", "aud", "token_use"},
			AccessClaims: map[string]any{"tier": 3, "client_id": "other", "scope": "everything"},
			Scopes:       &scopes, Groups: &noGroups, Roles: []string{"arn:aws:iam::123456789012:role/r"},
		}}
	out, err := s.Issue(ctx, sub, tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: time.Hour}, false)
	if err != nil {
		t.Fatal(err)
	}
	id, access := claimsOf(t, out.IDToken), claimsOf(t, out.AccessToken)
	if id["tenant"] != "acme" || id["name"] != "Renamed" || id["email"] != nil || id["gone"] != nil {
		t.Fatalf("ID token: added, overridden, suppressed (suppression wins): %v", id)
	}
	if id["sub"] != "sub-1" || id["iss"] != "http://issuer.test/us-east-1_TOKENS001" || id["aud"] != "client" || id["token_use"] != "id" {
		t.Fatalf("ID token: protected claims changed: %v", id)
	}
	if id["cognito:groups"] != nil || access["cognito:groups"] != nil {
		t.Fatalf("an empty group override keeps groups: %v %v", id, access)
	}
	if roles, _ := id["cognito:roles"].([]any); len(roles) != 1 {
		t.Fatalf("cognito:roles %v", id)
	}
	if access["tier"] != float64(3) || access["client_id"] != "client" || access["scope"] != "api/read" {
		t.Fatalf("access token: %v", access)
	}
	if c, err := s.VerifyAccess(ctx, out.AccessToken); err != nil || len(c.Scopes) != 1 || c.Scopes[0] != "api/read" {
		t.Fatalf("the overridden access token: %+v %v", c, err)
	}

	// No overrides: the tokens as before, groups in both.
	sub.Overrides = nil
	out, _ = s.Issue(ctx, sub, tokens.Validity{Access: time.Hour, ID: time.Hour, Refresh: time.Hour}, false)
	if g, _ := claimsOf(t, out.AccessToken)["cognito:groups"].([]any); len(g) != 1 || claimsOf(t, out.AccessToken)["scope"] != tokens.ScopeAdmin {
		t.Fatalf("access token without overrides %v", claimsOf(t, out.AccessToken))
	}
}
