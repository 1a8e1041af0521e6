package userpool

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
)

// Store is what the service needs of the store: the pools, their clients
// and resource servers, and two reads of what DescribeUserPool shows (the
// pool's domains and its number of users).
type Store interface {
	store.UserPools
	store.AppClients
	store.ResourceServers
	ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error)
	CountUsers(ctx context.Context, poolID string) (int, error)
}

// Service implements the pool-level operations of cognito-idp, and is the
// one loader of pools and app clients (Pool, Client).
type Service struct {
	store     Store
	region    string
	accountID string
	clock     clock.Clock
	rand      io.Reader
	sealer    *secrets.Sealer
	announce  func(key string)
	cache     *cache
	idps      IdentityProviders
}

// IdentityProviders tells whether a pool has an identity provider of a
// name (what an app client's SupportedIdentityProviders may name besides
// COGNITO).
type IdentityProviders interface {
	ProviderExists(ctx context.Context, poolID, name string) (bool, error)
}

// SetIdentityProviders wires the pools' identity providers (built after
// the service, which they read pools from). Until it is called, COGNITO is
// the only provider a client may name.
func (s *Service) SetIdentityProviders(p IdentityProviders) { s.idps = p }

// ClientsUsingProvider lists the app clients of a pool whose
// SupportedIdentityProviders name a provider.
func (s *Service) ClientsUsingProvider(ctx context.Context, poolID, name string) ([]string, error) {
	var out []string
	after := ""
	for {
		recs, err := s.store.ListAppClients(ctx, poolID, store.Page{After: after, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			c, err := decodeClientDoc(rec.ID, rec.Doc)
			if err != nil {
				return nil, err
			}
			if slices.Contains(c.SupportedIdentityProviders, name) {
				out = append(out, rec.ID)
			}
		}
		if len(recs) < 200 {
			return out, nil
		}
		after = recs[len(recs)-1].ID
	}
}

// Options configure a Service. Zero values take defaults.
type Options struct {
	Region    string // default Region when the request carries none
	AccountID string
	Clock     clock.Clock
	Rand      io.Reader
	// Sealer seals app client secrets at rest (nil: kept as they are, for
	// tests of this package alone).
	Sealer *secrets.Sealer
	// Announce, when set, is called after each change this node makes with
	// the key of what changed ("pool/<id>", "client/<id>"); the other nodes
	// of a shared database pass it to their Invalidate.
	Announce func(key string)
}

// New builds a Service on a store.
func New(st Store, o Options) *Service {
	s := &Service{store: st, region: o.Region, accountID: o.AccountID, clock: clock.Or(o.Clock), rand: o.Rand, sealer: o.Sealer,
		announce: o.Announce, cache: newCache()}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.accountID == "" {
		s.accountID = "000000000000"
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s
}

// Limits Cognito applies (default quotas).
const (
	MaxUserPools         = 1000
	MaxAppClientsPerPool = 1000
	MaxResourceServers   = 25
	MaxCustomAttributes  = 50
	MaxTagsPerResource   = 50
	MaxCustomAttrNameLen = 20
)

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

func ptr[T any](v T) *T { return &v }

func (s *Service) poolARN(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, s.accountID, poolID)
}

func (s *Service) requestRegion(ctx context.Context) string {
	return reqctx.Region(ctx, s.region)
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("userpool: encoding %T: %v", v, err)) // plain data always encodes
	}
	return b
}

// loadPool is a pool in the form the rules work on (a fresh copy of the
// loader's view).
func (s *Service) loadPool(ctx context.Context, id string) (*poolState, error) {
	p, err := s.Pool(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.state(), nil
}

// updatePool applies fn to a pool atomically, and writes it in the current
// shape (whatever shape it was stored in).
func (s *Service) updatePool(ctx context.Context, id string, fn func(d *poolState) error) (*poolState, error) {
	var out *poolState
	_, err := s.store.UpdateUserPool(ctx, id, func(rec *store.UserPool) error {
		p, err := decodePoolDoc(rec.ID, rec.Doc)
		if err != nil {
			return err
		}
		d := p.state()
		if err := fn(d); err != nil {
			return err
		}
		now := s.now()
		d.Pool.LastModifiedDate = wireTime(now)
		rec.Name = d.Pool.Name
		rec.UpdatedAt = now
		rec.Doc = encodePoolDoc(poolFromState(d))
		out = d
		return nil
	})
	if err != nil {
		return nil, poolError(err, id)
	}
	s.changed(poolKey(id))
	return out, nil
}

func int32Or(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

// settingsOf copies the members of a request into a settings struct whose
// fields carry the same names and types (CreateUserPool and UpdateUserPool
// share their settings, as do CreateUserPoolClient and UpdateUserPoolClient).
// The copy goes through the members' JSON names, which the generated types
// and the settings structs share.
func settingsOf[S any](req any) S {
	var s S
	if err := json.Unmarshal(encode(req), &s); err != nil {
		panic(fmt.Sprintf("userpool: settings from %T: %v", req, err))
	}
	return s
}
