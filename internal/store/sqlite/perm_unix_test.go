//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storetest"
)

// TestDatabaseFilesArePrivate: the database and its -wal and -shm files are
// created 0600, even in a data directory that already exists 0755 under the
// usual umask (SQLite's own default is 0644), and a database an older
// version left readable by others is made private when opened.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "gognito.db")
	check := func(when string) {
		t.Helper()
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(name)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if perm := info.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s: %s has mode %04o, want 0600", when, filepath.Base(name), perm)
			}
		}
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUserPool(ctx, storetest.NewPool("us-east-1_Private12")); err != nil {
		t.Fatal(err)
	}
	check("new database")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A database left 0644 (with its -wal) by an earlier version.
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(name, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateUserPool(ctx, storetest.NewPool("us-east-1_Private34")); err != nil {
		t.Fatal(err)
	}
	check("reopened database")
}
