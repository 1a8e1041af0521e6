package certs

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// inUseBy lists the CloudFront distributions (one per user pool domain)
// that use a certificate.
func (s *Service) inUseBy(ctx context.Context, arn string) ([]string, error) {
	domains, err := s.store.ListDomainsByCertificate(ctx, arn)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(domains))
	for _, d := range domains {
		out = append(out, s.distributionARN(d.Name))
	}
	return out, nil
}

// DescribeCertificate shows a certificate.
func (s *Service) DescribeCertificate(ctx context.Context, in *acm.DescribeCertificateRequest) (*acm.DescribeCertificateResponse, error) {
	rec, d, err := s.lookup(ctx, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	detail := d.Detail
	detail.Status = status(rec, s.clock())
	if detail.InUseBy, err = s.inUseBy(ctx, rec.ARN); err != nil {
		return nil, err
	}
	return &acm.DescribeCertificateResponse{Certificate: &detail}, nil
}

// GetCertificate returns a certificate and its chain, PEM-encoded. The chain
// of a certificate the local CA issued is the local CA's root.
func (s *Service) GetCertificate(ctx context.Context, in *acm.GetCertificateRequest) (*acm.GetCertificateResponse, error) {
	_, d, err := s.lookup(ctx, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	return &acm.GetCertificateResponse{Certificate: d.Certificate, CertificateChain: d.Chain}, nil
}

// DeleteCertificate deletes a certificate, unless a user pool domain uses
// it.
func (s *Service) DeleteCertificate(ctx context.Context, in *acm.DeleteCertificateRequest) (*struct{}, error) {
	if _, _, err := s.lookup(ctx, in.CertificateArn); err != nil {
		return nil, err
	}
	if err := s.store.DeleteCertificate(ctx, in.CertificateArn); err != nil {
		return nil, certificateError(err, in.CertificateArn)
	}
	s.announce.CertificateChanged(ctx, in.CertificateArn, nil)
	return &struct{}{}, nil
}

// defaultKeyTypes are the key types ListCertificates lists when the request
// names none, as ACM documents Filters.keyTypes: RSA_1024 and RSA_2048
// certificates that have a domain name. (The operation's own summary names
// RSA_2048 alone; gognito follows the filter's documentation.)
var defaultKeyTypes = []string{acm.KeyAlgorithmRsa1024, acm.KeyAlgorithmRsa2048}

// ListCertificates lists the certificates of the request's Region. A Region
// holds few certificates (ACM's quota is in the thousands), so the listing
// reads them all, filters and sorts them, and pages through the result
// with an opaque token naming the last certificate of the previous page.
func (s *Service) ListCertificates(ctx context.Context, in *acm.ListCertificatesRequest) (*acm.ListCertificatesResponse, error) {
	limit := MaxListItems
	if in.MaxItems != nil {
		limit = int(*in.MaxItems)
	}
	byCreated := in.SortBy == acm.SortByCreatedAt
	desc := in.SortOrder == acm.SortOrderDescending
	// A token is the sort key of the last certificate listed, tagged with
	// the order it belongs to.
	order := "arn"
	if byCreated {
		order = "created"
	}
	var after string
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		k, key, ok := strings.Cut(string(b), "\x00")
		if err != nil || !ok || k != order {
			return nil, awserr.New(errInvalidArgs, "The NextToken is not valid.")
		}
		after = key
	}

	recs, err := s.store.ListCertificates(ctx, s.requestRegion(ctx), store.Page{})
	if err != nil {
		return nil, err
	}
	now := s.clock()
	keyTypes := defaultKeyTypes
	var f acm.Filters
	if in.Includes != nil {
		f = *in.Includes
		if len(f.KeyTypes) > 0 {
			keyTypes = f.KeyTypes
		}
	}
	type item struct {
		key string
		rec store.Certificate
		doc *certDoc
	}
	var items []item
	for _, rec := range recs {
		d, err := decodeDoc(rec)
		if err != nil {
			return nil, err
		}
		if len(in.CertificateStatuses) > 0 && !slices.Contains(in.CertificateStatuses, status(rec, now)) {
			continue
		}
		if !slices.Contains(keyTypes, d.KeyType) || !usagesMatch(d, f) {
			continue
		}
		if len(f.KeyTypes) == 0 && d.Detail.DomainName == "" { // the default filter wants a domain too
			continue
		}
		if f.ManagedBy != "" && d.Detail.ManagedBy != f.ManagedBy {
			continue
		}
		if f.ExportOption != "" && exportOption(d) != f.ExportOption {
			continue
		}
		key := rec.ARN
		if byCreated {
			key = fmt.Sprintf("%020d/%s", rec.CreatedAt.UnixMilli(), rec.ARN)
		}
		items = append(items, item{key, rec, d})
	}
	slices.SortFunc(items, func(a, b item) int {
		if desc {
			return cmp.Compare(b.key, a.key)
		}
		return cmp.Compare(a.key, b.key)
	})
	if after != "" {
		i, _ := slices.BinarySearchFunc(items, after, func(it item, k string) int {
			if desc {
				return cmp.Compare(k, it.key)
			}
			return cmp.Compare(it.key, k)
		})
		for i < len(items) && items[i].key == after {
			i++
		}
		items = items[i:]
	}

	out := &acm.ListCertificatesResponse{CertificateSummaryList: []acm.CertificateSummary{}}
	for i, it := range items {
		if i == limit {
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(order + "\x00" + items[i-1].key))
			break
		}
		sum, err := s.summary(ctx, it.rec, it.doc, now)
		if err != nil {
			return nil, err
		}
		out.CertificateSummaryList = append(out.CertificateSummaryList, sum)
	}
	return out, nil
}

// usagesMatch applies the keyUsage and extendedKeyUsage filters: a
// certificate passes when it has every usage the filter names.
func usagesMatch(d *certDoc, f acm.Filters) bool {
	for _, u := range f.KeyUsage {
		if !slices.ContainsFunc(d.Detail.KeyUsages, func(k acm.KeyUsage) bool { return k.Name == u }) {
			return false
		}
	}
	for _, u := range f.ExtendedKeyUsage {
		if !slices.ContainsFunc(d.Detail.ExtendedKeyUsages, func(k acm.ExtendedKeyUsage) bool { return k.Name == u }) {
			return false
		}
	}
	return true
}

// maxSummaryNames is how many subject alternative names a summary carries.
const maxSummaryNames = 100

func (s *Service) summary(ctx context.Context, rec store.Certificate, d *certDoc, now time.Time) (acm.CertificateSummary, error) {
	inUse, err := s.inUseBy(ctx, rec.ARN)
	if err != nil {
		return acm.CertificateSummary{}, err
	}
	det := d.Detail
	names := det.SubjectAlternativeNames
	more := len(names) > maxSummaryNames
	if more {
		names = names[:maxSummaryNames]
	}
	sum := acm.CertificateSummary{
		CertificateArn:                       rec.ARN,
		DomainName:                           det.DomainName,
		SubjectAlternativeNameSummaries:      names,
		HasAdditionalSubjectAlternativeNames: &more,
		Status:                               status(rec, now),
		Type:                                 det.Type,
		KeyAlgorithm:                         det.KeyAlgorithm,
		InUse:                                ptr(len(inUse) > 0),
		RenewalEligibility:                   det.RenewalEligibility,
		NotBefore:                            det.NotBefore,
		NotAfter:                             det.NotAfter,
		CreatedAt:                            det.CreatedAt,
		IssuedAt:                             det.IssuedAt,
		ImportedAt:                           det.ImportedAt,
		ManagedBy:                            det.ManagedBy,
		CertificateKeyPairOrigin:             det.CertificateKeyPairOrigin,
	}
	for _, u := range det.KeyUsages {
		sum.KeyUsages = append(sum.KeyUsages, u.Name)
	}
	for _, u := range det.ExtendedKeyUsages {
		sum.ExtendedKeyUsages = append(sum.ExtendedKeyUsages, u.Name)
	}
	if det.Options != nil {
		sum.ExportOption = det.Options.Export
	}
	return sum, nil
}

func exportOption(d *certDoc) string {
	if d.Detail.Options != nil && d.Detail.Options.Export != "" {
		return d.Detail.Options.Export
	}
	return acm.CertificateExportDisabled
}

func ptr[T any](v T) *T { return &v }
