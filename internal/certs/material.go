package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Material is what the TLS edge needs to serve a certificate.
type Material struct {
	ARN       string
	Region    string
	Status    string // ISSUED, or EXPIRED once NotAfter has passed
	Type      string // IMPORTED or AMAZON_ISSUED
	NotBefore time.Time
	NotAfter  time.Time
	// Names are the DNS names the certificate covers: its DNS subject
	// alternative names, or its common name when it has none.
	Names []string
	// Certificate holds the leaf and its chain, the private key (opened)
	// and the parsed leaf.
	Certificate *tls.Certificate
	// Version changes whenever the material does.
	Version int64
}

// Material reads a certificate for serving, whatever its Region (the ARN
// names it). An unknown ARN is a ResourceNotFoundException.
func (s *Service) Material(ctx context.Context, arn string) (*Material, error) {
	if _, _, _, err := ParseARN(arn); err != nil {
		return nil, err
	}
	rec, err := s.store.GetCertificate(ctx, arn)
	if err != nil {
		return nil, certificateError(err, arn)
	}
	if len(rec.SealedKey) == 0 {
		// Issued through ACME: the client kept the key; nothing here can serve it.
		return nil, validation("The certificate %s has no private key in ACM: import it with its key to serve it.", arn)
	}
	return s.materialOf(rec)
}

// CertificateVersion is the version of a certificate's material (what
// Material.Version would be), read without opening its key.
func (s *Service) CertificateVersion(ctx context.Context, arn string) (int64, error) {
	rec, err := s.store.GetCertificate(ctx, arn)
	if err != nil {
		return 0, certificateError(err, arn)
	}
	return rec.Version, nil
}

// materialOf makes a stored certificate ready to serve: its chain parsed and
// its key opened.
func (s *Service) materialOf(rec store.Certificate) (*Material, error) {
	arn := rec.ARN
	d, err := decodeDoc(rec)
	if err != nil {
		return nil, err
	}
	var chain [][]byte
	for rest := []byte(d.Certificate + d.Chain); ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		chain = append(chain, b.Bytes)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("certs: certificate %s holds no PEM", arn)
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, fmt.Errorf("certs: certificate %s: %w", arn, err)
	}
	pkcs8, err := s.sealer.Open(rec.SealedKey, []byte(arn))
	if err != nil {
		return nil, fmt.Errorf("certs: the key of %s: %w", arn, err)
	}
	key, err := parsePKCS8Signer(pkcs8)
	if err != nil {
		return nil, fmt.Errorf("certs: the key of %s: %w", arn, err)
	}
	return &Material{
		ARN:         arn,
		Region:      rec.Region,
		Status:      status(rec, s.clock()),
		Type:        rec.Type,
		NotBefore:   leaf.NotBefore,
		NotAfter:    leaf.NotAfter,
		Names:       dnsNames(leaf),
		Certificate: &tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf},
		Version:     rec.Version,
	}, nil
}

// changed announces a stored change of a certificate with its new material.
func (s *Service) changed(ctx context.Context, rec store.Certificate) {
	m, err := s.materialOf(rec)
	if err != nil {
		m = nil // the announcer reads it back, and keeps what it served if it cannot
	}
	s.announce.CertificateChanged(ctx, rec.ARN, m)
}

// Covers reports whether a certificate for names serves host: a name equal
// to host (ignoring case and a final dot), or a wildcard standing for
// exactly one label (*.example.com covers auth.example.com, but neither
// a.b.example.com nor example.com).
func Covers(names []string, host string) bool {
	host = normalizeName(host)
	if host == "" {
		return false
	}
	for _, n := range names {
		n = normalizeName(n)
		if n == host {
			return true
		}
		if parent, ok := strings.CutPrefix(n, "*."); ok {
			label, rest, found := strings.Cut(host, ".")
			if found && label != "" && label != "*" && rest == parent {
				return true
			}
		}
	}
	return false
}
