package tokens

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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

// signingKey is one RSA key of a pool.
type signingKey struct {
	KID     string
	Use     string // UseID or UseAccess
	Created time.Time
	Private *rsa.PrivateKey
	signer  jose.Signer
}

// poolKeys are a pool's keys: the current one per use, and older ones that
// still verify (after a rotation) until their tokens expire.
type poolKeys struct {
	current map[string]*signingKey
	all     map[string]*signingKey // by kid
	loaded  time.Time              // when they were read from the store
}

// rereadAfter is how old a pool's cached keys must be before a token with an
// unknown kid makes the keyring read them again: often enough to follow a
// rotation made through another node, rarely enough that tokens with made-up
// kids cannot make every verification read and unseal the keys.
const rereadAfter = 5 * time.Second

// storedKeys is the sealed form in store.Values.
type storedKeys struct {
	Keys []storedKey `json:"Keys"`
}

type storedKey struct {
	KID     string    `json:"Kid"`
	Use     string    `json:"Use"`
	Created time.Time `json:"Created"`
	Current bool      `json:"Current"`
	Sealed  []byte    `json:"Sealed"` // PKCS#8, sealed with aad = kid
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

func newSigningKey(use string, now time.Time) (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &signingKey{KID: kidOf(&priv.PublicKey), Use: use, Created: now, Private: priv}, nil
}

func (k *signingKey) seal(s *secrets.Sealer, current bool) (storedKey, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return storedKey{}, err
	}
	return storedKey{KID: k.KID, Use: k.Use, Created: k.Created, Current: current, Sealed: s.Seal(der, []byte(k.KID))}, nil
}

func (kr *keyring) decode(raw []byte) (*poolKeys, error) {
	var sk storedKeys
	if err := json.Unmarshal(raw, &sk); err != nil {
		return nil, fmt.Errorf("tokens: decoding keys: %w", err)
	}
	pk := &poolKeys{current: map[string]*signingKey{}, all: map[string]*signingKey{}}
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
		k := &signingKey{KID: s.KID, Use: s.Use, Created: s.Created, Private: rk}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: rk, KeyID: s.KID}}, nil)
		if err != nil {
			return nil, err
		}
		k.signer = signer
		pk.all[k.KID] = k
		if s.Current {
			pk.current[k.Use] = k
		}
	}
	return pk, nil
}

// keys returns a pool's keys, creating them on first use. Concurrent nodes
// agree on one set through PutValueIfAbsent.
func (kr *keyring) keys(ctx context.Context, poolID string, now time.Time) (*poolKeys, error) {
	kr.mu.Lock()
	if pk := kr.pools[poolID]; pk != nil {
		kr.mu.Unlock()
		return pk, nil
	}
	kr.mu.Unlock()
	raw, err := kr.store.GetValue(ctx, valueKey(poolID))
	if errors.Is(err, store.ErrNotFound) {
		var sk storedKeys
		for _, use := range []string{UseID, UseAccess} {
			k, err := newSigningKey(use, now)
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
	pk, err := kr.decode(raw)
	if err != nil {
		return nil, err
	}
	pk.loaded = now
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if cur := kr.pools[poolID]; cur != nil {
		return cur, nil
	}
	kr.pools[poolID] = pk
	return pk, nil
}

// rotate makes new current keys for a pool; the old ones keep verifying.
func (kr *keyring) rotate(ctx context.Context, poolID string, now time.Time) error {
	pk, err := kr.keys(ctx, poolID, now)
	if err != nil {
		return err
	}
	var sk storedKeys
	for _, k := range pk.all {
		s, err := k.seal(kr.sealer, false)
		if err != nil {
			return err
		}
		sk.Keys = append(sk.Keys, s)
	}
	for _, use := range []string{UseID, UseAccess} {
		k, err := newSigningKey(use, now)
		if err != nil {
			return err
		}
		s, err := k.seal(kr.sealer, true)
		if err != nil {
			return err
		}
		sk.Keys = append(sk.Keys, s)
	}
	b, _ := json.Marshal(sk)
	if err := kr.store.SetValue(ctx, valueKey(poolID), b); err != nil {
		return err
	}
	kr.mu.Lock()
	delete(kr.pools, poolID)
	kr.mu.Unlock()
	return nil
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
