package app_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/edge/edgetest"
)

var cloudFrontRE = regexp.MustCompile(`^d[a-z0-9]{13}\.cloudfront\.net$`)

// importCert imports a certificate for names (valid from notBefore to
// notAfter, signed by ca) through the ACM API and returns its ARN.
func importCert(t *testing.T, c *acm.Client, ca *certtest.CA, names []string, notBefore, notAfter time.Time) string {
	t.Helper()
	certPEM, keyPEM := ca.Leaf(t, names, notBefore, notAfter)
	out, err := c.ImportCertificate(context.Background(), &acm.ImportCertificateInput{
		Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: ca.PEM(),
	})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return *out.CertificateArn
}

func reimportCert(t *testing.T, c *acm.Client, ca *certtest.CA, arn string, names []string) *x509.Certificate {
	t.Helper()
	certPEM, keyPEM := ca.Leaf(t, names, time.Now().Add(-time.Hour), time.Now().Add(48*time.Hour))
	if _, err := c.ImportCertificate(context.Background(), &acm.ImportCertificateInput{
		CertificateArn: &arn, Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: ca.PEM(),
	}); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	return parsePEM(t, certPEM)
}

// importExpiring imports a certificate that expires shortly (ACM refuses to
// import one that has already expired) and returns its ARN and expiry.
func importExpiring(t *testing.T, c *acm.Client, ca *certtest.CA, names []string) (string, time.Time) {
	t.Helper()
	notAfter := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
	if time.Until(notAfter) < 500*time.Millisecond {
		notAfter = notAfter.Add(time.Second)
	}
	return importCert(t, c, ca, names, time.Now().Add(-time.Hour), notAfter), notAfter
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t) + 50*time.Millisecond) }

func parsePEM(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rootsOf(pemBytes []byte) *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(pemBytes)
	return p
}

func describeDomain(t *testing.T, c *cognito.Client, domain string) *types.DomainDescriptionType {
	t.Helper()
	return must[*cognito.DescribeUserPoolDomainOutput](t)(c.DescribeUserPoolDomain(context.Background(), &cognito.DescribeUserPoolDomainInput{Domain: &domain})).DomainDescription
}

func TestPrefixDomains(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("p")})).UserPool
	other := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("q")})).UserPool

	// Unknown: 200 with an empty description.
	if d := describeDomain(t, c, "myapp"); d == nil || d.Status != "" || d.UserPoolId != nil {
		t.Fatalf("unknown domain: %+v", d)
	}

	out := must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: pool.Id}))
	if out.CloudFrontDomain != nil || aws.ToInt32(out.ManagedLoginVersion) != 1 {
		t.Fatalf("prefix create response: CloudFrontDomain %v, ManagedLoginVersion %v", out.CloudFrontDomain, out.ManagedLoginVersion)
	}
	d := describeDomain(t, c, "myapp")
	if aws.ToString(d.UserPoolId) != *pool.Id || aws.ToString(d.AWSAccountId) != "000000000000" || aws.ToString(d.Domain) != "myapp" ||
		aws.ToString(d.S3Bucket) != "aws-cognito-prod-iad-assets" || !cloudFrontRE.MatchString(aws.ToString(d.CloudFrontDistribution)) ||
		!regexp.MustCompile(`^\d{14}$`).MatchString(aws.ToString(d.Version)) || d.Status != types.DomainStatusTypeActive ||
		d.CustomDomainConfig == nil || d.CustomDomainConfig.CertificateArn != nil || aws.ToInt32(d.ManagedLoginVersion) != 1 {
		t.Fatalf("prefix describe: %+v", d)
	}
	up := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id})).UserPool
	if aws.ToString(up.Domain) != "myapp" || up.CustomDomain != nil {
		t.Fatalf("DescribeUserPool domain %v custom %v", up.Domain, up.CustomDomain)
	}

	cases := []struct{ domain, pool, want string }{
		{"my-aws-app", *other.Id, "Domain cannot contain reserved word: aws"},
		{"amazonish", *other.Id, "Domain cannot contain reserved word: amazon"},
		{"cognito", *other.Id, "Domain cannot contain reserved word: cognito"},
		{"auth.example.com", *other.Id, "The domain name contains an invalid character."},
		{"Upper", *other.Id, "The domain name contains an invalid character."},
		{"-dash", *other.Id, "The domain name contains an invalid character."},
		{"myapp", *other.Id, "Domain already associated with another user pool."},
		{"second", *pool.Id, "User pool already has a domain configured."},
	}
	for _, tc := range cases {
		_, err := c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(tc.domain), UserPoolId: aws.String(tc.pool)})
		wantAPIError(t, err, "InvalidParameterException", tc.want)
	}
	_, err := c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("fresh"), UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	_, err = ts.client("us-east-1", true).CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'domain' failed to satisfy constraint: Member must not be null")
	_, err = c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("bare"), UserPoolId: other.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000")}})
	wantAPIError(t, err, "InvalidParameterException", "Custom domain is not a valid subdomain")

	// A prefix is unique per Region: another Region may use it.
	eu := ts.client("eu-west-1", false)
	euPool := must[*cognito.CreateUserPoolOutput](t)(eu.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("eu")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(eu.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: euPool.Id}))
	if d := describeDomain(t, eu, "myapp"); aws.ToString(d.UserPoolId) != *euPool.Id || aws.ToString(d.S3Bucket) != "aws-cognito-prod-dub-assets" {
		t.Fatalf("eu describe: %+v", d)
	}

	// Served on the HTTPS edge with the local CA's certificate, and on the
	// plain listener by Host.
	resp, err := http.Get(ts.URL + "/_gognito/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	caPEM, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	roots := rootsOf(caPEM)
	host := "myapp.auth.us-east-1.localhost"
	leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
	if err != nil {
		t.Fatalf("prefix domain handshake: %v", err)
	}
	if err := leaf.VerifyHostname(host); err != nil {
		t.Fatal(err)
	}
	if _, err := edgetest.Handshake(ts.EdgeAddr, "nothere.auth.us-east-1.localhost", roots); err == nil {
		t.Fatal("an unknown prefix got a certificate")
	}
	page := getBody(t, h2Client(ts.EdgeAddr, roots), "https://"+host+"/")
	if !strings.Contains(page, *pool.Id) {
		t.Fatalf("edge page does not name the pool: %s", page)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
	req.Host = host
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), *pool.Id) {
		t.Fatalf("plain listener by Host: %d %s", resp.StatusCode, b)
	}

	// Update a prefix domain: only the managed login version; a certificate is refused.
	u := must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: pool.Id, ManagedLoginVersion: aws.Int32(2)}))
	if u.CloudFrontDomain != nil || aws.ToInt32(u.ManagedLoginVersion) != 2 {
		t.Fatalf("prefix update response %+v", u)
	}
	if d := describeDomain(t, c, "myapp"); aws.ToInt32(d.ManagedLoginVersion) != 2 || d.Status != types.DomainStatusTypeActive {
		t.Fatalf("after update: %+v", d)
	}
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000")}})
	wantAPIError(t, err, "InvalidParameterException", "User pool should have a custom domain associated, failed to update the certificate.")
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: other.Id, ManagedLoginVersion: aws.Int32(1)})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")

	// Delete: refused for the wrong pool or an unknown domain; the pool
	// cannot go while it has a domain.
	_, err = c.DeleteUserPoolDomain(ctx, &cognito.DeleteUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: other.Id})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	_, err = c.DeleteUserPoolDomain(ctx, &cognito.DeleteUserPoolDomainInput{Domain: aws.String("never"), UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	_, err = c.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	must[*cognito.DeleteUserPoolDomainOutput](t)(c.DeleteUserPoolDomain(ctx, &cognito.DeleteUserPoolDomainInput{Domain: aws.String("myapp"), UserPoolId: pool.Id}))
	if d := describeDomain(t, c, "myapp"); d.Status != "" {
		t.Fatalf("deleted domain still described: %+v", d)
	}
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, roots); err == nil {
		t.Fatal("a deleted domain is still served")
	}
	must[*cognito.DeleteUserPoolOutput](t)(c.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: pool.Id}))
}

func getBody(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestCustomDomainRules(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.CustomDomainQuota = 2 })
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	now := time.Now()
	good := importCert(t, certs, ca, []string{"auth.example.test"}, now.Add(-time.Hour), now.Add(48*time.Hour))
	wild := importCert(t, certs, ca, []string{"*.example.test"}, now.Add(-time.Hour), now.Add(48*time.Hour))
	expired, expiry := importExpiring(t, certs, ca, []string{"auth.example.test"})
	wrongName := importCert(t, certs, ca, []string{"other.example.org"}, now.Add(-time.Hour), now.Add(48*time.Hour))
	euARN := importCert(t, ts.acmClient("eu-west-1"), ca, []string{"auth.example.test"}, now.Add(-time.Hour), now.Add(48*time.Hour))
	if !strings.HasPrefix(euARN, "arn:aws:acm:eu-west-1:") {
		t.Fatalf("eu certificate ARN %s", euARN)
	}
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("custom")})).UserPool
	create := func(domain, arn string, poolID *string) (*cognito.CreateUserPoolDomainOutput, error) {
		return c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(domain), UserPoolId: poolID,
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(arn)}})
	}
	const viewer = "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain."
	sleepUntil(expiry)
	for _, arn := range []string{expired, wrongName, euARN, "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000"} {
		_, err := create("auth.example.test", arn, pool.Id)
		wantAPIError(t, err, "InvalidParameterException", viewer)
	}
	_, err := create("example.test", good, pool.Id)
	wantAPIError(t, err, "InvalidParameterException", "Custom domain is not a valid subdomain")

	out := must[*cognito.CreateUserPoolDomainOutput](t)(create("auth.example.test", good, pool.Id))
	if !cloudFrontRE.MatchString(aws.ToString(out.CloudFrontDomain)) || aws.ToInt32(out.ManagedLoginVersion) != 1 {
		t.Fatalf("custom create response %+v", out)
	}
	d := describeDomain(t, c, "auth.example.test")
	if aws.ToString(d.CustomDomainConfig.CertificateArn) != good || d.Status != types.DomainStatusTypeActive ||
		aws.ToString(d.CloudFrontDistribution) != aws.ToString(out.CloudFrontDomain) || aws.ToString(d.UserPoolId) != *pool.Id {
		t.Fatalf("custom describe %+v", d)
	}
	// A pool may have a prefix and a custom domain together.
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("custom-prefix"), UserPoolId: pool.Id}))
	up := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id})).UserPool
	if aws.ToString(up.CustomDomain) != "auth.example.test" || aws.ToString(up.Domain) != "custom-prefix" {
		t.Fatalf("DescribeUserPool domains %v %v", up.Domain, up.CustomDomain)
	}
	_, err = create("login.example.test", wild, pool.Id)
	wantAPIError(t, err, "InvalidParameterException", "User pool already has a domain configured.")
	pool2 := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("custom2")})).UserPool
	_, err = create("auth.example.test", good, pool2.Id)
	wantAPIError(t, err, "InvalidParameterException", "Domain already associated with another user pool.")
	must[*cognito.CreateUserPoolDomainOutput](t)(create("login.example.test", wild, pool2.Id))
	pool3 := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("custom3")})).UserPool
	_, err = create("www.example.test", wild, pool3.Id)
	wantAPIError(t, err, "LimitExceededException", "")

	// The certificate cannot be deleted while a domain uses it.
	_, err = certs.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: &good})
	wantAPIError(t, err, "ResourceInUseException", "")
	dc := must[*acm.DescribeCertificateOutput](t)(certs.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: &good}))
	if len(dc.Certificate.InUseBy) != 1 || !strings.HasPrefix(dc.Certificate.InUseBy[0], "arn:aws:cloudfront::000000000000:distribution/") {
		t.Fatalf("InUseBy %v", dc.Certificate.InUseBy)
	}

	// Update rules.
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("auth.example.test"), UserPoolId: pool.Id, ManagedLoginVersion: aws.Int32(2)})
	wantAPIError(t, err, "InvalidParameterException", "Cannot convert custom domain to prefix domain.")
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("nothere.example.test"), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &good}})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("auth.example.test"), UserPoolId: pool2.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &good}})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	u := must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("auth.example.test"), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &wild}, ManagedLoginVersion: aws.Int32(2)}))
	if aws.ToString(u.CloudFrontDomain) != aws.ToString(out.CloudFrontDomain) || aws.ToInt32(u.ManagedLoginVersion) != 2 {
		t.Fatalf("update response %+v (CloudFrontDomain must be stable)", u)
	}
	if d := describeDomain(t, c, "auth.example.test"); aws.ToString(d.CustomDomainConfig.CertificateArn) != wild || d.Status != types.DomainStatusTypeActive {
		t.Fatalf("after update %+v", d)
	}
	// Now the first certificate is free to go.
	must[*acm.DeleteCertificateOutput](t)(certs.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: &good}))

	must[*cognito.DeleteUserPoolDomainOutput](t)(c.DeleteUserPoolDomain(ctx, &cognito.DeleteUserPoolDomainInput{Domain: aws.String("auth.example.test"), UserPoolId: pool.Id}))
	if d := describeDomain(t, c, "auth.example.test"); d.Status != "" {
		t.Fatalf("deleted custom domain: %+v", d)
	}
	up = must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: pool.Id})).UserPool
	if up.CustomDomain != nil || aws.ToString(up.Domain) != "custom-prefix" {
		t.Fatalf("after delete: %v %v", up.Domain, up.CustomDomain)
	}
}

// TestDomainStatusFollowsPropagation uses the propagation delay setting: a
// change is CREATING/UPDATING/DELETING for that long, then settles.
func TestDomainStatusFollowsPropagation(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.DomainPropagationDelay = 600 * time.Millisecond })
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("slow")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("slow"), UserPoolId: pool.Id}))
	if d := describeDomain(t, c, "slow"); d.Status != types.DomainStatusTypeCreating {
		t.Fatalf("status right after create: %s", d.Status)
	}
	waitFor(t, 5*time.Second, "ACTIVE", func() (bool, error) { return describeDomain(t, c, "slow").Status == types.DomainStatusTypeActive, nil })
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("slow"), UserPoolId: pool.Id, ManagedLoginVersion: aws.Int32(2)}))
	if d := describeDomain(t, c, "slow"); d.Status != types.DomainStatusTypeUpdating {
		t.Fatalf("status right after update: %s", d.Status)
	}
	waitFor(t, 5*time.Second, "ACTIVE after update", func() (bool, error) { return describeDomain(t, c, "slow").Status == types.DomainStatusTypeActive, nil })
	must[*cognito.DeleteUserPoolDomainOutput](t)(c.DeleteUserPoolDomain(ctx, &cognito.DeleteUserPoolDomainInput{Domain: aws.String("slow"), UserPoolId: pool.Id}))
	if d := describeDomain(t, c, "slow"); d.Status != types.DomainStatusTypeDeleting {
		t.Fatalf("status right after delete: %s", d.Status)
	}
	waitFor(t, 5*time.Second, "the domain to disappear", func() (bool, error) { return describeDomain(t, c, "slow").Status == "", nil })
}

// TestCertificateRotation is the heart of the product: UpdateUserPoolDomain
// with a new certificate while handshakes run, with no failed handshake, the
// new certificate served within a second, and open HTTP/2 connections
// carrying on.
func TestCertificateRotation(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	now := time.Now()
	const host = "auth.example.test"
	certA, keyA := ca.Leaf(t, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	certB, keyB := ca.Leaf(t, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	arnA := *must[*acm.ImportCertificateOutput](t)(certs.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certA, PrivateKey: keyA, CertificateChain: ca.PEM()})).CertificateArn
	arnB := *must[*acm.ImportCertificateOutput](t)(certs.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certB, PrivateKey: keyB, CertificateChain: ca.PEM()})).CertificateArn
	leafA, leafB := parsePEM(t, certA), parsePEM(t, certB)

	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("rotate")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnA}}))
	leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
	if err != nil || !leaf.Equal(leafA) {
		t.Fatalf("before the update: %v (A served: %v)", err, err == nil && leaf.Equal(leafA))
	}

	// An HTTP/2 connection opened before the update.
	client := h2Client(ts.EdgeAddr, roots)
	resp, err := client.Get("https://" + host + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Proto != "HTTP/2.0" {
		t.Fatalf("proto %s, want HTTP/2.0", resp.Proto)
	}

	loop := edgetest.StartHandshakeLoop(ts.EdgeAddr, host, roots, 20000, 20*time.Second)
	time.Sleep(150 * time.Millisecond)
	out := must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnB}}))
	returned := time.Now()
	if !cloudFrontRE.MatchString(aws.ToString(out.CloudFrontDomain)) {
		t.Fatalf("update response %+v", out)
	}
	var servedB time.Time
	waitFor(t, time.Second, "certificate B to be served", func() (bool, error) {
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		if err == nil && leaf.Equal(leafB) {
			servedB = time.Now()
			return true, nil
		}
		return false, err
	})
	time.Sleep(150 * time.Millisecond)
	loop.Finish()
	if n := loop.Failed.Load(); n != 0 {
		t.Fatalf("%d failed handshakes during the rotation (of %d); first: %v", n, n+loop.OK.Load(), loop.FirstErr)
	}
	if loop.OK.Load() < 10 {
		t.Fatalf("only %d handshakes ran", loop.OK.Load())
	}
	if _, ok := loop.Seen[leafB.SerialNumber.String()]; !ok {
		t.Fatal("the handshake loop never saw certificate B")
	}
	t.Logf("B served %v after UpdateUserPoolDomain returned; %d handshakes, 0 failed", servedB.Sub(returned).Round(time.Millisecond), loop.OK.Load())
	waitFor(t, 2*time.Second, "ACTIVE", func() (bool, error) { return describeDomain(t, c, host).Status == types.DomainStatusTypeActive, nil })

	// The connection opened before the update still answers, on the same connection.
	reused := false
	req, _ := http.NewRequest(http.MethodGet, "https://"+host+"/", nil)
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
	resp, err = client.Do(req)
	if err != nil {
		t.Fatalf("old HTTP/2 connection after the update: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !reused || resp.Proto != "HTTP/2.0" || !strings.Contains(string(b), *pool.Id) {
		t.Fatalf("old connection: status %d reused %v proto %s", resp.StatusCode, reused, resp.Proto)
	}
}

// TestCertificateRenewal re-imports a new certificate under the ARN a domain
// uses: with no Cognito call, the edge serves it within a second, with no
// failed handshake.
func TestCertificateRenewal(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	const host = "login.example.test"
	arn := importCert(t, certs, ca, []string{host}, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("renew")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}))
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, roots); err != nil {
		t.Fatal(err)
	}
	loop := edgetest.StartHandshakeLoop(ts.EdgeAddr, host, roots, 20000, 20*time.Second)
	time.Sleep(150 * time.Millisecond)
	renewed := reimportCert(t, certs, ca, arn, []string{host})
	returned := time.Now()
	waitFor(t, time.Second, "the renewed certificate", func() (bool, error) {
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		return err == nil && leaf.Equal(renewed), err
	})
	t.Logf("renewed certificate served %v after the re-import returned", time.Since(returned).Round(time.Millisecond))
	time.Sleep(150 * time.Millisecond)
	loop.Finish()
	if n := loop.Failed.Load(); n != 0 {
		t.Fatalf("%d failed handshakes during the renewal; first: %v", n, loop.FirstErr)
	}
	if d := describeDomain(t, c, host); d.Status != types.DomainStatusTypeActive || aws.ToString(d.CustomDomainConfig.CertificateArn) != arn {
		t.Fatalf("domain after renewal %+v", d)
	}
}

// TestRefusedUpdateKeepsServing names bad certificates in updates: each is
// refused and the old certificate keeps being served.
func TestRefusedUpdateKeepsServing(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	const host = "id.example.test"
	now := time.Now()
	certPEM, keyPEM := ca.Leaf(t, []string{host}, now.Add(-time.Hour), now.Add(24*time.Hour))
	arn := *must[*acm.ImportCertificateOutput](t)(certs.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: ca.PEM()})).CertificateArn
	leaf0 := parsePEM(t, certPEM)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("keep")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}))
	expired, expiry := importExpiring(t, certs, ca, []string{host})
	bad := map[string]string{
		"expired":           expired,
		"another region":    importCert(t, ts.acmClient("eu-west-1"), ca, []string{host}, now.Add(-time.Hour), now.Add(24*time.Hour)),
		"another name":      importCert(t, certs, ca, []string{"other.example.test"}, now.Add(-time.Hour), now.Add(24*time.Hour)),
		"a deeper wildcard": importCert(t, certs, ca, []string{"*.id.example.test"}, now.Add(-time.Hour), now.Add(24*time.Hour)),
	}
	sleepUntil(expiry)
	for what, badARN := range bad {
		_, err := c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(badARN)}})
		wantAPIError(t, err, "InvalidParameterException", "InvalidViewerCertificate")
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		if err != nil || !leaf.Equal(leaf0) {
			t.Fatalf("after refusing %s: the old certificate is not served (%v)", what, err)
		}
		if d := describeDomain(t, c, host); aws.ToString(d.CustomDomainConfig.CertificateArn) != arn || d.Status != types.DomainStatusTypeActive {
			t.Fatalf("after refusing %s: %+v", what, d)
		}
	}
}

// TestIssuedCertificateRenewal: a certificate the local CA issued is renewed
// by gognito ahead of expiry, under the same ARN, and the domain that uses it
// serves the renewed certificate with no failed handshake.
func TestIssuedCertificateRenewal(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) {
		c.IssuedCertValidity = 2 * time.Hour // renewal is due as soon as it is issued
		c.IssuedCertRenew = 3 * time.Hour
	})
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	certs := ts.acmClient("us-east-1")
	const host = "sso.example.test"
	arn := *must[*acm.RequestCertificateOutput](t)(certs.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String(host)})).CertificateArn
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("issued")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}))
	ca := must[[]byte](t)(caPEMOf(ts))
	roots := rootsOf(ca)
	before, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
	if err != nil {
		t.Fatal(err)
	}
	loop := edgetest.StartHandshakeLoop(ts.EdgeAddr, host, roots, 20000, 20*time.Second)
	time.Sleep(100 * time.Millisecond)
	renewed := must[[]string](t)(ts.App.Certificates().RenewDue(ctx))
	if len(renewed) != 1 || renewed[0] != arn {
		t.Fatalf("renewed %v, want [%s]", renewed, arn)
	}
	waitFor(t, time.Second, "the renewed certificate", func() (bool, error) {
		leaf, err := edgetest.Handshake(ts.EdgeAddr, host, roots)
		return err == nil && leaf.SerialNumber.Cmp(before.SerialNumber) != 0, err
	})
	time.Sleep(100 * time.Millisecond)
	loop.Finish()
	if n := loop.Failed.Load(); n != 0 {
		t.Fatalf("%d failed handshakes during renewal; first %v", n, loop.FirstErr)
	}
	dc := must[*acm.DescribeCertificateOutput](t)(certs.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: &arn}))
	if dc.Certificate.RenewalSummary == nil || dc.Certificate.RenewalSummary.RenewalStatus != "SUCCESS" || !dc.Certificate.NotAfter.After(before.NotAfter.Add(-time.Second)) {
		t.Fatalf("after renewal: %+v", dc.Certificate)
	}
}

func caPEMOf(ts *testServer) ([]byte, error) {
	resp, err := http.Get(ts.URL + "/_gognito/ca.pem")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
