package awserr_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
)

const (
	module     = "github.com/gognito/gognito"
	awserrPath = module + "/internal/awserr"
	root       = "../.." // the module's root, from this directory
)

// listedPackage is what `go list -json` says of a package.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	Standard   bool
}

// listPackages lists the packages under internal/ and cmd/ and everything
// they depend on, with the export data of each (compiled as go build
// would).
var listPackages = sync.OnceValues(func() (map[string]*listedPackage, error) {
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-json=ImportPath,Dir,GoFiles,Export,Standard", "./internal/...", "./cmd/...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w\n%s", err, stderr.Bytes())
	}
	pkgs := map[string]*listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := new(listedPackage)
		if err := dec.Decode(p); err != nil {
			return nil, err
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs, nil
})

// checker type-checks source files against the export data go list found.
type checker struct {
	fset *token.FileSet
	imp  types.Importer
}

func newChecker(pkgs map[string]*listedPackage) *checker {
	fset := token.NewFileSet()
	lookup := func(path string) (io.ReadCloser, error) {
		p := pkgs[path]
		if p == nil || p.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(p.Export)
	}
	return &checker{fset: fset, imp: importer.ForCompiler(fset, "gc", lookup)}
}

func (c *checker) check(path string, files []*ast.File) (*types.Info, error) {
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: c.imp}
	_, err := conf.Check(path, c.fset, files, info)
	return info, err
}

// exceptionLike is a string that reads as an AWS error type.
var exceptionLike = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*Exception$`)

// otherServices are error codes of other AWS services that the code names
// without answering with them: they only ever reach a client inside the
// message of one of gognito's own errors. Each says where and why.
var otherServices = map[string]string{
	// internal/lambda: an ARN that is no Lambda function's is refused as the
	// Lambda service would refuse it; triggers turns that into
	// UnexpectedLambdaException, quoting the code in the message.
	"InvalidParameterValueException": "the Lambda service's code for a bad function ARN",
}

// use is one place where the code names an error type.
type use struct {
	pos, typ, how string
}

// errorTypeUses finds, in one type-checked package, the error types the
// code names: the type given to awserr.New and awserr.Newf and compared by
// awserr.Is (when it is a constant), and every string constant that reads
// as an exception type (a literal handed to a helper that builds an
// error, a type compared in a switch, ...). dynamic lists the calls whose
// type is not a constant.
func errorTypeUses(fset *token.FileSet, files []*ast.File, info *types.Info) (uses []use, dynamic []string) {
	argOf := map[string]int{"New": 0, "Newf": 0, "Is": 1}
	for _, f := range files {
		// Generated code (the wire tables name every modelled exception)
		// is checked by TestModelledErrorsHaveTheirStatus.
		generated := ast.IsGenerated(f)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				var id *ast.Ident
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					id = fn.Sel
				case *ast.Ident:
					id = fn
				}
				if id == nil {
					return true
				}
				obj, ok := info.Uses[id].(*types.Func)
				if !ok || obj.Pkg() == nil || obj.Pkg().Path() != awserrPath {
					return true
				}
				i, ok := argOf[obj.Name()]
				if !ok || len(n.Args) <= i {
					return true
				}
				pos := fset.Position(n.Args[i].Pos()).String()
				if tv := info.Types[n.Args[i]]; tv.Value != nil && tv.Value.Kind() == constant.String {
					uses = append(uses, use{pos, constant.StringVal(tv.Value), "awserr." + obj.Name()})
				} else {
					dynamic = append(dynamic, pos+" awserr."+obj.Name())
				}
			case ast.Expr:
				if generated {
					return true
				}
				if tv := info.Types[n]; tv.Value != nil && tv.Value.Kind() == constant.String {
					if s := constant.StringVal(tv.Value); exceptionLike.MatchString(s) && otherServices[s] == "" {
						uses = append(uses, use{fset.Position(n.Pos()).String(), s, "a string constant"})
					}
				}
			}
			return true
		})
	}
	return uses, dynamic
}

// TestEveryErrorTypeInTheCodeHasARow fails when code in any package under
// internal/ or cmd/ (test files aside) names an error type that has no row
// in the error table: New answers such a type with 400 whatever AWS does,
// and a typo in awserr.Is never matches.
func TestEveryErrorTypeInTheCodeHasARow(t *testing.T) {
	pkgs, err := listPackages()
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(pkgs)
	var paths []string
	for path, p := range pkgs {
		// The table's own package is the table.
		if !p.Standard && path != awserrPath && (strings.HasPrefix(path, module+"/internal/") || strings.HasPrefix(path, module+"/cmd/")) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	if len(paths) < 20 {
		t.Fatalf("go list found only %d packages of the module", len(paths))
	}
	seen := map[string]bool{}
	var dynamic []string
	for _, path := range paths {
		p := pkgs[path]
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(c.fset, filepath.Join(p.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info, err := c.check(path, files)
		if err != nil {
			t.Fatalf("type-checking %s: %v", path, err)
		}
		uses, dyn := errorTypeUses(c.fset, files, info)
		dynamic = append(dynamic, dyn...)
		for _, u := range uses {
			seen[u.typ] = true
			if !awserr.Known(u.typ) {
				t.Errorf("%s: %s names error type %q, which has no row in the error table (internal/awserr)", u.pos, u.how, u.typ)
			}
		}
	}
	// The scan must see the types the code is known to use, or it is
	// looking at nothing.
	for _, typ := range []string{awserr.InvalidParameter, awserr.NotAuthorized, awserr.Serialization, "CodeMismatchException", "InvalidArnException"} {
		if !seen[typ] {
			t.Errorf("the scan did not find %s in use", typ)
		}
	}
	t.Logf("%d error types in use; %d calls take their type from a variable (their values are the constants above): %s",
		len(seen), len(dynamic), strings.Join(dynamic, "; "))
}

// TestTheScanFindsUnknownTypes runs the scan of
// TestEveryErrorTypeInTheCodeHasARow on a package that names unknown types
// in each way it looks for.
func TestTheScanFindsUnknownTypes(t *testing.T) {
	pkgs, err := listPackages()
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(pkgs)
	src := `package fixture

import "github.com/gognito/gognito/internal/awserr"

const mine = "NoSuchThing"

func fail(typ, msg string) error { return awserr.New(typ, msg) }

func f(err error) []error {
	_ = awserr.Is(err, "NotAThingException")
	return []error{
		awserr.New(awserr.ResourceNotFound, "fine"),
		awserr.Newf(mine, "%d", 1),
		fail("MadeUpException", "x"),
	}
}
`
	f, err := parser.ParseFile(c.fset, "fixture.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.check("fixture", []*ast.File{f})
	if err != nil {
		t.Fatal(err)
	}
	uses, dynamic := errorTypeUses(c.fset, []*ast.File{f}, info)
	var unknown []string
	for _, u := range uses {
		if !awserr.Known(u.typ) {
			unknown = append(unknown, u.typ)
		}
	}
	slices.Sort(unknown)
	unknown = slices.Compact(unknown)
	if want := []string{"MadeUpException", "NoSuchThing", "NotAThingException"}; !slices.Equal(unknown, want) {
		t.Errorf("unknown types found: %q; want %q", unknown, want)
	}
	if len(dynamic) != 1 {
		t.Errorf("dynamic calls: %q; want the one in fail", dynamic)
	}
}

// TestModelledErrorsHaveTheirStatus reads the service models themselves:
// every exception that a modelled operation can return has a row with the
// status the model gives (error.httpStatusCode, else 500 for a fault and
// 400 for a client error), and so does every exception shape.
func TestModelledErrorsHaveTheirStatus(t *testing.T) {
	models, _ := filepath.Glob(filepath.Join(root, "internal/wire/models/*.json"))
	if len(models) != 2 {
		t.Fatalf("found models %q; want cognito-idp and acm", models)
	}
	type ref struct {
		Shape string `json:"shape"`
	}
	var model struct {
		Operations map[string]struct {
			Errors []ref `json:"errors"`
		} `json:"operations"`
		Shapes map[string]struct {
			Exception bool `json:"exception"`
			Fault     bool `json:"fault"`
			Error     *struct {
				Code           string `json:"code"`
				HTTPStatusCode int    `json:"httpStatusCode"`
			} `json:"error"`
		} `json:"shapes"`
	}
	for _, path := range models {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		model.Operations, model.Shapes = nil, nil
		if err := json.Unmarshal(data, &model); err != nil {
			t.Fatal(err)
		}
		want := func(name string) (string, int) {
			s := model.Shapes[name]
			typ, status := name, 400
			if s.Fault {
				status = 500
			}
			if s.Error != nil {
				if s.Error.Code != "" {
					typ = s.Error.Code
				}
				if s.Error.HTTPStatusCode != 0 {
					status = s.Error.HTTPStatusCode
				}
			}
			return typ, status
		}
		check := func(what, name string) {
			typ, status := want(name)
			if !awserr.Known(typ) {
				t.Errorf("%s: %s %s has no row in the error table", filepath.Base(path), what, typ)
			} else if got := awserr.StatusOf(typ); got != status {
				t.Errorf("%s: %s %s has status %d in the table, %d in the model", filepath.Base(path), what, typ, got, status)
			}
			if e := awserr.New(typ, "m"); e.HTTPStatus() != status || e.Type() != typ {
				t.Errorf("New(%s) = %s %d", typ, e.Type(), e.HTTPStatus())
			}
		}
		n := 0
		for op, o := range model.Operations {
			for _, e := range o.Errors {
				if !model.Shapes[e.Shape].Exception {
					t.Errorf("%s: %s returns %s, which is not an exception shape", filepath.Base(path), op, e.Shape)
				}
				check(op+" returns", e.Shape)
				n++
			}
		}
		for name, s := range model.Shapes {
			if s.Exception {
				check("exception shape", name)
			}
		}
		if n < 30 {
			t.Errorf("%s: only %d operation errors", path, n)
		}
	}
}

// TestProtocolErrors: the errors no model declares keep the statuses the
// protocol front door and request signing answer with.
func TestProtocolErrors(t *testing.T) {
	for typ, status := range map[string]int{
		awserr.Serialization:              400,
		awserr.UnknownOperation:           400,
		awserr.MissingAuthenticationToken: 403,
		awserr.UnrecognizedClient:         400,
		awserr.InvalidSignature:           400,
		awserr.IncompleteSignature:        400,
		awserr.RequestEntityTooLarge:      413,
		awserr.InvalidAction:              400,
		awserr.NotImplemented:             501,
		awserr.InternalFailure:            500,
		awserr.ServiceUnavailable:         503,
		awserr.InternalError:              500,
		awserr.InternalServer:             500,
	} {
		if !awserr.Known(typ) || awserr.StatusOf(typ) != status {
			t.Errorf("%s: known %v, status %d; want %d", typ, awserr.Known(typ), awserr.StatusOf(typ), status)
		}
	}
	if awserr.Known("NoSuchThingException") || awserr.StatusOf("NoSuchThingException") != 400 {
		t.Error("an unknown type is not known and answers 400")
	}
}

// TestNamesBeforeTheGeneratedTable: the names awserr exported before its
// table was generated keep their values.
func TestNamesBeforeTheGeneratedTable(t *testing.T) {
	for name, got := range map[string]string{
		"Serialization": awserr.Serialization, "UnknownOperation": awserr.UnknownOperation,
		"MissingAuthenticationToken": awserr.MissingAuthenticationToken, "UnrecognizedClient": awserr.UnrecognizedClient,
		"InvalidSignature": awserr.InvalidSignature, "IncompleteSignature": awserr.IncompleteSignature,
		"RequestEntityTooLarge": awserr.RequestEntityTooLarge, "AccessDenied": awserr.AccessDenied,
		"ValidationError": awserr.ValidationError, "InvalidAction": awserr.InvalidAction,
		"NotImplemented": awserr.NotImplemented, "InternalError": awserr.InternalError,
		"InvalidParameter": awserr.InvalidParameter, "ResourceNotFound": awserr.ResourceNotFound,
		"NotAuthorized": awserr.NotAuthorized, "LimitExceeded": awserr.LimitExceeded,
		"TooManyRequests": awserr.TooManyRequests, "ConcurrentModification": awserr.ConcurrentModification,
		"ScopeDoesNotExist": awserr.ScopeDoesNotExist, "InvalidOAuthFlow": awserr.InvalidOAuthFlow,
		"UserPoolTagging": awserr.UserPoolTagging, "UnsupportedOperation": awserr.UnsupportedOperation,
		"FeatureUnavailableInTier": awserr.FeatureUnavailableInTier, "UsernameExists": awserr.UsernameExists,
		"UserNotFound": awserr.UserNotFound, "UserNotConfirmed": awserr.UserNotConfirmed,
		"GroupExists": awserr.GroupExists, "InvalidUserPoolConfiguration": awserr.InvalidUserPoolConfiguration,
	} {
		want := name + "Exception"
		switch name {
		case "ValidationError":
			want = "ValidationException"
		case "InvalidAction":
			want = "InvalidAction"
		}
		if got != want {
			t.Errorf("awserr.%s = %q; want %q", name, got, want)
		}
	}
}
