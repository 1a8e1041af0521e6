package app_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/go-jose/go-jose/v4"
)

// rawACME is an ACME client written for these tests with go-jose, so that
// requests can break the protocol's rules on purpose.
type rawACME struct {
	t   *testing.T
	dir map[string]any
	key crypto.Signer
	kid string
	// via maps a public URL to the node the request is sent to (nil: the
	// URL itself).
	via func(string) string
}

func (c *rawACME) to(url string) string {
	if c.via == nil {
		return url
	}
	return c.via(url)
}

func newRawACME(t *testing.T, directory string) *rawACME {
	return newRawACMEVia(t, directory, nil)
}

func newRawACMEVia(t *testing.T, directory string, via func(string) string) *rawACME {
	t.Helper()
	c := &rawACME{t: t, via: via}
	resp, err := http.Get(c.to(directory))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&c.dir); err != nil || resp.StatusCode != 200 {
		t.Fatalf("directory: %d %v", resp.StatusCode, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c.key = key
	return c
}

func (c *rawACME) url(name string) string { return c.dir[name].(string) }

func (c *rawACME) nonce() string {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodHead, c.to(c.url("newNonce")), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	n := resp.Header.Get("Replay-Nonce")
	if n == "" {
		c.t.Fatal("newNonce gave no Replay-Nonce")
	}
	return n
}

// jws options for one request.
type jwsOpts struct {
	alg     jose.SignatureAlgorithm
	key     any
	nonce   string
	url     string
	embed   bool // jwk instead of kid
	bothKey bool // jwk and kid
}

func (c *rawACME) sign(url string, payload []byte, o jwsOpts) string {
	c.t.Helper()
	if o.alg == "" {
		o.alg = jose.ES256
	}
	if o.key == nil {
		o.key = c.key
	}
	if o.nonce == "" {
		o.nonce = c.nonce()
	}
	if o.url == "" {
		o.url = url
	}
	opts := (&jose.SignerOptions{}).WithHeader("nonce", o.nonce).WithHeader("url", o.url)
	if o.embed || o.bothKey {
		opts.EmbedJWK = true
	}
	if !o.embed || o.bothKey {
		opts = opts.WithHeader("kid", c.kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: o.alg, Key: o.key}, opts)
	if err != nil {
		c.t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		c.t.Fatal(err)
	}
	out := jws.FullSerialize()
	if len(payload) == 0 { // POST-as-GET: go-jose leaves the empty payload out; RFC 8555 §6.3 sends ""
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			c.t.Fatal(err)
		}
		m["payload"] = ""
		b, _ := json.Marshal(m)
		out = string(b)
	}
	return out
}

type acmeReply struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r acmeReply) problem() string {
	s, _ := r.json["type"].(string)
	return strings.TrimPrefix(s, "urn:ietf:params:acme:error:")
}

func (c *rawACME) send(url, body, contentType string) acmeReply {
	c.t.Helper()
	resp, err := http.Post(c.to(url), contentType, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := acmeReply{status: resp.StatusCode, header: resp.Header, body: b}
	_ = json.Unmarshal(b, &r.json)
	return r
}

func (c *rawACME) post(url string, payload any, o jwsOpts) acmeReply {
	c.t.Helper()
	var p []byte
	if payload != nil {
		var err error
		if p, err = json.Marshal(payload); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.send(url, c.sign(url, p, o), "application/jose+json")
}

// eab is an external account binding over the client's key.
func (c *rawACME) eab(kid, hmac string, accountKey crypto.Signer) json.RawMessage {
	c.t.Helper()
	mac, err := base64.RawURLEncoding.DecodeString(hmac)
	if err != nil {
		c.t.Fatal(err)
	}
	jwk, err := json.Marshal(jose.JSONWebKey{Key: accountKey.Public()})
	if err != nil {
		c.t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: mac},
		(&jose.SignerOptions{}).WithHeader("kid", kid).WithHeader("url", c.url("newAccount")))
	if err != nil {
		c.t.Fatal(err)
	}
	jws, err := signer.Sign(jwk)
	if err != nil {
		c.t.Fatal(err)
	}
	return json.RawMessage(jws.FullSerialize())
}

func (c *rawACME) register(setup acmeSetup) acmeReply {
	c.t.Helper()
	r := c.post(c.url("newAccount"), map[string]any{"termsOfServiceAgreed": true, "externalAccountBinding": c.eab(setup.kid, setup.hmac, c.key)}, jwsOpts{embed: true})
	if r.status == http.StatusCreated || r.status == http.StatusOK {
		c.kid = r.header.Get("Location")
	}
	return r
}

func csrFor(t *testing.T, key crypto.Signer, names ...string) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(der)
}

// TestACMEProtocolRules holds the server to RFC 8555's rules with requests
// that break them: replayed and unknown nonces, a url header that is not
// the request's, MAC and jwk+kid JWSs, newAccount without or with a wrong
// binding, an order of another account, a CSR for other names, a second
// finalize; and the happy path: download of the PEM chain and revocation
// signed by the certificate's own key.
func TestACMEProtocolRules(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.acmClient("us-east-1")
	setup := newACMEEndpoint(t, ctx, c, "proto.example.test", nil)

	// An unknown endpoint is a 404 problem.
	if resp, err := http.Get(ts.URL + "/acme/00000000-0000-4000-8000-000000000000/directory"); err != nil || resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("unknown endpoint: %v %v", resp, err)
	}
	a := newRawACME(t, setup.directory)
	if meta, _ := a.dir["meta"].(map[string]any); meta["externalAccountRequired"] != true {
		t.Fatalf("directory %v", a.dir)
	}

	// newAccount without a binding, with a binding over another key, with a made-up key id.
	if r := a.post(a.url("newAccount"), map[string]any{"termsOfServiceAgreed": true}, jwsOpts{embed: true}); r.status != 401 || r.problem() != "externalAccountRequired" {
		t.Fatalf("no EAB: %d %s", r.status, r.body)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if r := a.post(a.url("newAccount"), map[string]any{"externalAccountBinding": a.eab(setup.kid, setup.hmac, other)}, jwsOpts{embed: true}); r.status != 401 || r.problem() != "unauthorized" {
		t.Fatalf("EAB over another key: %d %s", r.status, r.body)
	}
	if r := a.post(a.url("newAccount"), map[string]any{"externalAccountBinding": a.eab("NOSUCHKEYID", setup.hmac, a.key)}, jwsOpts{embed: true}); r.status != 403 || r.problem() != "unauthorized" {
		t.Fatalf("EAB with an unknown key id: %d %s", r.status, r.body)
	}

	// Nonces: one use each; a made-up one is refused; the refusal carries a fresh nonce.
	n := a.nonce()
	payload, _ := json.Marshal(map[string]any{"onlyReturnExisting": true})
	body := a.sign(a.url("newAccount"), payload, jwsOpts{embed: true, nonce: n})
	if r := a.send(a.url("newAccount"), body, "application/jose+json"); r.problem() != "accountDoesNotExist" {
		t.Fatalf("onlyReturnExisting: %d %s", r.status, r.body)
	}
	r := a.send(a.url("newAccount"), body, "application/jose+json")
	if r.status != 400 || r.problem() != "badNonce" || r.header.Get("Replay-Nonce") == "" {
		t.Fatalf("replayed nonce: %d %s", r.status, r.body)
	}
	if r := a.post(a.url("newAccount"), map[string]any{}, jwsOpts{embed: true, nonce: "bWFkZS11cA"}); r.problem() != "badNonce" {
		t.Fatalf("made-up nonce: %d %s", r.status, r.body)
	}
	// The url header must be the request's URL.
	if r := a.post(a.url("newAccount"), map[string]any{}, jwsOpts{embed: true, url: a.url("newOrder")}); r.status != 401 || r.problem() != "unauthorized" {
		t.Fatalf("url mismatch: %d %s", r.status, r.body)
	}
	// The content type must be application/jose+json.
	if r := a.send(a.url("newAccount"), a.sign(a.url("newAccount"), []byte("{}"), jwsOpts{embed: true}), "application/json"); r.problem() != "malformed" {
		t.Fatalf("content type: %d %s", r.status, r.body)
	}

	// Registration.
	reg := a.register(setup)
	if reg.status != 201 || a.kid == "" || reg.json["status"] != "valid" {
		t.Fatalf("newAccount: %d %s", reg.status, reg.body)
	}
	if again := a.register(setup); again.status != 200 || again.header.Get("Location") != a.kid {
		t.Fatalf("newAccount again: %d %s", again.status, again.body)
	}
	// A MAC-signed request, and one with both jwk and kid.
	if r := a.post(a.url("newOrder"), map[string]any{}, jwsOpts{alg: jose.HS256, key: []byte("0123456789abcdef0123456789abcdef")}); r.problem() != "badSignatureAlgorithm" {
		t.Fatalf("HS256 request: %d %s", r.status, r.body)
	}
	if r := a.post(a.url("newOrder"), map[string]any{}, jwsOpts{bothKey: true}); r.problem() != "malformed" {
		t.Fatalf("jwk and kid: %d %s", r.status, r.body)
	}
	// newOrder must be signed by an account (kid).
	order := map[string]any{"identifiers": []map[string]string{{"type": "dns", "value": "proto.example.test"}}}
	if r := a.post(a.url("newOrder"), order, jwsOpts{embed: true}); r.problem() != "malformed" {
		t.Fatalf("newOrder with jwk: %d %s", r.status, r.body)
	}
	o := a.post(a.url("newOrder"), order, jwsOpts{})
	if o.status != 201 || o.json["status"] != "ready" {
		t.Fatalf("newOrder: %d %s", o.status, o.body)
	}
	orderURL := o.header.Get("Location")
	authzURL := o.json["authorizations"].([]any)[0].(string)
	if az := a.post(authzURL, nil, jwsOpts{}); az.json["status"] != "valid" || az.json["identifier"].(map[string]any)["value"] != "proto.example.test" {
		t.Fatalf("authorization: %d %s", az.status, az.body)
	}

	// Another account may not read or finalize this order.
	b := newRawACME(t, setup.directory)
	if r := b.register(setup); r.status != 201 {
		t.Fatalf("second account: %d %s", r.status, r.body)
	}
	if r := b.post(orderURL, nil, jwsOpts{}); r.status != 403 || r.problem() != "unauthorized" {
		t.Fatalf("another account's order: %d %s", r.status, r.body)
	}

	// A CSR for other names is refused; the right one issues; a second finalize is refused.
	certKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	finalize := o.json["finalize"].(string)
	if r := a.post(finalize, map[string]any{"csr": csrFor(t, certKey, "proto.example.test", "evil.example.test")}, jwsOpts{}); r.problem() != "badCSR" {
		t.Fatalf("CSR for other names: %d %s", r.status, r.body)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must[*acm.UpdateAcmeEndpointOutput](t)(c.UpdateAcmeEndpoint(ctx, &acm.UpdateAcmeEndpointInput{AcmeEndpointArn: &setup.endpointArn,
		CertificateAuthority: &acmtypes.CertificateAuthorityMemberPublicCertificateAuthority{Value: acmtypes.PublicCertificateAuthority{AllowedKeyAlgorithms: []acmtypes.PublicKeyAlgorithm{acmtypes.PublicKeyAlgorithmEcPrime256V1}}}}))
	if r := a.post(finalize, map[string]any{"csr": csrFor(t, p384, "proto.example.test")}, jwsOpts{}); r.problem() != "badPublicKey" {
		t.Fatalf("CSR with a key the endpoint does not allow: %d %s", r.status, r.body)
	}
	f := a.post(finalize, map[string]any{"csr": csrFor(t, certKey, "proto.example.test")}, jwsOpts{})
	if f.status != 200 || f.json["status"] != "valid" || f.json["certificate"] == nil {
		t.Fatalf("finalize: %d %s", f.status, f.body)
	}
	if r := a.post(finalize, map[string]any{"csr": csrFor(t, certKey, "proto.example.test")}, jwsOpts{}); r.status != 403 || r.problem() != "orderNotReady" {
		t.Fatalf("second finalize: %d %s", r.status, r.body)
	}
	cert := a.post(f.json["certificate"].(string), nil, jwsOpts{})
	if cert.status != 200 || cert.header.Get("Content-Type") != "application/pem-certificate-chain" || bytes.Count(cert.body, []byte("BEGIN CERTIFICATE")) != 2 {
		t.Fatalf("certificate download: %d %s %s", cert.status, cert.header.Get("Content-Type"), cert.body)
	}
	if r := b.post(f.json["certificate"].(string), nil, jwsOpts{}); r.status != 403 {
		t.Fatalf("another account's certificate: %d %s", r.status, r.body)
	}
	leaf := parsePEM(t, cert.body)
	if !leaf.PublicKey.(*ecdsa.PublicKey).Equal(certKey.Public()) {
		t.Fatal("the certificate is not for the CSR's key")
	}

	// Revocation signed by the certificate's own key (jwk), by someone with no account.
	revoker := &rawACME{t: t, dir: a.dir, key: certKey}
	der, _ := pem.Decode(cert.body)
	if r := revoker.post(a.url("revokeCert"), map[string]any{"certificate": base64.RawURLEncoding.EncodeToString(der.Bytes), "reason": 1}, jwsOpts{embed: true}); r.status != 200 {
		t.Fatalf("revocation by the certificate's key: %d %s", r.status, r.body)
	}
	// And by another key: refused.
	if r := b.post(a.url("revokeCert"), map[string]any{"certificate": base64.RawURLEncoding.EncodeToString(der.Bytes)}, jwsOpts{embed: true}); r.status != 403 {
		t.Fatalf("revocation by another key: %d %s", r.status, r.body)
	}
	list := must[*acm.ListCertificatesOutput](t)(c.ListCertificates(ctx, &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmEcPrime256v1}}}))
	if len(list.CertificateSummaryList) != 1 {
		t.Fatalf("certificates %+v", list.CertificateSummaryList)
	}
	det := must[*acm.DescribeCertificateOutput](t)(c.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: list.CertificateSummaryList[0].CertificateArn})).Certificate
	if det.Status != acmtypes.CertificateStatusRevoked || det.RevocationReason != acmtypes.RevocationReasonKeyCompromise || aws.ToString(det.Serial) == "" {
		t.Fatalf("after revocation %+v", det)
	}

	// Deactivation: the account's later requests are refused.
	if r := a.post(a.kid, map[string]any{"status": "deactivated"}, jwsOpts{}); r.status != 200 || r.json["status"] != "deactivated" {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	if r := a.post(a.url("newOrder"), order, jwsOpts{}); r.status != 401 || r.problem() != "unauthorized" {
		t.Fatalf("order by a deactivated account: %d %s", r.status, r.body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
