package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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
		{"--rate-limits", "UserList"},
		{"--rate-limits", "NoSuchCategory=3"},
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

func TestSMTPSettings(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "" || c.SMTPPort != 587 || c.SMTPUsername != "" || c.SMTPPassword != "" ||
		c.SMTPFrom != "no-reply@verificationemail.com" || c.SMTPStartTLS != "required" {
		t.Fatalf("SMTP defaults: %+v", c)
	}

	// Precedence: defaults < config file < GOGNITO_* < flags.
	f := filepath.Join(t.TempDir(), "g.toml")
	os.WriteFile(f, []byte(`smtp-host = "file.example.com"
smtp-port = 2525
smtp-username = "file-user"
smtp-password = "file-secret"
smtp-from = "File <file@example.com>"
smtp-starttls = "opportunistic"
`), 0o600)
	c, err = Load("serve", []string{"--config", f}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "file.example.com" || c.SMTPPort != 2525 || c.SMTPUsername != "file-user" ||
		c.SMTPPassword.Reveal() != "file-secret" || c.SMTPFrom != "File <file@example.com>" || c.SMTPStartTLS != "opportunistic" {
		t.Fatalf("from the file: %+v", c)
	}
	c, err = Load("serve", []string{"--config", f, "--smtp-port", "465", "--smtp-password", "flag-secret"},
		env(map[string]string{
			"GOGNITO_SMTP_HOST": "env.example.com", "GOGNITO_SMTP_PORT": "25", "GOGNITO_SMTP_PASSWORD": "env-secret",
			"GOGNITO_SMTP_STARTTLS": "required",
		}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "env.example.com" || c.SMTPPort != 465 || c.SMTPUsername != "file-user" ||
		c.SMTPPassword.Reveal() != "flag-secret" || c.SMTPStartTLS != "required" {
		t.Fatalf("precedence wrong: %+v", c)
	}
	c, err = Load("serve", []string{"--config", f}, env(map[string]string{"GOGNITO_SMTP_PASSWORD": "env-secret"}), io.Discard)
	if err != nil || c.SMTPPassword.Reveal() != "env-secret" {
		t.Fatalf("env over file: %v %v", err, c.SMTPPassword.Reveal() == "env-secret")
	}
}

func TestSMTPRejects(t *testing.T) {
	for _, args := range [][]string{
		{"--smtp-starttls", "sometimes"},
		{"--smtp-starttls", ""},
		{"--smtp-port", "0"},
		{"--smtp-port", "65536"},
		{"--smtp-port", "x"},
		{"--smtp-from", "not an address"},
		{"--smtp-host", "smtp.example.com:587"},
		{"--smtp-host", "smtp example.com"},
		{"--smtp-host", "smtp.example.com", "--smtp-password", "p"},
		{"--smtp-host", "smtp.example.com", "--smtp-username", "u", "--smtp-starttls", "off"},
	} {
		if _, err := Load("serve", args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for _, args := range [][]string{
		{"--smtp-host", "smtp.example.com", "--smtp-username", "u", "--smtp-password", "p"},
		{"--smtp-host", "localhost", "--smtp-port", "1025", "--smtp-username", "u", "--smtp-starttls", "off"},
		{"--smtp-host", "::1", "--smtp-starttls", "opportunistic"},
		{"--smtp-host", "192.0.2.10", "--smtp-from", "Example <no-reply@example.com>"},
	} {
		if _, err := Load("serve", args, env(nil), io.Discard); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestSMTPPasswordNeverPrinted(t *testing.T) {
	const pw = "Sup3r-Secret-Relay-Password"
	var help bytes.Buffer
	Load("serve", []string{"--help"}, env(map[string]string{"GOGNITO_SMTP_PASSWORD": pw}), &help)
	if !strings.Contains(help.String(), "smtp-password") || !strings.Contains(help.String(), "SECRET") {
		t.Errorf("--help does not describe smtp-password as secret:\n%s", help.String())
	}

	c, err := Load("serve", []string{"--smtp-host", "smtp.example.com", "--smtp-username", "u"},
		env(map[string]string{"GOGNITO_SMTP_PASSWORD": pw}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPassword.Reveal() != pw {
		t.Fatal("password not loaded")
	}
	var out bytes.Buffer
	out.WriteString(help.String())
	fmt.Fprintf(&out, "%v %+v %#v %s %v %#v\n", c, c, c, c.SMTPPassword, &c, c.SMTPPassword)
	js, _ := json.Marshal(c)
	out.Write(js)
	slog.New(slog.NewTextHandler(&out, nil)).Info("config", "config", c, "password", c.SMTPPassword)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("config", "config", c)
	if strings.Contains(out.String(), pw) {
		t.Errorf("the password was printed:\n%s", out.String())
	}
	if !strings.Contains(fmt.Sprint(c.SMTPPassword), "[REDACTED]") || fmt.Sprint(Secret("")) != "" {
		t.Error("Secret does not show that it is redacted")
	}

	// Errors about other settings do not carry it either.
	_, err = Load("serve", []string{"--smtp-starttls", "nope", "--smtp-password", pw}, env(nil), io.Discard)
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("err = %v", err)
	}
}
