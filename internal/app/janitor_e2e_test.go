package app_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"
)

// TestJanitorPurgesUsedCodesAndRevocations: the mark of a used
// authorization code goes once the code has expired, and a revocation
// (through /oauth2/revoke and through RevokeToken) once the refresh token
// and the tokens refreshed last have; not before.
func TestJanitorPurgesUsedCodesAndRevocations(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	octx := context.WithValue(ctx, oauth2.HTTPClient, hc)
	conf := &oauth2.Config{ClientID: *f.client.ClientId, ClientSecret: *f.client.ClientSecret, RedirectURL: callback,
		Scopes: []string{"openid"}, Endpoint: oauth2.Endpoint{AuthURL: f.base + "/oauth2/authorize", TokenURL: f.base + "/oauth2/token"}}
	start := time.Now()
	back := signInWithBrowser(t, hc, conf.AuthCodeURL("st"), "olga", "Passw0rd!")
	tok, err := conf.Exchange(octx, back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"token": {tok.RefreshToken}}
	req, _ := http.NewRequest(http.MethodPost, f.base+"/oauth2/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(*f.client.ClientId, *f.client.ClientSecret)
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	api := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.authFixture.client.ClientId,
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "olga", "PASSWORD": "Passw0rd!"}})).AuthenticationResult
	must[*cognito.RevokeTokenOutput](t)(f.c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: f.authFixture.client.ClientId, Token: api.RefreshToken}))

	st := f.ts.App.Store()
	left := func(prefix string) int {
		t.Helper()
		vs, err := st.ListValues(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	purge := func(at time.Time) int {
		t.Helper()
		n, err := f.ts.App.PurgeExpired(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if left("oauth-code-used/") != 1 || left("oauth-code-tokens/") != 1 || left("revoked-token/") != 2 || left("hosted-session/") != 1 {
		t.Fatalf("before any purge: %d used codes, %d codes' tokens, %d revocations", left("oauth-code-used/"), left("oauth-code-tokens/"), left("revoked-token/"))
	}
	if n := purge(time.Now()); n != 0 {
		t.Fatalf("%d records purged while all are current", n)
	}
	// Codes live 5 minutes; the janitor allows 5 more for clock skew. A
	// used code's mark goes with the record of the tokens it issued.
	if n := purge(start.Add(30 * time.Minute)); n != 2 || left("oauth-code-used/") != 0 || left("oauth-code-tokens/") != 0 || left("revoked-token/") != 2 {
		t.Fatalf("after the code's expiry: %d purged, %d used codes and %d revocations left", n, left("oauth-code-used/"), left("revoked-token/"))
	}
	// The hosted-UI session lives an hour.
	if n := purge(start.Add(2 * time.Hour)); n != 1 || left("hosted-session/") != 0 || left("revoked-token/") != 2 {
		t.Fatalf("after the session's expiry: %d purged, %d sessions left", n, left("hosted-session/"))
	}
	// Refresh tokens live 30 days (the default) and what they refresh a day
	// at most: until then the revocations stay.
	if n := purge(start.Add(30*24*time.Hour + 23*time.Hour)); n != 0 || left("revoked-token/") != 2 {
		t.Fatalf("before the refreshed tokens' expiry: %d purged", n)
	}
	if n := purge(time.Now().Add(31*24*time.Hour + time.Hour)); n != 2 || left("revoked-token/") != 0 {
		t.Fatalf("after the refreshed tokens' expiry: %d purged, %d revocations left", n, left("revoked-token/"))
	}
}

// TestJanitorRunsInServe: a server purges expired records on its own, at
// start and then periodically, in batches until none is left.
func TestJanitorRunsInServe(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	st := ts.App.Store()
	const expired = 600 // more than one batch
	for i := range expired {
		if err := st.SetValueUntil(ctx, "oauth-code-used/test-"+strconv.Itoa(i), []byte("x"), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetValueUntil(ctx, "oauth-code-used/current", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ts.stop()
	ts = startServer(t, dir)
	st = ts.App.Store()
	waitFor(t, 20*time.Second, "the expired records to be purged", func() (bool, error) {
		vs, err := st.ListValues(ctx, "oauth-code-used/")
		return len(vs) == 1, err
	})
	if _, err := st.GetValue(ctx, "oauth-code-used/current"); err != nil {
		t.Fatalf("a current record was purged: %v", err)
	}
}
