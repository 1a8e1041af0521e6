package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storetest"
)

func runKeys(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"keys"}, args...), func(string) string { return "" }, &out, &errb)
	return code, out.String(), errb.String()
}

// TestKeysRotateCommand: `gognito keys rotate` rotates the signing keys of
// a SQLite data directory's pool (or every pool): the new keys are
// published at once and sign after the publish delay, which `keys list`
// shows and the JWKS the server would serve lists.
func TestKeysRotateCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"us-east-1_KEYS00001", "us-east-1_KEYS00002"} {
		if err := s.CreateUserPool(ctx, storetest.NewPool(id)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	if code, _, errs := runKeys(t, "rotate", "--data-dir", dir); code != 2 || !strings.Contains(errs, "--pool") {
		t.Fatalf("rotate without a pool: %d %q", code, errs)
	}
	if code, _, errs := runKeys(t, "rotate", "--pool", "us-east-1_KEYS00001", "--all", "--data-dir", dir); code != 2 {
		t.Fatalf("rotate with --pool and --all: %d %q", code, errs)
	}
	if code, _, errs := runKeys(t, "rotate", "--pool", "us-east-1_NOPE00000", "--data-dir", dir); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Fatalf("rotate of a missing pool: %d %q", code, errs)
	}
	if code, out, _ := runKeys(t, "help"); code != 0 || !strings.Contains(out, "keys rotate") {
		t.Fatalf("keys help: %d %q", code, out)
	}

	code, out, errs := runKeys(t, "rotate", "--pool", "us-east-1_KEYS00001", "--data-dir", dir, "--key-publish-delay", "20m")
	if code != 0 || strings.Count(out, " published ") != 2 || strings.Count(out, " signing ") != 2 || !strings.Contains(out, "us-east-1_KEYS00001") {
		t.Fatalf("rotate: %d %q %q", code, out, errs)
	}
	code, list, _ := runKeys(t, "list", "--pool=us-east-1_KEYS00001", "--data-dir", dir)
	if code != 0 || strings.Count(list, " published ") != 2 || strings.Count(list, " signing ") != 2 {
		t.Fatalf("list: %d %q", code, list)
	}

	// --all rotates both pools, with no delay: the new keys sign at once
	// (and replace the first pool's keys that were waiting to sign).
	code, out, errs = runKeys(t, "rotate", "--all", "--data-dir", dir, "--key-publish-delay", "0s")
	if code != 0 || !strings.Contains(out, "us-east-1_KEYS00001") || !strings.Contains(out, "us-east-1_KEYS00002") ||
		strings.Count(out, " published ") != 0 || strings.Count(out, " signing ") != 4 || strings.Count(out, " verifying ") != 4 {
		t.Fatalf("rotate --all: %d %q %q", code, out, errs)
	}

	// What a server on the same directory serves.
	cfg := config.Default()
	cfg.DataDir = dir
	a, err := app.New(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for id, want := range map[string]int{"us-east-1_KEYS00001": 4, "us-east-1_KEYS00002": 4} {
		b, err := a.Tokens().JWKS(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var set struct{ Keys []map[string]any }
		json.Unmarshal(b, &set)
		if len(set.Keys) != want {
			t.Errorf("%s's JWKS has %d keys, want %d: %s", id, len(set.Keys), want, b)
		}
	}
}
