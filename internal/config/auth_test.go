package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuthModes(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keys, []byte("# gognito keys\n\nAKIAGOGNITOADMIN0001:s3cr3t/value+one\n  AKIAGOGNITOADMIN0002 : second \n"), 0o600)
	cases := []struct {
		args   []string
		env    map[string]string
		signed bool
		keys   int
	}{
		{nil, nil, false, 0},
		{[]string{"--auth", "none"}, nil, false, 0},
		{[]string{"--credentials-file", keys}, nil, true, 2},
		{nil, map[string]string{"GOGNITO_CREDENTIALS": "AKIAENV0000000000001:a,AKIAENV0000000000002:b"}, true, 2},
		{[]string{"--credentials-file", keys}, map[string]string{"GOGNITO_CREDENTIALS": "AKIAENV0000000000001:a"}, true, 3},
		{[]string{"--auth", "sigv4", "--credentials-file", keys}, nil, true, 2},
		// Explicitly off: the keys are read (and checked) but not required.
		{[]string{"--auth", "none", "--credentials-file", keys}, nil, false, 2},
		// Unsigned on every address, when told so.
		{[]string{"--listen", "0.0.0.0:9229", "--allow-unsigned-remote"}, nil, false, 0},
		{[]string{"--listen", "0.0.0.0:9229", "--credentials-file", keys}, nil, true, 2},
		{[]string{"--listen", "localhost:9229"}, nil, false, 0},
		{[]string{"--listen", "[::1]:9229"}, nil, false, 0},
	}
	for _, c := range cases {
		cfg, err := Load("serve", c.args, env(c.env), io.Discard)
		if err != nil {
			t.Errorf("%v %v: %v", c.args, c.env, err)
			continue
		}
		creds, err := cfg.APICredentials()
		if err != nil || len(creds) != c.keys || cfg.SignaturesRequired() != c.signed {
			t.Errorf("%v %v: signed %v, %d keys (%v)", c.args, c.env, cfg.SignaturesRequired(), len(creds), err)
		}
	}
	cfg, _ := Load("serve", []string{"--credentials-file", keys}, env(nil), io.Discard)
	creds, _ := cfg.APICredentials()
	if creds[1].AccessKeyID != "AKIAGOGNITOADMIN0002" || creds[1].SecretAccessKey.Reveal() != "second" || creds[0].SecretAccessKey.Reveal() != "s3cr3t/value+one" {
		t.Errorf("parsed %+v", creds)
	}
}

// TestAuthRefusals: settings that would leave the API open, or keys that
// cannot be used, stop the server with a message that never quotes a
// secret.
func TestAuthRefusals(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("AKIAGOGNITOADMIN0001:topsecret\n"), 0o644)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("AKIAGOGNITOADMIN0001 topsecret\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:9229"}, nil, "refusing to serve the API on 0.0.0.0:9229 without request signing"},
		{[]string{"--listen", ":9229"}, nil, "--allow-unsigned-remote"},
		{[]string{"--listen", "192.168.1.10:9229", "--auth", "none", "--credentials", "AKIAGOGNITOADMIN0001:topsecret"}, nil, "refusing to serve"},
		{[]string{"--listen", "gognito.example:9229"}, nil, "refusing to serve"},
		{[]string{"--auth", "sigv4"}, nil, "auth sigv4 needs access keys"},
		{[]string{"--auth", "iam"}, nil, `auth "iam": want sigv4, none or auto`},
		{[]string{"--credentials-file", open}, nil, "readable or writable by group or others (mode 0644): chmod 600 it"},
		{[]string{"--credentials-file", bad}, nil, "line 1: want ACCESS_KEY_ID:SECRET_ACCESS_KEY"},
		{[]string{"--credentials-file", empty}, nil, "holds no access key"},
		{[]string{"--credentials-file", filepath.Join(dir, "missing")}, nil, "no such file"},
		{nil, map[string]string{"GOGNITO_CREDENTIALS": "AKIA/SLASH:topsecret"}, "item 1: the access key id must be"},
		{nil, map[string]string{"GOGNITO_CREDENTIALS": "AKIAONE:topsecret,AKIAONE:topsecret"}, "AKIAONE is given twice"},
		{nil, map[string]string{"GOGNITO_CREDENTIALS": "AKIAONE:top secret"}, "printable ASCII without spaces"},
	}
	for _, c := range cases {
		_, err := Load("serve", c.args, env(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: want %q, got %v", c.args, c.env, c.want, err)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%v: the error quotes the secret: %v", c.args, err)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:9229": true, "127.1.2.3:1": true, "[::1]:9229": true, "localhost:9229": true, "LOCALHOST:1": true,
		"0.0.0.0:9229": false, ":9229": false, "[::]:9229": false, "10.0.0.1:9229": false, "example.com:9229": false, "nonsense": false,
	} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}
