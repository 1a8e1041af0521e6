package app_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/federation/samltest"
)

// samlFixture: a pool with a domain, a client, and a real SAML IdP
// (crewjam/saml's samlidp on loopback) configured as the provider "Corp".
type samlFixture struct {
	*oauthFixture
	idp *samltest.IdP
	b   *pageBrowser
}

// The IdP's attribute names (samlidp sends the LDAP OIDs).
const (
	samlMail    = "urn:oid:0.9.2342.19200300.100.1.3"
	samlGiven   = "urn:oid:2.5.4.42"
	samlSurname = "urn:oid:2.5.4.4"
)

func newSAMLFixture(t *testing.T, details map[string]string) *samlFixture {
	t.Helper()
	f := newOAuthFixture(t)
	ctx := context.Background()
	i := samltest.New(t)
	d := map[string]string{"MetadataFile": string(i.Metadata(t))}
	for k, v := range details {
		d[k] = v
	}
	must[*cognito.CreateIdentityProviderOutput](t)(f.c.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{
		UserPoolId: &f.poolID, ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails:  d,
		AttributeMapping: map[string]string{"email": samlMail, "given_name": samlGiven, "family_name": samlSurname},
		IdpIdentifiers:   []string{"corp.example"},
	}))
	must[*cognito.UpdateUserPoolClientOutput](t)(f.c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback}, LogoutURLs: []string{"http://localhost:8765/bye"},
		SupportedIdentityProviders: []string{"COGNITO", "Corp"}, ExplicitAuthFlows: allFlows}))
	sf := &samlFixture{oauthFixture: f, idp: i, b: newPageBrowser(t, f)}
	// The browser reaches the IdP directly, the domain as DNS would.
	tr := sf.b.hc.Transport.(*http.Transport)
	inner := tr.DialContext
	idpHost := strings.TrimPrefix(i.URL, "http://")
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == idpHost {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		return inner(ctx, network, addr)
	}
	sf.registerSP(t, "cognito", f.poolID, strings.EqualFold(details["EncryptedResponses"], "true"))
	i.AddUser(t, samltest.User{Name: "alice", Password: "correct horse", Email: "alice@corp.example", GivenName: "Alice", Surname: "Liddell"})
	return sf
}

// registerSP gives the IdP the pool's SP metadata, made from what the API
// shows: the entity ID, the ACS on the domain, the signing certificate
// (GetSigningCertificate) and, with encryption, the provider's
// ActiveEncryptionCertificate.
func (f *samlFixture) registerSP(t *testing.T, id, poolID string, encrypted bool) {
	t.Helper()
	ctx := context.Background()
	sc := must[*cognito.GetSigningCertificateOutput](t)(f.c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: &f.poolID}))
	p := federation.SAMLProvider{PoolID: poolID, Name: "Corp", Details: map[string]string{"MetadataFile": string(f.idp.Metadata(t))}, Origin: f.base}
	p.Signing.Cert = parseCert(t, aws.ToString(sc.Certificate))
	if encrypted {
		desc := must[*cognito.DescribeIdentityProviderOutput](t)(f.c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: &f.poolID, ProviderName: aws.String("Corp")}))
		p.Encryption.Cert = parseCert(t, desc.IdentityProvider.ProviderDetails["ActiveEncryptionCertificate"])
	}
	md, err := federation.NewSAML(federation.SAMLOptions{}).SPMetadata(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	f.idp.AddSP(t, id, md)
}

func parseCert(t *testing.T, s string) *x509.Certificate {
	t.Helper()
	der := []byte(s)
	if b, _ := pem.Decode(der); b != nil {
		der = b.Bytes
	} else if raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err == nil {
		der = raw
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("certificate %q: %v", s, err)
	}
	return c
}

// start asks /oauth2/authorize for the SAML provider and returns where
// it sends the browser (the IdP's SSO with an AuthnRequest).
func (f *samlFixture) start(t *testing.T, verifier, state string) string {
	t.Helper()
	v := url.Values{"client_id": {*f.client.ClientId}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid email profile"},
		"state": {state}, "nonce": {"n-" + state}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
		"identity_provider": {"Corp"}}
	a := f.b.get("/oauth2/authorize?" + v.Encode())
	if a.status != http.StatusFound || a.loc == nil || !strings.HasPrefix(a.loc.String(), f.idp.URL+"/sso?") {
		t.Fatalf("authorize did not go to the IdP: %d %v", a.status, a.loc)
	}
	return a.loc.String()
}

// post posts the IdP's form to the domain's ACS.
func (f *samlFixture) post(t *testing.T, action string, form url.Values) pageAnswer {
	t.Helper()
	if action != f.base+"/saml2/idpresponse" {
		t.Fatalf("the IdP posts to %s", action)
	}
	return f.b.postTo(action, url.Values{"SAMLResponse": {form.Get("SAMLResponse")}, "RelayState": {form.Get("RelayState")}})
}

// wantRefused checks that the ACS sent the browser back to the client with
// Cognito's error.
func wantRefused(t *testing.T, a pageAnswer, words string) {
	t.Helper()
	if a.status != http.StatusFound || a.loc == nil || !strings.HasPrefix(a.loc.String(), callback+"?") {
		t.Fatalf("want an error redirect to the client, got %d %v %s", a.status, a.loc, a.body)
	}
	q := a.loc.Query()
	if q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), words) || q.Get("code") != "" {
		t.Fatalf("redirect %s, want error_description with %q", a.loc, words)
	}
}

func identitiesOf(t *testing.T, claims map[string]any) string {
	t.Helper()
	s, _ := claims["identities"].(string)
	if s == "" {
		if raw, ok := claims["identities"].([]any); ok && len(raw) > 0 {
			m, _ := raw[0].(map[string]any)
			s = m["providerName"].(string) + "/" + m["userId"].(string)
		}
	}
	return s
}

// TestSAMLSPInitiatedSignIn: authorize with identity_provider → the IdP's
// login → the signed response posted to /saml2/idpresponse → a code for
// the client, whose ID token carries the federated user, its mapped
// attributes and identities; the same response posted again is refused.
func TestSAMLSPInitiatedSignIn(t *testing.T) {
	for _, mode := range []samltest.Mode{samltest.SignBoth, samltest.SignAssertion, samltest.SignResponse} {
		f := newSAMLFixture(t, map[string]string{"RequestSigningAlgorithm": "rsa-sha256"})
		f.idp.SetMode(mode)
		to := f.start(t, "verifier-0123456789-0123456789-0123456789", "st")
		if u, _ := url.Parse(to); u.Query().Get("Signature") == "" || u.Query().Get("RelayState") == "" {
			t.Fatalf("AuthnRequest not signed or without RelayState: %s", to)
		}
		// The IdP checks the request's signature (a session there answers at once).
		f.idp.Login(t, f.b.hc, "alice", "correct horse")
		action, form := samltest.SignIn(t, f.b.hc, to, "alice", "correct horse")
		claims := f.b.signedIn(f.post(t, action, form), "verifier-0123456789-0123456789-0123456789", "st")
		if claims["cognito:username"] != "Corp_alice@corp.example" || claims["email"] != "alice@corp.example" || claims["given_name"] != "Alice" ||
			!strings.Contains(identitiesOf(t, claims), "Corp") || !strings.Contains(identitiesOf(t, claims), "alice@corp.example") {
			t.Fatalf("mode %d: claims %v", mode, claims)
		}
		u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("Corp_alice@corp.example")}))
		if u.UserStatus != types.UserStatusTypeExternalProvider || attrOf(u.UserAttributes, "family_name") != "Liddell" {
			t.Fatalf("mode %d: user %s %v", mode, u.UserStatus, u.UserAttributes)
		}
		wantRefused(t, f.post(t, action, form), "already been used")
	}
}

// TestSAMLEncryptedAssertion: with EncryptedResponses the IdP encrypts to
// the pool's encryption certificate and the sign-in works.
func TestSAMLEncryptedAssertion(t *testing.T) {
	f := newSAMLFixture(t, map[string]string{"EncryptedResponses": "true"})
	to := f.start(t, "verifier-0123456789-0123456789-0123456789", "enc")
	action, form := samltest.SignIn(t, f.b.hc, to, "alice", "correct horse")
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if !strings.Contains(string(raw), "EncryptedAssertion") || strings.Contains(string(raw), "Liddell") {
		t.Fatal("the IdP did not encrypt the assertion")
	}
	claims := f.b.signedIn(f.post(t, action, form), "verifier-0123456789-0123456789-0123456789", "enc")
	if claims["cognito:username"] != "Corp_alice@corp.example" {
		t.Fatalf("claims %v", claims)
	}
}

// TestSAMLRefused: a response signed by a key not in the metadata, an
// expired one, and one for another SP's audience go back to the client as
// errors, and sign no one in.
func TestSAMLRefused(t *testing.T) {
	const verifier = "verifier-0123456789-0123456789-0123456789"
	t.Run("wrong signature", func(t *testing.T) {
		f := newSAMLFixture(t, nil)
		f.idp.RotateKey(t)
		action, form := samltest.SignIn(t, f.b.hc, f.start(t, verifier, "s"), "alice", "correct horse")
		wantRefused(t, f.post(t, action, form), "signature")
	})
	t.Run("expired", func(t *testing.T) {
		f := newSAMLFixture(t, nil)
		f.idp.Backdate(10 * time.Minute) // its validity ended before it reaches the domain
		action, form := samltest.SignIn(t, f.b.hc, f.start(t, verifier, "s"), "alice", "correct horse")
		wantRefused(t, f.post(t, action, form), "expired")
	})
	t.Run("wrong audience", func(t *testing.T) {
		f := newSAMLFixture(t, map[string]string{"IDPInit": "true"})
		f.registerSP(t, "other", "us-east-1_Other", false)
		relay := url.Values{"identity_provider": {"Corp"}, "client_id": {*f.client.ClientId}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"openid"}}
		f.idp.AddShortcut(t, "other", federation.SAMLEntityID("us-east-1_Other"), relay.Encode())
		action, form := f.idp.SignInIDPInitiated(t, f.b.hc, "other", "alice", "correct horse")
		wantRefused(t, f.post(t, action, form), "Audience")
	})
	t.Run("forged RelayState", func(t *testing.T) {
		f := newSAMLFixture(t, nil)
		action, form := samltest.SignIn(t, f.b.hc, f.start(t, verifier, "s"), "alice", "correct horse")
		form.Set("RelayState", "client_id=x")
		a := f.post(t, action, form)
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, "Invalid samlResponse or relayState") {
			t.Fatalf("%d %s", a.status, a.body)
		}
	})
}

// TestSAMLIdPInitiated: the IdP's portal posts an unsolicited response
// whose RelayState is the authorization request; taken only when the
// provider's IDPInit is true.
func TestSAMLIdPInitiated(t *testing.T) {
	f := newSAMLFixture(t, nil)
	ctx := context.Background()
	relay := url.Values{"identity_provider": {"Corp"}, "client_id": {*f.client.ClientId}, "redirect_uri": {callback}, "response_type": {"code"},
		"scope": {"openid email"}, "state": {"portal"}}
	f.idp.AddShortcut(t, "cognito", federation.SAMLEntityID(f.poolID), relay.Encode())
	action, form := f.idp.SignInIDPInitiated(t, f.b.hc, "cognito", "alice", "correct horse")
	wantRefused(t, f.post(t, action, form), "IdP-initiated")

	must[*cognito.UpdateIdentityProviderOutput](t)(f.c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: &f.poolID, ProviderName: aws.String("Corp"),
		ProviderDetails: map[string]string{"MetadataFile": string(f.idp.Metadata(t)), "IDPInit": "true"}}))
	action, form = f.idp.SignInIDPInitiated(t, f.b.hc, "cognito", "alice", "correct horse")
	a := f.post(t, action, form)
	if a.status != http.StatusFound || a.loc == nil || a.loc.Query().Get("code") == "" || a.loc.Query().Get("state") != "portal" {
		t.Fatalf("IdP-initiated: %d %v %s", a.status, a.loc, a.body)
	}
	wantRefused(t, f.post(t, action, form), "already been used")

	// The provider named by one of its identifiers instead.
	byID := url.Values{"idp_identifier": {"corp.example"}, "client_id": {*f.client.ClientId}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"openid"}}
	f.idp.AddShortcut(t, "byid", federation.SAMLEntityID(f.poolID), byID.Encode())
	action, form = f.idp.SignInIDPInitiated(t, f.b.hc, "byid", "alice", "correct horse")
	if a := f.post(t, action, form); a.status != http.StatusFound || a.loc == nil || a.loc.Query().Get("code") == "" {
		t.Fatalf("IdP-initiated by idp_identifier: %d %v %s", a.status, a.loc, a.body)
	}

	// Not for a client that does not offer the provider.
	must[*cognito.UpdateUserPoolClientOutput](t)(f.c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{callback}, LogoutURLs: []string{"http://localhost:8765/bye"},
		SupportedIdentityProviders: []string{"COGNITO"}, ExplicitAuthFlows: allFlows}))
	action, form = f.idp.SignInIDPInitiated(t, f.b.hc, "cognito", "alice", "correct horse")
	wantRefused(t, f.post(t, action, form), "dentity provider") // as /oauth2/authorize refuses it
}

// TestSAMLLinkedNativeUser: the linking acceptance. A native user linked
// to the SAML identity (AdminLinkProviderForUser) signs in through the IdP
// as the native user, with the mapped attributes updated and identities
// in the ID token.
func TestSAMLLinkedNativeUser(t *testing.T) {
	f := newSAMLFixture(t, nil)
	ctx := context.Background()
	f.confirmedUser(t, "alice.native", "Passw0rd!", "email", "alice@corp.example", "given_name", "Al")
	must[*cognito.AdminLinkProviderForUserOutput](t)(f.c.AdminLinkProviderForUser(ctx, &cognito.AdminLinkProviderForUserInput{UserPoolId: &f.poolID,
		DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("alice.native")},
		SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Corp"), ProviderAttributeName: aws.String("Cognito_Subject"),
			ProviderAttributeValue: aws.String("alice@corp.example")}}))
	const verifier = "verifier-0123456789-0123456789-0123456789"
	action, form := samltest.SignIn(t, f.b.hc, f.start(t, verifier, "ln"), "alice", "correct horse")
	claims := f.b.signedIn(f.post(t, action, form), verifier, "ln")
	if claims["cognito:username"] != "alice.native" || claims["given_name"] != "Alice" {
		t.Fatalf("claims %v", claims)
	}
	if ids := identitiesOf(t, claims); !strings.Contains(ids, "Corp") || !strings.Contains(ids, "alice@corp.example") {
		t.Fatalf("identities %v", claims["identities"])
	}
	u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("alice.native")}))
	if attrOf(u.UserAttributes, "given_name") != "Alice" || attrOf(u.UserAttributes, "family_name") != "Liddell" || !strings.Contains(attrOf(u.UserAttributes, "identities"), "Corp") {
		t.Fatalf("the native user's attributes: %v", u.UserAttributes)
	}
	if _, err := f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("Corp_alice@corp.example")}); err == nil {
		t.Fatal("a separate federated user was made for a linked identity")
	}
}

// TestSAMLSignOut: with IDPSignout, /logout sends the browser to the IdP's
// SingleLogoutService with a signed LogoutRequest; the IdP's
// LogoutResponse on /saml2/logout then goes on to the logout_uri.
func TestSAMLSignOut(t *testing.T) {
	f := newSAMLFixture(t, map[string]string{"IDPSignout": "true"})
	const verifier = "verifier-0123456789-0123456789-0123456789"
	action, form := samltest.SignIn(t, f.b.hc, f.start(t, verifier, "so"), "alice", "correct horse")
	f.b.signedIn(f.post(t, action, form), verifier, "so")
	a := f.b.get("/logout?" + url.Values{"client_id": {*f.client.ClientId}, "logout_uri": {"http://localhost:8765/bye"}}.Encode())
	if a.status != http.StatusFound || a.loc == nil || !strings.HasPrefix(a.loc.String(), f.idp.URL+"/slo?") || a.loc.Query().Get("Signature") == "" {
		t.Fatalf("logout did not go to the IdP's SLO: %d %v", a.status, a.loc)
	}
	code, page := samltest.Start(t, f.b.hc, a.loc.String())
	back, fields := samltest.Form(t, page)
	if code != http.StatusOK || back != f.base+"/saml2/logout" || fields.Get("SAMLResponse") == "" {
		t.Fatalf("the IdP answered %d, a form to %q", code, back)
	}
	done := f.b.postTo(back, fields)
	if done.status != http.StatusFound || done.loc == nil || done.loc.String() != "http://localhost:8765/bye" {
		t.Fatalf("after the IdP's LogoutResponse: %d %v %s", done.status, done.loc, done.body)
	}
	// The same LogoutResponse again is not taken.
	if again := f.b.postTo(back, fields); again.status == http.StatusFound {
		t.Fatalf("a replayed LogoutResponse was taken: %v", again.loc)
	}
}
