package userpool_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// fixtureV1 is testdata/docs-v1.json: records as the code before stored
// documents of their own (d67635e) wrote them, its sealing key, and what
// its operations answered for them.
type fixtureV1 struct {
	SealingKey string `json:"sealing_key"`
	Region     string `json:"region"`
	AccountID  string `json:"account_id"`
	Records    struct {
		Pool           store.UserPool       `json:"pool"`
		Client         store.AppClient      `json:"client"`
		ResourceServer store.ResourceServer `json:"resource_server"`
		User           store.User           `json:"user"`
		Group          store.Group          `json:"group"`
	} `json:"records"`
	Answers map[string]json.RawMessage `json:"answers"`
}

// loadFixtureV1 puts the fixture's records in a new store.
func loadFixtureV1(t *testing.T) (*fixtureV1, store.Store, *secrets.Sealer) {
	t.Helper()
	b, err := os.ReadFile("testdata/docs-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureV1
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	key, _ := hex.DecodeString(f.SealingKey)
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := openStore(t)
	r := f.Records
	for _, err := range []error{
		st.CreateUserPool(ctx, r.Pool), st.CreateAppClient(ctx, r.Client), st.CreateResourceServer(ctx, r.ResourceServer),
		st.CreateUser(ctx, r.User), st.CreateGroup(ctx, r.Group), st.AddUserToGroup(ctx, r.User.PoolID, r.Group.Name, r.User.Key),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return &f, st, sealer
}

// sameJSON compares what an operation answers with what the fixture says
// the old code answered, leaving out the named members (at any depth).
func sameJSON(t *testing.T, what string, got any, want json.RawMessage, except ...string) {
	t.Helper()
	g, _ := json.Marshal(got)
	var gm, wm any
	json.Unmarshal(g, &gm)
	json.Unmarshal(want, &wm)
	for _, k := range except {
		drop(gm, k)
		drop(wm, k)
	}
	if !reflect.DeepEqual(gm, wm) {
		t.Errorf("%s:\n got  %s\n want %s", what, g, want)
	}
}

func drop(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, key)
		for _, e := range x {
			drop(e, key)
		}
	case []any:
		for _, e := range x {
			drop(e, key)
		}
	}
}

// Documents of the old, wire-shaped version read as they did: every
// operation answers what the old code answered. Reading leaves them as they
// are; the next change rewrites them in the new shape, which answers the
// same again.
func TestVersion1DocumentsReadAndRewritten(t *testing.T) {
	ctx := context.Background()
	f, st, sealer := loadFixtureV1(t)
	s := userpool.New(st, userpool.Options{Region: f.Region, AccountID: f.AccountID, Sealer: sealer})
	poolID, clientID, rsID := f.Records.Pool.ID, f.Records.Client.ID, f.Records.ResourceServer.Identifier
	arn := "arn:aws:cognito-idp:" + f.Region + ":" + f.AccountID + ":userpool/" + poolID

	check := func(stage string, except ...string) {
		t.Helper()
		sameJSON(t, stage+" DescribeUserPool", must[*cip.DescribeUserPoolResponse](t)(s.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: poolID})), f.Answers["DescribeUserPool"], except...)
		sameJSON(t, stage+" GetUserPoolMfaConfig", must[*cip.GetUserPoolMfaConfigResponse](t)(s.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigRequest{UserPoolId: poolID})), f.Answers["GetUserPoolMfaConfig"], except...)
		sameJSON(t, stage+" DescribeUserPoolClient", must[*cip.DescribeUserPoolClientResponse](t)(s.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientRequest{UserPoolId: poolID, ClientId: clientID})), f.Answers["DescribeUserPoolClient"], except...)
		sameJSON(t, stage+" DescribeResourceServer", must[*cip.DescribeResourceServerResponse](t)(s.DescribeResourceServer(ctx, &cip.DescribeResourceServerRequest{UserPoolId: poolID, Identifier: rsID})), f.Answers["DescribeResourceServer"], except...)
		sameJSON(t, stage+" ListTagsForResource", must[*cip.ListTagsForResourceResponse](t)(s.ListTagsForResource(ctx, &cip.ListTagsForResourceRequest{ResourceArn: arn})), f.Answers["ListTagsForResource"], except...)
	}
	// IssuerConfiguration and KeyConfiguration are described (with their
	// defaults) since issue 16; the fixture's answers predate them.
	check("version 1", "IssuerConfiguration", "KeyConfiguration")
	if p := must[*userpool.Pool](t)(s.Pool(ctx, poolID)); p.Policies.PasswordPolicy == nil || *p.Policies.PasswordPolicy.MinimumLength != 10 || !p.TOTPEnabled() ||
		p.EmailMfa == nil || p.LambdaConfig.PreTokenGenerationConfig.LambdaArn == "" || len(p.SchemaAttributes) == 0 {
		t.Fatalf("the loader's view of a version-1 pool: %+v", p)
	}
	if c := must[*userpool.Client](t)(s.Client(ctx, clientID)); len(c.ClientSecret) != 51 || strings.HasPrefix(c.ClientSecret, "sealed:") {
		t.Fatalf("the secret of a version-1 client: %q", c.ClientSecret)
	}
	if rec := must[store.UserPool](t)(st.GetUserPool(ctx, poolID)); !bytes.Equal(rec.Doc, f.Records.Pool.Doc) {
		t.Fatal("reading rewrote the pool")
	}

	// A change of each rewrites it in the new shape.
	must[*cip.TagResourceResponse](t)(s.TagResource(ctx, &cip.TagResourceRequest{ResourceArn: arn, Tags: map[string]string{}}))
	var in cip.UpdateUserPoolClientRequest
	old := must[*cip.DescribeUserPoolClientResponse](t)(s.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientRequest{UserPoolId: poolID, ClientId: clientID})).UserPoolClient
	b, _ := json.Marshal(old)
	json.Unmarshal(b, &in)
	must[*cip.UpdateUserPoolClientResponse](t)(s.UpdateUserPoolClient(ctx, &in))
	pool := must[store.UserPool](t)(st.GetUserPool(ctx, poolID))
	client := must[store.AppClient](t)(st.GetAppClient(ctx, clientID))
	for what, doc := range map[string][]byte{"pool": pool.Doc, "client": client.Doc} {
		if !bytes.HasPrefix(doc, []byte(map[string]string{"pool": `{"v":2,`, "client": `{"v":3,`}[what])) || bytes.Contains(doc, []byte(`"Pool"`)) || bytes.Contains(doc, []byte(`"ClientSecret"`)) {
			t.Errorf("the %s after a change: %s", what, doc)
		}
	}
	if !bytes.Contains(client.Doc, []byte(`"client_secrets":[{"id":"`+clientID+`--`)) || !bytes.Contains(client.Doc, []byte(`"value":"sealed:`)) ||
		bytes.Contains(client.Doc, []byte(`"client_secret":`)) || bytes.Contains(client.Doc, []byte(old.ClientSecret)) {
		t.Errorf("the rewritten client's secret is not sealed: %s", client.Doc)
	}
	check("version 2", "LastModifiedDate", "IssuerConfiguration", "KeyConfiguration")

	// And a new service (a restart) reads the new shape alike.
	s = userpool.New(st, userpool.Options{Region: f.Region, AccountID: f.AccountID, Sealer: sealer})
	check("version 2 after a restart", "LastModifiedDate", "IssuerConfiguration", "KeyConfiguration")
}
