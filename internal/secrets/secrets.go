package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the size of a sealing key: AES-256.
const KeySize = 32

// LoadOrCreateKey reads the key file at path, or creates it with a fresh
// random key when it does not exist. The file is written atomically (a
// temporary file renamed into place) with mode 0600, in a directory created
// with mode 0700. A file of the wrong size, or one that group or others may
// read, is refused.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secrets: creating key directory: %w", err)
	}
	key = make([]byte, KeySize)
	rand.Read(key) // crypto/rand.Read never fails
	tmp, err := writeTemp(filepath.Dir(path), key)
	if err != nil {
		return nil, fmt.Errorf("secrets: writing key: %w", err)
	}
	defer os.Remove(tmp)
	// Put the file in place with a link rather than a rename, so that two
	// processes creating the key at once agree on one: the second finds the
	// first's file and reads it. Where links are not supported, rename.
	err = os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return readKey(path)
	case err != nil:
		if err := os.Rename(tmp, path); err != nil {
			return nil, fmt.Errorf("secrets: writing key: %w", err)
		}
	}
	return key, nil
}

// writeTemp writes data to a new file of mode 0600 in dir and returns its
// name.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".secret-key-*")
	if err != nil {
		return "", err
	}
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func readKey(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secrets: key file %s has mode %04o: it must not be readable or writable by group or others (chmod 600 it)", path, perm)
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key file %s holds %d bytes, want %d", path, len(key), KeySize)
	}
	return key, nil
}

// version is the first byte of a sealed value: the format (AES-256-GCM with
// a 12-byte random nonce).
const version byte = 1

// Sealer seals and opens values with one key. It is safe for concurrent use.
type Sealer struct {
	aead   cipher.AEAD
	derive []byte
}

// NewSealer builds a Sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("gognito derive v1"))
	return &Sealer{aead: aead, derive: m.Sum(nil)}, nil
}

// Derive is a value only this key gives for label (HMAC-SHA256 under a
// key derived from the sealing key): stable across restarts and nodes,
// unguessable without the key file.
func (s *Sealer) Derive(label string) []byte {
	m := hmac.New(sha256.New, s.derive)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext bound to aad: a version byte, a random nonce, then
// the ciphertext and its tag.
func (s *Sealer) Seal(plaintext, aad []byte) []byte {
	n := s.aead.NonceSize()
	out := make([]byte, 1+n, 1+n+len(plaintext)+s.aead.Overhead())
	out[0] = version
	rand.Read(out[1:]) // crypto/rand.Read never fails
	return s.aead.Seal(out, out[1:1+n], plaintext, aad)
}

// ErrOpen reports a sealed value that does not open: tampered with, sealed
// with another key, or bound to other additional data.
var ErrOpen = errors.New("secrets: sealed value does not open (wrong key, wrong owner or tampered)")

// Open decrypts a value Seal produced with the same key and aad.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("secrets: unknown sealed format %d", sealed[0])
	}
	out, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// sealedPrefix marks a string field sealed by SealString.
const sealedPrefix = "sealed:"

// SealString seals a short secret kept inside a JSON record (an app
// client's secret), bound to its owner, as printable text. The empty string
// stays empty.
func (s *Sealer) SealString(plain, owner string) string {
	if plain == "" {
		return ""
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.Seal([]byte(plain), []byte(owner)))
}

// OpenString opens a value SealString made for the same owner. A value
// without the sealed mark is returned as it is: records written before
// their field was sealed.
func (s *Sealer) OpenString(v, owner string) (string, error) {
	rest, ok := strings.CutPrefix(v, sealedPrefix)
	if !ok {
		return v, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", ErrOpen
	}
	plain, err := s.Open(b, []byte(owner))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// ClientSecretOwner is what an app client's sealed secret is bound to.
func ClientSecretOwner(clientID string) string { return "app-client-secret/" + clientID }
