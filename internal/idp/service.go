package idp

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/userpool"
)

// Store is what the service needs of the store.
type Store interface {
	store.IdentityProviders
	GetValue(ctx context.Context, key string) ([]byte, error)
	PutValueIfAbsent(ctx context.Context, key string, v []byte) ([]byte, error)
}

// Pools is what the service needs of userpool: a pool's configuration.
type Pools interface {
	Pool(ctx context.Context, id string) (*userpool.Pool, error)
}

// Clients tells which app clients of a pool name a provider in their
// SupportedIdentityProviders.
type Clients interface {
	ClientsUsingProvider(ctx context.Context, poolID, providerName string) ([]string, error)
}

// MetadataFetcher reads a SAML IdP's metadata document from its URL.
type MetadataFetcher interface {
	FetchMetadata(ctx context.Context, url string) ([]byte, error)
}

// Options configure a Service.
type Options struct {
	Pools   Pools
	Clients Clients // nil: no client blocks a delete
	Fetcher MetadataFetcher
	Clock   clock.Clock
	Rand    io.Reader
	// Sealer seals client secrets and private keys at rest (nil: kept as
	// they are, for tests of this package alone).
	Sealer *secrets.Sealer
}

// Service implements the identity provider operations and the lookups
// federation needs.
type Service struct {
	store   Store
	pools   Pools
	clients Clients
	fetcher MetadataFetcher
	clock   clock.Clock
	rand    io.Reader
	sealer  *secrets.Sealer

	keysMu sync.Mutex
	keys   map[string]*poolKeys
}

type poolKeys struct{ signing, encryption *KeyPair }

// New builds a Service.
func New(st Store, o Options) *Service {
	s := &Service{store: st, pools: o.Pools, clients: o.Clients, fetcher: o.Fetcher, clock: clock.Or(o.Clock), rand: o.Rand, sealer: o.Sealer,
		keys: map[string]*poolKeys{}}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// Provider is a read-only view of an identity provider: never change one.
type Provider struct {
	PoolID, Name, Type string // Type: SAML, OIDC, Google, Facebook, LoginWithAmazon, SignInWithApple
	// Details are the ProviderDetails as Cognito stores them (client_secret
	// in the clear here; sealed at rest).
	Details map[string]string
	// AttributeMapping maps a user pool attribute to the provider's
	// attribute (claim or SAML attribute name).
	AttributeMapping  map[string]string
	IdpIdentifiers    []string
	Created, Modified time.Time
	// Metadata is a SAML provider's parsed metadata (nil for other types).
	Metadata *SAMLMetadata
}

// MapAttributes maps a provider's claims or SAML attributes to the pool's
// attributes by AttributeMapping: pool attribute -> value. A claim with
// several values gives them comma-separated, as Cognito does; an attribute
// the provider did not send is left out.
func (p *Provider) MapAttributes(claims map[string][]string) map[string]string {
	out := map[string]string{}
	for attr, from := range p.AttributeMapping {
		vals, ok := claims[from]
		if !ok || len(vals) == 0 {
			continue
		}
		out[attr] = strings.Join(vals, ",")
	}
	return out
}

// Provider finds a pool's provider by name (ResourceNotFoundException when
// there is none).
func (s *Service) Provider(ctx context.Context, poolID, name string) (*Provider, error) {
	rec, err := s.store.GetIdentityProvider(ctx, poolID, name)
	if err != nil {
		return nil, providerError(err, poolID, name)
	}
	return s.view(rec)
}

// ProviderByIdentifier finds the provider one of whose IdpIdentifiers is
// identifier (ResourceNotFoundException when there is none).
func (s *Service) ProviderByIdentifier(ctx context.Context, poolID, identifier string) (*Provider, error) {
	rec, err := s.store.GetIdentityProviderByIdentifier(ctx, poolID, identifier)
	if err != nil {
		if isNotFound(err) {
			return nil, awserr.Newf(awserr.ResourceNotFound, "Identity provider for identifier %s does not exist.", identifier)
		}
		return nil, err
	}
	return s.view(rec)
}

// ProviderForEmail finds the SAML provider whose IdpIdentifiers has the
// domain of email (what the hosted page's corporate-email field does), as
// Cognito matches it: the whole domain, ignoring its case.
func (s *Service) ProviderForEmail(ctx context.Context, poolID, email string) (*Provider, error) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return nil, awserr.Newf(awserr.ResourceNotFound, "No identity provider for the email %s.", email)
	}
	domain := email[at+1:]
	for _, d := range []string{domain, strings.ToLower(domain)} {
		p, err := s.ProviderByIdentifier(ctx, poolID, d)
		if err == nil && p.Type == TypeSAML {
			return p, nil
		}
		if err != nil && !isAWSNotFound(err) {
			return nil, err
		}
		if d == strings.ToLower(domain) {
			break
		}
	}
	return nil, awserr.Newf(awserr.ResourceNotFound, "No identity provider for the email domain %s.", domain)
}

// Providers returns those of names that are providers of the pool, in the
// order of names (COGNITO and unknown names are skipped).
func (s *Service) Providers(ctx context.Context, poolID string, names []string) ([]*Provider, error) {
	var out []*Provider
	for _, n := range names {
		if n == "COGNITO" {
			continue
		}
		p, err := s.Provider(ctx, poolID, n)
		if isAWSNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ProviderExists tells userpool whether a pool has a provider by that name.
func (s *Service) ProviderExists(ctx context.Context, poolID, name string) (bool, error) {
	_, err := s.store.GetIdentityProvider(ctx, poolID, name)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) view(rec store.IdentityProvider) (*Provider, error) {
	d, err := decodeDoc(rec.Doc)
	if err != nil {
		return nil, err
	}
	details, err := s.openDetails(rec.PoolID, rec.Name, d.Details)
	if err != nil {
		return nil, err
	}
	p := &Provider{PoolID: rec.PoolID, Name: rec.Name, Type: rec.Type, Details: details,
		AttributeMapping: maps.Clone(d.AttributeMapping), IdpIdentifiers: slices.Clone(rec.Identifiers),
		Created: rec.CreatedAt, Modified: rec.UpdatedAt}
	if p.AttributeMapping == nil {
		p.AttributeMapping = map[string]string{}
	}
	if p.IdpIdentifiers == nil {
		p.IdpIdentifiers = []string{}
	}
	if d.SAML != nil {
		md, err := d.SAML.metadata()
		if err != nil {
			return nil, err
		}
		p.Metadata = md
	}
	return p, nil
}

// String names the provider (never its details: they hold its secrets).
func (p *Provider) String() string {
	return "identity provider " + p.Name + " (" + p.Type + ") of " + p.PoolID
}

// LogValue logs the provider without its secret details.
func (p *Provider) LogValue() slog.Value {
	return slog.GroupValue(slog.String("pool", p.PoolID), slog.String("name", p.Name), slog.String("type", p.Type))
}
