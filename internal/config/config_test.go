package config

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9229" || c.TLSListen != "127.0.0.1:9443" || c.DataDir != "./data" ||
		c.Region != "us-east-1" || c.AccountID != "000000000000" || c.CustomDomainQuota != 4 || c.CheckParentDNS {
		t.Fatalf("defaults: %+v", c)
	}
	if got := c.DatabaseDSN(); got != filepath.Join("data", "gognito.db") {
		t.Fatalf("dsn %q", got)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "g.toml")
	os.WriteFile(f, []byte("region = \"eu-west-1\"\naccount-id = \"111111111111\"\nlisten = \"127.0.0.1:1\"\nshutdown-timeout = \"3s\"\n"), 0o600)
	c, err := Load("serve", []string{"--config", f, "--listen", "127.0.0.1:3", "--check-parent-dns"},
		env(map[string]string{"GOGNITO_ACCOUNT_ID": "222222222222", "GOGNITO_LISTEN": "127.0.0.1:2"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "eu-west-1" || c.AccountID != "222222222222" || c.Listen != "127.0.0.1:3" || c.ShutdownTimeout != 3*time.Second || !c.CheckParentDNS {
		t.Fatalf("precedence wrong: %+v", c)
	}
}

func TestRejects(t *testing.T) {
	for _, args := range [][]string{
		{"--region", "nowhere"},
		{"--account-id", "12"},
		{"--listen", "no-port"},
		{"--log-format", "xml"},
		{"--max-body-bytes", "x"},
		{"stray"},
	} {
		if _, err := Load("serve", args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	f := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(f, []byte("nosuchkey = 1\n"), 0o600)
	if _, err := Load("serve", []string{"--config", f}, env(nil), io.Discard); err == nil {
		t.Error("unknown config key accepted")
	}
}
