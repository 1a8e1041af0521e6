package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// idp17Metadata is a SAML IdP's metadata document with a fresh signing
// certificate.
func idp17Metadata(t *testing.T, entityID, base string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: entityID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%s/slo"/>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%s/sso"/>
</md:IDPSSODescriptor></md:EntityDescriptor>`, entityID, base64.StdEncoding.EncodeToString(der), base, base)
}

func idp17Pool(t *testing.T, c *cognito.Client, name string) string {
	t.Helper()
	out, err := c.CreateUserPool(context.Background(), &cognito.CreateUserPoolInput{PoolName: aws.String(name), Schema: []types.SchemaAttributeType{
		{Name: aws.String("employee"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		{Name: aws.String("dept"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.UserPool.Id)
}

// Every identity provider operation through the SDK, per provider type, with
// its errors.
func TestIdentityProviderOperations(t *testing.T) {
	ts := startServer(t, t.TempDir())
	c := ts.client("us-east-1", true)
	ctx := context.Background()
	pool := idp17Pool(t, c, "idp17")

	// A SAML IdP whose metadata is served by URL (loopback).
	var metaURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metadata" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(idp17Metadata(t, "urn:test:url-idp", "https://url-idp.example")))
	}))
	defer srv.Close()
	metaURL = srv.URL + "/metadata"
	fileMeta := idp17Metadata(t, "urn:test:file-idp", "https://file-idp.example")

	create := func(name, typ string, details, mapping map[string]string, ids ...string) (*types.IdentityProviderType, error) {
		out, err := c.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String(name),
			ProviderType: types.IdentityProviderTypeType(typ), ProviderDetails: details, AttributeMapping: mapping, IdpIdentifiers: ids})
		if err != nil {
			return nil, err
		}
		return out.IdentityProvider, nil
	}
	social := map[string]string{"client_id": "cid", "client_secret": "csecret", "authorize_scopes": "openid email profile"}

	// Per type: what Cognito requires, and what it adds.
	for _, tc := range []struct {
		name, typ string
		details   map[string]string
		mapping   map[string]string
		ids       []string
		want      map[string]string // details the response must have
		username  string            // the username mapping added
	}{
		{"CorpFile", "SAML", map[string]string{"MetadataFile": fileMeta, "IDPSignout": "true", "IDPInit": "true", "RequestSigningAlgorithm": "rsa-sha256"},
			map[string]string{"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"}, []string{"corp.example"},
			map[string]string{"MetadataFile": fileMeta, "SSORedirectBindingURI": "https://file-idp.example/sso", "SLORedirectBindingURI": "https://file-idp.example/slo", "IDPSignout": "true"}, ""},
		{"CorpURL", "SAML", map[string]string{"MetadataURL": metaURL, "EncryptedResponses": "true"}, nil, []string{"url.example"},
			map[string]string{"MetadataURL": metaURL, "SSORedirectBindingURI": "https://url-idp.example/sso", "EncryptedResponses": "true"}, ""},
		{"MyOP", "OIDC", map[string]string{"client_id": "op", "client_secret": "opsecret", "authorize_scopes": "openid email", "attributes_request_method": "GET", "oidc_issuer": "https://op.example"},
			map[string]string{"email": "email", "custom:dept": "dept"}, []string{"op"},
			map[string]string{"oidc_issuer": "https://op.example", "attributes_url_add_attributes": "false", "client_secret": "opsecret"}, "sub"},
		{"Google", "Google", social, nil, nil,
			map[string]string{"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "token_url": "https://www.googleapis.com/oauth2/v4/token", "oidc_issuer": "https://accounts.google.com", "attributes_url_add_attributes": "true"}, "sub"},
		{"Facebook", "Facebook", social, nil, nil,
			map[string]string{"api_version": "v17.0", "authorize_url": "https://www.facebook.com/v17.0/dialog/oauth", "token_request_method": "GET"}, "id"},
		{"LoginWithAmazon", "LoginWithAmazon", social, nil, nil,
			map[string]string{"authorize_url": "https://www.amazon.com/ap/oa", "attributes_url": "https://api.amazon.com/user/profile"}, "user_id"},
		{"SignInWithApple", "SignInWithApple", map[string]string{"client_id": "com.example", "team_id": "TEAM", "key_id": "KEY", "private_key": "-----BEGIN PRIVATE KEY-----x", "authorize_scopes": "email name"}, nil, nil,
			map[string]string{"authorize_url": "https://appleid.apple.com/auth/authorize", "oidc_issuer": "https://appleid.apple.com", "team_id": "TEAM"}, "sub"},
	} {
		p, err := create(tc.name, tc.typ, tc.details, tc.mapping, tc.ids...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for k, v := range tc.want {
			if p.ProviderDetails[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, p.ProviderDetails[k], v)
			}
		}
		if p.AttributeMapping["username"] != tc.username {
			t.Errorf("%s: username mapping %q, want %q", tc.name, p.AttributeMapping["username"], tc.username)
		}
		if string(p.ProviderType) != tc.typ || aws.ToString(p.UserPoolId) != pool || p.CreationDate == nil || p.LastModifiedDate == nil {
			t.Errorf("%s: %+v", tc.name, p)
		}
		d := must[*cognito.DescribeIdentityProviderOutput](t)(c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String(tc.name)}))
		if !mapsEqual(d.IdentityProvider.ProviderDetails, p.ProviderDetails) || !slices.Equal(d.IdentityProvider.IdpIdentifiers, p.IdpIdentifiers) {
			t.Errorf("%s: describe %v differs from create %v", tc.name, d.IdentityProvider.ProviderDetails, p.ProviderDetails)
		}
	}
	// The encrypted-responses provider shows the pool's encryption certificate.
	d := must[*cognito.DescribeIdentityProviderOutput](t)(c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("CorpURL")}))
	der, err := base64.StdEncoding.DecodeString(d.IdentityProvider.ProviderDetails["ActiveEncryptionCertificate"])
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := x509.ParseCertificate(der); err != nil || enc.Subject.CommonName != "urn:amazon:cognito:sp:"+pool {
		t.Fatalf("encryption certificate: %v %v", enc, err)
	}

	// Listing, a page at a time, by name.
	var names []string
	var next *string
	for range 10 {
		out := must[*cognito.ListIdentityProvidersOutput](t)(c.ListIdentityProviders(ctx, &cognito.ListIdentityProvidersInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(3), NextToken: next}))
		if len(out.Providers) > 3 {
			t.Fatalf("page of %d", len(out.Providers))
		}
		for _, p := range out.Providers {
			names = append(names, aws.ToString(p.ProviderName))
			if p.ProviderType == "" || p.CreationDate == nil {
				t.Fatalf("description %+v", p)
			}
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if want := []string{"CorpFile", "CorpURL", "Facebook", "Google", "LoginWithAmazon", "MyOP", "SignInWithApple"}; !slices.Equal(names, want) {
		t.Fatalf("listed %v, want %v", names, want)
	}
	_, err = c.ListIdentityProviders(ctx, &cognito.ListIdentityProvidersInput{UserPoolId: aws.String(pool), NextToken: aws.String("garbage")})
	wantAPIError(t, err, "InvalidParameterException", "")

	// By identifier.
	byID := must[*cognito.GetIdentityProviderByIdentifierOutput](t)(c.GetIdentityProviderByIdentifier(ctx, &cognito.GetIdentityProviderByIdentifierInput{UserPoolId: aws.String(pool), IdpIdentifier: aws.String("url.example")}))
	if aws.ToString(byID.IdentityProvider.ProviderName) != "CorpURL" {
		t.Fatalf("by identifier: %+v", byID.IdentityProvider)
	}
	_, err = c.GetIdentityProviderByIdentifier(ctx, &cognito.GetIdentityProviderByIdentifierInput{UserPoolId: aws.String(pool), IdpIdentifier: aws.String("nobody")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Update: details keys merge, mapping and identifiers are replaced.
	up := must[*cognito.UpdateIdentityProviderOutput](t)(c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("MyOP"),
		ProviderDetails: map[string]string{"authorize_scopes": "openid"}, AttributeMapping: map[string]string{"name": "name"}, IdpIdentifiers: []string{"op2", "op3"}}))
	ip := up.IdentityProvider
	if ip.ProviderDetails["authorize_scopes"] != "openid" || ip.ProviderDetails["client_id"] != "op" || ip.AttributeMapping["name"] != "name" ||
		ip.AttributeMapping["email"] != "" || ip.AttributeMapping["username"] != "sub" || !slices.Equal(ip.IdpIdentifiers, []string{"op2", "op3"}) {
		t.Fatalf("updated %+v", ip)
	}
	if !ip.LastModifiedDate.After(*ip.CreationDate) && !ip.LastModifiedDate.Equal(*ip.CreationDate) {
		t.Fatalf("dates %v %v", ip.CreationDate, ip.LastModifiedDate)
	}
	_, err = c.GetIdentityProviderByIdentifier(ctx, &cognito.GetIdentityProviderByIdentifierInput{UserPoolId: aws.String(pool), IdpIdentifier: aws.String("op")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	// A SAML provider's metadata source switches from URL to file.
	up = must[*cognito.UpdateIdentityProviderOutput](t)(c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("CorpURL"),
		ProviderDetails: map[string]string{"MetadataFile": fileMeta}}))
	if pd := up.IdentityProvider.ProviderDetails; pd["MetadataURL"] != "" || pd["SSORedirectBindingURI"] != "https://file-idp.example/sso" || pd["EncryptedResponses"] != "true" {
		t.Fatalf("switched metadata %v", pd)
	}

	// Errors.
	for _, tc := range []struct {
		name, typ   string
		details     map[string]string
		mapping     map[string]string
		ids         []string
		want, inMsg string
	}{
		{"Google", "Google", social, nil, nil, "DuplicateProviderException", "Google"},
		{"Other", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://x.example"}, nil, []string{"corp.example"}, "DuplicateProviderException", "corp.example"},
		{"Gmail", "Google", social, nil, nil, "InvalidParameterException", "must be Google"},
		{"COGNITO", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://x.example"}, nil, nil, "InvalidParameterException", "reserved"},
		{"_bad", "OIDC", nil, nil, nil, "InvalidParameterException", ""},
		{"Op2", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET"}, nil, nil, "InvalidParameterException", "oidc_issuer"},
		{"Op2", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://x.example"},
			map[string]string{"custom:employee": "emp"}, nil, "InvalidParameterException", "custom:employee"},
		{"Op2", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://x.example"},
			map[string]string{"custom:nope": "x"}, nil, "InvalidParameterException", "custom:nope"},
		{"Op2", "OIDC", map[string]string{"client_id": "a", "authorize_scopes": "openid", "attributes_request_method": "GET", "oidc_issuer": "https://x.example"}, nil, []string{"x", "x"}, "InvalidParameterException", "Duplicate"},
		{"Saml2", "SAML", map[string]string{"MetadataURL": srv.URL + "/missing"}, nil, nil, "InvalidParameterException", "metadata"},
		{"Saml2", "SAML", map[string]string{"MetadataFile": "<not-metadata/>"}, nil, nil, "InvalidParameterException", "metadata"},
		{"Saml2", "SAML", map[string]string{"MetadataFile": fileMeta}, map[string]string{"username": "uid"}, nil, "InvalidParameterException", "username"},
		{"Apple", "SignInWithApple", map[string]string{"client_id": "a"}, nil, nil, "InvalidParameterException", ""},
	} {
		_, err := create(tc.name, tc.typ, tc.details, tc.mapping, tc.ids...)
		t.Run(tc.want+"/"+tc.name, func(t *testing.T) { wantAPIError(t, err, tc.want, tc.inMsg) })
	}
	_, err = c.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: aws.String("us-east-1_nopenope0"), ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: social})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Nope"), AttributeMapping: map[string]string{}})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"), IdpIdentifiers: []string{"url.example"}})
	wantAPIError(t, err, "DuplicateProviderException", "url.example")
	_, err = c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"), ProviderDetails: map[string]string{"client_secret": ""}})
	wantAPIError(t, err, "InvalidParameterException", "client_secret")
	_, err = c.DeleteIdentityProvider(ctx, &cognito.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// App clients name providers that exist, and a provider in use is kept.
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("bad"), SupportedIdentityProviders: []string{"COGNITO", "Nope"}})
	wantAPIError(t, err, "InvalidParameterException", "The provider Nope does not exist for User Pool "+pool)
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("bad"), SupportedIdentityProviders: []string{"google"}})
	wantAPIError(t, err, "InvalidParameterException", "google")
	cl := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("web"),
		SupportedIdentityProviders: []string{"COGNITO", "Google", "CorpFile"}})).UserPoolClient
	if !slices.Equal(cl.SupportedIdentityProviders, []string{"COGNITO", "Google", "CorpFile"}) {
		t.Fatalf("client providers %v", cl.SupportedIdentityProviders)
	}
	_, err = c.DeleteIdentityProvider(ctx, &cognito.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google")})
	wantAPIError(t, err, "InvalidParameterException", aws.ToString(cl.ClientId))
	_, err = c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: cl.ClientId, SupportedIdentityProviders: []string{"Facebook", "Gone"}})
	wantAPIError(t, err, "InvalidParameterException", "Gone")
	must[*cognito.UpdateUserPoolClientOutput](t)(c.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: cl.ClientId, SupportedIdentityProviders: []string{"Facebook"}}))
	must[*cognito.DeleteIdentityProviderOutput](t)(c.DeleteIdentityProvider(ctx, &cognito.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google")}))
	_, err = c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.DeleteIdentityProvider(ctx, &cognito.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Facebook")})
	wantAPIError(t, err, "InvalidParameterException", "Facebook")
	// A provider of another pool is not this pool's.
	other := idp17Pool(t, c, "other")
	_, err = c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(other), ClientName: aws.String("x"), SupportedIdentityProviders: []string{"Facebook"}})
	wantAPIError(t, err, "InvalidParameterException", "Facebook")
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// GetSigningCertificate returns the pool's SAML signing certificate as
// base64 DER, the same on every call.
func TestGetSigningCertificate(t *testing.T) {
	ts := startServer(t, t.TempDir())
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := idp17Pool(t, c, "signing")
	first := must[*cognito.GetSigningCertificateOutput](t)(c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: aws.String(pool)}))
	der, err := base64.StdEncoding.DecodeString(aws.ToString(first.Certificate))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "urn:amazon:cognito:sp:"+pool || cert.NotAfter.Sub(cert.NotBefore) < 9*365*24*time.Hour {
		t.Fatalf("certificate %v %v-%v", cert.Subject, cert.NotBefore, cert.NotAfter)
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		t.Fatalf("key %T", cert.PublicKey)
	}
	again := must[*cognito.GetSigningCertificateOutput](t)(c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: aws.String(pool)}))
	if aws.ToString(again.Certificate) != aws.ToString(first.Certificate) {
		t.Fatal("the signing certificate changed between calls")
	}
	other := idp17Pool(t, c, "other")
	third := must[*cognito.GetSigningCertificateOutput](t)(c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: aws.String(other)}))
	if aws.ToString(third.Certificate) == aws.ToString(first.Certificate) {
		t.Fatal("two pools share a signing certificate")
	}
	_, err = c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: aws.String("us-east-1_nopenope0")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

// A provider's client_secret is sealed at rest: not in its record, nor in
// the database files.
func TestIdentityProviderSecretSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	pool := idp17Pool(t, c, "sealed")
	const secret = "idp17-provider-client-secret-value"
	must[*cognito.CreateIdentityProviderOutput](t)(c.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: map[string]string{"client_id": "cid", "client_secret": secret, "authorize_scopes": "openid"}}))
	rec, err := ts.App.Store().GetIdentityProvider(ctx, pool, "Google")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rec.Doc, []byte(secret)) || !bytes.Contains(rec.Doc, []byte(`"client_secret":"sealed:`)) {
		t.Fatalf("stored provider record: %s", rec.Doc)
	}
	d := must[*cognito.DescribeIdentityProviderOutput](t)(c.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google")}))
	if d.IdentityProvider.ProviderDetails["client_secret"] != secret {
		t.Fatalf("described secret %q", d.IdentityProvider.ProviderDetails["client_secret"])
	}
	p, err := ts.App.IdentityProviders().Provider(ctx, pool, "Google")
	if err != nil || p.Details["client_secret"] != secret {
		t.Fatalf("provider view: %v %v", p, err)
	}
	// An update keeps it sealed.
	must[*cognito.UpdateIdentityProviderOutput](t)(c.UpdateIdentityProvider(ctx, &cognito.UpdateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderDetails: map[string]string{"authorize_scopes": "openid email"}}))
	rec, _ = ts.App.Store().GetIdentityProvider(ctx, pool, "Google")
	if bytes.Contains(rec.Doc, []byte(secret)) {
		t.Fatalf("the update stored the secret in the clear: %s", rec.Doc)
	}
	ts.stop()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the provider's client secret in the clear", filepath.Base(f))
		}
	}
}
