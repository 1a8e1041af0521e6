package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// TestCompatibilityDocIsCurrent fails when docs/compatibility.md differs from
// what the operation tables of the app's services generate
// (api.CompatibilityMarkdown). Regenerate with `make docs`, which runs this
// test with GOGNITO_UPDATE_DOCS=1.
func TestCompatibilityDocIsCurrent(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	svcs := a.APIServices()
	if len(svcs) != 2 || len(svcs[0].Operations()) != 129 || len(svcs[1].Operations()) != 39 {
		t.Fatalf("services %d; want cognito-idp with 129 operations and acm with 39", len(svcs))
	}
	want := api.CompatibilityMarkdown(svcs...)
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
