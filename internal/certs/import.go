package certs

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// Messages for material ImportCertificate refuses (all ValidationException).
// Most are ACM's own, as AWS's troubleshooting article quotes them
// (https://aws.amazon.com/premiumsupport/knowledge-center/acm-import-troubleshooting/;
// it words the PEM one "body/chain", split in two here). msgTagsOnReimport
// is ACM's as Terraform users report it (hashicorp/terraform-provider-aws
// #14404). msgMismatchedKey and msgNotCurrent are gognito's.
const (
	msgBodyNotPEM     = "The certificate body provided is not in a valid PEM format."
	msgChainNotPEM    = "The certificate chain provided is not in a valid PEM format."
	msgUnparsable     = "Unable to parse certificate. Please ensure the certificate is in PEM format."
	msgTwoCerts       = "The certificate field contains more than one certificate. You can specify only one certificate in this field."
	msgKeyUnsupported = "The private key is not supported."
	msgKeyLength      = "The private key length %d is not supported for key algorithm."
	msgChainNoMatch   = "Could not validate the certificate with the certificate chain."
	msgChainOrder     = "Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: %d"
	msgMismatchedKey  = "The private key does not match the public key in the certificate."
	msgNotCurrent     = "The certificate is not valid at this time: the current time must be between its NotBefore and NotAfter dates."
	msgTagsOnReimport = "Tagging is not permitted on re-import."
)

func validation(format string, args ...any) error {
	return awserr.Newf(awserr.ValidationError, format, args...)
}

// pemBlocks decodes every PEM block of b; ok is false when b holds anything
// but PEM blocks (and white space).
func pemBlocks(b []byte) (blocks []*pem.Block, ok bool) {
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		blocks = append(blocks, block)
	}
	return blocks, len(blocks) > 0 && strings.TrimSpace(string(rest)) == ""
}

func encodePEM(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// imported is certificate material that passed ImportCertificate's checks.
type imported struct {
	leaf    *x509.Certificate
	chain   []*x509.Certificate
	key     crypto.Signer
	keyType string
}

func parseImport(certPEM, keyPEM, chainPEM []byte, now time.Time) (*imported, error) {
	blocks, ok := pemBlocks(certPEM)
	if !ok {
		return nil, validation(msgBodyNotPEM)
	}
	for _, b := range blocks {
		if b.Type != "CERTIFICATE" {
			return nil, validation(msgBodyNotPEM)
		}
	}
	if len(blocks) > 1 {
		return nil, validation(msgTwoCerts)
	}
	leaf, err := x509.ParseCertificate(blocks[0].Bytes)
	if err != nil {
		return nil, validation(msgUnparsable)
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return nil, validation(msgNotCurrent)
	}

	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, err
	}
	keyType := keyTypeOf(key.Public())
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits != 2048 && bits != 3072 && bits != 4096 {
			return nil, validation(msgKeyLength, bits)
		}
	case *ecdsa.PublicKey:
		if keyType != acm.KeyAlgorithmEcPrime256v1 && keyType != acm.KeyAlgorithmEcSecp384r1 {
			return nil, validation(msgKeyLength, k.Curve.Params().BitSize)
		}
	default:
		return nil, validation(msgKeyUnsupported)
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(leaf.PublicKey) {
		return nil, validation(msgMismatchedKey)
	}

	var chain []*x509.Certificate
	if len(chainPEM) > 0 {
		blocks, ok := pemBlocks(chainPEM)
		if !ok {
			return nil, validation(msgChainNotPEM)
		}
		for _, b := range blocks {
			c, err := x509.ParseCertificate(b.Bytes)
			if b.Type != "CERTIFICATE" || err != nil {
				return nil, validation(msgChainNotPEM)
			}
			chain = append(chain, c)
		}
		// Each certificate must be signed by the next one: the leaf by the
		// chain's first, which is its issuer.
		if leaf.CheckSignatureFrom(chain[0]) != nil {
			return nil, validation(msgChainNoMatch)
		}
		for i := 1; i < len(chain); i++ {
			if chain[i-1].CheckSignatureFrom(chain[i]) != nil {
				return nil, validation(msgChainOrder, i)
			}
		}
	}
	return &imported{leaf: leaf, chain: chain, key: key, keyType: keyType}, nil
}

// parsePrivateKey reads an unencrypted PKCS#1, PKCS#8 or SEC 1 PEM key.
// OpenSSL's "EC PARAMETERS" block, written before an EC key, is skipped.
func parsePrivateKey(keyPEM []byte) (crypto.Signer, error) {
	blocks, ok := pemBlocks(keyPEM)
	if !ok {
		return nil, validation(msgKeyUnsupported)
	}
	var keys []*pem.Block
	for _, b := range blocks {
		if b.Type != "EC PARAMETERS" {
			keys = append(keys, b)
		}
	}
	if len(keys) != 1 || strings.Contains(keys[0].Headers["Proc-Type"], "ENCRYPTED") {
		return nil, validation(msgKeyUnsupported)
	}
	der := keys[0].Bytes
	var (
		k   any
		err error
	)
	switch keys[0].Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(der)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(der)
	default: // ENCRYPTED PRIVATE KEY among others
		err = errors.New("unsupported key block")
	}
	signer, ok := k.(crypto.Signer)
	if err != nil || !ok {
		return nil, validation(msgKeyUnsupported)
	}
	return signer, nil
}

// ImportCertificate imports a certificate with its private key and chain,
// or, given the ARN of a certificate imported before, replaces its material
// under the same ARN.
func (s *Service) ImportCertificate(ctx context.Context, in *acm.ImportCertificateRequest) (*acm.ImportCertificateResponse, error) {
	if in.CertificateArn != "" {
		if len(in.Tags) > 0 {
			return nil, validation(msgTagsOnReimport)
		}
		_, d, err := s.lookup(ctx, in.CertificateArn)
		if err != nil {
			return nil, err
		}
		if d.Detail.Type != acm.CertificateTypeImported {
			return nil, validation("The certificate %s was issued by ACM: only an imported certificate can be re-imported.", in.CertificateArn)
		}
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	m, err := parseImport(in.Certificate, in.PrivateKey, in.CertificateChain, now)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(m.key)
	if err != nil {
		return nil, err
	}
	fill := func(d *certDoc) {
		fillFromX509(&d.Detail, m.leaf, m.keyType)
		d.Detail.Status = acm.CertificateStatusIssued
		d.Detail.Type = acm.CertificateTypeImported
		d.Detail.ImportedAt = wireTime(now)
		d.Detail.RenewalEligibility = acm.RenewalEligibilityIneligible
		d.KeyType = m.keyType
		d.Certificate = encodePEM(m.leaf)
		d.Chain = encodePEM(m.chain...)
	}

	if arn := in.CertificateArn; arn != "" {
		rec, err := s.update(ctx, arn, func(rec *store.Certificate, d *certDoc) error {
			if d.Detail.Type != acm.CertificateTypeImported { // changed since the check above
				return validation("The certificate %s was issued by ACM: only an imported certificate can be re-imported.", arn)
			}
			fill(d)
			rec.DomainName = d.Detail.DomainName
			rec.Status = acm.CertificateStatusIssued
			rec.NotAfter = m.leaf.NotAfter
			rec.SealedKey = s.sealer.Seal(pkcs8, []byte(arn))
			return nil
		})
		if err != nil {
			return nil, err
		}
		s.changed(ctx, rec)
		return &acm.ImportCertificateResponse{CertificateArn: arn}, nil
	}

	region := s.requestRegion(ctx)
	arn := s.certARN(region, newUUID(s.rand))
	d := &certDoc{Tags: mergeTags(nil, in.Tags)}
	d.Detail.CertificateArn = arn
	d.Detail.CreatedAt = wireTime(now)
	fill(d)
	err = s.store.CreateCertificate(ctx, store.Certificate{
		ARN: arn, Region: region, DomainName: d.Detail.DomainName,
		Status: acm.CertificateStatusIssued, Type: acm.CertificateTypeImported,
		NotAfter: m.leaf.NotAfter, CreatedAt: now, UpdatedAt: now,
		Doc: encode(d), SealedKey: s.sealer.Seal(pkcs8, []byte(arn)),
	})
	if err != nil {
		return nil, err
	}
	return &acm.ImportCertificateResponse{CertificateArn: arn}, nil
}
