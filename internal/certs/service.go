package certs

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire"
	"github.com/gognito/gognito/internal/wire/acm"
)

// Options configure a Service. Zero values take defaults; Sealer is
// required.
type Options struct {
	Region    string // default Region when the request carries none
	AccountID string
	Clock     clock.Clock // certificate expiry and renewal follow it
	Rand      io.Reader
	Sealer    *secrets.Sealer
	// IssuedValidity is how long certificates that RequestCertificate issues
	// are valid (default 395 days, as ACM's).
	IssuedValidity time.Duration
	// RenewBefore is how long before NotAfter an issued certificate is
	// renewed (default 60 days, as ACM's).
	RenewBefore time.Duration
	// Announcer, when set, hears of every certificate whose material
	// changed (re-import, renewal, delete), so that what serves it follows.
	Announcer Announcer
	// AcmeBaseURL, when set, is where the ACME endpoints are served (the
	// API listener's public URL and /acme): the endpoints' directory URLs
	// and the accounts' URLs start with it.
	AcmeBaseURL func() string
}

// Announcer hears of certificate changes (the serving package).
type Announcer interface {
	// CertificateChanged is called once the change is stored, with the new
	// material (nil when the certificate was deleted): nobody needs to read
	// it back.
	CertificateChanged(ctx context.Context, arn string, m *Material)
}

type noAnnouncer struct{}

func (noAnnouncer) CertificateChanged(context.Context, string, *Material) {}

// Store is what the certificate operations need of the store: the
// certificates they own, the values that keep the local CA and the
// request tokens, and the domains that use a certificate (DeleteCertificate
// refuses one in use).
type Store interface {
	store.Certificates
	store.Values
	ListDomainsByCertificate(ctx context.Context, arn string) ([]store.Domain, error)
}

// Service implements the ACM operations, the local CA and the material the
// TLS edge serves.
type Service struct {
	store       Store
	region      string
	accountID   string
	clk         clock.Clock
	rand        io.Reader
	sealer      *secrets.Sealer
	validity    time.Duration
	renewBefore time.Duration
	announce    Announcer
	acmeBase    func() string

	caMu sync.Mutex
	ca   *LocalCA
}

// New builds a Service on a store. It panics without a Sealer: that is a
// programming error.
func New(st Store, o Options) *Service {
	if o.Sealer == nil {
		panic("certs: Options.Sealer is required")
	}
	s := &Service{
		store: st, region: o.Region, accountID: o.AccountID, clk: clock.Or(o.Clock), rand: o.Rand,
		sealer: o.Sealer, validity: o.IssuedValidity, renewBefore: o.RenewBefore, announce: o.Announcer,
		acmeBase: o.AcmeBaseURL,
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.accountID == "" {
		s.accountID = "000000000000"
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.validity <= 0 {
		s.validity = 395 * 24 * time.Hour
	}
	if s.renewBefore <= 0 {
		s.renewBefore = 60 * 24 * time.Hour
	}
	if s.announce == nil {
		s.announce = noAnnouncer{}
	}
	return s
}

// Limits ACM applies.
const (
	MaxTags         = 50
	MaxListItems    = 1000
	idempotencyTime = time.Hour
)

// Error types of the ACM model that this package answers with.
const (
	errInvalidArn  = "InvalidArnException"
	errInUse       = "ResourceInUseException"
	errTooManyTags = "TooManyTagsException"
	errInvalidTag  = "InvalidTagException"
	errInvalidArgs = "InvalidArgsException"
)

func (s *Service) clock() time.Time { return s.now().Truncate(time.Millisecond) }

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

func (s *Service) requestRegion(ctx context.Context) string { return reqctx.Region(ctx, s.region) }

func wireTime(t time.Time) *wire.Time {
	if t.IsZero() {
		return nil
	}
	return wire.NewTime(t)
}

var arnRE = regexp.MustCompile(`^arn:(aws[a-z-]*):acm:([a-z0-9-]+):(\d{12}):certificate/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// ParseARN splits a certificate ARN,
// arn:aws:acm:<region>:<account>:certificate/<uuid>. Anything else is an
// InvalidArnException.
func ParseARN(arn string) (region, account, id string, err error) {
	m := arnRE.FindStringSubmatch(arn)
	if m == nil {
		return "", "", "", awserr.Newf(errInvalidArn, "The ARN %s is not a valid certificate ARN.", arn)
	}
	return m[2], m[3], m[4], nil
}

func (s *Service) certARN(region, id string) string {
	return fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, s.accountID, id)
}

// Message as ACM words it (ImportCertificate naming an unknown ARN,
// DescribeCertificate in another Region).
func notFound(arn string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Could not find certificate %s.", arn)
}

// certificateError is the one place a store error about a certificate
// becomes the error ACM answers: an unknown certificate is a
// ResourceNotFoundException, one that a domain uses a
// ResourceInUseException; anything else is the store's own failure.
func certificateError(err error, arn string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return notFound(arn)
	case errors.Is(err, store.ErrInUse):
		// ACM's message (Terraform and CDK users, 2022 and later; it used
		// to name the ARN and the account).
		return awserr.New(errInUse, "Certificate is in use.")
	}
	return err
}

// certDoc is what the store keeps of a certificate (store.Certificate.Doc).
// Detail is what DescribeCertificate shows, less what is computed when it is
// read (Status, InUseBy).
type certDoc struct {
	Detail      acm.CertificateDetail `json:"Detail"`
	KeyType     string                `json:"KeyType"` // the key algorithm as ListCertificates filters name it: RSA_2048, EC_prime256v1
	Certificate string                `json:"Certificate"`
	Chain       string                `json:"Chain,omitempty"`
	Tags        []acm.Tag             `json:"Tags,omitempty"`
}

func decodeDoc(rec store.Certificate) (*certDoc, error) {
	var d certDoc
	if err := json.Unmarshal(rec.Doc, &d); err != nil {
		return nil, fmt.Errorf("certs: decoding certificate %s: %w", rec.ARN, err)
	}
	return &d, nil
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("certs: encoding %T: %v", v, err)) // our documents always encode
	}
	return b
}

// lookup finds a certificate for an ACM request. The store finds a
// certificate by ARN alone, but ACM is regional: a certificate of another
// Region (or account) is not found through a request to this one, and ACM
// answers ResourceNotFoundException for it (seen with Terraform calling
// DescribeCertificate in one Region for a certificate of another). gognito
// does the same.
func (s *Service) lookup(ctx context.Context, arn string) (store.Certificate, *certDoc, error) {
	region, account, _, err := ParseARN(arn)
	if err != nil {
		return store.Certificate{}, nil, err
	}
	if region != s.requestRegion(ctx) || account != s.accountID {
		return store.Certificate{}, nil, notFound(arn)
	}
	rec, err := s.store.GetCertificate(ctx, arn)
	if err != nil {
		return rec, nil, certificateError(err, arn)
	}
	d, err := decodeDoc(rec)
	return rec, d, err
}

// update applies fn to the document of a certificate the request may see.
func (s *Service) update(ctx context.Context, arn string, fn func(rec *store.Certificate, d *certDoc) error) (store.Certificate, error) {
	if _, _, err := s.lookup(ctx, arn); err != nil {
		return store.Certificate{}, err
	}
	rec, err := s.store.UpdateCertificate(ctx, arn, func(rec *store.Certificate) error {
		d, err := decodeDoc(*rec)
		if err != nil {
			return err
		}
		if err := fn(rec, d); err != nil {
			return err
		}
		rec.UpdatedAt = s.clock()
		rec.Doc = encode(d)
		return nil
	})
	return rec, certificateError(err, arn)
}

// status is a certificate's status at t: ISSUED, or EXPIRED after NotAfter.
func status(rec store.Certificate, t time.Time) string {
	if !rec.NotAfter.IsZero() && t.After(rec.NotAfter) {
		return acm.CertificateStatusExpired
	}
	return rec.Status
}
