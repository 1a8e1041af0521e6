package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/ratelimit"
	"github.com/gognito/gognito/internal/wire"
	"github.com/gognito/gognito/internal/wire/acm"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// bare returns the two services with no handler registered, as the server
// sees an operation nobody has built yet.
func bare() (*Service, *Service) {
	c := NewService("cognito-idp", cip.TargetPrefix, cip.Shapes, cip.Operations)
	a := NewService("acm", acm.TargetPrefix, acm.Shapes, acm.Operations)
	a.ValidationError = awserr.ValidationError
	a.RateLimited = false
	return c, a
}

type answer struct {
	status  int
	typ     string
	message string
	body    map[string]any
}

func post(t *testing.T, h http.Handler, target, body string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s: body %q is not a JSON object: %v", target, rec.Body.Bytes(), err)
	}
	typ, _ := m["__type"].(string)
	msg, _ := m["message"].(string)
	if typ != "" && rec.Header().Get("x-amzn-ErrorType") != typ {
		t.Errorf("%s: x-amzn-ErrorType %q, __type %q", target, rec.Header().Get("x-amzn-ErrorType"), typ)
	}
	return answer{rec.Code, typ, msg, m}
}

// TestEveryOperationAnswersInAWSShape sends an empty request to every
// operation of both models with no handler registered: each answers HTTP
// 400 with the service's validation error when the model requires a member,
// and otherwise the well-formed not-implemented error that names it.
func TestEveryOperationAnswersInAWSShape(t *testing.T) {
	c, a := bare()
	srv := NewServer(Options{}, c, a)
	for _, tc := range []struct {
		svc    *Service
		shapes wire.Shapes
		ops    []wire.Operation
	}{{c, cip.Shapes, cip.Operations}, {a, acm.Shapes, acm.Operations}} {
		if got := len(tc.svc.Operations()); got != len(tc.ops) {
			t.Fatalf("%s: %d operations in the table, %d in the model", tc.svc.Name, got, len(tc.ops))
		}
		for _, op := range tc.ops {
			got := post(t, srv, tc.svc.Prefix+"."+op.Name, `{}`)
			if got.status != http.StatusBadRequest {
				t.Errorf("%s.%s: status %d", tc.svc.Name, op.Name, got.status)
				continue
			}
			if in := tc.shapes[op.Input]; in != nil && len(in.Required) > 0 {
				if got.typ != tc.svc.ValidationError || !strings.Contains(got.message, "Member must not be null") {
					t.Errorf("%s.%s {}: %s %q; want %s naming a missing member", tc.svc.Name, op.Name, got.typ, got.message, tc.svc.ValidationError)
				}
				continue
			}
			if want := "gognito does not implement " + op.Name + " yet."; got.typ != awserr.UnsupportedOperation || got.message != want {
				t.Errorf("%s.%s {}: %s %q; want %s %q", tc.svc.Name, op.Name, got.typ, got.message, awserr.UnsupportedOperation, want)
			}
		}
	}
}

// TestNewOperationsValidateThenAnswerNotImplemented covers operations the
// 2026 models added: a request that breaks the model is refused with the
// service's validation error, a valid one gets the not-implemented answer.
func TestNewOperationsValidateThenAnswerNotImplemented(t *testing.T) {
	c, a := bare()
	srv := NewServer(Options{}, c, a)
	for _, tc := range []struct {
		target, bad, badWant, good string
	}{
		{cip.TargetPrefix + ".AdminGetUserAuthFactors",
			`{"UserPoolId":"us-east-1_abc","Username":""}`, "Member must have length greater than or equal to 1",
			`{"UserPoolId":"us-east-1_abc","Username":"olga"}`},
		{cip.TargetPrefix + ".GetProvisionedLimit",
			`{"LimitDefinition":{"LimitClass":"NOPE","Attributes":{}}}`, "Member must satisfy enum value set",
			`{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"UserAuthentication"}}}`},
		{cip.TargetPrefix + ".UpdateProvisionedLimit",
			`{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{}}}`, "Value null at 'requestedLimitValue'",
			`{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{}},"RequestedLimitValue":200}`},
		{cip.TargetPrefix + ".CreateUserPoolReplica",
			`{"UserPoolId":"us-east-1_abc","RegionName":"eu"}`, "Member must have length greater than or equal to 5",
			`{"UserPoolId":"us-east-1_abc","RegionName":"eu-west-1","UserPoolTags":{"team":"id"}}`},
		{cip.TargetPrefix + ".UpdateUserPoolReplica",
			`{"UserPoolId":"us-east-1_abc","RegionName":"eu-west-1","Status":"DELETING"}`, "Member must satisfy enum value set",
			`{"UserPoolId":"us-east-1_abc","RegionName":"eu-west-1","Status":"INACTIVE"}`},
		{cip.TargetPrefix + ".DeleteUserPoolReplica",
			`{"UserPoolId":"nope","RegionName":"eu-west-1"}`, "Member must satisfy regular expression pattern",
			`{"UserPoolId":"us-east-1_abc","RegionName":"eu-west-1"}`},
		{cip.TargetPrefix + ".ListUserPoolReplicas",
			`{}`, "Value null at 'userPoolId'",
			`{"UserPoolId":"us-east-1_abc"}`},
		{acm.TargetPrefix + ".CreateAcmeEndpoint",
			`{"CertificateAuthority":{}}`, "Member must not be null",
			`{"CertificateAuthority":{"PublicCertificateAuthority":{}},"AuthorizationBehavior":"PRE_APPROVED"}`},
		{acm.TargetPrefix + ".TagResource",
			`{"ResourceArn":"arn:aws:acm:us-east-1:123456789012:certificate/x"}`, "Value null at 'tags'",
			`{"ResourceArn":"arn:aws:acm:us-east-1:123456789012:certificate/x","Tags":[{"Key":"a","Value":"b"}]}`},
		{acm.TargetPrefix + ".ListAcmeEndpoints",
			`{"MaxResults":0}`, "Member must have value greater than or equal to 1",
			`{"MaxResults":10}`},
	} {
		svcName, op, _ := strings.Cut(tc.target, ".")
		want := awserr.InvalidParameter
		if svcName == acm.TargetPrefix {
			want = awserr.ValidationError
		}
		if got := post(t, srv, tc.target, tc.bad); got.status != 400 || got.typ != want || !strings.Contains(got.message, tc.badWant) {
			t.Errorf("%s %s: %d %s %q; want %s containing %q", op, tc.bad, got.status, got.typ, got.message, want, tc.badWant)
		}
		if got := post(t, srv, tc.target, tc.good); got.status != 400 || got.typ != awserr.UnsupportedOperation ||
			got.message != "gognito does not implement "+op+" yet." {
			t.Errorf("%s %s: %d %s %q; want the not-implemented answer", op, tc.good, got.status, got.typ, got.message)
		}
	}
}

// TestNewMembersPassValidation sends requests that carry members the 2026
// models added to handlers that echo the typed request: validation lets them
// through and the generated types carry them.
func TestNewMembersPassValidation(t *testing.T) {
	c, a := bare()
	echo[cip.CreateUserPoolRequest](c, "CreateUserPool")
	echo[cip.UpdateUserPoolRequest](c, "UpdateUserPool")
	echo[cip.CreateUserPoolDomainRequest](c, "CreateUserPoolDomain")
	echo[cip.UpdateUserPoolDomainRequest](c, "UpdateUserPoolDomain")
	echo[cip.CreateUserImportJobRequest](c, "CreateUserImportJob")
	echo[acm.ListCertificatesRequest](a, "ListCertificates")
	srv := NewServer(Options{}, c, a)

	sms := `{"EumsSms":{"CallerArn":"arn:aws:iam::123456789012:role/eums","OriginationIdentity":"+15555550100","Region":"us-east-1"}}`
	domain := `"CustomDomainConfig":{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc","SecurityPolicy":"TLS_V1_3_2025"},` +
		`"Routing":{"Failover":{"SecondaryRegion":"us-west-2","PrimaryRoute53HealthCheckId":"hc-1"}}`
	for _, tc := range []struct {
		target, body string
		check        func(m map[string]any) bool
	}{
		{cip.TargetPrefix + ".CreateUserPool",
			`{"PoolName":"p","IssuerConfiguration":{"Type":"UPDATED"},"KeyConfiguration":{"KeyType":"CUSTOMER_MANAGED_KEY","KmsKeyArn":"arn:aws:kms:us-east-1:123456789012:key/k"},"SmsConfiguration":` + sms + `}`,
			func(m map[string]any) bool {
				return dig(m, "IssuerConfiguration", "Type") == "UPDATED" && dig(m, "KeyConfiguration", "KmsKeyArn") != nil &&
					dig(m, "SmsConfiguration", "EumsSms", "CallerArn") == "arn:aws:iam::123456789012:role/eums"
			}},
		{cip.TargetPrefix + ".UpdateUserPool",
			`{"UserPoolId":"us-east-1_abc","IssuerConfiguration":{"Type":"ORIGINAL"},"SmsConfiguration":` + sms + `}`,
			func(m map[string]any) bool { return dig(m, "IssuerConfiguration", "Type") == "ORIGINAL" }},
		{cip.TargetPrefix + ".CreateUserPoolDomain",
			`{"UserPoolId":"us-east-1_abc","Domain":"my-prefix",` + domain + `}`,
			func(m map[string]any) bool {
				return dig(m, "CustomDomainConfig", "SecurityPolicy") == "TLS_V1_3_2025" && dig(m, "Routing", "Failover", "SecondaryRegion") == "us-west-2"
			}},
		{cip.TargetPrefix + ".UpdateUserPoolDomain",
			`{"UserPoolId":"us-east-1_abc","Domain":"my-prefix",` + domain + `}`,
			func(m map[string]any) bool {
				return dig(m, "Routing", "Failover", "PrimaryRoute53HealthCheckId") == "hc-1"
			}},
		{cip.TargetPrefix + ".CreateUserImportJob",
			`{"UserPoolId":"us-east-1_abc","JobName":"j","CloudWatchLogsRoleArn":"arn:aws:iam::123456789012:role/logs","PasswordHashingAlgorithm":"ARGON2ID"}`,
			func(m map[string]any) bool { return m["PasswordHashingAlgorithm"] == "ARGON2ID" }},
		{acm.TargetPrefix + ".ListCertificates",
			`{"CertificateKeyPairOrigins":["ACME"]}`,
			func(m map[string]any) bool { return dig(m, "CertificateKeyPairOrigins") != nil }},
	} {
		got := post(t, srv, tc.target, tc.body)
		if got.status != http.StatusOK || !tc.check(got.body) {
			t.Errorf("%s %s: %d %s %q %v", tc.target, tc.body, got.status, got.typ, got.message, got.body)
		}
	}
	// A new member's own constraints hold.
	if got := post(t, srv, cip.TargetPrefix+".CreateUserPoolDomain",
		`{"UserPoolId":"us-east-1_abc","Domain":"auth.example.com","CustomDomainConfig":{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc","SecurityPolicy":"TLS_V9"}}`); got.typ != awserr.InvalidParameter ||
		!strings.Contains(got.message, "customDomainConfig.securityPolicy") {
		t.Errorf("SecurityPolicy TLS_V9: %s %q", got.typ, got.message)
	}
}

func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[p]
	}
	return v
}

// TestRateLimitsApplyToRateLimitedServicesOnly: Cognito's quota categories
// name operations (TagResource, ListTagsForResource) that ACM has too; an
// ACM request must not draw on Cognito's buckets.
func TestRateLimitsApplyToRateLimitedServicesOnly(t *testing.T) {
	c, a := bare()
	ok := func(context.Context, *struct{}) (*struct{}, error) { return nil, nil }
	Handle(c, "ListTagsForResource", ok)
	Handle(a, "ListTagsForResource", ok)
	srv := NewServer(Options{Limiter: ratelimit.New(ratelimit.Rates{ratelimit.UserPoolRead: 1})}, c, a)
	cogBody := `{"ResourceArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"}`
	acmBody := `{"ResourceArn":"arn:aws:acm:us-east-1:123456789012:certificate/x"}`
	if got := post(t, srv, cip.TargetPrefix+".ListTagsForResource", cogBody); got.status != 200 {
		t.Fatalf("first cognito-idp call: %d %s", got.status, got.typ)
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	for i := 0; i < 5 && time.Now().Before(deadline); i++ {
		if got := post(t, srv, acm.TargetPrefix+".ListTagsForResource", acmBody); got.status != 200 {
			t.Fatalf("acm call %d: %d %s %q", i, got.status, got.typ, got.message)
		}
	}
	if got := post(t, srv, cip.TargetPrefix+".ListTagsForResource", cogBody); got.status != 400 || got.typ != awserr.TooManyRequests {
		t.Errorf("second cognito-idp call within the second: %d %s; want TooManyRequestsException", got.status, got.typ)
	}
	if !slices.ContainsFunc(c.Operations(), func(o OperationInfo) bool { return o.Name == "ListTagsForResource" && o.Implemented }) {
		t.Error("Operations does not show the registered handler")
	}
}
