package users

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/wire"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Sender delivers messages (codes, temporary passwords).
type Sender interface {
	Send(ctx context.Context, m messaging.Message) error
}

// Store is what the service needs of the store: the users and the groups
// of the pools.
type Store interface {
	store.Users
	store.Groups
	// The failed sign-ins of missing usernames (phantoms.go).
	GetValue(ctx context.Context, key string) ([]byte, error)
	PutValueIfAbsentUntil(ctx context.Context, key string, v []byte, expires time.Time) ([]byte, error)
	SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error
}

// Pools is where the service gets the configuration of pools and app
// clients (package userpool's loader): shared read-only views, a missing
// pool or client already Cognito's ResourceNotFoundException.
type Pools interface {
	Pool(ctx context.Context, id string) (*userpool.Pool, error)
	Client(ctx context.Context, clientID string) (*userpool.Client, error)
}

// Options configure the service.
type Options struct {
	Pools  Pools
	Clock  clock.Clock
	Rand   io.Reader
	Sender Sender
	Sealer *secrets.Sealer // seals TOTP secrets at rest
	// Triggers calls the pool's Lambda triggers.
	Triggers *triggers.Service
}

// Service implements the user and group operations.
type Service struct {
	store    Store
	pools    Pools
	clock    clock.Clock
	rand     io.Reader
	sender   Sender
	sealer   *secrets.Sealer
	triggers *triggers.Service
	attempts *attemptLocks
	phantoms phantoms
	// providers are the pools' identity providers (SetProviders).
	providers Providers
}

// New builds the service.
func New(st Store, o Options) *Service {
	s := &Service{store: st, pools: o.Pools, clock: clock.Or(o.Clock), rand: o.Rand, sender: o.Sender, sealer: o.Sealer, triggers: o.Triggers, attempts: newAttemptLocks()}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s
}

// Statuses of a user.
const (
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusConfirmed           = "CONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	StatusResetRequired       = "RESET_REQUIRED"
	StatusExternalProvider    = "EXTERNAL_PROVIDER"
)

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// stamp is the instant of a sign-out: a clock.Stamp, ordered exactly with
// the tokens package tokens issues (see signedOutBefore).
func (s *Service) stamp() time.Time { return clock.Stamp(s.clock).UTC() }

func ptr[T any](v T) *T { return &v }

// pool is a pool of the operation: the loader's read-only view.
type pool struct {
	ID     string
	Config *userpool.Pool
}

func (p *pool) caseSensitive() bool {
	c := p.Config.UsernameConfiguration
	return c == nil || c.CaseSensitive == nil || *c.CaseSensitive
}

func (p *pool) usernameAttributes() []string { return p.Config.UsernameAttributes }
func (p *pool) aliasAttributes() []string    { return p.Config.AliasAttributes }

func (p *pool) schemaAttr(name string) *userpool.SchemaAttribute {
	for i := range p.Config.SchemaAttributes {
		if p.Config.SchemaAttributes[i].Name == name {
			return &p.Config.SchemaAttributes[i]
		}
	}
	return nil
}

func (p *pool) autoVerifies(attr string) bool {
	for _, a := range p.Config.AutoVerifiedAttributes {
		if a == attr {
			return true
		}
	}
	return false
}

func (s *Service) loadPool(ctx context.Context, id string) (*pool, error) {
	p, err := s.pools.Pool(ctx, id)
	if err != nil {
		return nil, err
	}
	return &pool{ID: id, Config: p}, nil
}

// client is the app client of a public operation, and its pool.
type client struct {
	Config *userpool.Client
	pool   *pool
}

func (s *Service) loadClient(ctx context.Context, clientID string) (*client, error) {
	c, err := s.pools.Client(ctx, clientID)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, c.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &client{Config: c, pool: p}, nil
}

// AppClient is an app client and its pool, as the loader keeps them
// (shared, read-only views): the authentication flows' client.
func (s *Service) AppClient(ctx context.Context, clientID string) (*userpool.Client, *userpool.Pool, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	return c.Config, c.pool.Config, nil
}

func (c *client) preventExistenceErrors() bool {
	return c.Config.PreventUserExistenceErrors == "ENABLED"
}

// userDoc is what the store keeps of a user (store.User.Doc). Its keys are
// those user documents have always had, so that every stored user reads as
// it is (the attributes and MFA options, once the wire types themselves,
// are now types of this package with the same keys).
type userDoc struct {
	Attributes      []attribute      `json:"Attributes"`
	Salt            string           `json:"Salt,omitempty"`
	Verifier        string           `json:"Verifier,omitempty"`
	PasswordHistory []passwordEntry  `json:"PasswordHistory,omitempty"`
	TempPasswordExp time.Time        `json:"TempPasswordExpires,omitzero"`
	Codes           map[string]*code `json:"Codes,omitempty"`
	Sends           []time.Time      `json:"Sends,omitempty"` // recent code deliveries, for rate limits
	MFAOptions      []mfaOption      `json:"MFAOptions,omitempty"`

	// Sign-in state.
	FailedSignIns int       `json:"FailedSignIns,omitempty"`
	LockedUntil   time.Time `json:"LockedUntil,omitzero"`
	SignedOutAt   time.Time `json:"SignedOutAt,omitzero"`

	// TOTP (software token) MFA.
	TOTPSecret       []byte   `json:"TOTPSecret,omitempty"` // sealed
	TOTPPending      []byte   `json:"TOTPPending,omitempty"`
	TOTPVerified     bool     `json:"TOTPVerified,omitempty"`
	TOTPUsedSteps    []int64  `json:"TOTPUsedSteps,omitempty"`
	SMSMfaEnabled    bool     `json:"SMSMfaEnabled,omitempty"`
	TOTPMfaEnabled   bool     `json:"TOTPMfaEnabled,omitempty"`
	EmailMfaEnabled  bool     `json:"EmailMfaEnabled,omitempty"`
	PreferredMfaKind string   `json:"PreferredMfaKind,omitempty"`
	Devices          []string `json:"Devices,omitempty"`

	// External identities: a federated user's own, and those linked to a
	// user (federated.go).
	Identities []identity `json:"Identities,omitempty"`
}

// attribute is a user attribute.
type attribute struct {
	Name  string `json:"Name,omitempty"`
	Value string `json:"Value,omitempty"`
}

// mfaOption is one of the legacy MFAOptions (SMS to an attribute).
type mfaOption struct {
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	AttributeName  string `json:"AttributeName,omitempty"`
}

func toAttributes(in []cip.AttributeType) []attribute {
	out := make([]attribute, len(in))
	for i, a := range in {
		out[i] = attribute{Name: a.Name, Value: a.Value}
	}
	return out
}

func toMFAOptions(in []cip.MFAOptionType) []mfaOption {
	if in == nil {
		return nil
	}
	out := make([]mfaOption, len(in))
	for i, o := range in {
		out[i] = mfaOption{DeliveryMedium: o.DeliveryMedium, AttributeName: o.AttributeName}
	}
	return out
}

func (u *user) mfaOptions() []cip.MFAOptionType {
	if u.doc.MFAOptions == nil {
		return nil
	}
	out := make([]cip.MFAOptionType, len(u.doc.MFAOptions))
	for i, o := range u.doc.MFAOptions {
		out[i] = cip.MFAOptionType{DeliveryMedium: o.DeliveryMedium, AttributeName: o.AttributeName}
	}
	return out
}

type passwordEntry struct {
	Salt     string `json:"Salt"`
	Verifier string `json:"Verifier"`
}

// user is a loaded user.
type user struct {
	rec store.User
	doc userDoc
}

func decodeUser(rec store.User) (*user, error) {
	u := &user{rec: rec}
	if err := json.Unmarshal(rec.Doc, &u.doc); err != nil {
		return nil, fmt.Errorf("users: decoding user %s: %w", rec.Key, err)
	}
	return u, nil
}

func (u *user) attr(name string) (string, bool) {
	for _, a := range u.doc.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

func (u *user) setAttr(name, value string) {
	for i := range u.doc.Attributes {
		if u.doc.Attributes[i].Name == name {
			u.doc.Attributes[i].Value = value
			return
		}
	}
	u.doc.Attributes = append(u.doc.Attributes, attribute{Name: name, Value: value})
}

func (u *user) deleteAttr(name string) {
	out := u.doc.Attributes[:0]
	for _, a := range u.doc.Attributes {
		if a.Name != name {
			out = append(out, a)
		}
	}
	u.doc.Attributes = out
}

func (u *user) verified(attr string) bool {
	v, _ := u.attr(attr + "_verified")
	return v == "true"
}

// searchable are the attributes ListUsers can filter on, as in Cognito.
var searchable = []string{"username", "email", "phone_number", "name", "given_name", "family_name",
	"preferred_username", "cognito:user_status", "status", "sub"}

// indexes computes the store's index and unique values of a user.
func (p *pool) indexes(u *user) (index, unique map[string]string) {
	index = map[string]string{"username": p.normalize(u.rec.Username), "cognito:user_status": u.rec.Status, "sub": u.rec.Sub}
	if u.rec.Enabled {
		index["status"] = "Enabled"
	} else {
		index["status"] = "Disabled"
	}
	for _, a := range []string{"email", "phone_number", "name", "given_name", "family_name", "preferred_username"} {
		if v, ok := u.attr(a); ok && v != "" {
			index[a] = v
		}
	}
	unique = map[string]string{"sub": u.rec.Sub}
	for _, x := range u.doc.Identities {
		unique[identityKey(x.ProviderName, x.AttributeName, x.AttributeValue)] = "1"
	}
	if u.rec.Status == StatusExternalProvider {
		// A federated user's email or phone number is no username or
		// alias: it may be a native user's too (linking joins them).
		return index, unique
	}
	for _, a := range p.usernameAttributes() {
		if v, ok := u.attr(a); ok && v != "" {
			unique["username:"+a] = p.normalize(v)
		}
	}
	for _, a := range p.aliasAttributes() {
		v, ok := u.attr(a)
		if !ok || v == "" {
			continue
		}
		if a == "preferred_username" || u.verified(a) {
			unique["alias:"+a] = p.normalize(v)
		}
	}
	return index, unique
}

// normalize is how usernames and aliases compare in the pool.
func (p *pool) normalize(v string) string {
	if p.caseSensitive() {
		return v
	}
	return strings.ToLower(v)
}

// keyFor is the store key of a username.
func (p *pool) keyFor(username string) string { return p.normalize(username) }

// resolve finds a user by what a request calls its username: the username
// itself, or an email or phone number used as username, or a verified alias.
func (s *Service) resolve(ctx context.Context, p *pool, name string) (*user, error) {
	rec, err := s.store.GetUser(ctx, p.ID, p.keyFor(name))
	if err == nil {
		return decodeUser(rec)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var kinds []string
	for _, a := range p.usernameAttributes() {
		kinds = append(kinds, "username:"+a)
	}
	for _, a := range p.aliasAttributes() {
		kinds = append(kinds, "alias:"+a)
	}
	for _, k := range kinds {
		rec, err := s.store.GetUserByUnique(ctx, p.ID, k, p.normalize(name))
		if err == nil {
			return decodeUser(rec)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, userNotFound()
}

// poolUser loads a pool and the user a request names in it.
func (s *Service) poolUser(ctx context.Context, poolID, username string) (*pool, *user, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.resolve(ctx, p, username)
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

// save writes a changed user atomically: fn changes the freshly read user.
func (s *Service) save(ctx context.Context, p *pool, key string, fn func(u *user) error) (*user, error) {
	var out *user
	_, err := s.store.UpdateUser(ctx, p.ID, key, func(rec *store.User) error {
		u, err := decodeUser(*rec)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		u.rec.UpdatedAt = s.now()
		b, err := json.Marshal(u.doc)
		if err != nil {
			return err
		}
		u.rec.Doc = b
		u.rec.Index, u.rec.Unique = p.indexes(u)
		*rec = u.rec
		out = u
		return nil
	})
	if err != nil {
		return nil, updateError(err)
	}
	return out, nil
}

func wireTime(t time.Time) *wire.Time { return wire.NewTime(t) }

// userType is the UserType view of a user (ListUsers, AdminCreateUser).
func (u *user) userType(attrs []cip.AttributeType) cip.UserType {
	return cip.UserType{
		Username: u.rec.Username, Attributes: attrs, UserCreateDate: wireTime(u.rec.CreatedAt),
		UserLastModifiedDate: wireTime(u.rec.UpdatedAt), Enabled: ptr(u.rec.Enabled), UserStatus: u.rec.Status,
		MFAOptions: u.mfaOptions(),
	}
}

func (u *user) attributes() []cip.AttributeType {
	out := make([]cip.AttributeType, len(u.doc.Attributes))
	for i, a := range u.doc.Attributes {
		out[i] = cip.AttributeType{Name: a.Name, Value: a.Value}
	}
	return out
}

// newSub is a random (version 4) UUID.
func (s *Service) newSub() string {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		panic("users: random source failed: " + err.Error())
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
