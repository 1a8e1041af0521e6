package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/wire/acm"
)

// importMessages are the messages ImportCertificate may refuse material
// with, up to their first formatted value.
var importMessages = []string{msgBodyNotPEM, msgChainNotPEM, msgUnparsable, msgTwoCerts, msgKeyUnsupported,
	msgKeyLength, msgChainNoMatch, msgChainOrder, msgMismatchedKey, msgNotCurrent}

func knownImportMessage(m string) bool {
	for _, want := range importMessages {
		prefix, _, _ := strings.Cut(want, "%")
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

// keyBlockTypes are the PEM types importMaterial can wrap a DER key in.
var keyBlockTypes = []string{"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}

// importMaterial turns the fuzzer's bytes into ImportCertificate's fields:
// each of cert, key and chain is taken as it is (PEM), or, when its bit of
// wrap is set, as DER to wrap in a PEM block, so that the fuzzer can work
// on the DER inside as well as on the PEM around it. Bits 2-3 choose the
// key's block type; bit 5 puts OpenSSL's EC PARAMETERS block before it.
func importMaterial(cert, key, chain []byte, wrap uint8) (c, k, ch []byte) {
	c, k, ch = cert, key, chain
	if wrap&1 != 0 {
		c = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert})
	}
	if wrap&2 != 0 {
		k = pem.EncodeToMemory(&pem.Block{Type: keyBlockTypes[wrap>>2&3], Bytes: key})
		if wrap&32 != 0 {
			k = append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}}), k...)
		}
	}
	if wrap&16 != 0 && len(chain) > 0 {
		ch = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: chain})
	}
	return c, k, ch
}

func derOf(t testing.TB, p []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(p)
	if b == nil {
		t.Fatalf("not PEM: %q", p)
	}
	return b.Bytes
}

// FuzzImportCertificate imports arbitrary certificate, key and chain
// material. Properties: ImportCertificate never panics; it refuses with a
// ValidationException carrying one of ACM's messages; what it accepts is
// then described with the leaf's key algorithm and served (Material) with
// that very leaf and a key that matches it; and the seeds keep their
// verdicts (the good ones are accepted, each bad one refused with its
// message).
func FuzzImportCertificate(f *testing.F) {
	fx := newFixture(f)
	now := fx.now
	ca, inter := fx.ca, fx.ca.Intermediate(f)
	from, to := now.Add(-time.Hour), now.AddDate(0, 3, 0)

	ecCert, ecKey := ca.Leaf(f, []string{"auth.example.com"}, from, to)
	rsaCert, rsaKey := ca.LeafRSA(f, 2048, []string{"*.example.com"}, from, to)
	interCert, interKey := inter.Leaf(f, []string{"login.example.org"}, from, to)
	smallCert, smallKey := ca.LeafRSA(f, 1024, []string{"small.example.com"}, from, to)
	oldCert, oldKey := ca.Leaf(f, []string{"old.example.com"}, now.AddDate(-1, 0, 0), now.Add(-time.Hour))
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	p521Cert, p521Key := ca.LeafWithKey(f, p521, []string{"p521.example.com"}, from, to)
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	edCert, edKey := ca.LeafWithKey(f, edPriv, []string{"ed.example.com"}, from, to)

	// The RSA key as PKCS#1, the EC key as SEC 1.
	rsaParsed, _ := x509.ParsePKCS8PrivateKey(derOf(f, rsaKey))
	pkcs1 := x509.MarshalPKCS1PrivateKey(rsaParsed.(*rsa.PrivateKey))
	ecParsed, _ := x509.ParsePKCS8PrivateKey(derOf(f, ecKey))
	sec1, err := x509.MarshalECPrivateKey(ecParsed.(*ecdsa.PrivateKey))
	if err != nil {
		f.Fatal(err)
	}

	type seed struct {
		cert, key, chain []byte
		wrap             uint8
		want             string // "" for accepted, else the message's start
	}
	seeds := []seed{
		{ecCert, ecKey, ca.PEM(), 0, ""},
		{ecCert, ecKey, nil, 0, ""},
		{rsaCert, pkcs1, nil, 2 | 1<<2, ""},
		{derOf(f, rsaCert), rsaKey, derOf(f, ca.PEM()), 1 | 16, ""},
		{ecCert, sec1, nil, 2 | 2<<2 | 32, ""},
		{interCert, interKey, append(inter.PEM(), ca.PEM()...), 0, ""},
		{interCert, interKey, append(ca.PEM(), inter.PEM()...), 0, msgChainNoMatch},
		{interCert, interKey, append(inter.PEM(), inter.PEM()...), 0, "Unable to validate certificate chain."},
		{ecCert, rsaKey, nil, 0, msgMismatchedKey},
		{append(ecCert, rsaCert...), ecKey, nil, 0, msgTwoCerts},
		{[]byte("not a certificate"), ecKey, nil, 0, msgBodyNotPEM},
		{ecCert, ecKey, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0, msgChainNotPEM},
		{[]byte{0x30, 0x03, 0x02, 0x01, 0x01}, ecKey, nil, 1, msgUnparsable},
		{smallCert, smallKey, nil, 0, "The private key length 1024"},
		{p521Cert, p521Key, nil, 0, "The private key length 521"},
		{edCert, edKey, nil, 0, msgKeyUnsupported},
		{ecCert, derOf(f, ecKey), nil, 2 | 3<<2, msgKeyUnsupported},
		{oldCert, oldKey, nil, 0, msgNotCurrent},
		{nil, nil, nil, 0, msgBodyNotPEM},
	}
	verdicts := map[[32]byte]string{}
	id := func(cert, key, chain []byte, wrap uint8) [32]byte {
		h := sha256.New()
		for _, b := range [][]byte{cert, key, chain, {wrap}} {
			h.Write([]byte{byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))})
			h.Write(b)
		}
		return [32]byte(h.Sum(nil))
	}
	for _, s := range seeds {
		f.Add(s.cert, s.key, s.chain, s.wrap)
		verdicts[id(s.cert, s.key, s.chain, s.wrap)] = s.want
	}

	f.Fuzz(func(t *testing.T, cert, key, chain []byte, wrap uint8) {
		c, k, ch := importMaterial(cert, key, chain, wrap)
		out, err := fx.svc.ImportCertificate(fx.ctx, &acm.ImportCertificateRequest{Certificate: c, PrivateKey: k, CertificateChain: ch})
		want, known := verdicts[id(cert, key, chain, wrap)]
		if err != nil {
			ae, ok := awserr.As(err)
			if !ok || ae.Type() != awserr.ValidationError || !knownImportMessage(ae.Message()) {
				t.Fatalf("refused with %v", err)
			}
			if known && (want == "" || !strings.HasPrefix(ae.Message(), want)) {
				t.Fatalf("seed refused with %q, want %q", ae.Message(), want)
			}
			return
		}
		if known && want != "" {
			t.Fatalf("seed accepted, want %q", want)
		}
		m, err := parseImport(c, k, ch, now)
		if err != nil {
			t.Fatalf("imported, but parseImport says %v", err)
		}
		d, err := fx.svc.DescribeCertificate(fx.ctx, &acm.DescribeCertificateRequest{CertificateArn: out.CertificateArn})
		if err != nil {
			t.Fatal(err)
		}
		if d.Certificate.KeyAlgorithm != displayKeyAlgorithm(keyTypeOf(m.leaf.PublicKey)) || d.Certificate.Type != acm.CertificateTypeImported {
			t.Fatalf("described as %s %s", d.Certificate.KeyAlgorithm, d.Certificate.Type)
		}
		mat, err := fx.svc.Material(fx.ctx, out.CertificateArn)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mat.Certificate.Leaf.Raw, m.leaf.Raw) || len(mat.Certificate.Certificate) != 1+len(m.chain) {
			t.Fatal("served material is not what was imported")
		}
		signer, ok := mat.Certificate.PrivateKey.(crypto.Signer)
		if !ok {
			t.Fatalf("served key %T", mat.Certificate.PrivateKey)
		}
		if eq, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(m.leaf.PublicKey) {
			t.Fatal("served key does not match the leaf")
		}
	})
}
