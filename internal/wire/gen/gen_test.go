package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The models and the packages generated from them, relative to this
// directory.
var targets = []struct {
	model, pkg, dir string
}{
	{"../models/cognito-idp-2016-04-18.json", "cognitoidp", "../cognitoidp"},
	{"../models/acm-2015-12-08.json", "acm", "../acm"},
}

// TestGeneratedFilesUpToDate regenerates every package into a temporary
// directory and compares it with the committed files, so that generated
// code cannot go stale. Fix a failure with: go generate ./internal/wire/...
func TestGeneratedFilesUpToDate(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.pkg, func(t *testing.T) {
			tmp := t.TempDir()
			if err := runGenerate(tg.model, tg.pkg, tmp); err != nil {
				t.Fatal(err)
			}
			want, _ := filepath.Glob(filepath.Join(tmp, "*_gen.go"))
			have, _ := filepath.Glob(filepath.Join(tg.dir, "*_gen.go"))
			if len(want) != 3 || len(have) != len(want) {
				t.Fatalf("generated %d files, %s holds %d", len(want), tg.dir, len(have))
			}
			for _, w := range want {
				name := filepath.Base(w)
				fresh, _ := os.ReadFile(w)
				committed, err := os.ReadFile(filepath.Join(tg.dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(fresh, committed) {
					t.Errorf("%s/%s is stale: run go generate ./internal/wire/...", tg.dir, name)
				}
				if !bytes.HasPrefix(fresh, []byte(header)) {
					t.Errorf("%s does not start with the generated-code header", name)
				}
				// The stripped models hold no prose, so neither can the
				// output; look for HTML as a tripwire all the same.
				for _, tag := range []string{"<p>", "<code>", "</", "<a href"} {
					if bytes.Contains(fresh, []byte(tag)) {
						t.Errorf("%s contains %q: documentation leaked", name, tag)
					}
				}
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	data, err := os.ReadFile(targets[0].model)
	if err != nil {
		t.Fatal(err)
	}
	a, err := generate(data, targets[0].model, "cognitoidp")
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate(data, "/elsewhere/"+filepath.Base(targets[0].model), "cognitoidp")
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestStrippedModels checks that the committed models carry no prose and are
// exactly what -strip writes.
func TestStrippedModels(t *testing.T) {
	for _, tg := range targets {
		data, err := os.ReadFile(tg.model)
		if err != nil {
			t.Fatal(err)
		}
		v, err := parseJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, found := range strippedKeysIn(v, false, "") {
			t.Errorf("%s still has %s", tg.model, found)
		}
		again, err := stripModel(data)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("%s differs from what -strip writes", tg.model)
		}
	}
}

// strippedKeysIn returns the paths of any properties that strip removes.
func strippedKeysIn(v any, names bool, path string) []string {
	var found []string
	switch v := v.(type) {
	case *object:
		for _, k := range v.keys {
			if !names && strippedKeys[k] {
				found = append(found, path+"/"+k)
			}
			found = append(found, strippedKeysIn(v.vals[k], !names && nameMaps[k], path+"/"+k)...)
		}
	case []any:
		for _, e := range v {
			found = append(found, strippedKeysIn(e, false, path+"/[]")...)
		}
	}
	return found
}

// TestStrippedModelsMatchUpstream strips the original models, when the shared
// reference folder is present next to the repository, and compares. On a
// clone without it (CI), it checks what it can: the committed models are
// their own stripped form.
func TestStrippedModelsMatchUpstream(t *testing.T) {
	for _, tg := range targets {
		orig := filepath.Join("../../../../shared/aws-models", filepath.Base(tg.model))
		data, err := os.ReadFile(orig)
		if err != nil {
			committed, err := os.ReadFile(tg.model)
			if err != nil {
				t.Fatal(err)
			}
			again, err := stripModel(committed)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, committed) {
				t.Errorf("%s is not in stripped form (no upstream model at %s to compare with)", tg.model, orig)
			}
			continue
		}
		if !bytes.Contains(data, []byte(`"documentation"`)) {
			t.Fatalf("%s has no documentation: not an upstream model", orig)
		}
		stripped, err := stripModel(data)
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(tg.model)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stripped, committed) {
			t.Errorf("%s is not the stripped %s", tg.model, orig)
		}
	}
}

func TestStripKeepsNamesAndEverythingElse(t *testing.T) {
	in := `{"documentation":"x","shapes":{"documentation":{"type":"structure","members":{"documentation":{"shape":"S","documentation":"y","deprecated":true,"deprecatedMessage":"z"}},"sensitive":true,"examples":{}}}}`
	got, err := stripModel([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "shapes": {
    "documentation": {
      "type": "structure",
      "members": {
        "documentation": {
          "shape": "S",
          "deprecated": true
        }
      },
      "sensitive": true
    }
  }
}
`
	if string(got) != want {
		t.Errorf("strip:\n%s\nwant:\n%s", got, want)
	}
}

func TestCognitoModel(t *testing.T) {
	data, err := os.ReadFile(targets[0].model)
	if err != nil {
		t.Fatal(err)
	}
	m, err := loadModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.operations) != 129 || len(m.shapes) != 629 {
		t.Errorf("cognito-idp: %d operations, %d shapes; want 129 and 629", len(m.operations), len(m.shapes))
	}
	if m.targetPrefix != "AWSCognitoIdentityProviderService" {
		t.Errorf("targetPrefix = %q", m.targetPrefix)
	}
	g := &generator{m: m}
	wantAuth := map[string]string{
		"GetUser":        "AuthAccessToken",
		"ChangePassword": "AuthAccessToken",
		"GlobalSignOut":  "AuthAccessToken",
		"SignUp":         "AuthNone",
		"InitiateAuth":   "AuthNone",
		"CreateUserPool": "AuthSigV4",
		"AdminGetUser":   "AuthSigV4",
	}
	counts := map[string]int{}
	for _, op := range m.operations {
		a := g.auth(op)
		counts[a]++
		if want, ok := wantAuth[op.name]; ok && a != want {
			t.Errorf("%s: auth %s; want %s", op.name, a, want)
		}
	}
	// 32 operations are unsigned; 22 of them carry an AccessToken.
	if counts["AuthAccessToken"] != 22 || counts["AuthNone"] != 10 || counts["AuthSigV4"] != 97 {
		t.Errorf("auth counts %v", counts)
	}
	if !slices.IsSortedFunc(m.operations, func(a, b *operation) int { return strings.Compare(a.name, b.name) }) {
		t.Error("operations are not sorted")
	}
}

func TestEveryModelPatternTranslates(t *testing.T) {
	for _, tg := range targets {
		data, err := os.ReadFile(tg.model)
		if err != nil {
			t.Fatal(err)
		}
		m, err := loadModel(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range m.names {
			if p := m.shapes[name].pattern; p != "" {
				if _, _, err := translate(p); err != nil {
					t.Errorf("%s %s: %v", tg.pkg, name, err)
				}
			}
		}
	}
}

func TestGoCase(t *testing.T) {
	tests := map[string]string{
		"ALLOW_USER_SRP_AUTH":           "AllowUserSrpAuth",
		"email":                         "Email",
		"phone_number":                  "PhoneNumber",
		"EC_prime256v1":                 "EcPrime256v1",
		"V1_0":                          "V1_0",
		"RSA_2048":                      "Rsa2048",
		"SignInWithApple":               "SignInWithApple",
		"aws.cognito.signin.user.admin": "AwsCognitoSigninUserAdmin",
		"---":                           "Empty",
	}
	for in, want := range tests {
		if got := goCase(in); got != want {
			t.Errorf("goCase(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestEnumNameCollisions(t *testing.T) {
	m := &model{
		shapes: map[string]*shape{
			"Mode":       {name: "Mode", typ: "string", enum: []string{"ON", "on", "On"}},
			"ModeOnType": {name: "ModeOnType", typ: "structure"},
		},
		names: []string{"Mode", "ModeOnType"},
	}
	g := &generator{m: m}
	if err := g.names(); err != nil {
		t.Fatal(err)
	}
	if got := g.enums[0].names; !slices.Equal(got, []string{"ModeOn", "ModeOn2", "ModeOn3"}) {
		t.Errorf("names %q", got)
	}
	m.shapes["Shapes"] = &shape{name: "Shapes", typ: "structure"}
	m.names = append(m.names, "Shapes")
	if err := g.names(); err == nil {
		t.Error("a shape named like a fixed name: want an error")
	}
}

// TestSensitiveMembersAndSigningName: sensitive members (direct, list
// elements, map entries) carry log:"redact", every structure with members
// gets a LogValue method, and the operation table names the signing
// service (signingName, else endpointPrefix).
func TestSensitiveMembersAndSigningName(t *testing.T) {
	model := `{"metadata": {"targetPrefix": "Svc", "endpointPrefix": "svc-endpoint", "apiVersion": "1", "serviceId": "Svc"},
  "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
  "shapes": {
    "In": {"type": "structure", "members": {"Name": {"shape": "Plain"}, "Password": {"shape": "Secret"},
      "Codes": {"shape": "SecretList"}, "Params": {"shape": "SecretMap"}, "Inner": {"shape": "Inner"}}},
    "Inner": {"type": "structure", "members": {"Token": {"shape": "Secret"}}},
    "Empty": {"type": "structure", "members": {}},
    "Plain": {"type": "string"},
    "Secret": {"type": "string", "sensitive": true},
    "SecretList": {"type": "list", "member": {"shape": "Secret"}},
    "SecretMap": {"type": "map", "key": {"shape": "Plain"}, "value": {"shape": "Secret"}}
  }}`
	files, err := generate([]byte(model), "svc.json", "svc")
	if err != nil {
		t.Fatal(err)
	}
	types := string(files["types_gen.go"])
	for _, want := range []string{
		"Name     string            `json:\"Name,omitzero\"`\n",
		"Password string            `json:\"Password,omitzero\" log:\"redact\"` // sensitive",
		"Codes    []string          `json:\"Codes,omitzero\" log:\"redact\"`    // sensitive",
		"Params   map[string]string `json:\"Params,omitzero\" log:\"redact\"`   // sensitive",
		"Inner    *Inner            `json:\"Inner,omitzero\"`\n",
		"Token string `json:\"Token,omitzero\" log:\"redact\"` // sensitive",
		"func (v In) LogValue() slog.Value { return wire.LogValue(v) }",
		"func (v Inner) LogValue() slog.Value { return wire.LogValue(v) }",
		"\"log/slog\"",
	} {
		if !strings.Contains(types, want) {
			t.Errorf("types_gen.go lacks %q:\n%s", want, types)
		}
	}
	if strings.Contains(types, "func (v Empty)") {
		t.Error("an empty structure got a LogValue method")
	}
	if ops := string(files["operations_gen.go"]); !strings.Contains(ops, `SigningName = "svc-endpoint"`) {
		t.Errorf("operations_gen.go:\n%s", ops)
	}
	withName := strings.Replace(model, `"serviceId": "Svc"`, `"serviceId": "Svc", "signingName": "svc-signing"`, 1)
	files, err = generate([]byte(withName), "svc.json", "svc")
	if err != nil {
		t.Fatal(err)
	}
	if ops := string(files["operations_gen.go"]); !strings.Contains(ops, `SigningName = "svc-signing"`) {
		t.Errorf("operations_gen.go with signingName:\n%s", ops)
	}
}

// TestErrorTableUpToDate regenerates internal/awserr/types_gen.go from the
// models and compares it with the committed file.
func TestErrorTableUpToDate(t *testing.T) {
	var models []string
	for _, tg := range targets {
		models = append(models, tg.model)
	}
	fresh, err := errorsFile(models, "awserr")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../awserr/types_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Error("internal/awserr/types_gen.go is stale: run go generate ./internal/awserr")
	}
	flat := strings.Join(strings.Fields(string(fresh)), " ")
	for _, want := range []string{
		`ResourceNotFound = "ResourceNotFoundException" // acm, cognito-idp`,
		"InternalError: 500, // fault",
		"InvalidArn: 400, // client error",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("types_gen.go lacks %q", want)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	a := `{"metadata": {"targetPrefix": "A", "signingName": "svc-a"}, "operations": {},
  "shapes": {
    "NopeException": {"type": "structure", "exception": true},
    "BoomException": {"type": "structure", "exception": true, "fault": true},
    "Teapot": {"type": "structure", "exception": true, "error": {"code": "TeapotFault", "httpStatusCode": 418, "senderFault": true}},
    "Plain": {"type": "structure"}
  }}`
	b := `{"metadata": {"targetPrefix": "B", "endpointPrefix": "svc-b"}, "operations": {},
  "shapes": {"NopeException": {"type": "structure", "exception": true}}}`
	src, err := generateErrors(map[string][]byte{"b.json": []byte(b), "a.json": []byte(a)}, "errs")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(string(src)), " ")
	for _, want := range []string{
		"// Source: a.json, b.json package errs",
		`Boom = "BoomException" // svc-a`,
		`Nope = "NopeException" // svc-a, svc-b`,
		`TeapotFault = "TeapotFault" // svc-a`,
		"Boom: 500, // fault",
		"Nope: 400, // client error",
		"TeapotFault: 418, // httpStatusCode",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("generated error table lacks %q:\n%s", want, src)
		}
	}
	if strings.Contains(got, "Plain") {
		t.Error("a structure that is not an exception got a row")
	}

	// The same type with two statuses, or two types with one name, is an
	// error.
	clash := `{"metadata": {"targetPrefix": "C"}, "operations": {},
  "shapes": {"NopeException": {"type": "structure", "exception": true, "fault": true}}}`
	if _, err := generateErrors(map[string][]byte{"a.json": []byte(a), "c.json": []byte(clash)}, "errs"); err == nil || !strings.Contains(err.Error(), "NopeException") {
		t.Errorf("status clash: %v", err)
	}
	twin := `{"metadata": {"targetPrefix": "D"}, "operations": {},
  "shapes": {"Nope": {"type": "structure", "exception": true}}}`
	if _, err := generateErrors(map[string][]byte{"a.json": []byte(a), "d.json": []byte(twin)}, "errs"); err == nil || !strings.Contains(err.Error(), "both be named Nope") {
		t.Errorf("name clash: %v", err)
	}
	bad := `{"metadata": {"targetPrefix": "E"}, "operations": {},
  "shapes": {"OkException": {"type": "structure", "exception": true, "error": {"httpStatusCode": 200}}}}`
	if _, err := generateErrors(map[string][]byte{"e.json": []byte(bad)}, "errs"); err == nil {
		t.Error("an exception with status 200 was accepted")
	}
}
