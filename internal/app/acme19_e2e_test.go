package app_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	legoacme "github.com/go-acme/lego/v5/acme"
	"github.com/go-acme/lego/v5/certcrypto"
	"github.com/go-acme/lego/v5/certificate"
	"github.com/go-acme/lego/v5/lego"
	legolog "github.com/go-acme/lego/v5/log"
	"github.com/go-acme/lego/v5/registration"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/edge/edgetest"
)

// acmeSetup is an ACME endpoint with a prevalidated domain and an external
// account binding, made through the ACM API.
type acmeSetup struct {
	endpointArn, directory, eabArn, kid, hmac string
}

func newACMEEndpoint(t *testing.T, ctx context.Context, c *acm.Client, domain string, scope *acmtypes.DomainScope) acmeSetup {
	t.Helper()
	ep := must[*acm.CreateAcmeEndpointOutput](t)(c.CreateAcmeEndpoint(ctx, &acm.CreateAcmeEndpointInput{
		AuthorizationBehavior: acmtypes.AcmeAuthorizationBehaviorPreApproved,
		CertificateAuthority:  &acmtypes.CertificateAuthorityMemberPublicCertificateAuthority{Value: acmtypes.PublicCertificateAuthority{}},
		CertificateTags:       []acmtypes.Tag{{Key: aws.String("team"), Value: aws.String("payments")}},
	}))
	d := must[*acm.DescribeAcmeEndpointOutput](t)(c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: ep.AcmeEndpointArn}))
	must[*acm.CreateAcmeDomainValidationOutput](t)(c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{
		AcmeEndpointArn: ep.AcmeEndpointArn, DomainName: aws.String(domain),
		PrevalidationOptions: &acmtypes.PrevalidationOptionsMemberDnsPrevalidation{Value: acmtypes.DnsPrevalidationOptions{DomainScope: scope}},
	}))
	eab := must[*acm.CreateAcmeExternalAccountBindingOutput](t)(c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{
		AcmeEndpointArn: ep.AcmeEndpointArn, RoleArn: aws.String("arn:aws:iam::000000000000:role/AcmeIssuanceRole"),
	}))
	cred := must[*acm.GetAcmeExternalAccountBindingCredentialsOutput](t)(c.GetAcmeExternalAccountBindingCredentials(ctx, &acm.GetAcmeExternalAccountBindingCredentialsInput{
		AcmeExternalAccountBindingArn: eab.ExternalAccountBinding.AcmeExternalAccountBindingArn}))
	return acmeSetup{endpointArn: *ep.AcmeEndpointArn, directory: *d.AcmeEndpoint.EndpointUrl,
		eabArn: *eab.ExternalAccountBinding.AcmeExternalAccountBindingArn, kid: *cred.KeyId, hmac: *cred.MacKey}
}

// startACMEServer starts a server whose public URL is an HTTPS front on
// loopback (a TLS-terminating reverse proxy to the API listener, as a
// deployment puts one): ACME clients refuse a plain-HTTP directory (lego:
// "HTTPS is required"). roots trusts the front's certificate; caFile holds
// it in PEM for certbot (REQUESTS_CA_BUNDLE).
func startACMEServer(t *testing.T) (ts *testServer, roots *x509.CertPool, caFile string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front := "https://" + ln.Addr().String()
	ts = startServerWith(t, t.TempDir(), func(c *config.Config) { c.PublicURL = front })
	target, _ := url.Parse(ts.URL)
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	proxy.Listener.Close()
	proxy.Listener = ln
	proxy.StartTLS()
	t.Cleanup(proxy.Close)
	roots = x509.NewCertPool()
	roots.AddCert(proxy.Certificate())
	caFile = filepath.Join(t.TempDir(), "front.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return ts, roots, caFile
}

// legoUser is lego's view of an ACME account.
type legoUser struct {
	key crypto.Signer
	reg *legoacme.ExtendedAccount
}

func (u *legoUser) GetEmail() string                           { return "ops@example.test" }
func (u *legoUser) GetRegistration() *legoacme.ExtendedAccount { return u.reg }
func (u *legoUser) GetPrivateKey() crypto.Signer               { return u.key }

func newLego(t *testing.T, directory string, roots *x509.CertPool) (*lego.Client, *legoUser) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u := &legoUser{key: key}
	legolog.SetDefault(slog.New(slog.DiscardHandler)) // lego logs each step at Info
	cfg := lego.NewConfig(u)
	cfg.CADirURL = directory
	cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	cl, err := lego.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cl, u
}

// TestACMELegoCustomDomain is the central path end to end: lego (the Go ACME
// client) registers with EAB and obtains a certificate for a prevalidated
// domain; ACM lists it with its ACME origin and no key; the team imports it
// with the key lego kept, names it on a custom domain with
// UpdateUserPoolDomain, and a TLS handshake to that domain gets it.
func TestACMELegoCustomDomain(t *testing.T) {
	ts, roots, _ := startACMEServer(t)
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	const host = "auth.acme.example.test"
	setup := newACMEEndpoint(t, ctx, c, "acme.example.test", &acmtypes.DomainScope{Subdomains: acmtypes.DomainScopeOptionEnabled})
	if want := "https://"; !strings.HasPrefix(setup.directory, want) || !strings.HasSuffix(setup.directory, "/directory") {
		t.Fatalf("EndpointUrl %s", setup.directory)
	}

	cl, u := newLego(t, setup.directory, roots)
	if !cl.GetServerMetadata().ExternalAccountRequired {
		t.Fatal("the directory does not say externalAccountRequired")
	}
	// Without EAB, registration is refused.
	if _, err := cl.Registration.Register(ctx, registration.RegisterOptions{TermsOfServiceAgreed: true}); err == nil || !strings.Contains(err.Error(), "externalAccountRequired") {
		t.Fatalf("register without EAB: %v", err)
	}
	// With a wrong MAC key, too.
	if _, err := cl.Registration.RegisterWithExternalAccountBinding(ctx, registration.RegisterEABOptions{TermsOfServiceAgreed: true, Kid: setup.kid, HmacEncoded: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Fatalf("register with a wrong MAC key: %v", err)
	}
	reg, err := cl.Registration.RegisterWithExternalAccountBinding(ctx, registration.RegisterEABOptions{TermsOfServiceAgreed: true, Kid: setup.kid, HmacEncoded: setup.hmac})
	if err != nil {
		t.Fatalf("register with EAB: %v", err)
	}
	u.reg = reg
	if reg.Status != "valid" || !strings.HasPrefix(reg.Location, strings.TrimSuffix(setup.directory, "directory")+"acct/") {
		t.Fatalf("account %+v", reg)
	}
	// A name no domain validation covers is refused.
	if _, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{"auth.other.example.test"}, Bundle: true, KeyType: certcrypto.EC256}); err == nil || !strings.Contains(err.Error(), "rejectedIdentifier") {
		t.Fatalf("order for an unvalidated name: %v", err)
	}
	res, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{host}, Bundle: true, KeyType: certcrypto.RSA2048})
	if err != nil {
		t.Fatalf("obtain: %v", err)
	}
	leaf := parsePEM(t, res.Certificate)
	if !slices.Equal(leaf.DNSNames, []string{host}) {
		t.Fatalf("issued for %v", leaf.DNSNames)
	}
	caPEM, err := caPEMOf(ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: rootsOf(caPEM), DNSName: host}); err != nil {
		t.Fatalf("the certificate does not verify with gognito's CA: %v", err)
	}

	// ACM lists it with its ACME origin, the endpoint and the account.
	list := must[*acm.ListCertificatesOutput](t)(c.ListCertificates(ctx, &acm.ListCertificatesInput{}))
	var arn string
	for _, s := range list.CertificateSummaryList {
		if aws.ToString(s.DomainName) == host {
			arn = *s.CertificateArn
			if s.CertificateKeyPairOrigin != acmtypes.CertificateKeyPairOriginAcme || s.Type != acmtypes.CertificateTypeAmazonIssued {
				t.Fatalf("summary %+v", s)
			}
		}
	}
	if arn == "" {
		t.Fatalf("ListCertificates does not list the ACME certificate: %+v", list.CertificateSummaryList)
	}
	det := must[*acm.DescribeCertificateOutput](t)(c.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: &arn})).Certificate
	if det.CertificateKeyPairOrigin != acmtypes.CertificateKeyPairOriginAcme || aws.ToString(det.AcmeEndpointArn) != setup.endpointArn ||
		aws.ToString(det.AcmeAccountId) == "" || !strings.HasSuffix(reg.Location, "/"+aws.ToString(det.AcmeAccountId)) ||
		det.Status != acmtypes.CertificateStatusIssued || aws.ToString(det.Serial) == "" {
		t.Fatalf("DescribeCertificate %+v", det)
	}
	tags := must[*acm.ListTagsForCertificateOutput](t)(c.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: &arn}))
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Fatalf("the endpoint's CertificateTags are not on the certificate: %+v", tags.Tags)
	}
	got := must[*acm.GetCertificateOutput](t)(c.GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: &arn}))
	if !parsePEM(t, []byte(*got.Certificate)).Equal(leaf) {
		t.Fatal("GetCertificate returns another certificate")
	}
	// The account as ACM shows it.
	acct := must[*acm.DescribeAcmeAccountOutput](t)(c.DescribeAcmeAccount(ctx, &acm.DescribeAcmeAccountInput{AcmeEndpointArn: &setup.endpointArn, AccountUrl: &reg.Location})).AcmeAccount
	if acct.Status != acmtypes.AcmeAccountStatusValid || aws.ToString(acct.AcmeExternalAccountBindingArn) != setup.eabArn || aws.ToString(acct.PublicKeyThumbprint) == "" {
		t.Fatalf("DescribeAcmeAccount %+v", acct)
	}
	eab := must[*acm.DescribeAcmeExternalAccountBindingOutput](t)(c.DescribeAcmeExternalAccountBinding(ctx, &acm.DescribeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &setup.eabArn})).ExternalAccountBinding
	if eab.LastUsedAt == nil {
		t.Fatalf("the binding's LastUsedAt is not set: %+v", eab)
	}

	// The team imports it with the key lego kept, and names it on a custom domain.
	imported := *must[*acm.ImportCertificateOutput](t)(c.ImportCertificate(ctx, &acm.ImportCertificateInput{
		Certificate: pemFirst(t, res.Certificate), PrivateKey: res.PrivateKey, CertificateChain: caPEM})).CertificateArn
	other := *must[*acm.RequestCertificateOutput](t)(c.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String(host)})).CertificateArn
	cg := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(cg.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("acme")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(cg.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &other}}))
	// The ACME certificate itself has no key in ACM: a domain cannot name it.
	_, err = cg.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}})
	wantAPIError(t, err, "InvalidParameterException", "InvalidViewerCertificate")
	must[*cognito.UpdateUserPoolDomainOutput](t)(cg.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &imported}}))
	edgeRoots := rootsOf(caPEM)
	waitFor(t, 2*time.Second, "the ACME certificate to be served", func() (bool, error) {
		served, err := edgetest.Handshake(ts.EdgeAddr, host, edgeRoots)
		return err == nil && served.Equal(leaf), err
	})

	// Revoked through ACME by its account: ACM shows it REVOKED.
	if err := cl.Certificate.Revoke(ctx, res.Certificate); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	det = must[*acm.DescribeCertificateOutput](t)(c.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: &arn})).Certificate
	if det.Status != acmtypes.CertificateStatusRevoked || det.RevokedAt == nil {
		t.Fatalf("after revocation: %+v", det)
	}
	if err := cl.Certificate.Revoke(ctx, res.Certificate); err == nil || !strings.Contains(err.Error(), "alreadyRevoked") {
		t.Fatalf("second revocation: %v", err)
	}

	// RevokeAcmeAccount: the account's requests are refused from then on.
	must[*acm.RevokeAcmeAccountOutput](t)(c.RevokeAcmeAccount(ctx, &acm.RevokeAcmeAccountInput{AcmeEndpointArn: &setup.endpointArn, AccountUrl: &reg.Location}))
	if _, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{host}, KeyType: certcrypto.EC256}); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Fatalf("order by a revoked account: %v", err)
	}
	_, err = c.RevokeAcmeAccount(ctx, &acm.RevokeAcmeAccountInput{AcmeEndpointArn: &setup.endpointArn, AccountUrl: &reg.Location})
	wantAPIError(t, err, "ConflictException", "already revoked")
}

// pemFirst is the first PEM block of a bundle.
func pemFirst(t *testing.T, bundle []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(bundle)
	if b == nil {
		t.Fatal("no PEM block")
	}
	return pem.EncodeToMemory(b)
}

// TestACMELegoAccountLifecycle: a revoked binding registers no account, a
// deleted domain validation stops new orders, wildcards follow the scope,
// and an account deactivates itself.
func TestACMELegoAccountLifecycle(t *testing.T) {
	ts, roots, _ := startACMEServer(t)
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	setup := newACMEEndpoint(t, ctx, c, "svc.example.test", &acmtypes.DomainScope{Wildcards: acmtypes.DomainScopeOptionEnabled})

	cl, u := newLego(t, setup.directory, roots)
	reg, err := cl.Registration.RegisterWithExternalAccountBinding(ctx, registration.RegisterEABOptions{TermsOfServiceAgreed: true, Kid: setup.kid, HmacEncoded: setup.hmac})
	if err != nil {
		t.Fatal(err)
	}
	u.reg = reg
	// Exact name and wildcard allowed; a subdomain is not (Subdomains DISABLED).
	res, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{"svc.example.test", "*.svc.example.test"}, KeyType: certcrypto.EC256})
	if err != nil {
		t.Fatalf("obtain exact + wildcard: %v", err)
	}
	if leaf := parsePEM(t, res.Certificate); !slices.Contains(leaf.DNSNames, "*.svc.example.test") {
		t.Fatalf("names %v", leaf.DNSNames)
	}
	if _, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{"a.svc.example.test"}, KeyType: certcrypto.EC256}); err == nil || !strings.Contains(err.Error(), "rejectedIdentifier") {
		t.Fatalf("subdomain with Subdomains DISABLED: %v", err)
	}

	// Revoking the binding stops new registrations; the account stays valid.
	must[*acm.RevokeAcmeExternalAccountBindingOutput](t)(c.RevokeAcmeExternalAccountBinding(ctx, &acm.RevokeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &setup.eabArn}))
	cl2, _ := newLego(t, setup.directory, roots)
	if _, err := cl2.Registration.RegisterWithExternalAccountBinding(ctx, registration.RegisterEABOptions{TermsOfServiceAgreed: true, Kid: setup.kid, HmacEncoded: setup.hmac}); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("register with a revoked binding: %v", err)
	}
	// Deleting the validation stops new orders.
	vals := must[*acm.ListAcmeDomainValidationsOutput](t)(c.ListAcmeDomainValidations(ctx, &acm.ListAcmeDomainValidationsInput{AcmeEndpointArn: &setup.endpointArn}))
	if len(vals.AcmeDomainValidations) != 1 {
		t.Fatalf("validations %+v", vals.AcmeDomainValidations)
	}
	must[*acm.DeleteAcmeDomainValidationOutput](t)(c.DeleteAcmeDomainValidation(ctx, &acm.DeleteAcmeDomainValidationInput{AcmeDomainValidationArn: vals.AcmeDomainValidations[0].AcmeDomainValidationArn}))
	if _, err := cl.Certificate.Obtain(ctx, certificate.ObtainRequest{Domains: []string{"svc.example.test"}, KeyType: certcrypto.EC256}); err == nil || !strings.Contains(err.Error(), "rejectedIdentifier") {
		t.Fatalf("order after the validation was deleted: %v", err)
	}
	// The account deactivates itself (RFC 8555 §7.3.6).
	if err := cl.Registration.DeleteRegistration(ctx); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	acct := must[*acm.DescribeAcmeAccountOutput](t)(c.DescribeAcmeAccount(ctx, &acm.DescribeAcmeAccountInput{AcmeEndpointArn: &setup.endpointArn, AccountUrl: &reg.Location})).AcmeAccount
	if acct.Status != acmtypes.AcmeAccountStatusDeactivated {
		t.Fatalf("after deactivation: %+v", acct)
	}
}

// TestACMECertbot has Debian's certbot (scripts/certbot-deps.sh installs it)
// obtain a certificate from a gognito ACME endpoint with EAB for a
// prevalidated domain, over plain HTTP on loopback. The authorization is
// valid before certbot asks (PRE_APPROVED), so certbot's manual
// authenticator is never run: its hook is /bin/false to prove it.
func TestACMECertbot(t *testing.T) {
	certbot, err := exec.LookPath("certbot")
	if err != nil {
		t.Fatal("certbot is missing: run scripts/certbot-deps.sh (make test does)")
	}
	ts, _, caFile := startACMEServer(t)
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	const host = "www.certbot.example.test"
	setup := newACMEEndpoint(t, ctx, c, host, nil)
	dir := t.TempDir()
	cmd := exec.CommandContext(ctx, certbot, "certonly", "--non-interactive", "--agree-tos",
		"--email", "ops@example.test", "--no-eff-email",
		"--server", setup.directory, "--eab-kid", setup.kid, "--eab-hmac-key", setup.hmac,
		"--manual", "--preferred-challenges", "dns", "--manual-auth-hook", "/bin/false",
		"--config-dir", filepath.Join(dir, "config"), "--work-dir", filepath.Join(dir, "work"), "--logs-dir", filepath.Join(dir, "logs"),
		"--domain", host)
	cmd.Env = append(os.Environ(), "HOME="+dir, "REQUESTS_CA_BUNDLE="+caFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("certbot: %v\n%s", err, out)
	}
	certPEM, err := os.ReadFile(filepath.Join(dir, "config", "live", host, "cert.pem"))
	if err != nil {
		t.Fatalf("certbot wrote no certificate: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "config", "live", host, "privkey.pem")); err != nil {
		t.Fatalf("certbot kept no private key: %v", err)
	}
	leaf := parsePEM(t, certPEM)
	caPEM, err := caPEMOf(ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: rootsOf(caPEM), DNSName: host}); err != nil {
		t.Fatalf("certbot's certificate does not verify: %v", err)
	}
	// certbot's key is ECDSA P-256: ListCertificates shows only RSA keys unless asked (as ACM).
	list := must[*acm.ListCertificatesOutput](t)(c.ListCertificates(ctx, &acm.ListCertificatesInput{
		Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}}))
	found := false
	for _, s := range list.CertificateSummaryList {
		if aws.ToString(s.DomainName) == host && s.CertificateKeyPairOrigin == acmtypes.CertificateKeyPairOriginAcme {
			found = true
		}
	}
	if !found {
		t.Fatalf("ACM does not list certbot's certificate with its ACME origin: %+v", list.CertificateSummaryList)
	}
	accts := must[*acm.ListAcmeAccountsOutput](t)(c.ListAcmeAccounts(ctx, &acm.ListAcmeAccountsInput{AcmeEndpointArn: &setup.endpointArn}))
	if len(accts.AcmeAccounts) != 1 || len(accts.AcmeAccounts[0].Contacts) != 1 || accts.AcmeAccounts[0].Contacts[0] != "mailto:ops@example.test" {
		t.Fatalf("accounts %+v", accts.AcmeAccounts)
	}
}
