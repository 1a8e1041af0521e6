package tokens

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
)

// ScopeAdmin is the scope of tokens the API issues.
const ScopeAdmin = "aws.cognito.signin.user.admin"

// Pools tells whether a pool and an app client exist (package userpool's
// loader): a token of a deleted pool or of a deleted app client is refused.
type Pools interface {
	CheckPool(ctx context.Context, poolID string) error
	CheckClient(ctx context.Context, poolID, clientID string) error
}

// Options configure the service.
type Options struct {
	// Store keeps the signing keys and the revocations.
	Store  store.Values
	Pools  Pools
	Sealer *secrets.Sealer
	// Issuer is the iss of a pool's tokens under IssuerConfiguration
	// ORIGINAL; UpdatedIssuer (optional) under UPDATED, and IssuerType
	// (optional; ORIGINAL without it) is the pool's current type (see
	// issuer.go).
	Issuer        func(poolID string) string
	UpdatedIssuer func(poolID string) string
	IssuerType    func(ctx context.Context, poolID string) (string, error)
	// SignedOutAfter tells when the user last signed out everywhere
	// (GlobalSignOut): tokens issued before are refused.
	SignedOutAfter func(ctx context.Context, poolID, username string) (time.Time, error)
	Clock          clock.Clock
	Rand           io.Reader
}

// Service issues and checks tokens.
type Service struct {
	o    Options
	keys *keyring
}

// New builds the service.
func New(o Options) *Service {
	o.Clock = clock.Or(o.Clock)
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return &Service{o: o, keys: &keyring{store: o.Store, sealer: o.Sealer, pools: map[string]*poolKeys{}}}
}

// Subject is what the tokens say about an authenticated user.
type Subject struct {
	PoolID     string
	ClientID   string
	Username   string // the internal username
	Sub        string
	Groups     []string
	Attributes map[string]string // readable attributes, for the ID token
	AuthTime   time.Time
	OriginJTI  string // of the authentication the tokens descend from; "" for a new one
	Scopes     []string
	Nonce      string
	// RefreshExpires, when set, is the expiry of the refresh token Issue
	// makes: a rotated refresh token keeps its family's (RotateRefresh).
	RefreshExpires time.Time
	// Overrides are what a PreTokenGeneration trigger changed.
	Overrides *Overrides
}

// Overrides change the claims of the tokens of one issue: claims added or
// replaced, claims removed (removal wins), the access token's scopes, and
// the group claims. Claims Cognito protects (sub, iss, exp...) stay as
// they are.
type Overrides struct {
	IDClaims, AccessClaims     map[string]any
	IDSuppress, AccessSuppress []string
	// Scopes, when not nil, is the access token's scope claim (empty: none).
	Scopes *[]string
	// Groups, when not nil, replaces cognito:groups in both tokens; Roles
	// and PreferredRole are the ID token's cognito:roles and
	// cognito:preferred_role.
	Groups        *[]string
	Roles         []string
	PreferredRole string
}

// protectedClaims may not be added, changed or removed by a trigger.
var protectedClaims = map[string]bool{
	"acr": true, "amr": true, "aud": true, "at_hash": true, "auth_time": true, "azp": true, "cognito:username": true,
	"exp": true, "iat": true, "identities": true, "iss": true, "jti": true, "nbf": true, "nonce": true, "origin_jti": true,
	"sub": true, "token_use": true, "client_id": true, "scope": true, "username": true, "event_id": true, "version": true,
	"cognito:groups": true, "cognito:roles": true, "cognito:preferred_role": true,
}

func override(claims, add map[string]any, suppress []string) {
	for k, v := range add {
		if !protectedClaims[k] {
			claims[k] = v
		}
	}
	for _, k := range suppress {
		if !protectedClaims[k] {
			delete(claims, k)
		}
	}
}

// apply changes the claims of both tokens as the overrides say.
func (o *Overrides) apply(id, access map[string]any) {
	if o == nil {
		return
	}
	if o.Groups != nil {
		delete(id, "cognito:groups")
		delete(access, "cognito:groups")
		if len(*o.Groups) > 0 {
			id["cognito:groups"], access["cognito:groups"] = *o.Groups, *o.Groups
		}
	}
	if len(o.Roles) > 0 {
		id["cognito:roles"] = o.Roles
	}
	if o.PreferredRole != "" {
		id["cognito:preferred_role"] = o.PreferredRole
	}
	if o.Scopes != nil {
		delete(access, "scope")
		if len(*o.Scopes) > 0 {
			access["scope"] = strings.Join(*o.Scopes, " ")
		}
	}
	override(id, o.IDClaims, o.IDSuppress)
	override(access, o.AccessClaims, o.AccessSuppress)
}

// Validity is how long each token lives.
type Validity struct {
	Access, ID, Refresh time.Duration
}

// Issued are the tokens of an AuthenticationResult.
type Issued struct {
	IDToken      string
	AccessToken  string
	RefreshToken string
	ExpiresIn    int32
	OriginJTI    string
}

func (s *Service) uuid() string {
	var b [16]byte
	io.ReadFull(s.o.Rand, b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// stampJTI is a jti that carries the exact instant a token was issued (iat
// has whole seconds only), so that a sign-out refuses exactly the tokens
// issued before it: a version-8 UUID (RFC 9562) with the Unix milliseconds
// in its first 48 bits (as a version 7 has them), the nanoseconds within
// the millisecond in 20 of the next bits, and random bits after.
func (s *Service) stampJTI(at time.Time) string {
	var b [16]byte
	io.ReadFull(s.o.Rand, b[:])
	n := at.UnixNano()
	ms, sub := uint64(n/1e6), uint64(n%1e6)
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = 0x80 | byte(sub>>16)&0x0f
	b[7] = byte(sub >> 8)
	b[8] = 0x80 | byte(sub>>2)&0x3f
	b[9] = byte(sub&0x03)<<6 | b[9]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// jtiInstant recovers the instant stampJTI put in a jti; ok is false for a
// jti without one (a token issued before jtis carried it).
func jtiInstant(jti string) (time.Time, bool) {
	h := strings.ReplaceAll(jti, "-", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 || len(jti) != 36 || b[6]>>4 != 8 || b[8]>>6 != 2 {
		return time.Time{}, false
	}
	var ms uint64
	for i := 0; i < 6; i++ {
		ms = ms<<8 | uint64(b[i])
	}
	sub := uint64(b[6]&0x0f)<<16 | uint64(b[7])<<8 | uint64(b[8]&0x3f)<<2 | uint64(b[9]>>6)
	if sub >= 1e6 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(ms)*1e6+int64(sub)), true
}

// Issue signs ID and access tokens, and makes a refresh token when asked.
// Its instant is a clock.Stamp: strictly after every sign-out recorded
// before it on this node, even within the clock's resolution.
func (s *Service) Issue(ctx context.Context, sub Subject, v Validity, withRefresh bool) (*Issued, error) {
	now := clock.Stamp(s.o.Clock).UTC()
	keys, err := s.keys.keys(ctx, sub.PoolID, now)
	if err != nil {
		return nil, err
	}
	origin := sub.OriginJTI
	if origin == "" {
		origin = s.uuid()
	}
	authTime := sub.AuthTime
	if authTime.IsZero() {
		authTime = now
	}
	iss, err := s.issuer(ctx, sub.PoolID)
	if err != nil {
		return nil, err
	}
	eventID := s.uuid()
	scope := ScopeAdmin
	if len(sub.Scopes) > 0 {
		scope = strings.Join(sub.Scopes, " ")
	}
	access := map[string]any{
		"sub": sub.Sub, "iss": iss, "client_id": sub.ClientID, "origin_jti": origin, "event_id": eventID,
		"token_use": "access", "scope": scope, "auth_time": authTime.Unix(), "exp": now.Add(v.Access).Unix(),
		"iat": now.Unix(), "jti": s.stampJTI(now),
	}
	if sub.Username != "" { // client_credentials tokens have no user
		access["username"] = sub.Username
	}
	id := map[string]any{
		"sub": sub.Sub, "iss": iss, "cognito:username": sub.Username, "origin_jti": origin, "aud": sub.ClientID,
		"event_id": eventID, "token_use": "id", "auth_time": authTime.Unix(), "exp": now.Add(v.ID).Unix(),
		"iat": now.Unix(), "jti": s.uuid(),
	}
	if len(sub.Groups) > 0 {
		access["cognito:groups"] = sub.Groups
		id["cognito:groups"] = sub.Groups
	}
	if sub.Nonce != "" {
		id["nonce"] = sub.Nonce
	}
	for k, val := range sub.Attributes {
		if k == "sub" {
			continue
		}
		switch k {
		case "email_verified", "phone_number_verified":
			id[k] = val == "true" // booleans in the ID token
		case "identities": // a federated user's: a JSON array in the ID token
			var ids []any
			if json.Unmarshal([]byte(val), &ids) == nil {
				id[k] = ids
			} else {
				id[k] = val
			}
		default:
			id[k] = val // custom attributes stay strings
		}
	}
	sub.Overrides.apply(id, access)
	out := &Issued{ExpiresIn: int32(v.Access / time.Second), OriginJTI: origin}
	if out.AccessToken, err = sign(keys.signer(UseAccess, now), access); err != nil {
		return nil, err
	}
	if out.IDToken, err = sign(keys.signer(UseID, now), id); err != nil {
		return nil, err
	}
	if withRefresh {
		expires := now.Add(v.Refresh)
		if !sub.RefreshExpires.IsZero() {
			expires = sub.RefreshExpires
		}
		out.RefreshToken, err = s.newRefresh(RefreshClaims{PoolID: sub.PoolID, ClientID: sub.ClientID, Username: sub.Username,
			Sub: sub.Sub, OriginJTI: origin, AuthTime: authTime, IssuedAt: now, Expires: expires, Scopes: sub.Scopes})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sign(k *signingKey, claims map[string]any) (string, error) {
	if k == nil {
		return "", errors.New("tokens: no current key")
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	return k.sign(b)
}

// RefreshClaims are what a refresh token carries, sealed. ID is the
// token's own (every token of a family has one; tokens made before rotation
// existed have none), OriginJTI its family's.
type RefreshClaims struct {
	ID        string    `json:"id,omitempty"`
	PoolID    string    `json:"p"`
	ClientID  string    `json:"c"`
	Username  string    `json:"u"`
	Sub       string    `json:"s"`
	OriginJTI string    `json:"o"`
	AuthTime  time.Time `json:"a"`
	IssuedAt  time.Time `json:"i"`
	Expires   time.Time `json:"e"`
	Scopes    []string  `json:"sc,omitempty"` // the granted OAuth scopes; none: the API's
}

const refreshAAD = "gognito refresh token v1"

func (s *Service) newRefresh(c RefreshClaims) (string, error) {
	if c.ID == "" {
		c.ID = s.uuid()
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.o.Sealer.Seal(b, []byte(refreshAAD))), nil
}

func invalidRefresh() error { return awserr.New(awserr.NotAuthorized, "Invalid Refresh Token") }

// ParseRefresh opens a refresh token and checks it is current: not
// expired, not revoked, not from before a global sign-out.
func (s *Service) ParseRefresh(ctx context.Context, token string) (*RefreshClaims, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, invalidRefresh()
	}
	b, err := s.o.Sealer.Open(raw, []byte(refreshAAD))
	if err != nil {
		return nil, invalidRefresh()
	}
	var c RefreshClaims
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, invalidRefresh()
	}
	if s.o.Clock.Now().After(c.Expires) {
		return nil, awserr.New(awserr.NotAuthorized, "Refresh Token has expired")
	}
	if revoked, err := s.Revoked(ctx, c.OriginJTI); err != nil {
		return nil, err
	} else if revoked {
		return nil, awserr.New(awserr.NotAuthorized, "Refresh Token has been revoked")
	}
	if err := s.checkSignOut(ctx, c.PoolID, c.Username, c.IssuedAt); err != nil {
		return nil, awserr.New(awserr.NotAuthorized, "Refresh Token has been revoked")
	}
	return &c, nil
}

func (s *Service) checkSignOut(ctx context.Context, poolID, username string, issued time.Time) error {
	if s.o.SignedOutAfter == nil {
		return nil
	}
	after, err := s.o.SignedOutAfter(ctx, poolID, username)
	if err != nil {
		return err
	}
	if !after.IsZero() && !issued.After(after) {
		return errSignedOut
	}
	return nil
}

var errSignedOut = errors.New("tokens: signed out")

// checkSignOutSeconds is checkSignOut for a token stamped in whole seconds:
// a token from the second of the sign-out itself stays good (so a sign-in
// right after a global sign-out works), older ones are refused.
func (s *Service) checkSignOutSeconds(ctx context.Context, poolID, username string, iat int64) error {
	if s.o.SignedOutAfter == nil {
		return nil
	}
	after, err := s.o.SignedOutAfter(ctx, poolID, username)
	if err != nil {
		return err
	}
	if !after.IsZero() && iat < after.Unix() {
		return errSignedOut
	}
	return nil
}

// AccessClaims are the checked claims of an access token.
type AccessClaims struct {
	PoolID    string
	ClientID  string
	Username  string
	Sub       string
	JTI       string
	OriginJTI string
	Scopes    []string
	// IssuedAt is the exact instant the token was issued when IssuedExact
	// (recovered from its jti), else its iat (whole seconds).
	IssuedAt    time.Time
	IssuedExact bool
	Expires     time.Time
	AuthTime    time.Time
}

type accessJSON struct {
	Sub       string `json:"sub"`
	Iss       string `json:"iss"`
	ClientID  string `json:"client_id"`
	OriginJTI string `json:"origin_jti"`
	TokenUse  string `json:"token_use"`
	Scope     string `json:"scope"`
	AuthTime  int64  `json:"auth_time"`
	Exp       int64  `json:"exp"`
	Iat       int64  `json:"iat"`
	JTI       string `json:"jti"`
	Username  string `json:"username"`
}

// Verify errors, Cognito's messages for an access token it refuses.
func errInvalidAccess() error { return awserr.New(awserr.NotAuthorized, "Invalid Access Token") }

// VerifyAccess checks an access token: its signature by one of its pool's
// keys, its expiry, its use, and that it was neither revoked nor issued
// before the user signed out everywhere (a read of the user, through
// Options.SignedOutAfter).
func (s *Service) VerifyAccess(ctx context.Context, token string) (*AccessClaims, error) {
	c, err := s.ParseAccess(ctx, token)
	if err != nil {
		return nil, err
	}
	// A machine token (client_credentials) is no user's: nobody signs it out.
	if c.Username != "" {
		check := s.checkSignOut(ctx, c.PoolID, c.Username, c.IssuedAt)
		if !c.IssuedExact {
			check = s.checkSignOutSeconds(ctx, c.PoolID, c.Username, c.IssuedAt.Unix())
		}
		if err := check; errors.Is(err, errSignedOut) {
			return nil, awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
		} else if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ParseAccess is VerifyAccess without the check of the user: the
// signature, the expiry, the use and the revocation of the token. Whoever
// calls it must then check that the user still exists, is enabled and has
// not signed out everywhere since the token was issued (package users'
// Caller does, with the read of the user the operation needs anyway).
func (s *Service) ParseAccess(ctx context.Context, token string) (*AccessClaims, error) {
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 {
		return nil, errInvalidAccess()
	}
	// The pool comes from the unverified claims; the signature must then be
	// one of that pool's keys.
	var peek accessJSON
	if err := json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &peek); err != nil {
		return nil, errInvalidAccess()
	}
	poolID, ok := s.PoolOfIssuer(peek.Iss)
	if !ok {
		return nil, errInvalidAccess()
	}
	if err := s.o.Pools.CheckPool(ctx, poolID); err != nil {
		return nil, errInvalidAccess()
	}
	now := s.o.Clock.Now()
	k, err := s.verifyingKey(ctx, poolID, obj.Signatures[0].Header.KeyID, now)
	if err != nil {
		return nil, err
	} else if k == nil {
		return nil, errInvalidAccess()
	}
	payload, err := obj.Verify(&k.Private.PublicKey)
	if err != nil {
		return nil, errInvalidAccess()
	}
	var c accessJSON
	if err := json.Unmarshal(payload, &c); err != nil || c.TokenUse != "access" || k.Use != UseAccess {
		return nil, errInvalidAccess()
	}
	if now.Unix() >= c.Exp {
		return nil, awserr.New(awserr.NotAuthorized, "Access Token has expired")
	}
	// The app client the token was issued to must still exist (a loader
	// read, cached).
	if err := s.o.Pools.CheckClient(ctx, poolID, c.ClientID); awserr.Is(err, awserr.ResourceNotFound) {
		return nil, errInvalidAccess()
	} else if err != nil {
		return nil, err
	}
	if revoked, err := s.Revoked(ctx, c.OriginJTI); err != nil {
		return nil, err
	} else if revoked {
		return nil, awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
	}
	issued, exact := jtiInstant(c.JTI)
	if !exact || issued.Unix() != c.Iat {
		issued, exact = time.Unix(c.Iat, 0), false
	}
	return &AccessClaims{PoolID: poolID, ClientID: c.ClientID, Username: c.Username, Sub: c.Sub, JTI: c.JTI, OriginJTI: c.OriginJTI,
		Scopes: strings.Fields(c.Scope), IssuedAt: issued, IssuedExact: exact, Expires: time.Unix(c.Exp, 0), AuthTime: time.Unix(c.AuthTime, 0)}, nil
}

// verifyingKey is the pool's key of a kid that may still verify a token
// now; nil when there is none (unknown, or retired: every token it signed
// has expired). An unknown kid makes the keys be read again, at most every
// rereadAfter: they may have been rotated through another node.
func (s *Service) verifyingKey(ctx context.Context, poolID, kid string, now time.Time) (*signingKey, error) {
	keys, err := s.keys.keys(ctx, poolID, now)
	if err != nil {
		return nil, err
	}
	k := keys.all[kid]
	if k == nil {
		if !s.keys.forgetStale(poolID, now) {
			return nil, nil
		}
		if keys, err = s.keys.keys(ctx, poolID, now); err != nil {
			return nil, err
		}
		if k = keys.all[kid]; k == nil {
			return nil, nil
		}
	}
	if !k.live(now) {
		return nil, nil
	}
	return k, nil
}

func revokedKey(originJTI string) string { return "revoked-token/" + originJTI }

// A revocation marker is useless once every token it refuses has expired:
// the refresh token, and the access and ID tokens refreshed last (valid
// for a day at most). Without the refresh token at hand, the longest a
// refresh token may be valid (3650 days) bounds it.
const (
	maxAccessValidity  = 24 * time.Hour
	maxRefreshValidity = 3650 * 24 * time.Hour
)

// Revoke invalidates every token descending from an authentication.
// RevokeRefresh is better when the refresh token is at hand: its marker
// can be purged sooner.
func (s *Service) Revoke(ctx context.Context, originJTI string) error {
	now := s.o.Clock.Now()
	return s.revoke(ctx, originJTI, now.Add(maxRefreshValidity+maxAccessValidity))
}

// RevokeRefresh invalidates every token descending from the authentication
// of a refresh token; the revocation is kept until they have all expired.
func (s *Service) RevokeRefresh(ctx context.Context, rc *RefreshClaims) error {
	return s.revoke(ctx, rc.OriginJTI, rc.Expires.Add(maxAccessValidity))
}

func (s *Service) revoke(ctx context.Context, originJTI string, until time.Time) error {
	return s.o.Store.SetValueUntil(ctx, revokedKey(originJTI), []byte(s.o.Clock.Now().UTC().Format(time.RFC3339)), until)
}

// Revoked reports whether an authentication's tokens were revoked.
func (s *Service) Revoked(ctx context.Context, originJTI string) (bool, error) {
	if originJTI == "" {
		return false, nil
	}
	_, err := s.o.Store.GetValue(ctx, revokedKey(originJTI))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// JWKS is a pool's JSON Web Key Set: the public keys of every key that may
// still have signed a valid token, and of keys published ahead of signing.
func (s *Service) JWKS(ctx context.Context, poolID string) ([]byte, error) {
	now := s.o.Clock.Now()
	keys, err := s.keys.keys(ctx, poolID, now)
	if err != nil {
		return nil, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, use := range []string{UseID, UseAccess} {
		for _, k := range keys.byUse[use] {
			if k.live(now) {
				set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.Private.PublicKey, KeyID: k.KID, Algorithm: "RS256", Use: "sig"})
			}
		}
	}
	return json.Marshal(set)
}

// PublicKey returns the public key of a kid of a pool (for tests and tools).
func (s *Service) PublicKey(ctx context.Context, poolID, kid string) (*rsa.PublicKey, error) {
	now := s.o.Clock.Now()
	keys, err := s.keys.keys(ctx, poolID, now)
	if err != nil {
		return nil, err
	}
	if k := keys.all[kid]; k != nil && k.live(now) {
		return &k.Private.PublicKey, nil
	}
	return nil, store.ErrNotFound
}
