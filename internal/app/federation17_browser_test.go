package app_test

import (
	"context"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"

	"github.com/gognito/gognito/internal/edge/edgetest"
)

// TestFederationBrowser signs in through an external OpenID provider with
// headless Chromium (see TestBrowserSignIn for how the browser is run and
// trusts the edge): the hosted login page shows the provider's button, the
// browser goes to the provider's own login page (zitadel/oidc's example
// OP, on loopback), signs in there, comes back to /oauth2/idpresponse, and
// the relying party (a public client using PKCE) exchanges the code and
// verifies the ID token with go-oidc. Once on the prefix domain over HTTP,
// once on a custom domain over HTTPS (the edge, a certificate from the
// local CA).
func TestFederationBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the browser tests need Debian's Chromium at %s (%v): `make test` installs it (scripts/browser-deps.sh), or run: apt-get install chromium", chromiumPath, err)
	}
	artifacts := os.Getenv("GOGNITO_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	const host = "login.federation.test"
	_, apiPort, _ := net.SplitHostPort(strings.TrimPrefix(ts.URL, "http://"))
	_, edgePort, _ := net.SplitHostPort(ts.EdgeAddr)
	prefixBase := "http://fedbrowser.auth.us-east-1.localhost:" + apiPort
	customBase := "https://" + host + ":" + edgePort

	poolID := *must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("fedbrowser")})).UserPool.Id
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("fedbrowser"), UserPoolId: &poolID}))
	arn := *must[*acm.RequestCertificateOutput](t)(ts.acmClient("us-east-1").RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String(host)})).CertificateArn
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: &poolID,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}))
	roots := rootsOf(must[[]byte](t)(caPEMOf(ts)))
	issued := waitForLeaf(t, ts, host, roots)

	op := startOP(t, loopbackListener(t), prefixBase+"/oauth2/idpresponse", customBase+"/oauth2/idpresponse")
	must[*cognito.CreateIdentityProviderOutput](t)(c.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: &poolID,
		ProviderName: aws.String("ZitadelOP"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: map[string]string{"client_id": opClient, "client_secret": opSecret, "attributes_request_method": "GET",
			"oidc_issuer": op.URL, "authorize_scopes": "openid email profile"},
		AttributeMapping: map[string]string{"email": "email", "name": "name"}}))

	rp := startRelyingParty(t, ts, roots, poolID)
	rp.clientID = *must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &poolID,
		ClientName: aws.String("Federated app"), AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{rp.callback},
		SupportedIdentityProviders: []string{"COGNITO", "ZitadelOP"}})).UserPoolClient.ClientId

	b := startChromium(t, artifacts, []string{"MAP " + host + " 127.0.0.1"}, []*x509.Certificate{issued})
	for i, base := range []string{prefixBase, customBase} {
		b.resetDocuments()
		b.step("the hosted login page on "+base, "#idp-ZitadelOP", chromedp.Navigate(rp.authURL(base)))
		b.screenshot("the login page with the provider's button", filepath.Join(artifacts, "federation-login-"+string(rune('a'+i))+".png"))
		b.step("the provider's login page", `form[action="/login/username"]`, chromedp.Click(chromedp.CSS("#idp-ZitadelOP")))
		b.step("signing in at the provider", "#who",
			chromedp.SendKeys(chromedp.CSS("#username"), opUser),
			chromedp.SendKeys(chromedp.CSS("#password"), opPassword),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		)
		b.wantSignedIn("ZitadelOP_id1")
		var sawOP, sawIdpResponse bool
		for _, u := range b.documents() {
			sawOP = sawOP || strings.HasPrefix(u, op.URL+"/login/")
			sawIdpResponse = sawIdpResponse || strings.HasPrefix(u, base+"/oauth2/idpresponse?")
		}
		if !sawOP || !sawIdpResponse {
			t.Fatalf("%s: the browser did not go through the provider's login page and back (%v)", base, b.documents())
		}
	}
	if rp.exchanges() != 2 {
		t.Fatalf("%d code exchanges, want 2", rp.exchanges())
	}
}

// waitForLeaf waits for the edge to serve host and returns its certificate.
func waitForLeaf(t *testing.T, ts *testServer, host string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	var leaf *x509.Certificate
	waitFor(t, 5*time.Second, "the edge to serve "+host, func() (bool, error) {
		l, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		leaf = l
		return err == nil, err
	})
	return leaf
}
