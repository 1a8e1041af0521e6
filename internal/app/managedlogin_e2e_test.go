package app_test

import (
	"context"
	"io"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestManagedLoginVersions: a domain with ManagedLoginVersion 1 shows the
// classic pages with the classic branding; with 2, managed login's own
// look, where classic branding does not apply (as in Cognito).
func TestManagedLoginVersions(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	must[*cognito.SetUICustomizationOutput](t)(f.c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: &f.poolID, ClientId: aws.String("ALL"),
		CSS: aws.String(".submitButton-customizable { background-color: #ff0000; }")}))
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	loginPage := func() string {
		resp, err := hc.Get(f.base + "/login?client_id=" + *f.client.ClientId + "&response_type=code&redirect_uri=" + callback)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("login page %d", resp.StatusCode)
		}
		return string(b)
	}
	v1 := loginPage()
	if !strings.Contains(v1, `class="hosted-ui"`) || !strings.Contains(v1, "#ff0000") {
		t.Fatalf("version 1 page lacks the classic look or its branding")
	}
	must[*cognito.UpdateUserPoolDomainOutput](t)(f.c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("oidcapp"), UserPoolId: &f.poolID, ManagedLoginVersion: aws.Int32(2)}))
	v2 := loginPage()
	if !strings.Contains(v2, `class="managed-login"`) || strings.Contains(v2, "#ff0000") {
		t.Fatalf("version 2 page: want managed login's look without classic branding")
	}
	// The same flows work on both.
	if back := signInWithBrowser(t, hc, f.base+"/oauth2/authorize?client_id="+*f.client.ClientId+"&response_type=code&redirect_uri="+callback, "olga", "Passw0rd!"); back.Query().Get("code") == "" {
		t.Fatalf("sign-in on managed login: %s", back)
	}
}
