package acm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/wire"
)

func TestTables(t *testing.T) {
	if len(Operations) != 39 || len(Shapes) != 228 || TargetPrefix != "CertificateManager" {
		t.Fatalf("%d operations, %d shapes, prefix %q", len(Operations), len(Shapes), TargetPrefix)
	}
	for _, op := range Operations {
		if op.Auth != wire.AuthSigV4 {
			t.Errorf("%s: Auth %s; want SigV4", op.Name, op.Auth)
		}
	}
}

func TestValidateImportCertificate(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"Certificate":"","PrivateKey":"bm90IGEga2V5"}`))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		t.Fatal(err)
	}
	v, err := wire.Validate(Shapes, "ImportCertificateRequest", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "1 validation error detected: Value at 'certificate' failed to satisfy constraint: Member must have length greater than or equal to 1"
	if got := wire.FormatViolations(v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestDomainNameStringPattern(t *testing.T) {
	s := Shapes["DomainNameString"]
	for value, want := range map[string]bool{
		"example.com": true, "*.example.com": true, "a.b.co": true,
		"-bad.example.com": false, "example": false, "example.c": false, "bad-.com": false,
	} {
		if got, err := s.MatchPattern(value); err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", value, got, err, want)
		}
	}
}
