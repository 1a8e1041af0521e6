package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// wholeStoreAllowed are the packages that may name store.Store, the whole
// store: the composition root that opens it, the store packages themselves,
// and the operator's console (which lists across aggregates). Every other
// package declares the narrow interfaces it needs (store.Users,
// store.Values, ...).
var wholeStoreAllowed = []string{compositionRoot, "internal/store", "internal/console"}

// TestPackagesAskForNarrowStores fails when a package outside
// wholeStoreAllowed names store.Store in its non-test code.
func TestPackagesAskForNarrowStores(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		for _, a := range wholeStoreAllowed {
			if within(rel, a) {
				return nil
			}
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		storeName := ""
		for _, im := range f.Imports {
			if strings.Trim(im.Path.Value, `"`) == module+"/internal/store" {
				storeName = "store"
				if im.Name != nil {
					storeName = im.Name.Name
				}
			}
		}
		if storeName == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Store" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == storeName {
					t.Errorf("%s: %s names store.Store; declare the narrow store interfaces the package needs (internal/archtest)", rel, fset.Position(sel.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked", checked)
	}
}
