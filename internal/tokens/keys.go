package tokens

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
)

// Key uses.
const (
	UseID     = "id"
	UseAccess = "access"
)

// A pool's keys go through three stages, decided from the timestamps
// stored with them and the clock (so that every node agrees without any
// write): a key made by a rotation is published (in the JWKS, verifying)
// at once and signs from its SignFrom instant (the rotation plus the
// publish delay); it stops signing when the next key of its use starts;
// it keeps verifying until the longest-lived token it can have signed has
// expired (maxTokenValidity after it stopped signing), then it is retired:
// out of the JWKS, its tokens refused, and dropped from the store at the
// next rotation.

// maxTokenValidity is the longest an ID or access token lives (app
// clients allow 5 minutes to 1 day).
const maxTokenValidity = 24 * time.Hour

// signingKey is one RSA key of a pool.
type signingKey struct {
	KID      string
	Use      string // UseID or UseAccess
	Created  time.Time
	SignFrom time.Time // when it starts signing
	Private  *rsa.PrivateKey
	signer   jose.Signer
	// next is the key of the same use that signs after it (nil: none yet).
	next *signingKey
}

// stopsSigning is when the next key takes over (zero: never, so far).
func (k *signingKey) stopsSigning() time.Time {
	if k.next == nil {
		return time.Time{}
	}
	return k.next.SignFrom
}

// retires is when the key stops verifying (zero: not scheduled): when the
// last token it can have signed has expired. A node signs with it until the
// next key's SignFrom, or, when the publish delay was shorter than
// freshFor, until it has read the next key (freshFor after it was made at
// the latest).
func (k *signingKey) retires() time.Time {
	if k.next == nil {
		return time.Time{}
	}
	last := k.next.SignFrom
	if seen := k.next.Created.Add(freshFor); seen.After(last) {
		last = seen
	}
	return last.Add(maxTokenValidity)
}

// live reports whether the key verifies at now (published or signing, or
// retiring but not retired).
func (k *signingKey) live(now time.Time) bool {
	r := k.retires()
	return r.IsZero() || now.Before(r)
}

// poolKeys are a pool's keys, by use in signing order and by kid.
type poolKeys struct {
	byUse  map[string][]*signingKey // ordered by SignFrom
	all    map[string]*signingKey   // by kid
	raw    []byte                   // as stored, to skip decoding an unchanged set
	loaded time.Time                // when they were read from the store
}

// signer is the key of a use that signs at now: the latest whose SignFrom
// has come (the first one if, oddly, none has).
func (pk *poolKeys) signer(use string, now time.Time) *signingKey {
	ks := pk.byUse[use]
	if len(ks) == 0 {
		return nil
	}
	cur := ks[0]
	for _, k := range ks[1:] {
		if !k.SignFrom.After(now) {
			cur = k
		}
	}
	return cur
}

// rereadAfter is how old a pool's cached keys must be before a token with an
// unknown kid makes the keyring read them again: often enough to follow a
// rotation made through another node, rarely enough that tokens with made-up
// kids cannot make every verification read and unseal the keys.
const rereadAfter = 5 * time.Second

// freshFor is how long a node uses its cached copy of a pool's keys before
// reading them again (one read per pool and node at most this often, not
// one per token): a rotation made by another node or by `gognito keys
// rotate` is seen by every node within it, well inside any publish delay.
const freshFor = 30 * time.Second

// storedKeys is the sealed form in store.Values.
type storedKeys struct {
	Keys []storedKey `json:"Keys"`
}

type storedKey struct {
	KID     string    `json:"Kid"`
	Use     string    `json:"Use"`
	Created time.Time `json:"Created"`
	// SignFrom is when the key starts signing; keys stored before staged
	// rotations have none and start at Created.
	SignFrom time.Time `json:"SignFrom,omitzero"`
	// Current tells which key signed when the set was written (kept for
	// older readers; the stages come from SignFrom).
	Current bool   `json:"Current"`
	Sealed  []byte `json:"Sealed"` // PKCS#8, sealed with aad = kid
}

// keyring loads and caches pools' keys.
type keyring struct {
	store  store.Values
	sealer *secrets.Sealer
	mu     sync.Mutex
	pools  map[string]*poolKeys
}

func valueKey(poolID string) string { return "signing-keys/" + poolID }

// kidOf is a Cognito-looking kid: the standard base64 of the SHA-256 of the
// public key (44 characters, ending in "=").
func kidOf(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func newSigningKey(use string, now, signFrom time.Time) (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &signingKey{KID: kidOf(&priv.PublicKey), Use: use, Created: now, SignFrom: signFrom, Private: priv}, nil
}

func (k *signingKey) seal(s *secrets.Sealer, current bool) (storedKey, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return storedKey{}, err
	}
	return storedKey{KID: k.KID, Use: k.Use, Created: k.Created, SignFrom: k.SignFrom, Current: current,
		Sealed: s.Seal(der, []byte(k.KID))}, nil
}

func (kr *keyring) decode(raw []byte) (*poolKeys, error) {
	var sk storedKeys
	if err := json.Unmarshal(raw, &sk); err != nil {
		return nil, fmt.Errorf("tokens: decoding keys: %w", err)
	}
	pk := &poolKeys{byUse: map[string][]*signingKey{}, all: map[string]*signingKey{}, raw: raw}
	for _, s := range sk.Keys {
		der, err := kr.sealer.Open(s.Sealed, []byte(s.KID))
		if err != nil {
			return nil, fmt.Errorf("tokens: opening key %s: %w", s.KID, err)
		}
		priv, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, err
		}
		rk, ok := priv.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("tokens: stored key is not RSA")
		}
		signFrom := s.SignFrom
		if signFrom.IsZero() {
			signFrom = s.Created
		}
		k := &signingKey{KID: s.KID, Use: s.Use, Created: s.Created, SignFrom: signFrom, Private: rk}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: rk, KeyID: s.KID}}, nil)
		if err != nil {
			return nil, err
		}
		k.signer = signer
		pk.all[k.KID] = k
		pk.byUse[k.Use] = append(pk.byUse[k.Use], k)
	}
	for _, ks := range pk.byUse {
		sort.SliceStable(ks, func(i, j int) bool {
			if !ks[i].SignFrom.Equal(ks[j].SignFrom) {
				return ks[i].SignFrom.Before(ks[j].SignFrom)
			}
			if !ks[i].Created.Equal(ks[j].Created) {
				return ks[i].Created.Before(ks[j].Created)
			}
			return ks[i].KID < ks[j].KID
		})
		for i := 0; i+1 < len(ks); i++ {
			ks[i].next = ks[i+1]
		}
	}
	return pk, nil
}

// keys returns a pool's keys, creating them on first use: the cached copy
// while it is younger than freshFor, else what the store holds. Concurrent
// nodes agree on one set through PutValueIfAbsent.
func (kr *keyring) keys(ctx context.Context, poolID string, now time.Time) (*poolKeys, error) {
	kr.mu.Lock()
	cached := kr.pools[poolID]
	kr.mu.Unlock()
	// (A clock moved back by tests counts as fresh unless it went back by
	// more than freshFor; issues are stamped a little ahead of the clock.)
	if cached != nil {
		if age := now.Sub(cached.loaded); age < freshFor && age > -freshFor {
			return cached, nil
		}
	}
	raw, err := kr.store.GetValue(ctx, valueKey(poolID))
	if errors.Is(err, store.ErrNotFound) {
		var sk storedKeys
		for _, use := range []string{UseID, UseAccess} {
			k, err := newSigningKey(use, now, now)
			if err != nil {
				return nil, err
			}
			s, err := k.seal(kr.sealer, true)
			if err != nil {
				return nil, err
			}
			sk.Keys = append(sk.Keys, s)
		}
		b, _ := json.Marshal(sk)
		raw, err = kr.store.PutValueIfAbsent(ctx, valueKey(poolID), b)
	}
	if err != nil {
		return nil, err
	}
	var pk *poolKeys
	if cached != nil && bytes.Equal(cached.raw, raw) {
		// Unchanged: keep the decoded keys, only note the read.
		pk = &poolKeys{byUse: cached.byUse, all: cached.all, raw: cached.raw}
	} else if pk, err = kr.decode(raw); err != nil {
		return nil, err
	}
	pk.loaded = now
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if cur := kr.pools[poolID]; cur != nil && cur != cached && !cur.loaded.Before(now) {
		return cur, nil // read meanwhile by another request
	}
	kr.pools[poolID] = pk
	return pk, nil
}

// rotate adds a new key of each use to a pool, published at once and
// signing from now+publishDelay; the keys in use keep signing until then
// and verifying for maxTokenValidity more. Keys retired before now are
// dropped, and so are keys of an earlier rotation that have not signed yet
// (unless they start within freshFor, when a node may already sign with
// them): the latest rotation is the one that takes effect. It returns the
// set as written.
func (kr *keyring) rotate(ctx context.Context, poolID string, now time.Time, publishDelay time.Duration) (*poolKeys, error) {
	kr.forget(poolID)
	pk, err := kr.keys(ctx, poolID, now) // what the store holds now (the first keys if none)
	if err != nil {
		return nil, err
	}
	var sk storedKeys
	for _, use := range []string{UseID, UseAccess} {
		cur := pk.signer(use, now)
		for _, k := range pk.byUse[use] {
			if !k.live(now) || k.SignFrom.After(now.Add(freshFor)) {
				continue
			}
			s, err := k.seal(kr.sealer, k == cur && publishDelay > 0)
			if err != nil {
				return nil, err
			}
			sk.Keys = append(sk.Keys, s)
		}
		k, err := newSigningKey(use, now, now.Add(publishDelay))
		if err != nil {
			return nil, err
		}
		s, err := k.seal(kr.sealer, publishDelay <= 0)
		if err != nil {
			return nil, err
		}
		sk.Keys = append(sk.Keys, s)
	}
	b, _ := json.Marshal(sk)
	if err := kr.store.SetValue(ctx, valueKey(poolID), b); err != nil {
		return nil, err
	}
	kr.forget(poolID)
	return kr.keys(ctx, poolID, now)
}

func (kr *keyring) forget(poolID string) {
	kr.mu.Lock()
	delete(kr.pools, poolID)
	kr.mu.Unlock()
}

// forgetStale drops a pool's cached keys if they were read longer than
// rereadAfter before now (another node may have rotated them), and reports
// whether it did.
func (kr *keyring) forgetStale(poolID string, now time.Time) bool {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if pk := kr.pools[poolID]; pk != nil && now.Sub(pk.loaded) < rereadAfter {
		return false
	}
	delete(kr.pools, poolID)
	return true
}

func (k *signingKey) sign(payload []byte) (string, error) {
	obj, err := k.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// KeyInfo describes one signing key of a pool (for `gognito keys` and
// tests); no private material.
type KeyInfo struct {
	KID      string
	Use      string
	Created  time.Time
	SignFrom time.Time
	// StopsSigning and Retires are zero while no later key is scheduled.
	StopsSigning time.Time
	Retires      time.Time
	// State at the time asked: "published" (not signing yet), "signing",
	// "verifying" (replaced, its tokens still valid) or "retired".
	State string
}

func (k *signingKey) info(now time.Time, signer *signingKey) KeyInfo {
	ki := KeyInfo{KID: k.KID, Use: k.Use, Created: k.Created, SignFrom: k.SignFrom, StopsSigning: k.stopsSigning(), Retires: k.retires()}
	switch {
	case !k.live(now):
		ki.State = "retired"
	case k == signer:
		ki.State = "signing"
	case k.SignFrom.After(now):
		ki.State = "published"
	default:
		ki.State = "verifying"
	}
	return ki
}

func (pk *poolKeys) infos(now time.Time) []KeyInfo {
	var out []KeyInfo
	for _, use := range []string{UseID, UseAccess} {
		signer := pk.signer(use, now)
		for _, k := range pk.byUse[use] {
			out = append(out, k.info(now, signer))
		}
	}
	return out
}

// Keys describes a pool's signing keys as the store holds them now
// (creating the first ones if the pool has none yet).
func (s *Service) Keys(ctx context.Context, poolID string) ([]KeyInfo, error) {
	now := s.o.Clock.Now()
	s.keys.forget(poolID)
	pk, err := s.keys.keys(ctx, poolID, now)
	if err != nil {
		return nil, err
	}
	return pk.infos(now), nil
}

// Rotate gives a pool new signing keys that sign at once; tokens signed by
// the old ones stay valid until they expire (the JWKS keeps listing the old
// keys until then).
func (s *Service) Rotate(ctx context.Context, poolID string) error {
	_, err := s.RotateStaged(ctx, poolID, 0)
	return err
}

// RotateStaged gives a pool a new key of each use: in the JWKS at once,
// signing after publishDelay (so that relying parties that cache the JWKS
// have fetched it by then), while the old keys sign until then and verify
// until the last token they can have signed has expired. It returns the
// pool's keys afterwards.
func (s *Service) RotateStaged(ctx context.Context, poolID string, publishDelay time.Duration) ([]KeyInfo, error) {
	if publishDelay < 0 {
		return nil, errors.New("tokens: a negative publish delay")
	}
	now := s.o.Clock.Now()
	pk, err := s.keys.rotate(ctx, poolID, now, publishDelay)
	if err != nil {
		return nil, err
	}
	return pk.infos(now), nil
}

// LastRotation is when a pool's newest key was made (zero when the pool
// has no keys yet), for a rotation schedule.
func (s *Service) LastRotation(ctx context.Context, poolID string) (time.Time, error) {
	raw, err := s.o.Store.GetValue(ctx, valueKey(poolID))
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	var sk storedKeys
	if err := json.Unmarshal(raw, &sk); err != nil {
		return time.Time{}, fmt.Errorf("tokens: decoding keys: %w", err)
	}
	var last time.Time
	for _, k := range sk.Keys {
		if k.Created.After(last) {
			last = k.Created
		}
	}
	return last, nil
}
