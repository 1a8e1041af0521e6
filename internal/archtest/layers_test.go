package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/gognito/gognito"

// compositionRoot builds the app from every package; it may import anything.
const compositionRoot = "internal/app"

// transports are the packages that speak HTTP (and their subpackages): they
// may import net/http and one another. Every other package under internal/
// is a domain or support package and may import neither net/http nor a
// transport nor the composition root. This is the one list.
var transports = map[string]string{
	"internal/api":        "the AWS JSON 1.1 front door of the API listener",
	"internal/hostedui":   "the hosted pages and OAuth/OIDC endpoints of a user pool domain",
	"internal/edge":       "the HTTPS listener that serves user pool domains (TLS, SNI, routing by Host)",
	"internal/sigv4":      "signs and checks HTTP requests (AWS Signature Version 4)",
	"internal/lambda":     "the outbound HTTP adapter to the Lambda Invoke API",
	"internal/sdkhttp":    "test support: HTTP clients for the AWS SDKs",
	"internal/sites":      "routes requests on a user pool domain by Host to the hosted pages and the domain's page",
	"internal/console":    "the operator's pages on the API listener (the outbox; the admin console to come)",
	"internal/oidc":       "the issuer's endpoints on the API listener (JWKS, discovery)",
	"internal/federation": "the relying party of external identity providers (OIDC, social, SAML 2.0)",
}

type listed struct {
	ImportPath string
	Imports    []string
	Error      *struct{ Err string }
}

// listInternal lists every package under internal/ with its direct imports
// (of the files a build uses; tests aside).
func listInternal(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Error", "./internal/...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Error != nil {
			t.Fatalf("go list %s: %s", p.ImportPath, p.Error.Err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module+"/")
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// within reports whether pkg is base or one of its subpackages.
func within(pkg, base string) bool { return pkg == base || strings.HasPrefix(pkg, base+"/") }

func transportOf(pkg string) (string, bool) {
	for t := range transports {
		if within(pkg, t) {
			return t, true
		}
	}
	return "", false
}

// forbidden says why a non-transport package may not import imp, or "".
func forbidden(imp string) string {
	if within(imp, "net/http") {
		return "net/http"
	}
	rel, ok := strings.CutPrefix(imp, module+"/")
	if !ok {
		return ""
	}
	if within(rel, compositionRoot) {
		return "the composition root"
	}
	if t, ok := transportOf(rel); ok {
		return "the transport " + t
	}
	return ""
}

// violations returns "pkg -> import" (with a reason) for every import that
// breaks the rule.
func violations(pkgs []listed) map[string]string {
	found := map[string]string{}
	for _, p := range pkgs {
		if !within(p.ImportPath, "internal") || within(p.ImportPath, compositionRoot) {
			continue
		}
		if _, ok := transportOf(p.ImportPath); ok {
			continue
		}
		for _, imp := range p.Imports {
			if why := forbidden(imp); why != "" {
				found[p.ImportPath+" -> "+strings.TrimPrefix(imp, module+"/")] = why
			}
		}
	}
	return found
}

// TestDomainPackagesDoNotImportTransports holds the layering rule: no
// package under internal/ but the composition root and the transports
// imports net/http (or a package under it), a transport package or the
// composition root.
func TestDomainPackagesDoNotImportTransports(t *testing.T) {
	pkgs := listInternal(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages under internal/", len(pkgs))
	}
	found := violations(pkgs)
	var keys []string
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s: a domain package imports %s; only %s and the transports may (internal/archtest)", k, found[k], compositionRoot)
	}
}

// TestTheRuleCatchesViolations runs the rule on made-up packages.
func TestTheRuleCatchesViolations(t *testing.T) {
	pkgs := []listed{
		{ImportPath: "internal/users", Imports: []string{"context", "net/http", module + "/internal/awserr"}},
		{ImportPath: "internal/users/userstest", Imports: []string{"net/http/httptest"}},
		{ImportPath: "internal/certs", Imports: []string{module + "/internal/edge/edgetest", module + "/internal/app"}},
		{ImportPath: "internal/tokens", Imports: []string{module + "/internal/sites"}},
		{ImportPath: "internal/api", Imports: []string{"net/http", module + "/internal/sigv4"}},
		{ImportPath: "internal/edge/edgetest", Imports: []string{"net/http"}},
		{ImportPath: "internal/app", Imports: []string{"net/http", module + "/internal/api"}},
		{ImportPath: "internal/apiary", Imports: []string{"net/http"}}, // not internal/api
		{ImportPath: "cmd/gognito", Imports: []string{"net/http"}},
	}
	got := violations(pkgs)
	want := []string{
		"internal/apiary -> net/http",
		"internal/certs -> internal/app",
		"internal/certs -> internal/edge/edgetest",
		"internal/tokens -> internal/sites",
		"internal/users -> net/http",
		"internal/users/userstest -> net/http/httptest",
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("violations %q; want %q", keys, want)
	}
}
