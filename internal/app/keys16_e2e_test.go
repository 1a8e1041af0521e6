package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/config"
)

// keys16Pool is a pool with a password-sign-in client and a user.
type keys16Pool struct {
	ts       *testServer
	c        *cognito.Client
	poolID   string
	clientID string
}

func newKeys16Pool(t *testing.T, ts *testServer, in *cognito.CreateUserPoolInput) *keys16Pool {
	t.Helper()
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, in)).UserPool
	client := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		// The longest-lived tokens a client may have: 1 day.
		AccessTokenValidity: aws.Int32(24), IdTokenValidity: aws.Int32(24),
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours, IdToken: types.TimeUnitsTypeHours}})).UserPoolClient
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("keyholder"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("keyholder"), Password: aws.String("Passw0rd!k"), Permanent: true}))
	return &keys16Pool{ts: ts, c: c, poolID: aws.ToString(pool.Id), clientID: aws.ToString(client.ClientId)}
}

func (p *keys16Pool) signIn(t *testing.T) *types.AuthenticationResultType {
	t.Helper()
	out := must[*cognito.InitiateAuthOutput](t)(p.c.InitiateAuth(context.Background(), &cognito.InitiateAuthInput{ClientId: aws.String(p.clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "keyholder", "PASSWORD": "Passw0rd!k"}}))
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	return out.AuthenticationResult
}

// getUser calls GetUser with an access token: nil when it is accepted.
func (p *keys16Pool) getUser(token *string) error {
	_, err := p.c.GetUser(context.Background(), &cognito.GetUserInput{AccessToken: token})
	return err
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return resp.StatusCode
}

func jwksOf(t *testing.T, url string) jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	if code := getJSON(t, url, &set); code != 200 {
		t.Fatalf("GET %s: %d", url, code)
	}
	return set
}

// verifiedBy checks a token's signature against a JWKS as a relying party
// would, and returns its claims (nil when no key of the set verifies it).
func verifiedBy(t *testing.T, set jose.JSONWebKeySet, token string) map[string]any {
	t.Helper()
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	keys := set.Key(obj.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		return nil
	}
	payload, err := obj.Verify(keys[0].Key)
	if err != nil {
		return nil
	}
	var claims map[string]any
	json.Unmarshal(payload, &claims)
	return claims
}

func tokenKID(t *testing.T, token string) string {
	t.Helper()
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return obj.Signatures[0].Header.KeyID
}

// TestIssuerAndKeyConfiguration16: CreateUserPool, UpdateUserPool and
// DescribeUserPool carry IssuerConfiguration and KeyConfiguration (their
// defaults ORIGINAL and AWS_OWNED_KEY), with their errors.
func TestIssuerAndKeyConfiguration16(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	describe := func(id *string) *types.UserPoolType {
		t.Helper()
		return must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: id})).UserPool
	}

	plain := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("plain")})).UserPool
	if plain.IssuerConfiguration == nil || plain.IssuerConfiguration.Type != types.IssuerTypeOriginal || plain.KeyConfiguration == nil ||
		plain.KeyConfiguration.KeyType != types.EncryptionKeyTypeAwsOwnedKey || plain.KeyConfiguration.KmsKeyArn != nil {
		t.Fatalf("a new pool's defaults: %+v %+v", plain.IssuerConfiguration, plain.KeyConfiguration)
	}
	if d := describe(plain.Id); d.IssuerConfiguration.Type != types.IssuerTypeOriginal || d.KeyConfiguration.KeyType != types.EncryptionKeyTypeAwsOwnedKey {
		t.Fatalf("described: %+v %+v", d.IssuerConfiguration, d.KeyConfiguration)
	}

	const arn = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	cmk := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("cmk"),
		IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated},
		KeyConfiguration:    &types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeCustomerManagedKey, KmsKeyArn: aws.String(arn)}})).UserPool
	if d := describe(cmk.Id); d.IssuerConfiguration.Type != types.IssuerTypeUpdated || d.KeyConfiguration.KeyType != types.EncryptionKeyTypeCustomerManagedKey ||
		aws.ToString(d.KeyConfiguration.KmsKeyArn) != arn {
		t.Fatalf("described: %+v %+v", d.IssuerConfiguration, d.KeyConfiguration)
	}

	// An update that does not name them leaves them; one that does changes them.
	must[*cognito.UpdateUserPoolOutput](t)(c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: cmk.Id}))
	if d := describe(cmk.Id); d.IssuerConfiguration.Type != types.IssuerTypeUpdated || aws.ToString(d.KeyConfiguration.KmsKeyArn) != arn {
		t.Fatalf("after an update without them: %+v %+v", d.IssuerConfiguration, d.KeyConfiguration)
	}
	must[*cognito.UpdateUserPoolOutput](t)(c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: cmk.Id,
		IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeOriginal},
		KeyConfiguration:    &types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeAwsOwnedKey}}))
	if d := describe(cmk.Id); d.IssuerConfiguration.Type != types.IssuerTypeOriginal || d.KeyConfiguration.KeyType != types.EncryptionKeyTypeAwsOwnedKey ||
		d.KeyConfiguration.KmsKeyArn != nil {
		t.Fatalf("after moving back: %+v %+v", d.IssuerConfiguration, d.KeyConfiguration)
	}

	for _, tc := range []struct {
		key  *types.KeyConfigurationType
		want string
	}{
		{&types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeCustomerManagedKey}, "KmsKeyArn is required"},
		{&types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeAwsOwnedKey, KmsKeyArn: aws.String(arn)}, "only when KeyType is CUSTOMER_MANAGED_KEY"},
		{&types.KeyConfigurationType{KmsKeyArn: aws.String(arn)}, "only when KeyType is CUSTOMER_MANAGED_KEY"},
		{&types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeCustomerManagedKey, KmsKeyArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f")}, "Invalid KmsKeyArn"},
	} {
		_, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bad"), KeyConfiguration: tc.key})
		wantAPIError(t, err, "InvalidParameterException", tc.want)
		_, err = c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: plain.Id, KeyConfiguration: tc.key})
		wantAPIError(t, err, "InvalidParameterException", tc.want)
	}
	raw := ts.client("us-east-1", true)
	_, err := raw.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bad"), IssuerConfiguration: &types.IssuerConfigurationType{Type: "NEWEST"}})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = raw.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String("us-east-1_nope0000"), IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated}})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

// TestIssuerForms16: a pool's tokens name its issuer form; JWKS and
// discovery are served under both forms; a pool moving from ORIGINAL to
// UPDATED (and back) keeps the tokens issued under the other form valid.
func TestIssuerForms16(t *testing.T) {
	ts := startServer(t, t.TempDir())
	p := newKeys16Pool(t, ts, &cognito.CreateUserPoolInput{PoolName: aws.String("issuers")})
	original, updated := ts.URL+"/"+p.poolID, ts.URL+"/issuer/"+p.poolID

	for iss := range map[string]bool{original: true, updated: true} {
		var doc map[string]any
		if code := getJSON(t, iss+"/.well-known/openid-configuration", &doc); code != 200 || doc["issuer"] != iss || doc["jwks_uri"] != iss+"/.well-known/jwks.json" {
			t.Fatalf("discovery under %s: %d %v", iss, code, doc)
		}
	}
	var missing map[string]any
	if code := getJSON(t, ts.URL+"/issuer/us-east-1_nope0000/.well-known/jwks.json", &missing); code != 404 {
		t.Fatalf("JWKS of an unknown pool under the UPDATED form: %d", code)
	}

	before := p.signIn(t)
	set := jwksOf(t, original+"/.well-known/jwks.json")
	if len(set.Keys) != 2 || len(jwksOf(t, updated+"/.well-known/jwks.json").Keys) != 2 {
		t.Fatalf("JWKS: %+v", set)
	}
	for _, tok := range []*string{before.AccessToken, before.IdToken} {
		if c := verifiedBy(t, set, aws.ToString(tok)); c == nil || c["iss"] != original {
			t.Fatalf("an ORIGINAL pool's token: %v", c)
		}
	}

	ctx := context.Background()
	must[*cognito.UpdateUserPoolOutput](t)(p.c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String(p.poolID),
		IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated}}))
	after := p.signIn(t)
	set = jwksOf(t, updated+"/.well-known/jwks.json")
	for _, tok := range []*string{after.AccessToken, after.IdToken} {
		if c := verifiedBy(t, set, aws.ToString(tok)); c == nil || c["iss"] != updated {
			t.Fatalf("an UPDATED pool's token: %v", c)
		}
	}
	for name, tok := range map[string]*string{"ORIGINAL": before.AccessToken, "UPDATED": after.AccessToken} {
		if err := p.getUser(tok); err != nil {
			t.Errorf("GetUser with the %s token after the move: %v", name, err)
		}
	}
	// Refreshing a token of the old form gives the new form.
	out := must[*cognito.InitiateAuthOutput](t)(p.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: aws.String(p.clientID),
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(before.RefreshToken)}}))
	if c := verifiedBy(t, set, aws.ToString(out.AuthenticationResult.AccessToken)); c == nil || c["iss"] != updated {
		t.Fatalf("a token refreshed after the move: %v", c)
	}

	must[*cognito.UpdateUserPoolOutput](t)(p.c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String(p.poolID),
		IssuerConfiguration: &types.IssuerConfigurationType{Type: types.IssuerTypeOriginal}}))
	back := p.signIn(t)
	if c := verifiedBy(t, set, aws.ToString(back.AccessToken)); c == nil || c["iss"] != original {
		t.Fatalf("after moving back: %v", c)
	}
	if err := p.getUser(after.AccessToken); err != nil {
		t.Errorf("GetUser with the UPDATED token after moving back: %v", err)
	}
	// A second pool on the same server keeps its own tokens valid.
	other := newKeys16Pool(t, ts, &cognito.CreateUserPoolInput{PoolName: aws.String("other")})
	if err := p.getUser(other.signIn(t).AccessToken); err != nil {
		t.Errorf("the other pool's own token: %v", err)
	}
}

// TestKeyRotation16: tokens signed before, during and after a staged
// rotation verify (GetUser, and against the JWKS as a relying party); the
// new key is in the JWKS before it signs; the old key leaves the JWKS once
// the last token it signed has expired, and its tokens are refused.
func TestKeyRotation16(t *testing.T) {
	const delay = 10 * time.Minute
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.KeyPublishDelay = delay })
	start := time.Now()
	at := func(d time.Duration) { ts.App.SetNow(func() time.Time { return start.Add(d) }) }
	at(0)
	p := newKeys16Pool(t, ts, &cognito.CreateUserPoolInput{PoolName: aws.String("rotating")})
	ctx := context.Background()
	// The longest-lived tokens a client may have: 1 day.
	must[*cognito.UpdateUserPoolClientOutput](t)(p.c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientId: aws.String(p.clientID),
		ExplicitAuthFlows:   []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AccessTokenValidity: aws.Int32(24), IdTokenValidity: aws.Int32(24), TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeHours, IdToken: types.TimeUnitsTypeHours}}))
	jwksURL := ts.URL + "/" + p.poolID + "/.well-known/jwks.json"

	before := p.signIn(t)
	oldKID := tokenKID(t, aws.ToString(before.AccessToken))

	at(time.Hour)
	rotated, err := ts.App.RotateKeys(ctx, p.poolID)
	if err != nil || len(rotated) != 1 || len(rotated[0].Keys) != 4 {
		t.Fatalf("RotateKeys: %+v %v", rotated, err)
	}
	var newKID string
	for _, k := range rotated[0].Keys {
		if k.Use == "access" && k.State == "published" {
			newKID = k.KID
		}
	}
	set := jwksOf(t, jwksURL)
	if newKID == "" || len(set.Key(newKID)) != 1 || len(set.Key(oldKID)) != 1 || len(set.Keys) != 4 {
		t.Fatalf("the JWKS right after the rotation (new %s): %+v", newKID, set.Keys)
	}
	during := p.signIn(t)
	if tokenKID(t, aws.ToString(during.AccessToken)) != oldKID {
		t.Fatal("the new key signs before the publish delay is over")
	}

	at(time.Hour + delay)
	after := p.signIn(t)
	if tokenKID(t, aws.ToString(after.AccessToken)) != newKID {
		t.Fatal("the new key does not sign after the publish delay")
	}
	set = jwksOf(t, jwksURL)
	for name, r := range map[string]*types.AuthenticationResultType{"before": before, "during": during, "after": after} {
		if err := p.getUser(r.AccessToken); err != nil {
			t.Errorf("GetUser with the token issued %s the rotation: %v", name, err)
		}
		for _, tok := range []*string{r.AccessToken, r.IdToken} {
			if verifiedBy(t, set, aws.ToString(tok)) == nil {
				t.Errorf("the token issued %s the rotation does not verify against the JWKS", name)
			}
		}
	}

	// The old key stopped signing at 1h10m: its last tokens expire 24 h
	// later (the one issued "during" at 1h expires at 25h).
	at(time.Hour + 24*time.Hour - time.Minute)
	if err := p.getUser(during.AccessToken); err != nil {
		t.Errorf("the old key's token, before it expires: %v", err)
	}
	at(time.Hour + delay + 24*time.Hour - time.Minute)
	if set = jwksOf(t, jwksURL); len(set.Key(oldKID)) != 1 {
		t.Fatal("the old key left the JWKS before the last token it can have signed expired")
	}
	at(time.Hour + delay + 24*time.Hour)
	set = jwksOf(t, jwksURL)
	if len(set.Key(oldKID)) != 0 || len(set.Key(newKID)) != 1 || len(set.Keys) != 2 {
		t.Fatalf("the JWKS after the old key's retirement: %+v", set.Keys)
	}
	if verifiedBy(t, set, aws.ToString(during.AccessToken)) != nil {
		t.Fatal("a token of the retired key verifies against the JWKS")
	}
	err = p.getUser(during.AccessToken)
	wantAPIError(t, err, "NotAuthorizedException", "")
	if err := p.getUser(p.signIn(t).AccessToken); err != nil {
		t.Fatalf("a new token after the retirement: %v", err)
	}

	_, err = ts.App.RotateKeys(ctx, "us-east-1_nope0000")
	if err == nil {
		t.Fatal("rotating the keys of a missing pool")
	}
}

// TestScheduledKeyRotation16: with key-rotation-interval, a pool whose
// newest key is that old is rotated once (two nodes' schedules claim it:
// one rotates), then not again until the interval has passed anew.
func TestScheduledKeyRotation16(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) {
		c.KeyPublishDelay = 10 * time.Minute
		c.KeyRotationInterval = 7 * 24 * time.Hour
	})
	start := time.Now()
	ts.App.SetNow(func() time.Time { return start })
	p := newKeys16Pool(t, ts, &cognito.CreateUserPoolInput{PoolName: aws.String("scheduled")})
	idle := newKeys16Pool(t, ts, &cognito.CreateUserPoolInput{PoolName: aws.String("idle")}) // never signs: no keys
	p.signIn(t)                                                                              // makes the pool's first keys
	ctx := context.Background()
	if ids, err := ts.App.RotateDueKeys(ctx, start.Add(6*24*time.Hour)); err != nil || len(ids) != 0 {
		t.Fatalf("before the interval: %v %v", ids, err)
	}
	due := start.Add(7 * 24 * time.Hour)
	ids, err := ts.App.RotateDueKeys(ctx, due)
	if err != nil || len(ids) != 1 || ids[0] != p.poolID {
		t.Fatalf("at the interval: %v %v", ids, err)
	}
	if again, err := ts.App.RotateDueKeys(ctx, due); err != nil || len(again) != 0 {
		t.Fatalf("a second schedule at the same time rotated %v %v", again, err)
	}
	keys, err := ts.App.SigningKeys(ctx, p.poolID)
	if err != nil || len(keys) != 4 {
		t.Fatalf("keys after the scheduled rotation: %+v %v", keys, err)
	}
	if keys, _ := ts.App.SigningKeys(ctx, idle.poolID); len(keys) != 2 {
		t.Fatalf("the idle pool's keys: %+v", keys)
	}
}
