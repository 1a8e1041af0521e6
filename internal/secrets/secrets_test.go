package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newSealer(t *testing.T) *Sealer {
	t.Helper()
	key, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTrip(t *testing.T) {
	s := newSealer(t)
	plain := []byte("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n")
	aad := []byte("arn:aws:acm:us-east-1:000000000000:certificate/1")
	sealed := s.Seal(plain, aad)
	if sealed[0] != version || bytes.Contains(sealed, []byte("secret")) {
		t.Fatalf("sealed value %x", sealed)
	}
	if again := s.Seal(plain, aad); bytes.Equal(again, sealed) {
		t.Fatal("two seals of the same value are equal: the nonce is not random")
	}
	got, err := s.Open(sealed, aad)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q, %v", got, err)
	}
	if got, err := s.Open(s.Seal(nil, nil), nil); err != nil || len(got) != 0 {
		t.Fatalf("empty value: %q, %v", got, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	s := newSealer(t)
	aad := []byte("owner-1")
	sealed := s.Seal([]byte("value"), aad)

	if _, err := s.Open(sealed, []byte("owner-2")); err != ErrOpen {
		t.Errorf("wrong aad: %v", err)
	}
	for i := range sealed {
		if i == 0 {
			continue // the version byte has its own error
		}
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := s.Open(bad, aad); err != ErrOpen {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	if _, err := s.Open(sealed[:len(sealed)-1], aad); err != ErrOpen {
		t.Errorf("truncated: %v", err)
	}
	if _, err := s.Open(sealed[:5], aad); err != ErrOpen {
		t.Errorf("too short: %v", err)
	}
	bad := bytes.Clone(sealed)
	bad[0] = 9
	if _, err := s.Open(bad, aad); err == nil || !strings.Contains(err.Error(), "format 9") {
		t.Errorf("unknown version: %v", err)
	}
	other := newSealer(t)
	if _, err := other.Open(sealed, aad); err != ErrOpen {
		t.Errorf("wrong key: %v", err)
	}
}

func TestNewSealerKeySize(t *testing.T) {
	if _, err := NewSealer(make([]byte, 16)); err == nil {
		t.Fatal("a 16-byte key was accepted")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "secret.key")
	key, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != KeySize {
		t.Fatalf("key of %d bytes", len(key))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	dinfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dinfo.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %04o, want 0700", dinfo.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the key", len(entries))
	}

	again, err := LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second load: %x, %v; want the same key", again, err)
	}
}

func TestLoadOrCreateKeyRefuses(t *testing.T) {
	dir := t.TempDir()

	open := filepath.Join(dir, "open.key")
	if err := os.WriteFile(open, make([]byte, KeySize), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644) // past the umask
	if _, err := LoadOrCreateKey(open); err == nil || !strings.Contains(err.Error(), "must not be readable or writable by group or others") {
		t.Errorf("mode 0644: %v", err)
	}

	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, make([]byte, 31), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(short); err == nil || !strings.Contains(err.Error(), "31 bytes") {
		t.Errorf("31-byte key: %v", err)
	}
}

func TestSealString(t *testing.T) {
	key := make([]byte, KeySize)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	owner := ClientSecretOwner("client1")
	sealed := s.SealString("shh-51-chars", owner)
	if !strings.HasPrefix(sealed, "sealed:") || strings.Contains(sealed, "shh") {
		t.Fatalf("sealed form %q", sealed)
	}
	if got, err := s.OpenString(sealed, owner); err != nil || got != "shh-51-chars" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s.OpenString(sealed, ClientSecretOwner("client2")); err == nil {
		t.Error("a secret sealed for one client opened for another")
	}
	if _, err := s.OpenString(sealed[:len(sealed)-2]+"AA", owner); err == nil {
		t.Error("a tampered sealed value opened")
	}
	if _, err := s.OpenString("sealed:!!", owner); err == nil {
		t.Error("a sealed value that is not base64 opened")
	}
	// Records written before sealing keep working.
	if got, err := s.OpenString("plainsecret", owner); err != nil || got != "plainsecret" {
		t.Errorf("legacy plaintext = %q, %v", got, err)
	}
	if s.SealString("", owner) != "" {
		t.Error("an empty secret should stay empty")
	}
}
