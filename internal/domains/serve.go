package domains

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"time"

	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/store"
)

var randReader = rand.Reader

// Domain is a user pool domain as the serving layer sees it: where it is
// served, what for, and which change of it is pending.
type Domain struct {
	Key                 string
	Host                string // the host name it is served at, lower case
	PoolID              string
	Region              string
	Custom              bool
	CertificateARN      string // custom domains only
	Status              string
	Generation          int64 // bumped whenever what is served must change
	PendingSince        time.Time
	ManagedLoginVersion int32
	SecurityPolicy      string // the TLS security policy it is served with
	// Failover is the domain's Routing.Failover; nil when every node serves
	// it wherever its Region.
	Failover *Failover
}

// Announcer hears of domain changes and judges when they are served (the
// serving package).
type Announcer interface {
	// DomainChanged is called once a change is stored: d is the domain as
	// stored (DELETING when it is being deleted), cert the certificate it
	// must serve (its ACM certificate just checked, or the local CA's
	// wildcard; nil when DELETING). It reports whether the change is
	// settled already: then the domain is made ACTIVE (or removed) at once.
	DomainChanged(ctx context.Context, d Domain, cert *certs.Material) (settled bool)
	// Settled reports whether a pending domain's change is served where it
	// must be; certVersion is the current version of its certificate.
	Settled(ctx context.Context, d Domain, certVersion int64) bool
}

// alone serves nothing: every change is settled at once.
type alone struct{}

func (alone) DomainChanged(context.Context, Domain, *certs.Material) bool { return true }
func (alone) Settled(context.Context, Domain, int64) bool                 { return true }

// view is a stored domain as the serving layer sees it.
func (s *Service) view(d store.Domain) (Domain, error) {
	x, err := decode(d)
	if err != nil {
		return Domain{}, err
	}
	mlv := x.ManagedLoginVersion
	if mlv == 0 {
		mlv = 1
	}
	return Domain{
		Key: d.Key, Host: s.Host(d), PoolID: d.PoolID, Region: d.Region, Custom: d.Custom, CertificateARN: d.CertificateARN,
		Status: d.Status, Generation: x.Generation, PendingSince: x.PendingSince, ManagedLoginVersion: mlv,
		SecurityPolicy: securityPolicyOf(d.Custom, x),
		Failover:       x.Failover,
	}, nil
}

// Prefix domains share one local-CA certificate per Region for
// *.auth.<region>.<base>; it is reissued when a third of its life is left.
const wildcardValidity = 90 * 24 * time.Hour

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

// certificateOf is the certificate a domain serves: its ACM certificate, or
// for a prefix domain the local CA's wildcard for its Region (version 0).
func (s *Service) certificateOf(ctx context.Context, d Domain) (*certs.Material, error) {
	if d.Custom {
		return s.certs.Material(ctx, d.CertificateARN)
	}
	c, err := s.wildcard(ctx, d.Region)
	if err != nil {
		return nil, err
	}
	return &certs.Material{Region: d.Region, Status: "ISSUED", Names: c.Leaf.DNSNames, NotBefore: c.Leaf.NotBefore, NotAfter: c.Leaf.NotAfter, Certificate: c}, nil
}

// Load reads the domain served at a host name with its certificate; ok is
// false when no domain is served there (none, or one being deleted). A
// certificate that cannot be loaded is an error with the domain.
func (s *Service) Load(ctx context.Context, host string) (d Domain, cert *certs.Material, ok bool, err error) {
	rec, err := s.store.GetDomain(ctx, s.keyForHost(host))
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Status == StatusDeleting) {
		return Domain{}, nil, false, nil
	}
	if err != nil {
		return Domain{}, nil, false, err
	}
	if d, err = s.view(rec); err != nil {
		return d, nil, false, err
	}
	cert, err = s.certificateOf(ctx, d)
	return d, cert, true, err
}

// EachServed calls fn with every domain to serve (none being deleted) and
// its certificate, or the error loading it.
func (s *Service) EachServed(ctx context.Context, fn func(d Domain, cert *certs.Material, err error)) error {
	after := ""
	for {
		page, err := s.store.ListDomains(ctx, store.Page{After: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, rec := range page {
			if rec.Status == StatusDeleting {
				continue
			}
			d, err := s.view(rec)
			if err != nil {
				fn(Domain{Key: rec.Key, Host: s.Host(rec), PoolID: rec.PoolID, CertificateARN: rec.CertificateARN}, nil, err)
				continue
			}
			cert, err := s.certificateOf(ctx, d)
			fn(d, cert, err)
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].Key
	}
}

// Pending lists the domains whose change is not settled: CREATING,
// UPDATING or DELETING.
func (s *Service) Pending(ctx context.Context) ([]Domain, error) {
	recs, err := s.store.ListPendingDomains(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Domain, 0, len(recs))
	var errs []error
	for _, rec := range recs {
		d, err := s.view(rec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

var errUnchanged = errors.New("domains: unchanged")

// Settle ends a settled change: a created or updated domain becomes ACTIVE
// (unless it changed again meanwhile), a deleted one goes.
func (s *Service) Settle(ctx context.Context, d Domain) error {
	if d.Status == StatusDeleting {
		if err := s.store.DeleteDomain(ctx, d.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	_, err := s.store.UpdateDomain(ctx, d.Key, func(cur *store.Domain) error {
		x, err := decode(*cur)
		if err != nil {
			return err
		}
		if cur.Status == StatusDeleting || cur.Status == StatusActive || x.Generation != d.Generation {
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

// changed tells the announcer of a stored change and settles it at once
// when the announcer says it is served already.
func (s *Service) changed(ctx context.Context, rec store.Domain, cert *certs.Material) {
	d, err := s.view(rec)
	if err != nil {
		s.o.Logger.Warn("domains: announcing a change", "domain", rec.Name, "error", err)
		return
	}
	if d.Status != StatusDeleting && cert == nil {
		if cert, err = s.certificateOf(ctx, d); err != nil {
			s.o.Logger.Warn("domains: loading what a domain serves", "domain", rec.Name, "error", err)
		}
	}
	if !s.announce.DomainChanged(ctx, d, cert) {
		return
	}
	if err := s.Settle(ctx, d); err != nil {
		s.o.Logger.Warn("domains: settling a change", "domain", rec.Name, "error", err)
	}
}

// settlePending settles a pending domain if its change is served, for
// DescribeUserPoolDomain; it reports whether anything changed.
func (s *Service) settlePending(ctx context.Context, rec store.Domain) (bool, error) {
	d, err := s.view(rec)
	if err != nil {
		return false, err
	}
	var version int64
	if d.Custom && d.Status != StatusDeleting {
		if version, err = s.certs.CertificateVersion(ctx, d.CertificateARN); err != nil {
			return false, err
		}
	}
	if !s.announce.Settled(ctx, d, version) {
		return false, nil
	}
	return true, s.Settle(ctx, d)
}
