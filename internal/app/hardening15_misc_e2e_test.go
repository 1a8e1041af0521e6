package app_test

// Issue 15 (hardening, round two): the items of the data directory, Lambda
// ARNs, the schema checks and the README's quick start.

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// TestDataDirectoryFilesArePrivate (issue 15 item 13): in a data directory
// that already exists 0755, the database, its -wal and -shm files and the
// secret key are created 0600, and the server warns that the directory is
// open to others.
func TestDataDirectoryFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, name := range []string{"gognito.db", "gognito.db-wal", "gognito.db-shm", "secret.key"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", name, perm)
		}
	}
	var warning string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, dir) {
			warning = line
		}
	}
	if !strings.Contains(warning, "0755") || !strings.Contains(warning, "chmod 700") {
		t.Errorf("no warning about the data directory's mode 0755 in the log:\n%s", logs.String())
	}

	// A private directory gets no warning.
	private := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = private
	logs.Reset()
	b, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if strings.Contains(logs.String(), private) {
		t.Errorf("a warning for a 0700 data directory:\n%s", logs.String())
	}
}
