package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// TestCompatibilityDocIsCurrent fails when docs/compatibility.md differs from
// what the operation tables generate. Regenerate with `make docs`.
func TestCompatibilityDocIsCurrent(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ops := a.CognitoService().Operations()
	if len(ops) != 129 {
		t.Fatalf("cognito-idp table has %d operations, want 129", len(ops))
	}
	want := a.CompatibilityDoc()
	path := filepath.Join("..", "..", "docs", "compatibility.md")
	if os.Getenv("GOGNITO_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/compatibility.md is stale: run `make docs`")
	}
}
