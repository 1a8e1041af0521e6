package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// TestCompatibilityDocIsCurrent fails when docs/compatibility.md differs from
// what the operation tables of the app's services generate
// (api.CompatibilityMarkdown). Regenerate with `make docs`, which runs this
// test with GOGNITO_UPDATE_DOCS=1.
func TestCompatibilityDocIsCurrent(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	svcs := a.APIServices()
	if len(svcs) != 2 || len(svcs[0].Operations()) != 129 || len(svcs[1].Operations()) != 39 {
		t.Fatalf("services %d; want cognito-idp with 129 operations and acm with 39", len(svcs))
	}
	want := api.CompatibilityMarkdown(svcs...)
	path := filepath.Join("..", "..", "docs", "compatibility.md")
	if os.Getenv("GOGNITO_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/compatibility.md is stale: run `make docs`")
	}
}

// TestNewModelMembersAreAccepted sends requests that carry members the 2026
// service models added (botocore 1.43.67) to the real handlers: none is
// refused for them, and operations that are not built still validate the
// new members before answering that they are not implemented.
func TestNewModelMembersAreAccepted(t *testing.T) {
	ts := startServer(t, t.TempDir())
	const ct = "application/x-amz-json-1.1"
	const cip = "AWSCognitoIdentityProviderService."
	ok := func(r rawResponse, what string) map[string]any {
		t.Helper()
		if r.Status != 200 {
			t.Fatalf("%s: %d %v", what, r.Status, r.Body)
		}
		return r.Body
	}

	for _, sms := range []string{
		`{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","EumsSms":{"CallerArn":"arn:aws:iam::123456789012:role/eums","OriginationIdentity":"+15555550100","Region":"us-east-1"}}`,
		`{"EumsSms":{"CallerArn":"arn:aws:iam::123456789012:role/eums"}}`, // SnsCallerArn is optional now
	} {
		ok(post(t, ts.URL, cip+"CreateUserPool", ct, `{"PoolName":"new-members","IssuerConfiguration":{"Type":"ORIGINAL"},`+
			`"KeyConfiguration":{"KeyType":"AWS_OWNED_KEY"},"SmsConfiguration":`+sms+`}`), "CreateUserPool with "+sms)
	}
	pool := ok(post(t, ts.URL, cip+"CreateUserPool", ct, `{"PoolName":"domains"}`), "CreateUserPool")
	id, _ := pool["UserPool"].(map[string]any)["Id"].(string)
	ok(post(t, ts.URL, cip+"UpdateUserPool", ct, `{"UserPoolId":"`+id+`","IssuerConfiguration":{"Type":"ORIGINAL"},"KeyConfiguration":{"KeyType":"AWS_OWNED_KEY"}}`), "UpdateUserPool")

	cert := ok(post(t, ts.URL, "CertificateManager.RequestCertificate", ct, `{"DomainName":"auth.new-members.test"}`), "RequestCertificate")
	arn, _ := cert["CertificateArn"].(string)
	ok(post(t, ts.URL, cip+"CreateUserPoolReplica", ct, `{"UserPoolId":"`+id+`","RegionName":"us-west-2"}`), "CreateUserPoolReplica")
	routing := `"Routing":{"Failover":{"SecondaryRegion":"us-west-2","PrimaryRoute53HealthCheckId":"hc-1"}}`
	ok(post(t, ts.URL, cip+"CreateUserPoolDomain", ct, `{"UserPoolId":"`+id+`","Domain":"auth.new-members.test",`+
		`"CustomDomainConfig":{"CertificateArn":"`+arn+`","SecurityPolicy":"TLS_V1_2_2021"},`+routing+`}`), "CreateUserPoolDomain")
	ok(post(t, ts.URL, cip+"UpdateUserPoolDomain", ct, `{"UserPoolId":"`+id+`","Domain":"auth.new-members.test",`+
		`"CustomDomainConfig":{"CertificateArn":"`+arn+`","SecurityPolicy":"TLS_V1_3_2025"},`+routing+`}`), "UpdateUserPoolDomain")

	// Not built: validated, then the not-implemented answer.
	wantWireError(t, post(t, ts.URL, cip+"CreateUserImportJob", ct, `{"UserPoolId":"`+id+`","JobName":"j",`+
		`"CloudWatchLogsRoleArn":"arn:aws:iam::123456789012:role/logs","PasswordHashingAlgorithm":"MD5"}`), 400, "InvalidParameterException")
	wantWireError(t, post(t, ts.URL, cip+"CreateUserImportJob", ct, `{"UserPoolId":"`+id+`","JobName":"j",`+
		`"CloudWatchLogsRoleArn":"arn:aws:iam::123456789012:role/logs","PasswordHashingAlgorithm":"BCRYPT"}`), 400, "UnsupportedOperationException")
	for op, body := range map[string]string{
		"AdminGetUserAuthFactors": `{"UserPoolId":"` + id + `","Username":"olga"}`,
	} {
		r := post(t, ts.URL, cip+op, ct, body)
		wantWireError(t, r, 400, "UnsupportedOperationException")
		if r.Body["message"] != "gognito does not implement "+op+" yet." {
			t.Errorf("%s: %v", op, r.Body["message"])
		}
	}
	r := post(t, ts.URL, "CertificateManager.SearchCertificates", ct, `{}`)
	wantWireError(t, r, 400, "UnsupportedOperationException")
}
