package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// TestACMEOperations sends every ACME operation of the ACM API through
// aws-sdk-go-v2 and checks the responses and the errors.
func TestACMEOperations(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	pub := &acmtypes.CertificateAuthorityMemberPublicCertificateAuthority{Value: acmtypes.PublicCertificateAuthority{
		AllowedKeyAlgorithms: []acmtypes.PublicKeyAlgorithm{acmtypes.PublicKeyAlgorithmEcPrime256V1}}}

	// Endpoints.
	created := must[*acm.CreateAcmeEndpointOutput](t)(c.CreateAcmeEndpoint(ctx, &acm.CreateAcmeEndpointInput{
		AuthorizationBehavior: acmtypes.AcmeAuthorizationBehaviorPreApproved, CertificateAuthority: pub, IdempotencyToken: aws.String("once"),
		Tags: []acmtypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}}}))
	arn := aws.ToString(created.AcmeEndpointArn)
	if !strings.HasPrefix(arn, "arn:aws:acm:us-east-1:000000000000:acme-endpoint/") {
		t.Fatalf("endpoint ARN %s", arn)
	}
	again := must[*acm.CreateAcmeEndpointOutput](t)(c.CreateAcmeEndpoint(ctx, &acm.CreateAcmeEndpointInput{
		AuthorizationBehavior: acmtypes.AcmeAuthorizationBehaviorPreApproved, CertificateAuthority: pub, IdempotencyToken: aws.String("once")}))
	if aws.ToString(again.AcmeEndpointArn) != arn {
		t.Fatalf("the idempotency token made a second endpoint: %s", aws.ToString(again.AcmeEndpointArn))
	}
	ep := must[*acm.DescribeAcmeEndpointOutput](t)(c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: &arn})).AcmeEndpoint
	ca, _ := ep.CertificateAuthority.(*acmtypes.CertificateAuthorityMemberPublicCertificateAuthority)
	if ep.Status != acmtypes.AcmeEndpointStatusActive || ep.Contact != acmtypes.AcmeContactNotRequired || ep.AuthorizationBehavior != acmtypes.AcmeAuthorizationBehaviorPreApproved ||
		aws.ToString(ep.EndpointUrl) != ts.URL+"/acme/"+arn[strings.LastIndex(arn, "/")+1:]+"/directory" || ep.CreatedAt == nil ||
		ca == nil || len(ca.Value.AllowedKeyAlgorithms) != 1 || ca.Value.AllowedKeyAlgorithms[0] != acmtypes.PublicKeyAlgorithmEcPrime256V1 {
		t.Fatalf("DescribeAcmeEndpoint %+v", ep)
	}
	second := *must[*acm.CreateAcmeEndpointOutput](t)(c.CreateAcmeEndpoint(ctx, &acm.CreateAcmeEndpointInput{
		AuthorizationBehavior: acmtypes.AcmeAuthorizationBehaviorPreApproved, CertificateAuthority: pub})).AcmeEndpointArn
	p1 := must[*acm.ListAcmeEndpointsOutput](t)(c.ListAcmeEndpoints(ctx, &acm.ListAcmeEndpointsInput{MaxResults: aws.Int32(1)}))
	if len(p1.AcmeEndpoints) != 1 || p1.NextToken == nil {
		t.Fatalf("first page %+v", p1)
	}
	p2 := must[*acm.ListAcmeEndpointsOutput](t)(c.ListAcmeEndpoints(ctx, &acm.ListAcmeEndpointsInput{MaxResults: aws.Int32(1), NextToken: p1.NextToken}))
	if len(p2.AcmeEndpoints) != 1 || p2.NextToken != nil || aws.ToString(p2.AcmeEndpoints[0].AcmeEndpointArn) == aws.ToString(p1.AcmeEndpoints[0].AcmeEndpointArn) {
		t.Fatalf("second page %+v", p2)
	}
	if l := must[*acm.ListAcmeEndpointsOutput](t)(ts.acmClient("eu-west-1").ListAcmeEndpoints(ctx, &acm.ListAcmeEndpointsInput{})); len(l.AcmeEndpoints) != 0 {
		t.Fatalf("another Region lists %d endpoints", len(l.AcmeEndpoints))
	}
	_, err := ts.acmClient("eu-west-1").DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: &arn})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	missing := "arn:aws:acm:us-east-1:000000000000:acme-endpoint/00000000-0000-4000-8000-000000000000"
	_, err = c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: &missing})
	wantAPIError(t, err, "ResourceNotFoundException", missing)
	_, err = c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/x")})
	wantAPIError(t, err, "ValidationException", "")
	_, err = c.CreateAcmeEndpoint(ctx, &acm.CreateAcmeEndpointInput{AuthorizationBehavior: "LIVE_CHALLENGES", CertificateAuthority: pub})
	wantAPIError(t, err, "ValidationException", "")
	must[*acm.UpdateAcmeEndpointOutput](t)(c.UpdateAcmeEndpoint(ctx, &acm.UpdateAcmeEndpointInput{AcmeEndpointArn: &arn, Contact: acmtypes.AcmeContactRequired,
		CertificateAuthority: &acmtypes.CertificateAuthorityMemberPublicCertificateAuthority{Value: acmtypes.PublicCertificateAuthority{}}}))
	ep = must[*acm.DescribeAcmeEndpointOutput](t)(c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: &arn})).AcmeEndpoint
	ca, _ = ep.CertificateAuthority.(*acmtypes.CertificateAuthorityMemberPublicCertificateAuthority)
	if ep.Contact != acmtypes.AcmeContactRequired || ca == nil || len(ca.Value.AllowedKeyAlgorithms) != 3 {
		t.Fatalf("after UpdateAcmeEndpoint %+v", ep)
	}
	_, err = c.UpdateAcmeEndpoint(ctx, &acm.UpdateAcmeEndpointInput{AcmeEndpointArn: &missing, Contact: acmtypes.AcmeContactRequired})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// External account bindings.
	role := "arn:aws:iam::000000000000:role/AcmeIssuanceRole"
	eab := must[*acm.CreateAcmeExternalAccountBindingOutput](t)(c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{
		AcmeEndpointArn: &arn, RoleArn: &role, Expiration: &acmtypes.Expiration{Type: acmtypes.TimeTypeDays, Value: aws.Int64(30)}})).ExternalAccountBinding
	eabArn := aws.ToString(eab.AcmeExternalAccountBindingArn)
	if !strings.HasPrefix(eabArn, arn+"/acme-external-account-binding/") || aws.ToString(eab.RoleArn) != role || eab.ExpiresAt == nil ||
		eab.ExpiresAt.Sub(*eab.CreatedAt).Round(time.Hour) != 30*24*time.Hour || eab.RevokedAt != nil {
		t.Fatalf("CreateAcmeExternalAccountBinding %+v", eab)
	}
	if again := must[*acm.CreateAcmeExternalAccountBindingOutput](t)(c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{
		AcmeEndpointArn: &arn, RoleArn: &role, IdempotencyToken: aws.String("eab-1")})); aws.ToString(again.ExternalAccountBinding.AcmeExternalAccountBindingArn) == eabArn {
		t.Fatal("a new binding has the ARN of another")
	} else if twice := must[*acm.CreateAcmeExternalAccountBindingOutput](t)(c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{
		AcmeEndpointArn: &arn, RoleArn: &role, IdempotencyToken: aws.String("eab-1")})); aws.ToString(twice.ExternalAccountBinding.AcmeExternalAccountBindingArn) != aws.ToString(again.ExternalAccountBinding.AcmeExternalAccountBindingArn) {
		t.Fatal("the idempotency token made a second binding")
	} else {
		must[*acm.DeleteAcmeExternalAccountBindingOutput](t)(c.DeleteAcmeExternalAccountBinding(ctx, &acm.DeleteAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: again.ExternalAccountBinding.AcmeExternalAccountBindingArn}))
	}
	cred := must[*acm.GetAcmeExternalAccountBindingCredentialsOutput](t)(c.GetAcmeExternalAccountBindingCredentials(ctx, &acm.GetAcmeExternalAccountBindingCredentialsInput{AcmeExternalAccountBindingArn: &eabArn}))
	if !strings.HasSuffix(eabArn, "/"+aws.ToString(cred.KeyId)) || len(aws.ToString(cred.MacKey)) != 43 {
		t.Fatalf("credentials: key id %q, MAC key of %d characters", aws.ToString(cred.KeyId), len(aws.ToString(cred.MacKey)))
	}
	_, err = c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{AcmeEndpointArn: &missing, RoleArn: &role})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.CreateAcmeExternalAccountBinding(ctx, &acm.CreateAcmeExternalAccountBindingInput{AcmeEndpointArn: &arn, RoleArn: aws.String("arn:aws:iam::000000000000:user/me")})
	wantAPIError(t, err, "ValidationException", "")
	eabs := must[*acm.ListAcmeExternalAccountBindingsOutput](t)(c.ListAcmeExternalAccountBindings(ctx, &acm.ListAcmeExternalAccountBindingsInput{AcmeEndpointArn: &arn}))
	if len(eabs.ExternalAccountBindings) != 1 || aws.ToString(eabs.ExternalAccountBindings[0].AcmeExternalAccountBindingArn) != eabArn {
		t.Fatalf("ListAcmeExternalAccountBindings %+v", eabs)
	}
	must[*acm.RevokeAcmeExternalAccountBindingOutput](t)(c.RevokeAcmeExternalAccountBinding(ctx, &acm.RevokeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn}))
	if d := must[*acm.DescribeAcmeExternalAccountBindingOutput](t)(c.DescribeAcmeExternalAccountBinding(ctx, &acm.DescribeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn})); d.ExternalAccountBinding.RevokedAt == nil {
		t.Fatalf("after RevokeAcmeExternalAccountBinding %+v", d.ExternalAccountBinding)
	}
	_, err = c.RevokeAcmeExternalAccountBinding(ctx, &acm.RevokeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn})
	wantAPIError(t, err, "ConflictException", "already revoked")
	must[*acm.DeleteAcmeExternalAccountBindingOutput](t)(c.DeleteAcmeExternalAccountBinding(ctx, &acm.DeleteAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn}))
	_, err = c.DescribeAcmeExternalAccountBinding(ctx, &acm.DescribeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.GetAcmeExternalAccountBindingCredentials(ctx, &acm.GetAcmeExternalAccountBindingCredentialsInput{AcmeExternalAccountBindingArn: &eabArn})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.RevokeAcmeExternalAccountBinding(ctx, &acm.RevokeAcmeExternalAccountBindingInput{AcmeExternalAccountBindingArn: &eabArn})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Domain validations.
	dns := func(scope *acmtypes.DomainScope) acmtypes.PrevalidationOptions {
		return &acmtypes.PrevalidationOptionsMemberDnsPrevalidation{Value: acmtypes.DnsPrevalidationOptions{DomainScope: scope}}
	}
	dvArn := *must[*acm.CreateAcmeDomainValidationOutput](t)(c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{
		AcmeEndpointArn: &arn, DomainName: aws.String("example.test"), PrevalidationOptions: dns(nil), IdempotencyToken: aws.String("dv-1")})).AcmeDomainValidationArn
	if again := *must[*acm.CreateAcmeDomainValidationOutput](t)(c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{
		AcmeEndpointArn: &arn, DomainName: aws.String("example.test"), PrevalidationOptions: dns(nil), IdempotencyToken: aws.String("dv-1")})).AcmeDomainValidationArn; again != dvArn {
		t.Fatalf("the idempotency token made a second validation: %s", again)
	}
	if !strings.HasPrefix(dvArn, arn+"/acme-domain-validation/") {
		t.Fatalf("validation ARN %s", dvArn)
	}
	dv := must[*acm.DescribeAcmeDomainValidationOutput](t)(c.DescribeAcmeDomainValidation(ctx, &acm.DescribeAcmeDomainValidationInput{AcmeDomainValidationArn: &dvArn})).AcmeDomainValidation
	det, _ := dv.PrevalidationDetails.(*acmtypes.PrevalidationDetailsMemberDnsPrevalidation)
	if dv.Status != acmtypes.AcmeDomainValidationStatusValid || dv.PrevalidationType != acmtypes.PrevalidationTypeDnsPrevalidation || aws.ToString(dv.DomainName) != "example.test" ||
		det == nil || det.Value.DomainScope.ExactDomain != acmtypes.DomainScopeOptionEnabled || det.Value.DomainScope.Subdomains != acmtypes.DomainScopeOptionDisabled ||
		det.Value.ResourceRecord == nil || det.Value.ResourceRecord.Type != acmtypes.RecordTypeCname || !strings.HasSuffix(aws.ToString(det.Value.ResourceRecord.Name), ".example.test.") {
		t.Fatalf("DescribeAcmeDomainValidation %+v", dv)
	}
	_, err = c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{AcmeEndpointArn: &arn, DomainName: aws.String("example.test"), PrevalidationOptions: dns(nil)})
	wantAPIError(t, err, "ConflictException", "already exists")
	off := acmtypes.DomainScopeOptionDisabled
	_, err = c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{AcmeEndpointArn: &arn, DomainName: aws.String("other.test"), PrevalidationOptions: dns(&acmtypes.DomainScope{ExactDomain: off})})
	wantAPIError(t, err, "ValidationException", "DomainScope")
	_, err = c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{AcmeEndpointArn: &missing, DomainName: aws.String("other.test"), PrevalidationOptions: dns(nil)})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.CreateAcmeDomainValidation(ctx, &acm.CreateAcmeDomainValidationInput{AcmeEndpointArn: &arn, DomainName: aws.String("Not A Domain"), PrevalidationOptions: dns(nil)})
	wantAPIError(t, err, "ValidationException", "")
	must[*acm.UpdateAcmeDomainValidationOutput](t)(c.UpdateAcmeDomainValidation(ctx, &acm.UpdateAcmeDomainValidationInput{AcmeDomainValidationArn: &dvArn,
		PrevalidationOptions: dns(&acmtypes.DomainScope{Subdomains: acmtypes.DomainScopeOptionEnabled})}))
	dvs := must[*acm.ListAcmeDomainValidationsOutput](t)(c.ListAcmeDomainValidations(ctx, &acm.ListAcmeDomainValidationsInput{AcmeEndpointArn: &arn}))
	if len(dvs.AcmeDomainValidations) != 1 {
		t.Fatalf("ListAcmeDomainValidations %+v", dvs)
	}
	if det, _ := dvs.AcmeDomainValidations[0].PrevalidationDetails.(*acmtypes.PrevalidationDetailsMemberDnsPrevalidation); det == nil || det.Value.DomainScope.Subdomains != acmtypes.DomainScopeOptionEnabled || det.Value.DomainScope.ExactDomain != acmtypes.DomainScopeOptionEnabled {
		t.Fatalf("after UpdateAcmeDomainValidation %+v", dvs.AcmeDomainValidations[0])
	}
	_, err = c.ListAcmeDomainValidations(ctx, &acm.ListAcmeDomainValidationsInput{AcmeEndpointArn: &missing})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	must[*acm.DeleteAcmeDomainValidationOutput](t)(c.DeleteAcmeDomainValidation(ctx, &acm.DeleteAcmeDomainValidationInput{AcmeDomainValidationArn: &dvArn}))
	_, err = c.DescribeAcmeDomainValidation(ctx, &acm.DescribeAcmeDomainValidationInput{AcmeDomainValidationArn: &dvArn})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.UpdateAcmeDomainValidation(ctx, &acm.UpdateAcmeDomainValidationInput{AcmeDomainValidationArn: &dvArn, PrevalidationOptions: dns(nil)})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Accounts (registered through the ACME server in the other tests).
	accts := must[*acm.ListAcmeAccountsOutput](t)(c.ListAcmeAccounts(ctx, &acm.ListAcmeAccountsInput{AcmeEndpointArn: &arn}))
	if len(accts.AcmeAccounts) != 0 {
		t.Fatalf("ListAcmeAccounts %+v", accts)
	}
	_, err = c.ListAcmeAccounts(ctx, &acm.ListAcmeAccountsInput{AcmeEndpointArn: &missing})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	nobody := ts.URL + "/acme/" + arn[strings.LastIndex(arn, "/")+1:] + "/acct/nobody"
	_, err = c.DescribeAcmeAccount(ctx, &acm.DescribeAcmeAccountInput{AcmeEndpointArn: &arn, AccountUrl: &nobody})
	wantAPIError(t, err, "ResourceNotFoundException", "nobody")
	_, err = c.RevokeAcmeAccount(ctx, &acm.RevokeAcmeAccountInput{AcmeEndpointArn: &arn, AccountUrl: &nobody})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	// Deleting an endpoint.
	must[*acm.DeleteAcmeEndpointOutput](t)(c.DeleteAcmeEndpoint(ctx, &acm.DeleteAcmeEndpointInput{AcmeEndpointArn: &second}))
	_, err = c.DescribeAcmeEndpoint(ctx, &acm.DescribeAcmeEndpointInput{AcmeEndpointArn: &second})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	if l := must[*acm.ListAcmeEndpointsOutput](t)(c.ListAcmeEndpoints(ctx, &acm.ListAcmeEndpointsInput{})); len(l.AcmeEndpoints) != 1 {
		t.Fatalf("after DeleteAcmeEndpoint: %d endpoints", len(l.AcmeEndpoints))
	}
}
