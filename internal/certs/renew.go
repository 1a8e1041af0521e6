package certs

import (
	"context"
	"errors"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

var errNotDue = errors.New("certs: not due for renewal")

// RenewDue renews, as ACM does, every certificate it issued whose NotAfter
// is less than RenewBefore away: the local CA issues a new certificate, with
// a new key, for the same names under the same ARN. It returns the ARNs it
// renewed; each is announced with its new material. Another node renewing the same
// certificate at the same time is harmless: the second finds it no longer
// due.
func (s *Service) RenewDue(ctx context.Context) ([]string, error) {
	now := s.clock()
	due, err := s.store.ListExpiringCertificates(ctx, acm.CertificateTypeAmazonIssued, now.Add(s.renewBefore))
	if err != nil {
		return nil, err
	}
	var renewed []string
	var errs []error
	for _, rec := range due {
		cur, err := s.renew(ctx, rec, now)
		switch {
		case err == nil:
			renewed = append(renewed, rec.ARN)
			s.changed(ctx, cur)
		case errors.Is(err, errNotDue), errors.Is(err, store.ErrNotFound):
		default:
			errs = append(errs, err)
		}
	}
	return renewed, errors.Join(errs...)
}

func (s *Service) renew(ctx context.Context, rec store.Certificate, now time.Time) (store.Certificate, error) {
	d, err := decodeDoc(rec)
	if err != nil {
		return rec, err
	}
	// Issue outside the store's transaction: making an RSA key takes a while.
	sealed, leaf, err := s.issueInto(ctx, rec.ARN, d, d.Detail.SubjectAlternativeNames, now)
	if err != nil {
		return rec, err
	}
	d.Detail.RenewalSummary = &acm.RenewalSummary{
		RenewalStatus:           acm.RenewalStatusSuccess,
		DomainValidationOptions: d.Detail.DomainValidationOptions,
		UpdatedAt:               wireTime(now),
	}
	return s.store.UpdateCertificate(ctx, rec.ARN, func(cur *store.Certificate) error {
		if cur.Version != rec.Version { // changed since it was read: renewed elsewhere, or tagged
			if !cur.NotAfter.Before(now.Add(s.renewBefore)) {
				return errNotDue
			}
			fresh, err := decodeDoc(*cur)
			if err != nil {
				return err
			}
			d.Tags = fresh.Tags
		}
		cur.NotAfter = leaf.NotAfter
		cur.Status = acm.CertificateStatusIssued
		cur.UpdatedAt = now
		cur.Doc = encode(d)
		cur.SealedKey = sealed
		return nil
	})
}

// Run renews what is due every interval until ctx ends. Failures are left
// for the next round.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.RenewDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
