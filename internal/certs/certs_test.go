package certs

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/wire/acm"
)

type fixture struct {
	t         testing.TB
	ctx       context.Context
	st        store.Store
	sealer    *secrets.Sealer
	svc       *Service
	ca        *certtest.CA
	mu        sync.Mutex
	now       time.Time
	changed   []string
	announced []*Material // with each change, what was announced
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, err := secrets.LoadOrCreateKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, st: st, sealer: sealer, ca: certtest.NewCA(t), now: time.Now().UTC()}
	f.svc = f.service(Options{})
	return f
}

// service builds another Service on the fixture's store, clock and sealer.
func (f *fixture) service(o Options) *Service {
	o.Region, o.AccountID, o.Sealer = "us-east-1", "123456789012", f.sealer
	o.Clock = clock.Func(f.clock)
	o.Announcer = (*recorder)(f)
	return New(f.st, o)
}

// recorder is the fixture as the certificates' Announcer.
type recorder fixture

func (r *recorder) CertificateChanged(_ context.Context, arn string, m *Material) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changed = append(r.changed, arn)
	r.announced = append(r.announced, m)
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fixture) changes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.changed)
}

func (f *fixture) leaf(names ...string) (certPEM, keyPEM []byte) {
	return f.ca.LeafRSA(f.t, 2048, names, f.now.Add(-time.Hour), f.now.AddDate(0, 3, 0))
}

func (f *fixture) importCert(certPEM, keyPEM, chain []byte, tags ...acm.Tag) string {
	f.t.Helper()
	out, err := f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{Certificate: certPEM, PrivateKey: keyPEM, CertificateChain: chain, Tags: tags})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.CertificateArn
}

func (f *fixture) request(in *acm.RequestCertificateRequest) string {
	f.t.Helper()
	out, err := f.svc.RequestCertificate(f.ctx, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return out.CertificateArn
}

func (f *fixture) describe(arn string) *acm.CertificateDetail {
	f.t.Helper()
	out, err := f.svc.DescribeCertificate(f.ctx, &acm.DescribeCertificateRequest{CertificateArn: arn})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Certificate
}

func wantErr(t *testing.T, err error, typ, msg string) {
	t.Helper()
	ae, ok := awserr.As(err)
	if !ok {
		t.Fatalf("want %s, got %v", typ, err)
	}
	if ae.Type() != typ || !strings.Contains(ae.Message(), msg) {
		t.Fatalf("want %s containing %q, got %s: %s", typ, msg, ae.Type(), ae.Message())
	}
}

var (
	certARNRE = regexp.MustCompile(`^arn:aws:acm:us-east-1:123456789012:certificate/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	serialRE  = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2})*$`)
	dvoNameRE = regexp.MustCompile(`^_[0-9a-f]{32}\.example\.test\.$`)
	dvoValRE  = regexp.MustCompile(`^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$`)
)

func TestImport(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.leaf("auth.example.test", "www.example.test")
	arn := f.importCert(certPEM, keyPEM, f.ca.PEM(), acm.Tag{Key: "env", Value: "test"})
	if !certARNRE.MatchString(arn) {
		t.Fatalf("ARN %s", arn)
	}
	d := f.describe(arn)
	leaf := parseCert(t, certPEM)
	if d.CertificateArn != arn || d.DomainName != "auth.example.test" || !slices.Equal(d.SubjectAlternativeNames, []string{"auth.example.test", "www.example.test"}) ||
		d.Type != "IMPORTED" || d.Status != "ISSUED" || d.KeyAlgorithm != "RSA-2048" || d.SignatureAlgorithm != "SHA256WITHECDSA" ||
		d.Subject != "CN=auth.example.test" || d.Issuer != "certtest" || d.RenewalEligibility != "INELIGIBLE" ||
		d.ImportedAt == nil || d.CreatedAt == nil || d.IssuedAt != nil || !d.NotAfter.Equal(leaf.NotAfter) || !d.NotBefore.Equal(leaf.NotBefore) {
		t.Fatalf("detail %+v", d)
	}
	if !serialRE.MatchString(d.Serial) || d.InUseBy == nil || len(d.InUseBy) != 0 || len(d.DomainValidationOptions) != 0 {
		t.Fatalf("serial %q, InUseBy %#v, DVO %v", d.Serial, d.InUseBy, d.DomainValidationOptions)
	}
	if len(d.KeyUsages) != 2 || d.KeyUsages[0].Name != "DIGITAL_SIGNATURE" || len(d.ExtendedKeyUsages) != 1 ||
		d.ExtendedKeyUsages[0] != (acm.ExtendedKeyUsage{Name: "TLS_WEB_SERVER_AUTHENTICATION", OID: "1.3.6.1.5.5.7.3.1"}) {
		t.Fatalf("usages %v %v", d.KeyUsages, d.ExtendedKeyUsages)
	}

	got, err := f.svc.GetCertificate(f.ctx, &acm.GetCertificateRequest{CertificateArn: arn})
	if err != nil || got.Certificate != string(certPEM) || got.CertificateChain != string(f.ca.PEM()) {
		t.Fatalf("get: %+v, %v", got, err)
	}

	m, err := f.svc.Material(f.ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if m.ARN != arn || m.Region != "us-east-1" || m.Status != "ISSUED" || m.Type != "IMPORTED" || len(m.Certificate.Certificate) != 2 ||
		!slices.Equal(m.Names, []string{"auth.example.test", "www.example.test"}) || m.Certificate.Leaf == nil || m.Version == 0 {
		t.Fatalf("material %+v", m)
	}
	wantKey, err := parsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(wantKey.Public(), m.Certificate.PrivateKey.(crypto.Signer).Public()) {
		t.Fatal("material key is not the imported key")
	}
	if _, err := f.svc.Material(f.ctx, "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"); !awserr.Is(err, "ResourceNotFoundException") {
		t.Fatalf("unknown material: %v", err)
	}
}

func TestKeyNeverStoredInClear(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.leaf("auth.example.test")
	imported := f.importCert(certPEM, keyPEM, nil)
	issued := f.request(&acm.RequestCertificateRequest{DomainName: "app.example.test"})

	for _, arn := range []string{imported, issued} {
		rec, err := f.st.GetCertificate(f.ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.Material(f.ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		key := m.Certificate.PrivateKey.(crypto.Signer)
		for name, field := range map[string][]byte{"document": rec.Doc, "sealed key": rec.SealedKey} {
			if leak := clearKeyMaterial(t, field, key); leak != "" {
				t.Fatalf("%s: the %s holds %s in the clear", arn, name, leak)
			}
		}
		// The material opens only with its own ARN.
		if _, err := f.sealer.Open(rec.SealedKey, []byte(arn)); err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		if _, err := f.sealer.Open(rec.SealedKey, []byte("other")); err == nil {
			t.Fatalf("%s: sealed key opens for another owner", arn)
		}
	}
	raw, err := f.st.GetValue(f.ctx, "local-ca")
	if err != nil {
		t.Fatalf("local CA value: %v", err)
	}
	ca, err := f.svc.CA(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if leak := clearKeyMaterial(t, raw, ca.key); leak != "" {
		t.Fatalf("the local CA's value holds %s in the clear", leak)
	}
}

// TestKeyCheckSeesOnlySecrets holds clearKeyMaterial to what it means: a
// record holding the certificate (whose public key the key's PEM also
// holds) is clean, whatever the certificate's layout; a record holding any
// secret part of the key, in any of the encodings a store could use, is not.
// The check it replaces compared lines of the key's PEM with the record and
// failed when the certificate's modulus happened to line up with them (a
// 15-byte serial number, about 1 run in 128).
func TestKeyCheckSeesOnlySecrets(t *testing.T) {
	ca := certtest.NewCA(t)
	now := time.Now()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := certtest.KeyPEM(t, key)
	keyDER, _ := pem.Decode(keyPEM)
	// Certificates of every serial length from 1 to 20 bytes move the
	// modulus through every alignment with the key's PEM lines.
	for n := 1; n <= 20; n++ {
		serial := new(big.Int).Lsh(big.NewInt(1), uint(8*n-2))
		tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "auth.example.test"},
			DNSNames: []string{"auth.example.test"}, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 3, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
		if err != nil {
			t.Fatal(err)
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		doc, _ := json.Marshal(map[string]any{"Certificate": string(certPEM), "DER": der, "PEM": certPEM})
		if leak := clearKeyMaterial(t, doc, key); leak != "" {
			t.Fatalf("serial of %d bytes: a record holding only the certificate is reported to hold %s", n, leak)
		}
	}

	d := key.D.Bytes()
	p := key.Primes[0].Bytes()
	for name, doc := range map[string][]byte{
		"key PEM":              keyPEM,
		"key PEM in JSON":      must(json.Marshal(map[string]string{"k": string(keyPEM)})),
		"PKCS#8 DER in JSON":   must(json.Marshal(map[string][]byte{"k": keyDER.Bytes})),
		"PKCS#1 DER":           x509.MarshalPKCS1PrivateKey(key),
		"key as JSON":          must(json.Marshal(key)),
		"exponent raw":         append([]byte("x"), d...),
		"exponent hex":         []byte(hex.EncodeToString(d)),
		"prime base64url":      []byte(base64.RawURLEncoding.EncodeToString(p[1:])),
		"exponent base64 tail": []byte(base64.StdEncoding.EncodeToString(d[2:])),
	} {
		if clearKeyMaterial(t, doc, key) == "" {
			t.Errorf("%s: not seen", name)
		}
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if clearKeyMaterial(t, certtest.KeyPEM(t, ec), ec) == "" || clearKeyMaterial(t, must(json.Marshal(ec.D)), ec) == "" {
		t.Error("an ECDSA key in the clear is not seen")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// clearKeyMaterial says which secret part of key the record holds in the
// clear ("" when none): a PEM private key block, or any of the private
// exponent, the primes and the CRT values of an RSA key (the scalar of an
// ECDSA key), as raw bytes, hex, decimal or base64 (standard or URL, at any
// alignment, whole or in pieces of 30 bytes as a PEM line would cut them).
// The public parts (modulus, exponent, curve point), which the certificate
// holds too, are not looked for.
func clearKeyMaterial(t testing.TB, record []byte, key crypto.Signer) string {
	t.Helper()
	if bytes.Contains(record, []byte("PRIVATE KEY")) {
		return "a PEM private key block"
	}
	secrets := map[string][]byte{}
	var decimal []*big.Int
	switch k := key.(type) {
	case *rsa.PrivateKey:
		k.Precompute()
		secrets["the private exponent"] = k.D.Bytes()
		for i, p := range k.Primes {
			secrets[fmt.Sprintf("prime %d", i)] = p.Bytes()
		}
		secrets["dP"], secrets["dQ"], secrets["qInv"] = k.Precomputed.Dp.Bytes(), k.Precomputed.Dq.Bytes(), k.Precomputed.Qinv.Bytes()
		decimal = append([]*big.Int{k.D, k.Precomputed.Dp, k.Precomputed.Dq, k.Precomputed.Qinv}, k.Primes...)
	case *ecdsa.PrivateKey:
		secrets["the private scalar"] = k.D.FillBytes(make([]byte, (k.Curve.Params().BitSize+7)/8))
		decimal = []*big.Int{k.D}
	default:
		t.Fatalf("key of type %T", key)
	}
	for _, n := range decimal {
		if n.BitLen() > 128 && bytes.Contains(record, []byte(n.String())) {
			return "a secret number in decimal"
		}
	}
	const piece = 30 // bytes: 40 base64 characters, 240 bits no certificate holds by chance
	lower := bytes.ToLower(record)
	for name, b := range secrets {
		if len(b) < piece {
			t.Fatalf("%s is only %d bytes", name, len(b))
		}
		if bytes.Contains(record, b) || bytes.Contains(lower, []byte(hex.EncodeToString(b))) {
			return name
		}
		// Base64 of the number, wherever it starts in the encoded stream:
		// every piece that begins on a 3-byte boundary of the stream is
		// encoded on its own as it is here, at whatever offset i the
		// boundary falls in the number.
		for i := 0; i+piece <= len(b); i++ {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if bytes.Contains(record, []byte(enc.EncodeToString(b[i:i+piece]))) {
					return name
				}
			}
		}
	}
	return ""
}

func TestImportRefuses(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.leaf("auth.example.test")
	otherCert, otherKey := f.leaf("other.example.test")
	inter := f.ca.Intermediate(t)
	interLeaf, interKey := inter.LeafRSA(t, 2048, []string{"deep.example.test"}, f.now.Add(-time.Hour), f.now.AddDate(0, 1, 0))
	expired, expiredKey := f.ca.LeafRSA(t, 2048, []string{"old.example.test"}, f.now.Add(-48*time.Hour), f.now.Add(-time.Hour))
	small, smallKey := f.ca.LeafRSA(t, 1024, []string{"small.example.test"}, f.now.Add(-time.Hour), f.now.AddDate(0, 1, 0))
	ec, ecKey := f.ca.Leaf(t, []string{"ec.example.test"}, f.now.Add(-time.Hour), f.now.AddDate(0, 1, 0))
	garbage := []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
	encKey := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})

	for _, c := range []struct {
		name             string
		cert, key, chain []byte
		msg              string
	}{
		{"key mismatch", certPEM, otherKey, nil, "The private key does not match the public key in the certificate."},
		{"two certificates", append(slices.Clone(certPEM), otherCert...), keyPEM, nil, "The certificate field contains more than one certificate. You can specify only one certificate in this field."},
		{"body not PEM", []byte("hello"), keyPEM, nil, "The certificate body provided is not in a valid PEM format."},
		{"body unparsable", garbage, keyPEM, nil, "Unable to parse certificate."},
		{"chain of another CA", certPEM, keyPEM, certtest.NewCA(t).PEM(), "Could not validate the certificate with the certificate chain."},
		{"chain not PEM", certPEM, keyPEM, []byte("nope"), "The certificate chain provided is not in a valid PEM format."},
		{"chain holds a key", certPEM, keyPEM, keyPEM, "The certificate chain provided is not in a valid PEM format."},
		{"chain out of order", interLeaf, interKey, append(f.ca.PEM(), certtest.CertPEM(inter.Cert)...), "Could not validate the certificate with the certificate chain."},
		{"chain with a stranger", interLeaf, interKey, append(certtest.CertPEM(inter.Cert), certtest.NewCA(t).PEM()...), "The index within the chain of the invalid certificate is: 1"},
		{"expired", expired, expiredKey, nil, "The certificate is not valid at this time"},
		{"RSA 1024", small, smallKey, nil, "The private key length 1024 is not supported for key algorithm."},
		{"encrypted key", certPEM, encKey, nil, "The private key is not supported."},
		{"key not PEM", certPEM, []byte("key"), nil, "The private key is not supported."},
		{"key of another type", ec, keyPEM, nil, "The private key does not match"},
	} {
		_, err := f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{Certificate: c.cert, PrivateKey: c.key, CertificateChain: c.chain})
		if ae, ok := awserr.As(err); !ok || ae.Type() != "ValidationException" || !strings.Contains(ae.Message(), c.msg) {
			t.Errorf("%s: want ValidationException %q, got %v", c.name, c.msg, err)
		}
	}

	// What passes: an intermediate chain in order, an EC key, a SEC 1 key
	// with OpenSSL's parameters block, a PKCS#1 key.
	f.importCert(interLeaf, interKey, append(certtest.CertPEM(inter.Cert), f.ca.PEM()...))
	f.importCert(ec, ecKey, nil)
	f.importCert(ec, sec1(t, ecKey), nil)
	f.importCert(certPEM, pkcs1(t, keyPEM), nil)

	_, err := f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{Certificate: certPEM, PrivateKey: keyPEM, Tags: []acm.Tag{{Key: "aws:x", Value: "1"}}})
	wantErr(t, err, "InvalidTagException", "aws:")
}

func TestReimport(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.leaf("auth.example.test")
	arn := f.importCert(certPEM, keyPEM, nil, acm.Tag{Key: "team", Value: "id"})
	before := f.describe(arn)
	v1, _ := f.svc.Material(f.ctx, arn)

	f.advance(time.Minute)
	newCert, newKey := f.ca.LeafRSA(t, 2048, []string{"auth.example.test", "login.example.test"}, f.now.Add(-time.Hour), f.now.AddDate(1, 0, 0))
	out, err := f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{CertificateArn: arn, Certificate: newCert, PrivateKey: newKey, CertificateChain: f.ca.PEM()})
	if err != nil || out.CertificateArn != arn {
		t.Fatalf("re-import: %+v, %v", out, err)
	}
	after := f.describe(arn)
	if after.Serial == before.Serial || !after.NotAfter.After(before.NotAfter.Time) || len(after.SubjectAlternativeNames) != 2 ||
		!after.CreatedAt.Equal(before.CreatedAt.Time) || !after.ImportedAt.After(before.ImportedAt.Time) {
		t.Fatalf("after re-import %+v", after)
	}
	if got := f.changes(); !slices.Equal(got, []string{arn}) {
		t.Fatalf("announced changes %v", got)
	}
	// The announcement carries the new material: nobody reads it back.
	f.mu.Lock()
	m := f.announced[0]
	f.mu.Unlock()
	if m == nil || m.ARN != arn || m.Version <= v1.Version || m.Certificate == nil || m.Certificate.PrivateKey == nil || !slices.Equal(m.Names, []string{"auth.example.test", "login.example.test"}) {
		t.Fatalf("announced material %+v (before: version %d)", m, v1.Version)
	}
	if v, err := f.svc.CertificateVersion(f.ctx, arn); err != nil || v != m.Version {
		t.Fatalf("CertificateVersion %d, %v; announced %d", v, err, m.Version)
	}
	tags, _ := f.svc.ListTagsForCertificate(f.ctx, &acm.ListTagsForCertificateRequest{CertificateArn: arn})
	if len(tags.Tags) != 1 {
		t.Fatalf("tags after re-import %v", tags.Tags)
	}
	v2, _ := f.svc.Material(f.ctx, arn)
	if v2.Version <= v1.Version || bytes.Equal(v2.Certificate.Certificate[0], v1.Certificate.Certificate[0]) {
		t.Fatal("material did not change")
	}

	_, err = f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{CertificateArn: arn, Certificate: newCert, PrivateKey: newKey, Tags: []acm.Tag{{Key: "a"}}})
	wantErr(t, err, "ValidationException", "Tagging is not permitted on re-import.")

	issued := f.request(&acm.RequestCertificateRequest{DomainName: "auth.example.test"})
	_, err = f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{CertificateArn: issued, Certificate: newCert, PrivateKey: newKey})
	wantErr(t, err, "ValidationException", "only an imported certificate can be re-imported")

	unknown := "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
	_, err = f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{CertificateArn: unknown, Certificate: newCert, PrivateKey: newKey})
	wantErr(t, err, "ResourceNotFoundException", "Could not find certificate "+unknown+".")
	_, err = f.svc.ImportCertificate(f.ctx, &acm.ImportCertificateRequest{CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x", Certificate: newCert, PrivateKey: newKey})
	wantErr(t, err, "InvalidArnException", "not a valid certificate ARN")
}

func TestRequest(t *testing.T) {
	f := newFixture(t)
	arn := f.request(&acm.RequestCertificateRequest{
		DomainName:              "*.example.test",
		SubjectAlternativeNames: []string{"example.test", "*.EXAMPLE.test", "auth.example.test"},
		Tags:                    []acm.Tag{{Key: "env", Value: "dev"}},
	})
	d := f.describe(arn)
	if d.Status != "ISSUED" || d.Type != "AMAZON_ISSUED" || d.DomainName != "*.example.test" || d.RenewalEligibility != "ELIGIBLE" ||
		!slices.Equal(d.SubjectAlternativeNames, []string{"*.example.test", "example.test", "auth.example.test"}) ||
		d.KeyAlgorithm != "RSA-2048" || d.SignatureAlgorithm != "SHA256WITHECDSA" || d.Issuer != "gognito" || d.Subject != "CN=*.example.test" ||
		d.IssuedAt == nil || d.CreatedAt == nil || d.ImportedAt != nil || d.Options == nil || d.Options.CertificateTransparencyLoggingPreference != "ENABLED" {
		t.Fatalf("detail %+v", d)
	}
	if got := d.NotAfter.Sub(d.NotBefore.Time); got != 395*24*time.Hour {
		t.Fatalf("validity %v", got)
	}
	if len(d.DomainValidationOptions) != 3 {
		t.Fatalf("DVO %+v", d.DomainValidationOptions)
	}
	for i, dv := range d.DomainValidationOptions {
		rr := dv.ResourceRecord
		if dv.DomainName != d.SubjectAlternativeNames[i] || dv.ValidationDomain != dv.DomainName || dv.ValidationStatus != "SUCCESS" ||
			dv.ValidationMethod != "DNS" || rr == nil || rr.Type != "CNAME" || !dvoValRE.MatchString(rr.Value) {
			t.Fatalf("DVO %d %+v %+v", i, dv, rr)
		}
	}
	// A wildcard is validated through the record of its parent.
	w, apex, sub := d.DomainValidationOptions[0].ResourceRecord, d.DomainValidationOptions[1].ResourceRecord, d.DomainValidationOptions[2].ResourceRecord
	if *w != *apex || !dvoNameRE.MatchString(apex.Name) || !strings.HasSuffix(sub.Name, ".auth.example.test.") || sub.Value == apex.Value {
		t.Fatalf("records %+v %+v %+v", w, apex, sub)
	}
	// The same domain gets the same record in another certificate.
	again := f.describe(f.request(&acm.RequestCertificateRequest{DomainName: "example.test"}))
	if *again.DomainValidationOptions[0].ResourceRecord != *apex {
		t.Fatal("records of one domain differ between certificates")
	}

	got, err := f.svc.GetCertificate(f.ctx, &acm.GetCertificateRequest{CertificateArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := f.svc.CA(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.CertificateChain != string(ca.RootPEM()) {
		t.Fatal("chain is not the local CA root")
	}
	leaf := parseCert(t, []byte(got.Certificate))
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "auth.example.test", Roots: ca.Pool(), CurrentTime: f.now}); err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "x.example.test", Roots: ca.Pool(), CurrentTime: f.now}); err != nil {
		t.Fatal(err)
	}

	ec := f.describe(f.request(&acm.RequestCertificateRequest{DomainName: "ec.example.test", KeyAlgorithm: "EC_secp384r1", ValidationMethod: "EMAIL"}))
	if ec.KeyAlgorithm != "EC-secp384r1" || ec.DomainValidationOptions[0].ValidationMethod != "EMAIL" ||
		!slices.Contains(ec.DomainValidationOptions[0].ValidationEmails, "admin@ec.example.test") || ec.DomainValidationOptions[0].ResourceRecord != nil {
		t.Fatalf("EC, EMAIL %+v", ec)
	}
	m, err := f.svc.Material(f.ctx, ec.CertificateArn)
	if err != nil || m.Certificate.Leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Fatalf("material %v", err)
	}

	_, err = f.svc.RequestCertificate(f.ctx, &acm.RequestCertificateRequest{DomainName: "x.example.test", KeyAlgorithm: "RSA_4096"})
	wantErr(t, err, "ValidationException", "Encryption Algorithm RSA_4096 is not supported in us-east-1 region")
}

func TestRequestIdempotency(t *testing.T) {
	f := newFixture(t)
	a := f.request(&acm.RequestCertificateRequest{DomainName: "a.example.test", IdempotencyToken: "tok1"})
	if b := f.request(&acm.RequestCertificateRequest{DomainName: "a.example.test", IdempotencyToken: "tok1"}); b != a {
		t.Fatalf("same token, same domain: %s then %s", a, b)
	}
	if b := f.request(&acm.RequestCertificateRequest{DomainName: "b.example.test", IdempotencyToken: "tok1"}); b == a {
		t.Fatal("same token, other domain: same certificate")
	}
	c := f.request(&acm.RequestCertificateRequest{DomainName: "c.example.test", IdempotencyToken: "tok2"})
	if d := f.request(&acm.RequestCertificateRequest{DomainName: "c.example.test"}); d == c {
		t.Fatal("no token: same certificate")
	}
	f.advance(61 * time.Minute)
	if d := f.request(&acm.RequestCertificateRequest{DomainName: "c.example.test", IdempotencyToken: "tok2"}); d == c {
		t.Fatal("token reused after an hour: same certificate")
	}
	e := f.request(&acm.RequestCertificateRequest{DomainName: "e.example.test", IdempotencyToken: "tok3"})
	if _, err := f.svc.DeleteCertificate(f.ctx, &acm.DeleteCertificateRequest{CertificateArn: e}); err != nil {
		t.Fatal(err)
	}
	if g := f.request(&acm.RequestCertificateRequest{DomainName: "e.example.test", IdempotencyToken: "tok3"}); g == e {
		t.Fatal("token of a deleted certificate returned it")
	}
}

func TestDescribeRegionAndErrors(t *testing.T) {
	f := newFixture(t)
	arn := f.request(&acm.RequestCertificateRequest{DomainName: "a.example.test"})
	west := reqctx.WithRegion(f.ctx, "eu-west-1")
	_, err := f.svc.DescribeCertificate(west, &acm.DescribeCertificateRequest{CertificateArn: arn})
	wantErr(t, err, "ResourceNotFoundException", "Could not find certificate "+arn+".")
	other := strings.Replace(arn, "123456789012", "210987654321", 1)
	_, err = f.svc.GetCertificate(f.ctx, &acm.GetCertificateRequest{CertificateArn: other})
	wantErr(t, err, "ResourceNotFoundException", "Could not find certificate")
	_, err = f.svc.DescribeCertificate(f.ctx, &acm.DescribeCertificateRequest{CertificateArn: "arn:aws:acm:us-east-1:123456789012:key/1"})
	wantErr(t, err, "InvalidArnException", "arn:aws:acm:us-east-1:123456789012:key/1")
	// The edge reads material by ARN whatever the request's Region.
	if m, err := f.svc.Material(west, arn); err != nil || m.Region != "us-east-1" {
		t.Fatalf("material: %v", err)
	}

	westArn := f.request2(west, "w.example.test")
	if !strings.HasPrefix(westArn, "arn:aws:acm:eu-west-1:123456789012:certificate/") {
		t.Fatalf("ARN of a request to eu-west-1: %s", westArn)
	}
	list, _ := f.svc.ListCertificates(west, &acm.ListCertificatesRequest{})
	if len(list.CertificateSummaryList) != 1 || list.CertificateSummaryList[0].CertificateArn != westArn {
		t.Fatalf("eu-west-1 lists %+v", list.CertificateSummaryList)
	}
}

func (f *fixture) request2(ctx context.Context, domain string) string {
	f.t.Helper()
	out, err := f.svc.RequestCertificate(ctx, &acm.RequestCertificateRequest{DomainName: domain})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.CertificateArn
}

func TestList(t *testing.T) {
	f := newFixture(t)
	var rsa []string
	for i := range 5 {
		rsa = append(rsa, f.request(&acm.RequestCertificateRequest{DomainName: fmt.Sprintf("r%d.example.test", i)}))
		f.advance(time.Second)
	}
	ec := f.request(&acm.RequestCertificateRequest{DomainName: "ec.example.test", KeyAlgorithm: "EC_prime256v1"})
	ecCert, ecKey := f.ca.Leaf(t, []string{"imported-ec.example.test"}, f.now.Add(-time.Hour), f.now.Add(2*time.Hour))
	importedEC := f.importCert(ecCert, ecKey, nil)

	arns := func(out *acm.ListCertificatesResponse) []string {
		var a []string
		for _, s := range out.CertificateSummaryList {
			a = append(a, s.CertificateArn)
		}
		return a
	}
	all, err := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Sorted(slices.Values(rsa))
	if got := arns(all); !slices.Equal(got, sorted) || all.NextToken != "" {
		t.Fatalf("default listing (RSA only, by ARN): %v", got)
	}
	s := all.CertificateSummaryList[0]
	if s.DomainName == "" || s.Status != "ISSUED" || s.Type != "AMAZON_ISSUED" || s.KeyAlgorithm != "RSA-2048" || s.InUse == nil || *s.InUse ||
		s.HasAdditionalSubjectAlternativeNames == nil || len(s.SubjectAlternativeNameSummaries) != 1 || s.NotAfter == nil || s.CreatedAt == nil ||
		s.IssuedAt == nil || s.RenewalEligibility != "ELIGIBLE" || !slices.Equal(s.ExtendedKeyUsages, []string{"TLS_WEB_SERVER_AUTHENTICATION"}) {
		t.Fatalf("summary %+v", s)
	}

	ecOnly, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{Includes: &acm.Filters{KeyTypes: []string{"EC_prime256v1"}}})
	if got := arns(ecOnly); len(got) != 2 || !slices.Contains(got, ec) || !slices.Contains(got, importedEC) {
		t.Fatalf("EC listing %v", got)
	}

	// Paging, newest first.
	var paged []string
	token := ""
	for range 10 {
		out, err := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{MaxItems: ptr(int32(2)), NextToken: token, SortBy: "CREATED_AT", SortOrder: "DESCENDING"})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, arns(out)...)
		if token = out.NextToken; token == "" {
			break
		}
	}
	if want := slices.Clone(rsa); !slices.Equal(paged, reverse(want)) {
		t.Fatalf("paged %v, want %v", paged, reverse(want))
	}
	_, err = f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{NextToken: "garbage"})
	wantErr(t, err, "InvalidArgsException", "NextToken")

	f.advance(3 * time.Hour) // the imported EC certificate expires
	expired, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{CertificateStatuses: []string{"EXPIRED"}, Includes: &acm.Filters{KeyTypes: []string{"EC_prime256v1", "RSA_2048"}}})
	if got := arns(expired); !slices.Equal(got, []string{importedEC}) || expired.CertificateSummaryList[0].Status != "EXPIRED" {
		t.Fatalf("expired listing %v", got)
	}
	usage, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{Includes: &acm.Filters{KeyUsage: []string{"KEY_ENCIPHERMENT"}, ExtendedKeyUsage: []string{"TLS_WEB_SERVER_AUTHENTICATION"}}})
	if len(usage.CertificateSummaryList) != 5 {
		t.Fatalf("usage filter %v", arns(usage))
	}
	none, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{Includes: &acm.Filters{ExtendedKeyUsage: []string{"CODE_SIGNING"}}})
	if len(none.CertificateSummaryList) != 0 {
		t.Fatalf("code signing filter %v", arns(none))
	}
}

func reverse(s []string) []string { slices.Reverse(s); return s }

func TestExpired(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.ca.LeafRSA(t, 2048, []string{"soon.example.test"}, f.now.Add(-time.Hour), f.now.Add(time.Hour))
	arn := f.importCert(certPEM, keyPEM, nil)
	if s := f.describe(arn).Status; s != "ISSUED" {
		t.Fatalf("status %s", s)
	}
	f.advance(2 * time.Hour)
	if s := f.describe(arn).Status; s != "EXPIRED" {
		t.Fatalf("status after NotAfter %s", s)
	}
	if m, err := f.svc.Material(f.ctx, arn); err != nil || m.Status != "EXPIRED" {
		t.Fatalf("material %v", err)
	}
}

func TestTags(t *testing.T) {
	f := newFixture(t)
	arn := f.request(&acm.RequestCertificateRequest{DomainName: "a.example.test", Tags: []acm.Tag{{Key: "env", Value: "dev"}}})
	list := func() []acm.Tag {
		out, err := f.svc.ListTagsForCertificate(f.ctx, &acm.ListTagsForCertificateRequest{CertificateArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		return out.Tags
	}
	if _, err := f.svc.AddTagsToCertificate(f.ctx, &acm.AddTagsToCertificateRequest{CertificateArn: arn, Tags: []acm.Tag{{Key: "team", Value: "id"}, {Key: "env", Value: "prod"}, {Key: "flag"}}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []acm.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "id"}, {Key: "flag"}}) {
		t.Fatalf("tags %v", got)
	}
	// A value given must match; a key alone removes whatever the value.
	if _, err := f.svc.RemoveTagsFromCertificate(f.ctx, &acm.RemoveTagsFromCertificateRequest{CertificateArn: arn, Tags: []acm.Tag{{Key: "env", Value: "dev"}, {Key: "team"}, {Key: "nope"}}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []acm.Tag{{Key: "env", Value: "prod"}, {Key: "flag"}}) {
		t.Fatalf("tags after remove %v", got)
	}

	var many []acm.Tag
	for i := range 48 {
		many = append(many, acm.Tag{Key: fmt.Sprintf("k%d", i)})
	}
	if _, err := f.svc.AddTagsToCertificate(f.ctx, &acm.AddTagsToCertificateRequest{CertificateArn: arn, Tags: many}); err != nil {
		t.Fatal(err) // 50 in all
	}
	_, err := f.svc.AddTagsToCertificate(f.ctx, &acm.AddTagsToCertificateRequest{CertificateArn: arn, Tags: []acm.Tag{{Key: "one-more"}}})
	wantErr(t, err, "TooManyTagsException", "50")
	_, err = f.svc.AddTagsToCertificate(f.ctx, &acm.AddTagsToCertificateRequest{CertificateArn: arn, Tags: []acm.Tag{{Key: "k", Value: "aws:x"}}})
	wantErr(t, err, "InvalidTagException", "aws:")
	unknown := "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
	_, err = f.svc.ListTagsForCertificate(f.ctx, &acm.ListTagsForCertificateRequest{CertificateArn: unknown})
	wantErr(t, err, "ResourceNotFoundException", unknown)
	_, err = f.svc.RemoveTagsFromCertificate(f.ctx, &acm.RemoveTagsFromCertificateRequest{CertificateArn: unknown, Tags: []acm.Tag{{Key: "a"}}})
	wantErr(t, err, "ResourceNotFoundException", unknown)
}

func TestDeleteAndInUse(t *testing.T) {
	f := newFixture(t)
	certPEM, keyPEM := f.leaf("auth.example.test")
	arn := f.importCert(certPEM, keyPEM, nil)
	now := f.now
	if err := f.st.CreateUserPool(f.ctx, store.UserPool{ID: "us-east-1_pool00001", Name: "p", CreatedAt: now, UpdatedAt: now, Doc: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	dom := store.Domain{Key: store.CustomDomainKey("auth.example.test"), Name: "auth.example.test", PoolID: "us-east-1_pool00001", Region: "us-east-1",
		Custom: true, CertificateARN: arn, Status: "ACTIVE", CreatedAt: now, UpdatedAt: now, Doc: []byte(`{}`)}
	if err := f.st.CreateDomain(f.ctx, dom); err != nil {
		t.Fatal(err)
	}

	d := f.describe(arn)
	wantDist := "arn:aws:cloudfront::123456789012:distribution/" + DistributionID("auth.example.test")
	if !slices.Equal(d.InUseBy, []string{wantDist}) {
		t.Fatalf("InUseBy %v", d.InUseBy)
	}
	list, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{})
	if len(list.CertificateSummaryList) != 1 || !*list.CertificateSummaryList[0].InUse {
		t.Fatalf("summary %+v", list.CertificateSummaryList)
	}
	_, err := f.svc.DeleteCertificate(f.ctx, &acm.DeleteCertificateRequest{CertificateArn: arn})
	wantErr(t, err, "ResourceInUseException", "Certificate is in use.")
	if len(f.changes()) != 0 {
		t.Fatal("a refused delete was announced")
	}

	if err := f.st.DeleteDomain(f.ctx, dom.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeleteCertificate(f.ctx, &acm.DeleteCertificateRequest{CertificateArn: arn}); err != nil {
		t.Fatal(err)
	}
	if got := f.changes(); !slices.Equal(got, []string{arn}) {
		t.Fatalf("announced changes %v", got)
	}
	f.mu.Lock()
	deleted := f.announced[0]
	f.mu.Unlock()
	if deleted != nil {
		t.Fatalf("a deleted certificate announced with material %+v", deleted)
	}
	_, err = f.svc.DescribeCertificate(f.ctx, &acm.DescribeCertificateRequest{CertificateArn: arn})
	wantErr(t, err, "ResourceNotFoundException", arn)
	_, err = f.svc.DeleteCertificate(f.ctx, &acm.DeleteCertificateRequest{CertificateArn: arn})
	wantErr(t, err, "ResourceNotFoundException", arn)
}

func TestLocalCAPersistedAndShared(t *testing.T) {
	f := newFixture(t)
	a, b := f.svc, f.service(Options{})
	var wg sync.WaitGroup
	cas := make([]*LocalCA, 2)
	errs := make([]error, 2)
	for i, s := range []*Service{a, b} {
		wg.Go(func() { cas[i], errs[i] = s.CA(f.ctx) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if !bytes.Equal(cas[0].RootPEM(), cas[1].RootPEM()) {
		t.Fatal("two services on one store made two CAs")
	}
	root := cas[0].Certificate()
	if !root.IsCA || !strings.HasPrefix(root.Subject.CommonName, "gognito local CA ") || root.NotAfter.Sub(root.NotBefore) < 9*365*24*time.Hour {
		t.Fatalf("root %v, %v..%v", root.Subject, root.NotBefore, root.NotAfter)
	}
	if again, _ := a.CA(f.ctx); again != cas[0] {
		t.Fatal("the CA is not cached")
	}
	// A later instance reads it back from the store.
	c, err := f.service(Options{}).CA(f.ctx)
	if err != nil || !bytes.Equal(c.RootPEM(), cas[0].RootPEM()) {
		t.Fatalf("third instance: %v", err)
	}
	// Another secret key cannot open it.
	key := make([]byte, 32)
	key[0] = 1
	otherSealer, _ := secrets.NewSealer(key)
	stranger := New(f.st, Options{Sealer: otherSealer})
	if _, err := stranger.CA(f.ctx); err == nil || !strings.Contains(err.Error(), "secret.key") {
		t.Fatalf("CA with another key: %v", err)
	}
}

func TestIssueServerCertificate(t *testing.T) {
	f := newFixture(t)
	tc, err := f.svc.IssueServerCertificate(f.ctx, []string{"*.auth.us-east-1.localhost", "auth.us-east-1.localhost"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := f.svc.CA(f.ctx)
	if len(tc.Certificate) != 2 || !bytes.Equal(tc.Certificate[1], ca.Certificate().Raw) || tc.Leaf == nil || tc.Leaf.Subject.CommonName != "*.auth.us-east-1.localhost" {
		t.Fatalf("certificate %+v", tc)
	}
	if _, err := tc.Leaf.Verify(x509.VerifyOptions{DNSName: "demo.auth.us-east-1.localhost", Roots: ca.Pool(), CurrentTime: f.now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Fatal(err)
	}
	short, err := f.svc.IssueServerCertificate(f.ctx, []string{"x.localhost"}, time.Hour)
	if err != nil || short.Leaf.NotAfter.Sub(short.Leaf.NotBefore) != time.Hour {
		t.Fatalf("validity: %v", err)
	}
	// Not an ACM certificate.
	if list, _ := f.svc.ListCertificates(f.ctx, &acm.ListCertificatesRequest{Includes: &acm.Filters{KeyTypes: []string{"EC_prime256v1"}}}); len(list.CertificateSummaryList) != 0 {
		t.Fatal("a server certificate was stored")
	}
}

func TestRenewDue(t *testing.T) {
	f := newFixture(t)
	f.svc = f.service(Options{IssuedValidity: 48 * time.Hour, RenewBefore: 24 * time.Hour})
	arn := f.request(&acm.RequestCertificateRequest{DomainName: "renew.example.test", SubjectAlternativeNames: []string{"www.renew.example.test"}, Tags: []acm.Tag{{Key: "k", Value: "v"}}})
	certPEM, keyPEM := f.leaf("imported.example.test")
	f.importCert(certPEM, keyPEM, nil) // imported certificates are never renewed
	before := f.describe(arn)
	m1, _ := f.svc.Material(f.ctx, arn)

	if got, err := f.svc.RenewDue(f.ctx); err != nil || len(got) != 0 {
		t.Fatalf("renewed %v, %v before it was due", got, err)
	}
	f.advance(25 * time.Hour)
	got, err := f.svc.RenewDue(f.ctx)
	if err != nil || !slices.Equal(got, []string{arn}) {
		t.Fatalf("renewed %v, %v", got, err)
	}
	if !slices.Equal(f.changes(), []string{arn}) {
		t.Fatalf("announced changes %v", f.changes())
	}
	f.mu.Lock()
	renewedM := f.announced[0]
	f.mu.Unlock()
	if renewedM == nil || renewedM.Version <= m1.Version || renewedM.Certificate.Leaf.SerialNumber.Cmp(m1.Certificate.Leaf.SerialNumber) == 0 {
		t.Fatalf("the renewal announced %+v, not the renewed material", renewedM)
	}
	after := f.describe(arn)
	if after.CertificateArn != arn || !after.NotAfter.After(before.NotAfter.Time) || after.Serial == before.Serial || after.Status != "ISSUED" ||
		after.RenewalSummary == nil || after.RenewalSummary.RenewalStatus != "SUCCESS" || after.RenewalSummary.UpdatedAt == nil ||
		!slices.Equal(after.SubjectAlternativeNames, before.SubjectAlternativeNames) || !after.CreatedAt.Equal(before.CreatedAt.Time) {
		t.Fatalf("after renewal %+v", after)
	}
	m2, _ := f.svc.Material(f.ctx, arn)
	if m2.Version <= m1.Version || sameKey(m2.Certificate.Leaf.PublicKey, m1.Certificate.Leaf.PublicKey) {
		t.Fatal("renewal kept the key")
	}
	if tags, _ := f.svc.ListTagsForCertificate(f.ctx, &acm.ListTagsForCertificateRequest{CertificateArn: arn}); len(tags.Tags) != 1 {
		t.Fatal("renewal lost the tags")
	}
	if got, _ := f.svc.RenewDue(f.ctx); len(got) != 0 {
		t.Fatalf("renewed again: %v", got)
	}

	// Run renews in the background until its context ends.
	f.advance(25 * time.Hour)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { f.svc.Run(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(f.changes()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if len(f.changes()) != 2 {
		t.Fatalf("Run did not renew: %v", f.changes())
	}
}

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		names []string
		host  string
		want  bool
	}{
		{[]string{"auth.example.com"}, "auth.example.com", true},
		{[]string{"Auth.Example.com"}, "auth.EXAMPLE.com.", true},
		{[]string{"*.example.com"}, "auth.example.com", true},
		{[]string{"*.example.com"}, "AUTH.example.com", true},
		{[]string{"*.example.com"}, "a.b.example.com", false},
		{[]string{"*.example.com"}, "example.com", false},
		{[]string{"*.example.com"}, ".example.com", false},
		{[]string{"example.com", "*.example.com"}, "example.com", true},
		{[]string{"auth.example.com"}, "other.example.com", false},
		{nil, "auth.example.com", false},
		{[]string{"*.example.com"}, "", false},
	} {
		if got := Covers(c.names, c.host); got != c.want {
			t.Errorf("Covers(%v, %q) = %v", c.names, c.host, got)
		}
	}
}

func TestIDs(t *testing.T) {
	id := DistributionID("auth.example.com")
	if !regexp.MustCompile(`^E[0-9A-Z]{13}$`).MatchString(id) || id != DistributionID("AUTH.example.com") || id == DistributionID("login.example.com") {
		t.Fatalf("distribution id %s", id)
	}
	cf := CloudFrontDomain("auth.example.com", "")
	if !regexp.MustCompile(`^d[0-9a-z]{13}\.cloudfront\.net$`).MatchString(cf) || cf != CloudFrontDomain("auth.example.com", "") {
		t.Fatalf("CloudFront domain %s", cf)
	}
	if got := CloudFrontDomain("auth.example.com", ".cdn.localhost"); got != strings.TrimSuffix(cf, ".cloudfront.net")+".cdn.localhost" {
		t.Fatalf("with suffix %s", got)
	}

	region, account, uuid, err := ParseARN("arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012")
	if err != nil || region != "eu-west-1" || account != "123456789012" || uuid != "12345678-1234-1234-1234-123456789012" {
		t.Fatalf("ParseARN: %s %s %s %v", region, account, uuid, err)
	}
	for _, bad := range []string{"", "arn:aws:acm:eu-west-1:123456789012:certificate/", "arn:aws:iam::123456789012:certificate/12345678-1234-1234-1234-123456789012", "arn:aws:acm:eu-west-1:1234:certificate/12345678-1234-1234-1234-123456789012"} {
		if _, _, _, err := ParseARN(bad); !awserr.Is(err, "InvalidArnException") {
			t.Errorf("ParseARN(%q): %v", bad, err)
		}
	}
}

func sameKey(a, b crypto.PublicKey) bool {
	return a.(interface{ Equal(crypto.PublicKey) bool }).Equal(b)
}

func parseCert(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("not PEM")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sec1 re-encodes an EC PKCS#8 key as OpenSSL writes it: parameters, then
// SEC 1.
func sec1(t *testing.T, keyPEM []byte) []byte {
	k, err := parsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
	return append(params, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})...)
}

func pkcs1(t *testing.T, keyPEM []byte) []byte {
	k, err := parsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey))})
}
