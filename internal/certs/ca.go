package certs

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// LocalCA is the built-in certificate authority: an ECDSA P-256 root that
// issues the certificates RequestCertificate asks for and the wildcard
// certificates of prefix domains. Its root is what a browser or curl must
// trust (GET /_gognito/ca.pem).
type LocalCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
	pool *x509.CertPool
}

// RootPEM is the PEM of the root certificate.
func (ca *LocalCA) RootPEM() []byte { return bytes.Clone(ca.pem) }

// Pool is a certificate pool holding only the root.
func (ca *LocalCA) Pool() *x509.CertPool { return ca.pool.Clone() }

// Certificate is the parsed root certificate.
func (ca *LocalCA) Certificate() *x509.Certificate { return ca.cert }

// caValueKey names the local CA in store.Values. Its value is a caRecord.
const caValueKey = "local-ca"

type caRecord struct {
	Certificate string `json:"cert"`
	SealedKey   []byte `json:"sealedKey"` // PKCS#8, sealed with aad "local-ca"
}

// CA returns the local CA, creating it on first use. Every node sharing the
// store agrees on one: the first to store its CA wins and the others read it.
func (s *Service) CA(ctx context.Context) (*LocalCA, error) {
	s.caMu.Lock()
	defer s.caMu.Unlock()
	if s.ca != nil {
		return s.ca, nil
	}
	raw, err := s.store.GetValue(ctx, caValueKey)
	if errors.Is(err, store.ErrNotFound) {
		var fresh []byte
		if fresh, err = s.newCA(); err == nil {
			raw, err = s.store.PutValueIfAbsent(ctx, caValueKey, fresh)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("certs: local CA: %w", err)
	}
	ca, err := s.openCA(raw)
	if err != nil {
		return nil, err
	}
	s.ca = ca
	return ca, nil
}

func (s *Service) newCA() ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          s.serial(),
		Subject:               pkix.Name{CommonName: "gognito local CA " + randomHex(s.rand, 4), Organization: []string{"gognito"}},
		NotBefore:             now,
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return encode(caRecord{
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		SealedKey:   s.sealer.Seal(pkcs8, []byte(caValueKey)),
	}), nil
}

func (s *Service) openCA(raw []byte) (*LocalCA, error) {
	var r caRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("certs: decoding the local CA: %w", err)
	}
	block, _ := pem.Decode([]byte(r.Certificate))
	if block == nil {
		return nil, errors.New("certs: the local CA certificate is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certs: the local CA certificate: %w", err)
	}
	pkcs8, err := s.sealer.Open(r.SealedKey, []byte(caValueKey))
	if err != nil {
		return nil, fmt.Errorf("certs: the local CA key (is this the server's secret.key?): %w", err)
	}
	key, err := parsePKCS8Signer(pkcs8)
	if err != nil {
		return nil, fmt.Errorf("certs: the local CA key: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &LocalCA{cert: cert, key: key, pem: []byte(r.Certificate), pool: pool}, nil
}

// serial is a random positive 128-bit serial number.
func (s *Service) serial() *big.Int {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		panic("certs: random source failed: " + err.Error())
	}
	b[0] = b[0]&0x7f | 0x01 // positive, and always 16 bytes long
	return new(big.Int).SetBytes(b)
}

// generateKey makes a key of one of the algorithms RequestCertificate
// offers.
func generateKey(keyType string) (crypto.Signer, error) {
	switch keyType {
	case acm.KeyAlgorithmRsa2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case acm.KeyAlgorithmEcPrime256v1:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case acm.KeyAlgorithmEcSecp384r1:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	return nil, fmt.Errorf("certs: no key generator for %s", keyType)
}

// issue signs a server certificate for names (the first is also the common
// name) valid from notBefore to notAfter.
func (ca *LocalCA) issue(serial *big.Int, pub crypto.PublicKey, names []string, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		DNSNames:              names,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if len(names) > 0 && len(names[0]) <= 64 { // the longest common name X.509 allows
		tmpl.Subject.CommonName = names[0]
	}
	if _, ok := pub.(*rsa.PublicKey); ok {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("certs: issuing a certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// IssueServerCertificate issues an ECDSA P-256 certificate for the DNS
// names (the first is also the common name) from the local CA, valid for
// validity (the issued-certificate validity when zero). The chain is the
// leaf then the root. These certificates (the wildcards of prefix domains)
// are not ACM certificates and are not stored.
func (s *Service) IssueServerCertificate(ctx context.Context, names []string, validity time.Duration) (*tls.Certificate, error) {
	if len(names) == 0 {
		return nil, errors.New("certs: a server certificate needs at least one name")
	}
	ca, err := s.CA(ctx)
	if err != nil {
		return nil, err
	}
	if validity <= 0 {
		validity = s.validity
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	leaf, err := ca.issue(s.serial(), key.Public(), names, now, now.Add(validity))
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

func parsePKCS8Signer(der []byte) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T is not a signing key", k)
	}
	return signer, nil
}
