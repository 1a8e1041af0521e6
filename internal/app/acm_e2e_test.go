package app_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	acmsdk "github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/certs/certtest"
)

var acmARN = regexp.MustCompile(`^arn:aws:acm:us-east-1:000000000000:certificate/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestACMLifecycle(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	now := time.Now()
	ca := certtest.NewCA(t)
	certPEM, keyPEM := ca.LeafRSA(t, 2048, []string{"auth.example.test", "login.example.test"}, now.Add(-time.Hour), now.AddDate(0, 6, 0))
	const unknown = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-4000-8000-000000000000"

	// ImportCertificate.
	imp := must[*acmsdk.ImportCertificateOutput](t)(c.ImportCertificate(ctx, &acmsdk.ImportCertificateInput{
		Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: ca.PEM(),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}},
	}))
	arn := aws.ToString(imp.CertificateArn)
	if !acmARN.MatchString(arn) {
		t.Fatalf("ARN %q", arn)
	}
	_, otherKey := ca.Leaf(t, []string{"other.example.test"}, now.Add(-time.Hour), now.AddDate(0, 1, 0))
	_, err := c.ImportCertificate(ctx, &acmsdk.ImportCertificateInput{Certificate: certPEM, PrivateKey: otherKey})
	wantAPIError(t, err, "ValidationException", "private key does not match")
	_, err = c.ImportCertificate(ctx, &acmsdk.ImportCertificateInput{Certificate: append(certPEM, ca.PEM()...), PrivateKey: keyPEM})
	wantAPIError(t, err, "ValidationException", "The certificate field contains more than one certificate.")

	// DescribeCertificate.
	d := must[*acmsdk.DescribeCertificateOutput](t)(c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: imp.CertificateArn})).Certificate
	if aws.ToString(d.DomainName) != "auth.example.test" || !slices.Equal(d.SubjectAlternativeNames, []string{"auth.example.test", "login.example.test"}) ||
		d.Status != types.CertificateStatusIssued || d.Type != types.CertificateTypeImported || d.KeyAlgorithm != "RSA-2048" ||
		d.ImportedAt == nil || d.NotAfter == nil || d.RenewalEligibility != types.RenewalEligibilityIneligible || d.InUseBy == nil {
		t.Fatalf("describe %+v", d)
	}
	_, err = c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: aws.String(unknown)})
	wantAPIError(t, err, "ResourceNotFoundException", "Could not find certificate "+unknown+".")
	_, err = c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/nope")})
	wantAPIError(t, err, "InvalidArnException", "certificate/nope")
	_, err = c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: aws.String("not-an-arn-at-all")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || !regexp.MustCompile(`at 'certificateArn' failed to satisfy constraint: Member must satisfy regular expression pattern`).MatchString(ae.ErrorMessage()) {
		t.Fatalf("malformed ARN: %v", err)
	}
	// A certificate is regional.
	_, err = ts.acmClient("eu-west-1").DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	wantAPIError(t, err, "ResourceNotFoundException", "Could not find certificate")

	// Re-import under the same ARN; tags are refused there.
	newCert, newKey := ca.LeafRSA(t, 2048, []string{"auth.example.test"}, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	re := must[*acmsdk.ImportCertificateOutput](t)(c.ImportCertificate(ctx, &acmsdk.ImportCertificateInput{CertificateArn: imp.CertificateArn, Certificate: newCert, PrivateKey: newKey, CertificateChain: ca.PEM()}))
	if aws.ToString(re.CertificateArn) != arn {
		t.Fatalf("re-import ARN %s", aws.ToString(re.CertificateArn))
	}
	_, err = c.ImportCertificate(ctx, &acmsdk.ImportCertificateInput{CertificateArn: imp.CertificateArn, Certificate: newCert, PrivateKey: newKey,
		Tags: []types.Tag{{Key: aws.String("a")}}})
	wantAPIError(t, err, "ValidationException", "Tagging is not permitted on re-import.")

	// GetCertificate.
	got := must[*acmsdk.GetCertificateOutput](t)(c.GetCertificate(ctx, &acmsdk.GetCertificateInput{CertificateArn: imp.CertificateArn}))
	if aws.ToString(got.Certificate) != string(newCert) || aws.ToString(got.CertificateChain) != string(ca.PEM()) {
		t.Fatalf("get %+v", got)
	}
	_, err = c.GetCertificate(ctx, &acmsdk.GetCertificateInput{CertificateArn: aws.String(unknown)})
	wantAPIError(t, err, "ResourceNotFoundException", unknown)

	// RequestCertificate: issued at once by the local CA, whose root the
	// server publishes.
	req := must[*acmsdk.RequestCertificateOutput](t)(c.RequestCertificate(ctx, &acmsdk.RequestCertificateInput{
		DomainName:              aws.String("*.app.example.test"),
		SubjectAlternativeNames: []string{"app.example.test"},
		IdempotencyToken:        aws.String("once"),
		Tags:                    []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}},
	}))
	again := must[*acmsdk.RequestCertificateOutput](t)(c.RequestCertificate(ctx, &acmsdk.RequestCertificateInput{
		DomainName: aws.String("*.app.example.test"), IdempotencyToken: aws.String("once"),
	}))
	if aws.ToString(again.CertificateArn) != aws.ToString(req.CertificateArn) {
		t.Fatal("the idempotency token was not honoured")
	}
	rd := must[*acmsdk.DescribeCertificateOutput](t)(c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: req.CertificateArn})).Certificate
	if rd.Status != types.CertificateStatusIssued || rd.Type != types.CertificateTypeAmazonIssued || len(rd.DomainValidationOptions) != 2 ||
		rd.DomainValidationOptions[0].ResourceRecord == nil || rd.DomainValidationOptions[0].ValidationStatus != types.DomainStatusSuccess ||
		rd.DomainValidationOptions[0].ValidationMethod != types.ValidationMethodDns || rd.RenewalEligibility != types.RenewalEligibilityEligible {
		t.Fatalf("requested %+v", rd)
	}
	_, err = c.RequestCertificate(ctx, &acmsdk.RequestCertificateInput{DomainName: aws.String("x.example.test"), KeyAlgorithm: types.KeyAlgorithmRsa4096})
	wantAPIError(t, err, "ValidationException", "Encryption Algorithm RSA_4096 is not supported in us-east-1 region")

	issued := must[*acmsdk.GetCertificateOutput](t)(c.GetCertificate(ctx, &acmsdk.GetCertificateInput{CertificateArn: req.CertificateArn}))
	res, err := http.Get(ts.URL + "/_gognito/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	root, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(root) != aws.ToString(issued.CertificateChain) {
		t.Fatalf("GET /_gognito/ca.pem: %d %q", res.StatusCode, root)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(root)
	block, _ := pem.Decode([]byte(aws.ToString(issued.Certificate)))
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "demo.app.example.test", Roots: pool}); err != nil {
		t.Fatal(err)
	}

	// ListCertificates, paged.
	for i := range 3 {
		must[*acmsdk.RequestCertificateOutput](t)(c.RequestCertificate(ctx, &acmsdk.RequestCertificateInput{DomainName: aws.String(fmt.Sprintf("p%d.example.test", i))}))
	}
	var listed []string
	pages := acmsdk.NewListCertificatesPaginator(c, &acmsdk.ListCertificatesInput{MaxItems: aws.Int32(2)})
	for pages.HasMorePages() {
		page := must[*acmsdk.ListCertificatesOutput](t)(pages.NextPage(ctx))
		if len(page.CertificateSummaryList) > 2 {
			t.Fatalf("page of %d", len(page.CertificateSummaryList))
		}
		for _, s := range page.CertificateSummaryList {
			listed = append(listed, aws.ToString(s.CertificateArn))
		}
	}
	if len(listed) != 5 || !slices.Contains(listed, arn) || !slices.Contains(listed, aws.ToString(req.CertificateArn)) {
		t.Fatalf("listed %v", listed)
	}
	ecOnly := must[*acmsdk.ListCertificatesOutput](t)(c.ListCertificates(ctx, &acmsdk.ListCertificatesInput{
		Includes: &types.Filters{KeyTypes: []types.KeyAlgorithm{types.KeyAlgorithmEcPrime256v1}}}))
	if len(ecOnly.CertificateSummaryList) != 0 {
		t.Fatalf("EC listing %+v", ecOnly.CertificateSummaryList)
	}
	_, err = c.ListCertificates(ctx, &acmsdk.ListCertificatesInput{NextToken: aws.String("bogus")})
	wantAPIError(t, err, "InvalidArgsException", "NextToken")

	// Tags.
	must[*acmsdk.AddTagsToCertificateOutput](t)(c.AddTagsToCertificate(ctx, &acmsdk.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("identity")}, {Key: aws.String("env"), Value: aws.String("prod")}}}))
	tags := must[*acmsdk.ListTagsForCertificateOutput](t)(c.ListTagsForCertificate(ctx, &acmsdk.ListTagsForCertificateInput{CertificateArn: imp.CertificateArn}))
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Value) != "prod" {
		t.Fatalf("tags %+v", tags.Tags)
	}
	must[*acmsdk.RemoveTagsFromCertificateOutput](t)(c.RemoveTagsFromCertificate(ctx, &acmsdk.RemoveTagsFromCertificateInput{CertificateArn: imp.CertificateArn,
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team")}}}))
	tags = must[*acmsdk.ListTagsForCertificateOutput](t)(c.ListTagsForCertificate(ctx, &acmsdk.ListTagsForCertificateInput{CertificateArn: imp.CertificateArn}))
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Fatalf("tags after remove %+v", tags.Tags)
	}
	var fifty []types.Tag
	for i := range 50 {
		fifty = append(fifty, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i))})
	}
	_, err = c.AddTagsToCertificate(ctx, &acmsdk.AddTagsToCertificateInput{CertificateArn: imp.CertificateArn, Tags: fifty})
	wantAPIError(t, err, "TooManyTagsException", "50")
	_, err = c.ListTagsForCertificate(ctx, &acmsdk.ListTagsForCertificateInput{CertificateArn: aws.String(unknown)})
	wantAPIError(t, err, "ResourceNotFoundException", unknown)
	_, err = c.RemoveTagsFromCertificate(ctx, &acmsdk.RemoveTagsFromCertificateInput{CertificateArn: aws.String(unknown), Tags: []types.Tag{{Key: aws.String("a")}}})
	wantAPIError(t, err, "ResourceNotFoundException", unknown)

	// DeleteCertificate. (Refusal while a domain uses the certificate is
	// covered by the certs package's tests.)
	must[*acmsdk.DeleteCertificateOutput](t)(c.DeleteCertificate(ctx, &acmsdk.DeleteCertificateInput{CertificateArn: imp.CertificateArn}))
	_, err = c.DescribeCertificate(ctx, &acmsdk.DescribeCertificateInput{CertificateArn: imp.CertificateArn})
	wantAPIError(t, err, "ResourceNotFoundException", arn)
	_, err = c.DeleteCertificate(ctx, &acmsdk.DeleteCertificateInput{CertificateArn: imp.CertificateArn})
	wantAPIError(t, err, "ResourceNotFoundException", arn)
}

// TestACMSurvivesRestart checks that certificates and the local CA are
// durable and that the private keys still open after a restart.
func TestACMSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ts := startServer(t, dir)
	req := must[*acmsdk.RequestCertificateOutput](t)(ts.acmClient("us-east-1").RequestCertificate(ctx, &acmsdk.RequestCertificateInput{DomainName: aws.String("r.example.test")}))
	first := must[*acmsdk.GetCertificateOutput](t)(ts.acmClient("us-east-1").GetCertificate(ctx, &acmsdk.GetCertificateInput{CertificateArn: req.CertificateArn}))
	ts.stop()

	ts = startServer(t, dir)
	second := must[*acmsdk.GetCertificateOutput](t)(ts.acmClient("us-east-1").GetCertificate(ctx, &acmsdk.GetCertificateInput{CertificateArn: req.CertificateArn}))
	if aws.ToString(second.Certificate) != aws.ToString(first.Certificate) || aws.ToString(second.CertificateChain) != aws.ToString(first.CertificateChain) {
		t.Fatal("the certificate or the local CA changed across a restart")
	}
}
