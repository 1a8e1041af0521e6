package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
)

// listSecretIDs lists a client's secret ids through the API, checking that
// no value is ever listed.
func listSecretIDs(t *testing.T, c *cognito.Client, poolID, clientID string) []string {
	t.Helper()
	out := must[*cognito.ListUserPoolClientSecretsOutput](t)(c.ListUserPoolClientSecrets(context.Background(), &cognito.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: &clientID}))
	if out.NextToken != nil {
		t.Fatalf("a NextToken for at most two secrets: %q", *out.NextToken)
	}
	var ids []string
	for _, d := range out.ClientSecrets {
		if d.ClientSecretValue != nil || d.ClientSecretCreateDate == nil || d.ClientSecretId == nil {
			t.Fatalf("listed secret %+v", d)
		}
		ids = append(ids, *d.ClientSecretId)
	}
	return ids
}

// The three operations and their errors through the SDK: the secret made
// with the client is listed first; a generated secret is returned once, a
// given one never; a third is refused; the last cannot be deleted; unknown
// ids, clients and pools, bad values and public clients are refused.
func TestClientSecretRotationOperations(t *testing.T) {
	f := newAuthFixture(t, nil, &cognito.CreateUserPoolClientInput{GenerateSecret: true})
	ctx := context.Background()
	c, raw := f.c, f.ts.client("us-east-1", true)
	pool, id := f.poolID, *f.client.ClientId
	first := *f.client.ClientSecret

	ids := listSecretIDs(t, c, pool, id)
	if len(ids) != 1 || !strings.HasPrefix(ids[0], id+"--") {
		t.Fatalf("the secret made with the client: %v", ids)
	}
	firstID := ids[0]

	before := time.Now().Add(-time.Second)
	added := must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id})).ClientSecretDescriptor
	second := aws.ToString(added.ClientSecretValue)
	if len(second) != 51 || second == first || !strings.HasPrefix(aws.ToString(added.ClientSecretId), id+"--") || aws.ToString(added.ClientSecretId) == firstID ||
		added.ClientSecretCreateDate == nil || added.ClientSecretCreateDate.Before(before) {
		t.Fatalf("generated secret: %+v", added)
	}
	if ids := listSecretIDs(t, c, pool, id); len(ids) != 2 || ids[0] != firstID || ids[1] != *added.ClientSecretId {
		t.Fatalf("two secrets: %v", ids)
	}
	// The description keeps showing the secret made with the client.
	d := must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: &id})).UserPoolClient
	if aws.ToString(d.ClientSecret) != first {
		t.Fatalf("described secret %q", aws.ToString(d.ClientSecret))
	}

	_, err := c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id})
	wantAPIError(t, err, "LimitExceededException", "The app client has reached its limit of 2 client secrets.")
	_, err = c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecret: aws.String("a_given_secret_of_30_characters")})
	wantAPIError(t, err, "LimitExceededException", "limit of 2 client secrets")

	_, err = c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecretId: aws.String(id + "--42")})
	wantAPIError(t, err, "ResourceNotFoundException", "Client secret "+id+"--42 does not exist for client "+id+".")
	_, err = c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: aws.String("nosuchclient"), ClientSecretId: &firstID})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
	_, err = c.ListUserPoolClientSecrets(ctx, &cognito.ListUserPoolClientSecretsInput{UserPoolId: &pool, ClientId: aws.String("nosuchclient")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client nosuchclient does not exist.")
	_, err = c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: aws.String("us-east-1_NoSuchPl"), ClientId: &id})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_NoSuchPl does not exist.")
	_, err = c.ListUserPoolClientSecrets(ctx, &cognito.ListUserPoolClientSecretsInput{UserPoolId: aws.String("us-east-1_NoSuchPl"), ClientId: &id})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_NoSuchPl does not exist.")
	_, err = c.ListUserPoolClientSecrets(ctx, &cognito.ListUserPoolClientSecretsInput{UserPoolId: &pool, ClientId: &id, NextToken: aws.String("bm90LWEtdG9rZW4")})
	wantAPIError(t, err, "InvalidParameterException", "")

	must[*cognito.DeleteUserPoolClientSecretOutput](t)(c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecretId: &firstID}))
	if ids := listSecretIDs(t, c, pool, id); len(ids) != 1 || ids[0] != *added.ClientSecretId {
		t.Fatalf("after deleting the first: %v", ids)
	}
	// The description shows no secret once the one made with the client is gone.
	d = must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: &id})).UserPoolClient
	if d.ClientSecret != nil {
		t.Fatalf("described secret after deleting it: %q", *d.ClientSecret)
	}
	_, err = c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecretId: added.ClientSecretId})
	wantAPIError(t, err, "InvalidParameterException", "The last client secret of an app client cannot be deleted.")
	_, err = c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecretId: &firstID})
	wantAPIError(t, err, "ResourceNotFoundException", "does not exist")

	// A given value: accepted, and not returned.
	given := must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id,
		ClientSecret: aws.String("Given_secret_with+plus_0123456789")})).ClientSecretDescriptor
	if given.ClientSecretValue != nil || given.ClientSecretId == nil || given.ClientSecretCreateDate == nil {
		t.Fatalf("given secret: %+v", given)
	}

	// Values the model refuses (the SDK's own checks off).
	for _, bad := range []string{strings.Repeat("a", 23), strings.Repeat("a", 65), strings.Repeat("$", 32), "has a space in it, twenty-four+"} {
		_, err = raw.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecret: aws.String(bad)})
		wantAPIError(t, err, "InvalidParameterException", "failed to satisfy constraint")
		if strings.Contains(err.Error(), bad) {
			t.Fatalf("the refused secret is echoed: %v", err)
		}
	}
	_, err = raw.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id})
	wantAPIError(t, err, "InvalidParameterException", "clientSecretId")

	// A public client has no secret to rotate.
	pub := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("pub")})).UserPoolClient
	_, err = c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: pub.ClientId})
	wantAPIError(t, err, "InvalidParameterException", "does not have a client secret")
	if ids := listSecretIDs(t, c, pool, *pub.ClientId); len(ids) != 0 {
		t.Fatalf("a public client's secrets: %v", ids)
	}
	// A client of another pool is not found through this one.
	other := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("other")})).UserPool
	_, err = c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: other.Id, ClientId: &id})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+id+" does not exist.")
}

// tokenRequest posts a token request, with the client's credentials in the
// Authorization header (basic) or in the form (post).
func tokenRequest(t *testing.T, hc *http.Client, base, clientID, secret string, basic bool, form url.Values) (int, map[string]any) {
	t.Helper()
	form = url.Values(cloneValues(form))
	if !basic {
		form.Set("client_id", clientID)
		form.Set("client_secret", secret)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(clientID, secret)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func cloneValues(v url.Values) map[string][]string {
	out := map[string][]string{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// During a rotation both secrets are accepted everywhere a client proves
// it knows its secret: SECRET_HASH (InitiateAuth, SignUp, ForgotPassword),
// RevokeToken's ClientSecret, and the token endpoint's client_secret_basic
// and client_secret_post (authorization_code, refresh_token,
// client_credentials). Once the old one is deleted it is refused
// everywhere, and the new one goes on working.
func TestClientSecretRotationAcceptsBothSecrets(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	c, pool, id := f.c, f.poolID, *f.client.ClientId
	oldSecret := *f.client.ClientSecret
	newSecret := "rotated_secret_0123456789_abcdefghij"
	must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecret: &newSecret}))
	oldID := listSecretIDs(t, c, pool, id)[0]

	signIn := func(secret string) (*cognito.InitiateAuthOutput, error) {
		return c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &id, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "olga", "PASSWORD": "Passw0rd!", "SECRET_HASH": secretHash(secret, "olga", id)}})
	}
	signUp := func(user, secret string) error {
		_, err := c.SignUp(ctx, &cognito.SignUpInput{ClientId: &id, Username: &user, Password: aws.String("Passw0rd!"), SecretHash: aws.String(secretHash(secret, user, id)),
			UserAttributes: attrs("email", user+"@example.com")})
		return err
	}
	confirm := func(user, secret string) error {
		_, err := c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: &id, Username: &user, ConfirmationCode: aws.String("not-the-code"),
			SecretHash: aws.String(secretHash(secret, user, id))})
		return err
	}
	forgot := func(secret string) error {
		_, err := c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: &id, Username: aws.String("olga"), SecretHash: aws.String(secretHash(secret, "olga", id))})
		return err
	}
	revoke := func(token, secret string) error {
		_, err := c.RevokeToken(ctx, &cognito.RevokeTokenInput{ClientId: &id, Token: &token, ClientSecret: &secret})
		return err
	}
	hc := hostClient(f.ts, f.roots, nil)
	refreshForm := func(token string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}}
	}

	// SECRET_HASH, under either secret.
	var refresh []string
	for _, secret := range []string{oldSecret, newSecret} {
		out := must[*cognito.InitiateAuthOutput](t)(signIn(secret))
		if out.AuthenticationResult == nil || out.AuthenticationResult.RefreshToken == nil {
			t.Fatalf("sign-in: %+v", out)
		}
		refresh = append(refresh, *out.AuthenticationResult.RefreshToken)
		if err := forgot(secret); err != nil {
			t.Fatalf("ForgotPassword: %v", err)
		}
	}
	if err := signUp("uma", oldSecret); err != nil {
		t.Fatal(err)
	}
	if err := signUp("vic", newSecret); err != nil {
		t.Fatal(err)
	}
	// ConfirmSignUp takes either secret's SECRET_HASH (and then checks the code, of which none was sent).
	wantAPIError(t, confirm("uma", newSecret), "ExpiredCodeException", "")
	wantAPIError(t, confirm("vic", oldSecret), "ExpiredCodeException", "")
	_, err := signIn("not_a_secret_of_this_client_at_all")
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+id)

	// The token endpoint: the refresh_token grant, basic and post, under either secret.
	for i, secret := range []string{oldSecret, newSecret} {
		for _, basic := range []bool{true, false} {
			if status, out := tokenRequest(t, hc, f.base, id, secret, basic, refreshForm(refresh[i])); status != 200 || out["access_token"] == nil {
				t.Fatalf("refresh_token grant (secret %d, basic %v): %d %v", i, basic, status, out)
			}
		}
	}
	// authorization_code, basic with the new secret and post with the old.
	jar, _ := cookiejar.New(nil)
	browser := hostClient(f.ts, f.roots, jar)
	conf := &oauth2.Config{ClientID: id, RedirectURL: callback, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: f.base + "/oauth2/authorize", TokenURL: f.base + "/oauth2/token"}}
	for i, secret := range []string{newSecret, oldSecret} {
		verifier := oauth2.GenerateVerifier()
		back := signInWithBrowser(t, browser, conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "olga", "Passw0rd!")
		form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}}
		if status, out := tokenRequest(t, hc, f.base, id, secret, i == 0, form); status != 200 || out["id_token"] == nil {
			t.Fatalf("authorization_code (secret %d): %d %v", i, status, out)
		}
	}
	// client_credentials, on a machine client of its own.
	m2m := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("m2m"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"api/read"}})).UserPoolClient
	m2mOld := *m2m.ClientSecret
	m2mNew := aws.ToString(must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: m2m.ClientId})).ClientSecretDescriptor.ClientSecretValue)
	ccForm := url.Values{"grant_type": {"client_credentials"}, "scope": {"api/read"}}
	for i, secret := range []string{m2mOld, m2mNew} {
		for _, basic := range []bool{true, false} {
			if status, out := tokenRequest(t, hc, f.base, *m2m.ClientId, secret, basic, ccForm); status != 200 || out["access_token"] == nil {
				t.Fatalf("client_credentials (secret %d, basic %v): %d %v", i, basic, status, out)
			}
		}
	}
	if status, out := tokenRequest(t, hc, f.base, *m2m.ClientId, m2mOld[1:], false, ccForm); status != 401 || out["error"] != "invalid_client" {
		t.Fatalf("client_credentials with a wrong secret: %d %v", status, out)
	}

	// RevokeToken, with either secret.
	err = revoke(refresh[0], "not_a_secret_of_this_client_at_all")
	wantAPIError(t, err, "UnauthorizedException", "Client authentication failed.")
	for i, secret := range []string{oldSecret, newSecret} {
		if err := revoke(refresh[i], secret); err != nil {
			t.Fatalf("RevokeToken with secret %d: %v", i, err)
		}
	}

	// The old secrets deleted: refused everywhere; the new ones still work.
	must[*cognito.DeleteUserPoolClientSecretOutput](t)(c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecretId: &oldID}))
	m2mOldID := listSecretIDs(t, c, pool, *m2m.ClientId)[0]
	must[*cognito.DeleteUserPoolClientSecretOutput](t)(c.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: &pool, ClientId: m2m.ClientId, ClientSecretId: &m2mOldID}))

	_, err = signIn(oldSecret)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+id)
	wantAPIError(t, signUp("wes", oldSecret), "NotAuthorizedException", "Unable to verify secret hash for client "+id)
	wantAPIError(t, forgot(oldSecret), "NotAuthorizedException", "Unable to verify secret hash for client "+id)
	wantAPIError(t, confirm("uma", oldSecret), "NotAuthorizedException", "Unable to verify secret hash for client "+id)
	wantAPIError(t, confirm("uma", newSecret), "ExpiredCodeException", "")
	out := must[*cognito.InitiateAuthOutput](t)(signIn(newSecret))
	live := *out.AuthenticationResult.RefreshToken
	wantAPIError(t, revoke(live, oldSecret), "UnauthorizedException", "Client authentication failed.")
	for _, basic := range []bool{true, false} {
		if status, out := tokenRequest(t, hc, f.base, id, oldSecret, basic, refreshForm(live)); status != 401 || out["error"] != "invalid_client" {
			t.Fatalf("refresh_token grant with the deleted secret (basic %v): %d %v", basic, status, out)
		}
		if status, out := tokenRequest(t, hc, f.base, *m2m.ClientId, m2mOld, basic, ccForm); status != 401 || out["error"] != "invalid_client" {
			t.Fatalf("client_credentials with the deleted secret (basic %v): %d %v", basic, status, out)
		}
		if status, out := tokenRequest(t, hc, f.base, *m2m.ClientId, m2mNew, basic, ccForm); status != 200 || out["access_token"] == nil {
			t.Fatalf("client_credentials with the remaining secret (basic %v): %d %v", basic, status, out)
		}
	}
	verifier := oauth2.GenerateVerifier()
	back := signInWithBrowser(t, browser, conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "olga", "Passw0rd!")
	codeForm := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {callback}, "code_verifier": {verifier}}
	if status, out := tokenRequest(t, hc, f.base, id, oldSecret, true, codeForm); status != 401 || out["error"] != "invalid_client" {
		t.Fatalf("authorization_code with the deleted secret: %d %v", status, out)
	}
	if status, out := tokenRequest(t, hc, f.base, id, newSecret, false, codeForm); status != 200 || out["access_token"] == nil {
		t.Fatalf("authorization_code with the remaining secret: %d %v", status, out)
	}
	if status, out := tokenRequest(t, hc, f.base, id, newSecret, true, refreshForm(live)); status != 200 || out["access_token"] == nil {
		t.Fatalf("refresh_token grant with the remaining secret: %d %v", status, out)
	}
	if err := revoke(live, newSecret); err != nil {
		t.Fatalf("RevokeToken with the remaining secret: %v", err)
	}
}

// Every secret is sealed at rest, neither the client's record nor the
// database files hold one; and a client stored before rotation existed
// (one client_secret, sealed for the client alone) keeps working, takes a
// second secret, and is rewritten in the new shape.
func TestClientSecretsRotationAtRestAndLegacy(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	f := newAuthFixtureOn(t, ts, nil, &cognito.CreateUserPoolClientInput{GenerateSecret: true})
	ctx := context.Background()
	c, pool, id := f.c, f.poolID, *f.client.ClientId
	first := *f.client.ClientSecret
	given := "Given_secret_kept_at_rest_0123456789"
	must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: &id, ClientSecret: &given}))

	// A client as the code before rotation stored it.
	legacy := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("old"),
		GenerateSecret: true, ExplicitAuthFlows: allFlows})).UserPoolClient
	legacySecret := *legacy.ClientSecret
	key := must[[]byte](t)(secrets.LoadOrCreateKey(filepath.Join(dir, "secret.key")))
	sealer := must[*secrets.Sealer](t)(secrets.NewSealer(key))
	must[store.AppClient](t)(ts.App.Store().UpdateAppClient(ctx, *legacy.ClientId, func(r *store.AppClient) error {
		var m map[string]any
		if err := json.Unmarshal(r.Doc, &m); err != nil {
			return err
		}
		delete(m, "client_secrets")
		delete(m, "refresh_token_rotation") // as stored before rotation was built
		m["v"] = 2
		m["client_secret"] = sealer.SealString(legacySecret, secrets.ClientSecretOwner(*legacy.ClientId))
		r.Doc, _ = json.Marshal(m)
		return nil
	}))
	ts.stop()
	ts = startServer(t, dir) // nothing of the old document is cached
	c = ts.client("us-east-1", false)
	f.ts, f.c, f.client = ts, c, legacy
	f.confirmedUser(t, "ann", "Passw0rd!")

	if out := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("ann", "Passw0rd!")); out.AuthenticationResult == nil {
		t.Fatalf("the legacy client's sign-in: %+v", out)
	}
	d := must[*cognito.DescribeUserPoolClientOutput](t)(c.DescribeUserPoolClient(ctx, &cognito.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: legacy.ClientId})).UserPoolClient
	if aws.ToString(d.ClientSecret) != legacySecret {
		t.Fatalf("the legacy client's described secret: %q", aws.ToString(d.ClientSecret))
	}
	if r := d.RefreshTokenRotation; r == nil || r.Feature != types.FeatureTypeDisabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 0 {
		t.Fatalf("a client stored before rotation was built describes RefreshTokenRotation %+v, want DISABLED/0", r)
	}
	if ids := listSecretIDs(t, c, pool, *legacy.ClientId); len(ids) != 1 || !strings.HasPrefix(ids[0], *legacy.ClientId+"--") {
		t.Fatalf("the legacy client's secrets: %v", ids)
	}
	legacyNew := aws.ToString(must[*cognito.AddUserPoolClientSecretOutput](t)(c.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: &pool, ClientId: legacy.ClientId})).ClientSecretDescriptor.ClientSecretValue)
	for _, secret := range []string{legacySecret, legacyNew} {
		out, err := c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: legacy.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!", "SECRET_HASH": secretHash(secret, "ann", *legacy.ClientId)}})
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("the legacy client's sign-in after the rotation: %v", err)
		}
	}
	rec := must[store.AppClient](t)(ts.App.Store().GetAppClient(ctx, *legacy.ClientId))
	if !bytes.HasPrefix(rec.Doc, []byte(`{"v":3,`)) || bytes.Count(rec.Doc, []byte(`"value":"sealed:`)) != 2 || bytes.Contains(rec.Doc, []byte(`"client_secret":`)) {
		t.Fatalf("the legacy client rewritten: %s", rec.Doc)
	}

	all := []string{first, given, legacySecret, legacyNew}
	for _, cid := range []string{id, *legacy.ClientId} {
		rec := must[store.AppClient](t)(ts.App.Store().GetAppClient(ctx, cid))
		for _, s := range all {
			if bytes.Contains(rec.Doc, []byte(s)) {
				t.Fatalf("client %s's record holds a secret in the clear: %s", cid, rec.Doc)
			}
		}
	}
	ts.stop()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for i, s := range all {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds client secret %d in the clear", filepath.Base(file), i)
			}
		}
	}
}

// TestClientSecretRotationOnAnotherNode: node B keeps the app client it
// loaded; a secret added through node A is accepted by B, and a secret
// deleted through A refused by B, as soon as A's announcement arrives.
func TestClientSecretRotationOnAnotherNode(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	ca, cb := a.client("us-east-1", false), b.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("shared")})).UserPool
	cl := must[*cognito.CreateUserPoolClientOutput](t)(ca.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("backend"),
		GenerateSecret: true, ExplicitAuthFlows: allFlows})).UserPoolClient
	must[*cognito.AdminCreateUserOutput](t)(ca.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("ann"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(ca.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("ann"), Password: aws.String("Passw0rd!x"), Permanent: true}))
	signInOnB := func(secret string) error {
		_, err := cb.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: cl.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!x", "SECRET_HASH": secretHash(secret, "ann", *cl.ClientId)}})
		return err
	}
	second := "second_secret_for_the_cluster_0123"
	if err := signInOnB(*cl.ClientSecret); err != nil { // B loads the client (and keeps it)
		t.Fatal(err)
	}
	wantAPIError(t, signInOnB(second), "NotAuthorizedException", "Unable to verify secret hash")
	must[*cognito.AddUserPoolClientSecretOutput](t)(ca.AddUserPoolClientSecret(ctx, &cognito.AddUserPoolClientSecretInput{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecret: &second}))
	waitFor(t, 10*time.Second, "node B to accept the added secret", func() (bool, error) {
		err := signInOnB(second)
		return err == nil, err
	})
	firstID := listSecretIDs(t, ca, *pool.Id, *cl.ClientId)[0]
	must[*cognito.DeleteUserPoolClientSecretOutput](t)(ca.DeleteUserPoolClientSecret(ctx, &cognito.DeleteUserPoolClientSecretInput{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecretId: &firstID}))
	waitFor(t, 10*time.Second, "node B to refuse the deleted secret", func() (bool, error) {
		return signInOnB(*cl.ClientSecret) != nil, nil
	})
	wantAPIError(t, signInOnB(*cl.ClientSecret), "NotAuthorizedException", "Unable to verify secret hash")
	if err := signInOnB(second); err != nil {
		t.Fatalf("the remaining secret on B: %v", err)
	}
	if ids := listSecretIDs(t, cb, *pool.Id, *cl.ClientId); len(ids) != 1 || ids[0] == firstID {
		t.Fatalf("B lists %v", ids)
	}
}
