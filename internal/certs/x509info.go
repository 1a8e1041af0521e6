package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/wire/acm"
)

// keyTypeOf names a public key as ACM's KeyAlgorithm enum does (RSA_2048,
// EC_prime256v1, ...), or "" for a key ACM does not know.
func keyTypeOf(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA_%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256":
			return acm.KeyAlgorithmEcPrime256v1
		case "P-384":
			return acm.KeyAlgorithmEcSecp384r1
		case "P-521":
			return acm.KeyAlgorithmEcSecp521r1
		}
	}
	return ""
}

// displayKeyAlgorithm is the key algorithm as DescribeCertificate and
// ListCertificates show it: ACM writes "RSA-2048" and "EC-prime256v1" there,
// although its filters and RequestCertificate use RSA_2048 and
// EC_prime256v1.
func displayKeyAlgorithm(keyType string) string { return strings.Replace(keyType, "_", "-", 1) }

var signatureAlgorithms = map[x509.SignatureAlgorithm]string{
	x509.SHA1WithRSA:      "SHA1WITHRSA",
	x509.SHA256WithRSA:    "SHA256WITHRSA",
	x509.SHA384WithRSA:    "SHA384WITHRSA",
	x509.SHA512WithRSA:    "SHA512WITHRSA",
	x509.SHA256WithRSAPSS: "SHA256WITHRSAPSS",
	x509.SHA384WithRSAPSS: "SHA384WITHRSAPSS",
	x509.SHA512WithRSAPSS: "SHA512WITHRSAPSS",
	x509.ECDSAWithSHA1:    "SHA1WITHECDSA",
	x509.ECDSAWithSHA256:  "SHA256WITHECDSA",
	x509.ECDSAWithSHA384:  "SHA384WITHECDSA",
	x509.ECDSAWithSHA512:  "SHA512WITHECDSA",
}

func signatureAlgorithm(cert *x509.Certificate) string {
	if n, ok := signatureAlgorithms[cert.SignatureAlgorithm]; ok {
		return n
	}
	return strings.ToUpper(strings.ReplaceAll(cert.SignatureAlgorithm.String(), "-", ""))
}

var keyUsageNames = []struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, acm.KeyUsageNameDigitalSignature},
	{x509.KeyUsageContentCommitment, acm.KeyUsageNameNonRepudiation},
	{x509.KeyUsageKeyEncipherment, acm.KeyUsageNameKeyEncipherment},
	{x509.KeyUsageDataEncipherment, acm.KeyUsageNameDataEncipherment},
	{x509.KeyUsageKeyAgreement, acm.KeyUsageNameKeyAgreement},
	{x509.KeyUsageCertSign, acm.KeyUsageNameCertificateSigning},
	{x509.KeyUsageCRLSign, acm.KeyUsageNameCrlSigning},
	{x509.KeyUsageEncipherOnly, acm.KeyUsageNameEncipherOnly},
	{x509.KeyUsageDecipherOnly, acm.KeyUsageNameDecipherOnly},
}

// keyUsages names the Key Usage extension; ACM shows ANY for a certificate
// without one.
func keyUsages(cert *x509.Certificate) []acm.KeyUsage {
	var out []acm.KeyUsage
	for _, u := range keyUsageNames {
		if cert.KeyUsage&u.bit != 0 {
			out = append(out, acm.KeyUsage{Name: u.name})
		}
	}
	if len(out) == 0 {
		out = []acm.KeyUsage{{Name: acm.KeyUsageNameAny}}
	}
	return out
}

var extKeyUsageNames = map[x509.ExtKeyUsage]acm.ExtendedKeyUsage{
	x509.ExtKeyUsageServerAuth:      {Name: acm.ExtendedKeyUsageNameTlsWebServerAuthentication, OID: "1.3.6.1.5.5.7.3.1"},
	x509.ExtKeyUsageClientAuth:      {Name: acm.ExtendedKeyUsageNameTlsWebClientAuthentication, OID: "1.3.6.1.5.5.7.3.2"},
	x509.ExtKeyUsageCodeSigning:     {Name: acm.ExtendedKeyUsageNameCodeSigning, OID: "1.3.6.1.5.5.7.3.3"},
	x509.ExtKeyUsageEmailProtection: {Name: acm.ExtendedKeyUsageNameEmailProtection, OID: "1.3.6.1.5.5.7.3.4"},
	x509.ExtKeyUsageIPSECEndSystem:  {Name: acm.ExtendedKeyUsageNameIpsecEndSystem, OID: "1.3.6.1.5.5.7.3.5"},
	x509.ExtKeyUsageIPSECTunnel:     {Name: acm.ExtendedKeyUsageNameIpsecTunnel, OID: "1.3.6.1.5.5.7.3.6"},
	x509.ExtKeyUsageIPSECUser:       {Name: acm.ExtendedKeyUsageNameIpsecUser, OID: "1.3.6.1.5.5.7.3.7"},
	x509.ExtKeyUsageTimeStamping:    {Name: acm.ExtendedKeyUsageNameTimeStamping, OID: "1.3.6.1.5.5.7.3.8"},
	x509.ExtKeyUsageOCSPSigning:     {Name: acm.ExtendedKeyUsageNameOcspSigning, OID: "1.3.6.1.5.5.7.3.9"},
	x509.ExtKeyUsageAny:             {Name: acm.ExtendedKeyUsageNameAny, OID: "2.5.29.37.0"},
}

// extendedKeyUsages names the Extended Key Usage extension; ACM shows NONE
// for a certificate without one.
func extendedKeyUsages(cert *x509.Certificate) []acm.ExtendedKeyUsage {
	var out []acm.ExtendedKeyUsage
	for _, u := range cert.ExtKeyUsage {
		if e, ok := extKeyUsageNames[u]; ok {
			out = append(out, e)
		}
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		out = append(out, acm.ExtendedKeyUsage{Name: acm.ExtendedKeyUsageNameCustom, OID: oid.String()})
	}
	if len(out) == 0 {
		out = []acm.ExtendedKeyUsage{{Name: acm.ExtendedKeyUsageNameNone}}
	}
	return out
}

// dnsNames are the names a certificate covers: its DNS subject alternative
// names, or its common name when it has none.
func dnsNames(cert *x509.Certificate) []string {
	if len(cert.DNSNames) > 0 {
		return cert.DNSNames
	}
	if cert.Subject.CommonName != "" {
		return []string{cert.Subject.CommonName}
	}
	return nil
}

// serialString writes a serial number as ACM does: hex bytes joined by
// colons.
func serialString(cert *x509.Certificate) string {
	b := cert.SerialNumber.Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	parts := make([]string, len(b))
	for i := range b {
		parts[i] = hex.EncodeToString(b[i : i+1])
	}
	return strings.Join(parts, ":")
}

// issuerName is how ACM names an issuer ("Amazon" for its own): the
// organization, else the common name.
func issuerName(cert *x509.Certificate) string {
	if len(cert.Issuer.Organization) > 0 {
		return cert.Issuer.Organization[0]
	}
	if cert.Issuer.CommonName != "" {
		return cert.Issuer.CommonName
	}
	return cert.Issuer.String()
}

// fillFromX509 sets the members of a detail that the certificate itself
// determines.
func fillFromX509(d *acm.CertificateDetail, cert *x509.Certificate, keyType string) {
	names := dnsNames(cert)
	d.DomainName = cert.Subject.CommonName
	if d.DomainName == "" && len(names) > 0 {
		d.DomainName = names[0]
	}
	d.SubjectAlternativeNames = names
	d.Serial = serialString(cert)
	d.Subject = cert.Subject.String()
	d.Issuer = issuerName(cert)
	d.NotBefore = wireTime(cert.NotBefore.UTC())
	d.NotAfter = wireTime(cert.NotAfter.UTC())
	d.KeyAlgorithm = displayKeyAlgorithm(keyType)
	d.SignatureAlgorithm = signatureAlgorithm(cert)
	d.KeyUsages = keyUsages(cert)
	d.ExtendedKeyUsages = extendedKeyUsages(cert)
}

func notAfterOf(d *acm.CertificateDetail) time.Time {
	if d.NotAfter == nil {
		return time.Time{}
	}
	return d.NotAfter.Time
}
