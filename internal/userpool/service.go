package userpool

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/gognito/gognito/internal/secrets"
	"io"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Service implements the pool-level operations of cognito-idp.
type Service struct {
	store     store.Store
	region    string
	accountID string
	now       func() time.Time
	rand      io.Reader
	sealer    *secrets.Sealer
}

// Options configure a Service. Zero values take defaults.
type Options struct {
	Region    string // default Region when the request carries none
	AccountID string
	Now       func() time.Time
	Rand      io.Reader
	// Sealer seals app client secrets at rest (nil: kept as they are, for
	// tests of this package alone).
	Sealer *secrets.Sealer
}

// New builds a Service on a store.
func New(st store.Store, o Options) *Service {
	s := &Service{store: st, region: o.Region, accountID: o.AccountID, now: o.Now, rand: o.Rand, sealer: o.Sealer}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.accountID == "" {
		s.accountID = "000000000000"
	}
	if s.now == nil {
		s.now = time.Now
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

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func ptr[T any](v T) *T { return &v }

func (s *Service) poolARN(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, s.accountID, poolID)
}

func (s *Service) requestRegion(ctx context.Context) string {
	return reqctx.Region(ctx, s.region)
}

// poolDoc is what the store keeps of a pool (store.UserPool.Doc).
type poolDoc struct {
	Pool             cip.UserPoolType                `json:"Pool"`
	SoftwareTokenMfa *cip.SoftwareTokenMfaConfigType `json:"SoftwareTokenMfa,omitempty"`
	EmailMfa         *cip.EmailMfaConfigType         `json:"EmailMfa,omitempty"`
	WebAuthn         *cip.WebAuthnConfigurationType  `json:"WebAuthn,omitempty"`
}

func decodePool(rec store.UserPool) (*poolDoc, error) {
	var d poolDoc
	if err := json.Unmarshal(rec.Doc, &d); err != nil {
		return nil, fmt.Errorf("userpool: decoding pool %s: %w", rec.ID, err)
	}
	return &d, nil
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("userpool: encoding %T: %v", v, err)) // wire types always encode
	}
	return b
}

func poolNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
}

// loadPool reads a pool, answering Cognito's error for an unknown id.
func (s *Service) loadPool(ctx context.Context, id string) (store.UserPool, *poolDoc, error) {
	rec, err := s.store.GetUserPool(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return rec, nil, poolNotFound(id)
	}
	if err != nil {
		return rec, nil, err
	}
	d, err := decodePool(rec)
	return rec, d, err
}

// updatePool applies fn to a pool atomically.
func (s *Service) updatePool(ctx context.Context, id string, fn func(d *poolDoc) error) (*poolDoc, error) {
	var out *poolDoc
	_, err := s.store.UpdateUserPool(ctx, id, func(rec *store.UserPool) error {
		d, err := decodePool(*rec)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		now := s.clock()
		d.Pool.LastModifiedDate = wireTime(now)
		rec.Name = d.Pool.Name
		rec.UpdatedAt = now
		rec.Doc = encode(d)
		out = d
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, poolNotFound(id)
	}
	return out, err
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
