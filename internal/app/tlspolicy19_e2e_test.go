package app_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/edge/edgetest"
)

// The security policies (SecurityPolicyType). The SDK of this module's
// version predates the member, so withSecurityPolicy adds it to the body
// the SDK serialised (before it is signed), and describeWithPolicy reads it
// from the raw DescribeUserPoolDomain response the SDK received.
type securityPolicy = string

const (
	policyTLSV1       securityPolicy = "TLS_V1"
	policyTLSV12_2021 securityPolicy = "TLS_V1_2_2021"
	policyTLSV13_2025 securityPolicy = "TLS_V1_3_2025"
)

// withSecurityPolicy sets CustomDomainConfig.SecurityPolicy on a Create or
// UpdateUserPoolDomain call made with a CustomDomainConfig.
func withSecurityPolicy(policy securityPolicy) func(*cognito.Options) {
	return func(o *cognito.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc("AddSecurityPolicy",
				func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
					req := in.Request.(*smithyhttp.Request)
					var body map[string]any
					b, err := io.ReadAll(req.GetStream())
					if err == nil {
						err = json.Unmarshal(b, &body)
					}
					cdc, ok := body["CustomDomainConfig"].(map[string]any)
					if err != nil || !ok {
						return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("no CustomDomainConfig to add SecurityPolicy to (%v)", err)
					}
					cdc["SecurityPolicy"] = policy
					b, _ = json.Marshal(body)
					r, err := req.SetStream(bytes.NewReader(b))
					if err != nil {
						return middleware.SerializeOutput{}, middleware.Metadata{}, err
					}
					in.Request = r
					return next.HandleSerialize(ctx, in)
				}), middleware.After)
		})
	}
}

// describeWithPolicy is DescribeUserPoolDomain through the SDK, with the
// CustomDomainConfig.SecurityPolicy of the response ("" when absent).
func describeWithPolicy(t *testing.T, c *cognito.Client, domain string) (*types.DomainDescriptionType, securityPolicy) {
	t.Helper()
	var raw []byte
	out, err := c.DescribeUserPoolDomain(context.Background(), &cognito.DescribeUserPoolDomainInput{Domain: &domain}, func(o *cognito.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("KeepBody",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					res, md, err := next.HandleDeserialize(ctx, in)
					if resp, ok := res.RawResponse.(*smithyhttp.Response); ok && err == nil && resp.StatusCode == 200 {
						raw, _ = io.ReadAll(resp.Body)
						resp.Body = io.NopCloser(bytes.NewReader(raw))
					}
					return res, md, err
				}), middleware.After)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		DomainDescription struct {
			CustomDomainConfig *struct{ SecurityPolicy *string }
		}
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("DescribeUserPoolDomain response %q: %v", raw, err)
	}
	if cdc := body.DomainDescription.CustomDomainConfig; cdc != nil && cdc.SecurityPolicy != nil {
		return out.DomainDescription, *cdc.SecurityPolicy
	}
	return out.DomainDescription, ""
}

// tlsClient is a client of the edge for host, forced to the versions given
// (0: Go's default).
func tlsClient(host string, roots *x509.CertPool, minV, maxV uint16) *tls.Config {
	return &tls.Config{ServerName: host, RootCAs: roots, MinVersion: minV, MaxVersion: maxV}
}

// policyServed reports whether an edge serves host with policy, as a
// client sees it: the versions it accepts and whether it negotiates the
// post-quantum hybrid key exchange.
func policyServed(addr, host string, roots *x509.CertPool, policy securityPolicy) (bool, error) {
	accepts := func(v uint16) bool {
		_, err := edgetest.HandshakeWith(addr, tlsClient(host, roots, v, v))
		return err == nil
	}
	st, err := edgetest.HandshakeWith(addr, tlsClient(host, roots, 0, 0))
	if err != nil {
		return false, err
	}
	pq := st.CurveID == tls.X25519MLKEM768
	switch policy {
	case policyTLSV1:
		return !pq && accepts(tls.VersionTLS10) && accepts(tls.VersionTLS11), nil
	case policyTLSV12_2021:
		return pq && !accepts(tls.VersionTLS11) && accepts(tls.VersionTLS12), nil
	case policyTLSV13_2025:
		return pq && !accepts(tls.VersionTLS12) && accepts(tls.VersionTLS13), nil
	}
	return false, nil
}

// TestSecurityPolicyOperations: SecurityPolicy on CreateUserPoolDomain,
// UpdateUserPoolDomain and DescribeUserPoolDomain through the SDK, the
// default (TLS_V1) when none is given, an update without one keeping it,
// the model's error for a value it does not know, and the edge serving each
// domain with its policy; a prefix domain has none and is served with
// TLS_V1_2_2021's settings.
func TestSecurityPolicyOperations(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c, certs := ts.client("us-east-1", false), ts.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	now := time.Now()
	const legacy, strict = "legacy.policy.example.test", "strict.policy.example.test"
	arnLegacy := importCert(t, certs, ca, []string{legacy}, now.Add(-time.Hour), now.Add(48*time.Hour))
	arnStrict := importCert(t, certs, ca, []string{strict}, now.Add(-time.Hour), now.Add(48*time.Hour))
	poolA := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("legacy")})).UserPool
	poolB := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("strict")})).UserPool

	// An unknown value: the model's enum error, nothing created.
	_, err := c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(legacy), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}}, withSecurityPolicy("TLS_V1_1_2016"))
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value 'TLS_V1_1_2016' at 'customDomainConfig.securityPolicy' "+
		"failed to satisfy constraint: Member must satisfy enum value set: [TLS_V1, TLS_V1_2_2021, TLS_V1_3_2025]")
	if d := describeDomain(t, c, legacy); d.Status != "" {
		t.Fatalf("a refused create left a domain: %+v", d)
	}

	// None given: TLS_V1.
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(legacy), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}}))
	if d, p := describeWithPolicy(t, c, legacy); d.CustomDomainConfig == nil || p != policyTLSV1 || aws.ToString(d.CustomDomainConfig.CertificateArn) != arnLegacy {
		t.Fatalf("describe without a policy given: %q %+v", p, d.CustomDomainConfig)
	}
	if ok, err := policyServed(ts.EdgeAddr, legacy, roots, policyTLSV1); !ok {
		t.Fatalf("%s is not served with TLS_V1: %v", legacy, err)
	}

	// Given at creation.
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(strict), UserPoolId: poolB.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnStrict}}, withSecurityPolicy(policyTLSV13_2025)))
	if _, p := describeWithPolicy(t, c, strict); p != policyTLSV13_2025 {
		t.Fatalf("describe: %q", p)
	}
	if ok, err := policyServed(ts.EdgeAddr, strict, roots, policyTLSV13_2025); !ok {
		t.Fatalf("%s is not served with TLS_V1_3_2025: %v", strict, err)
	}

	// Changed by an update; an update without one keeps it.
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(legacy), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}}, withSecurityPolicy(policyTLSV12_2021)))
	if ok, err := policyServed(ts.EdgeAddr, legacy, roots, policyTLSV12_2021); !ok {
		t.Fatalf("%s is not served with TLS_V1_2_2021 after the update: %v", legacy, err)
	}
	must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(legacy), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}, ManagedLoginVersion: aws.Int32(1)}))
	waitFor(t, 2*time.Second, "ACTIVE", func() (bool, error) { return describeDomain(t, c, legacy).Status == types.DomainStatusTypeActive, nil })
	if _, p := describeWithPolicy(t, c, legacy); p != policyTLSV12_2021 {
		t.Fatalf("an update without a policy changed it: %q", p)
	}
	if ok, err := policyServed(ts.EdgeAddr, legacy, roots, policyTLSV12_2021); !ok {
		t.Fatalf("%s is not served with TLS_V1_2_2021 after an update without a policy: %v", legacy, err)
	}
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(legacy), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}}, withSecurityPolicy("tls_v1"))
	wantAPIError(t, err, "InvalidParameterException", "Value 'tls_v1' at 'customDomainConfig.securityPolicy' failed to satisfy constraint")

	// A prefix domain has no policy to set, and shows none.
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("policyprefix"), UserPoolId: poolA.Id}))
	if d, p := describeWithPolicy(t, c, "policyprefix"); d.CustomDomainConfig == nil || p != "" {
		t.Fatalf("prefix describe: %q %+v", p, d.CustomDomainConfig)
	}
	_, err = c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("policyprefix"), UserPoolId: poolA.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arnLegacy}}, withSecurityPolicy(policyTLSV1))
	wantAPIError(t, err, "InvalidParameterException", "User pool should have a custom domain associated, failed to update the certificate.")
	caPEM, err := caPEMOf(ts)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := policyServed(ts.EdgeAddr, "policyprefix.auth.us-east-1.localhost", rootsOf(caPEM), policyTLSV12_2021); !ok {
		t.Fatalf("the prefix domain is not served with TLS_V1_2_2021's settings: %v", err)
	}
}

// TestSecurityPolicySwitchOnTwoNodes: UpdateUserPoolDomain switches a
// custom domain's policy on node A while clients the new policy still
// allows make handshakes with both nodes: none fails, and the new policy is
// in effect on both nodes within a second (the switch travels with the
// domain's generation, over PostgreSQL's LISTEN/NOTIFY); the domain is
// ACTIVE once both serve it. Twice: TLS_V1 to TLS_V1_2_2021 under TLS 1.2
// clients, then to TLS_V1_3_2025 under TLS 1.3 clients.
func TestSecurityPolicySwitchOnTwoNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	c, certs := a.client("us-east-1", false), a.acmClient("us-east-1")
	ca := certtest.NewCA(t)
	roots := rootsOf(ca.PEM())
	const host = "auth.tlspolicy.example.test"
	now := time.Now()
	arn := importCert(t, certs, ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("tlspolicy")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}, withSecurityPolicy(policyTLSV1)))
	for name, n := range map[string]*testServer{"A": a, "B": b} {
		waitFor(t, 2*time.Second, "node "+name+" to serve the domain with TLS_V1", func() (bool, error) {
			return policyServed(n.EdgeAddr, host, roots, policyTLSV1)
		})
	}

	for _, step := range []struct {
		policy securityPolicy
		client uint16 // the version the loop's clients are forced to: allowed before and after
	}{
		{policyTLSV12_2021, tls.VersionTLS12},
		{policyTLSV13_2025, tls.VersionTLS13},
	} {
		cfg := tlsClient(host, roots, step.client, step.client)
		loopA := edgetest.StartHandshakeLoopWith(a.EdgeAddr, cfg, 20000, 20*time.Second)
		loopB := edgetest.StartHandshakeLoopWith(b.EdgeAddr, cfg, 20000, 20*time.Second)
		time.Sleep(150 * time.Millisecond)
		must[*cognito.UpdateUserPoolDomainOutput](t)(c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool.Id,
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}, withSecurityPolicy(step.policy)))
		returned := time.Now()
		for name, n := range map[string]*testServer{"A": a, "B": b} {
			waitFor(t, time.Second-time.Since(returned), "node "+name+" to apply "+step.policy, func() (bool, error) {
				return policyServed(n.EdgeAddr, host, roots, step.policy)
			})
		}
		applied := time.Since(returned)
		time.Sleep(150 * time.Millisecond)
		loopA.Finish()
		loopB.Finish()
		for name, l := range map[string]*edgetest.HandshakeLoop{"A": loopA, "B": loopB} {
			if n := l.Failed.Load(); n != 0 {
				t.Fatalf("%s: node %s: %d failed handshakes during the switch; first: %v", step.policy, name, n, l.FirstErr)
			}
			if l.OK.Load() < 10 {
				t.Fatalf("%s: node %s: only %d handshakes ran", step.policy, name, l.OK.Load())
			}
		}
		t.Logf("%s in effect on both nodes %v after UpdateUserPoolDomain returned on node A", step.policy, applied.Round(time.Millisecond))
		waitFor(t, 2*time.Second, "ACTIVE", func() (bool, error) { return describeDomain(t, c, host).Status == types.DomainStatusTypeActive, nil })
		if _, p := describeWithPolicy(t, b.client("us-east-1", false), host); p != step.policy {
			t.Fatalf("node B describes %q", p)
		}
	}
}
