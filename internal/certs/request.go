package certs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// RequestCertificate has the local CA issue a certificate for DomainName and
// the SubjectAlternativeNames at once: the certificate is ISSUED as soon as
// the call returns, and its domain validation shows as done (SUCCESS), with
// the records ACM would have asked for.
func (s *Service) RequestCertificate(ctx context.Context, in *acm.RequestCertificateRequest) (*acm.RequestCertificateResponse, error) {
	region := s.requestRegion(ctx)
	keyType := in.KeyAlgorithm
	if keyType == "" {
		keyType = acm.KeyAlgorithmRsa2048
	}
	switch keyType {
	case acm.KeyAlgorithmRsa2048, acm.KeyAlgorithmEcPrime256v1, acm.KeyAlgorithmEcSecp384r1:
	default:
		// ACM's message (floci-io/floci#3027, observed against ACM).
		return nil, validation("Encryption Algorithm %s is not supported in %s region", keyType, region)
	}
	if in.CertificateAuthorityArn != "" {
		return nil, validation("gognito does not issue private certificates: CertificateAuthorityArn is not supported.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	names := []string{in.DomainName}
	for _, n := range in.SubjectAlternativeNames {
		if !slices.ContainsFunc(names, func(h string) bool { return strings.EqualFold(h, n) }) {
			names = append(names, n)
		}
	}
	now := s.clock()
	arn := s.certARN(region, newUUID(s.rand))
	if in.IdempotencyToken != "" {
		prev, err := s.claimToken(ctx, region, in.IdempotencyToken, in.DomainName, arn, now)
		if err != nil {
			return nil, err
		}
		if prev != "" {
			return &acm.RequestCertificateResponse{CertificateArn: prev}, nil
		}
	}
	method := in.ValidationMethod
	if method == "" {
		method = acm.ValidationMethodDns
	}
	d := &certDoc{Tags: mergeTags(nil, in.Tags), KeyType: keyType}
	d.Detail = acm.CertificateDetail{
		CertificateArn:          arn,
		DomainValidationOptions: s.validationOptions(region, names, method, in.DomainValidationOptions),
		CreatedAt:               wireTime(now),
		Type:                    acm.CertificateTypeAmazonIssued,
		RenewalEligibility:      acm.RenewalEligibilityEligible,
		ManagedBy:               in.ManagedBy,
		Options:                 &acm.CertificateOptions{CertificateTransparencyLoggingPreference: acm.CertificateTransparencyLoggingPreferenceEnabled},
	}
	if o := in.Options; o != nil {
		if o.CertificateTransparencyLoggingPreference != "" {
			d.Detail.Options.CertificateTransparencyLoggingPreference = o.CertificateTransparencyLoggingPreference
		}
		d.Detail.Options.Export = o.Export
	}
	sealed, leaf, err := s.issueInto(ctx, arn, d, names, now)
	if err != nil {
		return nil, err
	}
	err = s.store.CreateCertificate(ctx, store.Certificate{
		ARN: arn, Region: region, DomainName: in.DomainName,
		Status: acm.CertificateStatusIssued, Type: acm.CertificateTypeAmazonIssued,
		NotAfter: leaf.NotAfter, CreatedAt: now, UpdatedAt: now,
		Doc: encode(d), SealedKey: sealed,
	})
	if err != nil {
		return nil, err
	}
	return &acm.RequestCertificateResponse{CertificateArn: arn}, nil
}

// issueInto has the local CA issue a certificate of d's key type for names,
// writes it into d and returns its key, sealed for arn.
func (s *Service) issueInto(ctx context.Context, arn string, d *certDoc, names []string, now time.Time) ([]byte, *x509.Certificate, error) {
	ca, err := s.CA(ctx)
	if err != nil {
		return nil, nil, err
	}
	key, err := generateKey(d.KeyType)
	if err != nil {
		return nil, nil, err
	}
	notBefore := now.Truncate(time.Second)
	leaf, err := ca.issue(s.serial(), key.Public(), names, notBefore, notBefore.Add(s.validity))
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	fillFromX509(&d.Detail, leaf, d.KeyType)
	d.Detail.DomainName = names[0]
	d.Detail.SubjectAlternativeNames = names
	d.Detail.Status = acm.CertificateStatusIssued
	d.Detail.IssuedAt = wireTime(now)
	d.Certificate = encodePEM(leaf)
	d.Chain = string(ca.RootPEM())
	return s.sealer.Seal(pkcs8, []byte(arn)), leaf, nil
}

// tokenEntry remembers an IdempotencyToken in store.Values.
type tokenEntry struct {
	ARN     string    `json:"arn"`
	Domain  string    `json:"domain"`
	Expires time.Time `json:"expires"`
}

// claimToken records that token now names arn, unless a request for the
// same domain used the token within the hour and its certificate still
// exists: then it returns that certificate's ARN. (Two first requests racing
// with one token may both issue a certificate; the second to finish wins the
// token.)
func (s *Service) claimToken(ctx context.Context, region, token, domain, arn string, now time.Time) (string, error) {
	key := "acm-idempotency/" + region + "/" + token
	mine := encode(tokenEntry{ARN: arn, Domain: domain, Expires: now.Add(idempotencyTime)})
	stored, err := s.store.PutValueIfAbsent(ctx, key, mine)
	if err != nil || bytes.Equal(stored, mine) {
		return "", err
	}
	var prev tokenEntry
	if json.Unmarshal(stored, &prev) == nil && now.Before(prev.Expires) && strings.EqualFold(prev.Domain, domain) {
		_, err := s.store.GetCertificate(ctx, prev.ARN)
		if err == nil {
			return prev.ARN, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return "", s.store.SetValue(ctx, key, mine)
}

// validationOptions shows how each name was validated, as ACM shows it once
// validation succeeded. ACM asks for the same DNS record for a name (and
// for its wildcard) in every certificate of an account, so the record is
// derived from the account and the name.
func (s *Service) validationOptions(region string, names []string, method string, opts []acm.DomainValidationOption) []acm.DomainValidation {
	out := make([]acm.DomainValidation, 0, len(names))
	for _, name := range names {
		base := strings.TrimPrefix(strings.ToLower(name), "*.")
		dv := acm.DomainValidation{
			DomainName:       name,
			ValidationDomain: name,
			ValidationStatus: acm.DomainStatusSuccess,
			ValidationMethod: method,
		}
		switch method {
		case acm.ValidationMethodEmail:
			vd := base
			for _, o := range opts {
				if strings.EqualFold(o.DomainName, name) && o.ValidationDomain != "" {
					vd = o.ValidationDomain
				}
			}
			dv.ValidationDomain = vd
			for _, mailbox := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
				dv.ValidationEmails = append(dv.ValidationEmails, mailbox+"@"+vd)
			}
		case acm.ValidationMethodHttp:
			file := "/.well-known/pki-validation/" + hashHex(s.accountID, "http", base) + ".txt"
			dv.HttpRedirect = &acm.HttpRedirect{
				RedirectFrom: "http://" + base + file,
				RedirectTo:   "https://validation." + region + ".acm-validations.aws/" + s.accountID + file,
			}
		default:
			dv.ResourceRecord = &acm.ResourceRecord{
				Name:  "_" + hashHex(s.accountID, "name", base) + "." + base + ".",
				Type:  acm.RecordTypeCname,
				Value: "_" + hashHex(s.accountID, "value", base) + "." + derive(lowerAlpha, 10, s.accountID, "zone", base) + ".acm-validations.aws.",
			}
		}
		out = append(out, dv)
	}
	return out
}

// hashHex is 32 hex digits derived from parts.
func hashHex(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}
