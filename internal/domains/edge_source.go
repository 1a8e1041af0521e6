package domains

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/gognito/gognito/internal/edge"
	"github.com/gognito/gognito/internal/store"
)

var randReader = rand.Reader

// Prefix domains share one local-CA certificate per Region for
// *.auth.<region>.<base>; it is reissued when a third of its life is left.
const wildcardValidity = 90 * 24 * time.Hour

var _ edge.Source = (*Service)(nil)

func (s *Service) wildcard(ctx context.Context, region string) (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.wildcards[region]; c != nil && c.Leaf != nil && s.now().Before(c.Leaf.NotAfter.Add(-wildcardValidity/3)) {
		return c, nil
	}
	c, err := s.certs.IssueServerCertificate(ctx, []string{"*.auth." + region + "." + s.o.BaseDomain}, wildcardValidity)
	if err != nil {
		return nil, err
	}
	s.wildcards[region] = c
	return c, nil
}

// siteVersion names what the edge serves for a domain: the domain's
// generation and, for a custom domain, the version of its certificate.
func siteVersion(generation, certVersion int64, custom bool) string {
	if !custom {
		return fmt.Sprintf("g%d", generation)
	}
	return fmt.Sprintf("g%d/c%d", generation, certVersion)
}

// wantVersion is the version of what the edge must serve for a domain.
func (s *Service) wantVersion(ctx context.Context, d store.Domain) (string, error) {
	x, err := decode(d)
	if err != nil {
		return "", err
	}
	var certVersion int64
	if d.Custom {
		c, err := s.store.GetCertificate(ctx, d.CertificateARN)
		if err != nil {
			return "", err
		}
		certVersion = c.Version
	}
	return siteVersion(x.Generation, certVersion, d.Custom), nil
}

func (s *Service) site(ctx context.Context, d store.Domain) (edge.Site, error) {
	site := edge.Site{Name: s.Host(d), PoolID: d.PoolID, CertificateARN: d.CertificateARN}
	x, err := decode(d)
	if err != nil {
		return site, err
	}
	if d.Custom {
		m, err := s.certs.Material(ctx, d.CertificateARN)
		if err != nil {
			return site, err
		}
		site.Version, site.Certificate = siteVersion(x.Generation, m.Version, true), m.Certificate
		return site, nil
	}
	site.Version = siteVersion(x.Generation, 0, false)
	site.Certificate, err = s.wildcard(ctx, d.Region)
	return site, err
}

// Site implements edge.Source.
func (s *Service) Site(ctx context.Context, name string) (edge.Site, error) {
	d, err := s.store.GetDomain(ctx, s.keyForHost(name))
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Status == StatusDeleting) {
		return edge.Site{}, edge.ErrNotServed
	}
	if err != nil {
		return edge.Site{}, err
	}
	return s.site(ctx, d)
}

// Sites implements edge.Source. A site that cannot be loaded is listed
// without a certificate, so the edge keeps what it served before.
func (s *Service) Sites(ctx context.Context) ([]edge.Site, error) {
	var out []edge.Site
	after := ""
	for {
		page, err := s.store.ListDomains(ctx, store.Page{After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			if d.Status == StatusDeleting {
				continue
			}
			site, err := s.site(ctx, d)
			if err != nil {
				s.o.Logger.Warn("domains: cannot load a site", "domain", d.Name, "error", err)
				site.Certificate = nil
			}
			out = append(out, site)
		}
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].Key
	}
}

// reconcileOne moves one pending domain on: ACTIVE once the edge serves what
// the store holds, gone once a DELETING domain is no longer served; in both
// cases only after the propagation delay.
func (s *Service) reconcileOne(ctx context.Context, key string) error {
	d, err := s.store.GetDomain(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || d.Status == StatusActive {
		return err
	}
	x, err := decode(d)
	if err != nil {
		return err
	}
	if s.now().Before(x.PendingSince.Add(s.o.PropagationDelay)) || s.edge == nil {
		return nil
	}
	host := s.Host(d)
	served, ok := s.edge.Serving(host)
	if d.Status == StatusDeleting {
		if ok {
			return nil
		}
		if gone, err := s.peersServe(ctx, host, ""); err != nil || !gone {
			return err
		}
		if err := s.store.DeleteDomain(ctx, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	want, err := s.wantVersion(ctx, d)
	if err != nil {
		return err
	}
	if !ok || served != want {
		return nil
	}
	if all, err := s.peersServe(ctx, host, want); err != nil || !all {
		return err
	}
	_, err = s.store.UpdateDomain(ctx, key, func(cur *store.Domain) error {
		cx, err := decode(*cur)
		if err != nil {
			return err
		}
		if cur.Status == StatusDeleting || cur.Status == StatusActive || cx.Generation != x.Generation {
			return errUnchanged
		}
		cur.Status = StatusActive
		return nil
	})
	if errors.Is(err, errUnchanged) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

var errUnchanged = errors.New("domains: unchanged")

// Reconcile moves every pending domain on, nudging the edge when it does not
// serve what the store holds.
func (s *Service) Reconcile(ctx context.Context) error {
	pending, err := s.store.ListPendingDomains(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range pending {
		if s.edge != nil {
			want, werr := s.wantVersion(ctx, d)
			served, ok := s.edge.Serving(s.Host(d))
			if (d.Status == StatusDeleting && ok) || (d.Status != StatusDeleting && werr == nil && (!ok || served != want)) {
				_ = s.edge.Refresh(ctx, s.Host(d))
			}
		}
		errs = append(errs, s.reconcileOne(ctx, d.Key))
	}
	return errors.Join(errs...)
}

// Run reconciles every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Reconcile(ctx); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("domains: reconcile failed", "error", err)
			}
		}
	}
}
