package config

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
)

// Values of the auth setting.
const (
	AuthAuto  = "auto"  // sigv4 when credentials are configured, else none
	AuthSigV4 = "sigv4" // IAM-authorised operations need a valid signature
	AuthNone  = "none"  // nothing is checked (local development)
)

// Credential is one access key that may sign requests to the API listener.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey Secret
}

// SignaturesRequired reports whether IAM-authorised operations need a valid
// SigV4 signature: auth sigv4, or auth auto with credentials configured.
func (c *Config) SignaturesRequired() bool {
	switch c.Auth {
	case AuthSigV4:
		return true
	case AuthNone:
		return false
	}
	return c.hasCredentials()
}

func (c *Config) hasCredentials() bool { return c.CredentialsFile != "" || c.Credentials != "" }

// accessKeyRE: AWS's access key ids are word characters (16 to 128 of them;
// shorter ones are accepted for local set-ups). A slash would break the
// credential scope.
var accessKeyRE = regexp.MustCompile(`^\w{1,128}$`)

// APICredentials reads the configured access keys: those of the credentials
// file, then those of the credentials setting. Its errors never quote a
// secret.
func (c *Config) APICredentials() ([]Credential, error) {
	var creds []Credential
	if c.CredentialsFile != "" {
		fromFile, err := readCredentialsFile(c.CredentialsFile)
		if err != nil {
			return nil, err
		}
		creds = append(creds, fromFile...)
	}
	if c.Credentials != "" {
		for i, item := range strings.Split(c.Credentials.Reveal(), ",") {
			cred, err := parseCredential(item)
			if err != nil {
				return nil, fmt.Errorf("credentials, item %d: %w", i+1, err)
			}
			creds = append(creds, cred)
		}
	}
	seen := map[string]bool{}
	for _, cr := range creds {
		if seen[cr.AccessKeyID] {
			return nil, fmt.Errorf("credentials: access key id %s is given twice", cr.AccessKeyID)
		}
		seen[cr.AccessKeyID] = true
	}
	return creds, nil
}

// readCredentialsFile reads ACCESS_KEY_ID:SECRET_ACCESS_KEY lines; blank
// lines and lines starting with # are skipped. The file must not be
// readable by group or others.
func readCredentialsFile(path string) ([]Credential, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("credentials file %s is readable or writable by group or others (mode %04o): chmod 600 it", path, perm)
	}
	var creds []Credential
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cred, err := parseCredential(line)
		if err != nil {
			return nil, fmt.Errorf("credentials file %s, line %d: %w", path, n, err)
		}
		creds = append(creds, cred)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	if len(creds) == 0 {
		return nil, fmt.Errorf("credentials file %s holds no access key", path)
	}
	return creds, nil
}

// parseCredential reads "ACCESS_KEY_ID:SECRET_ACCESS_KEY".
func parseCredential(s string) (Credential, error) {
	id, secret, ok := strings.Cut(strings.TrimSpace(s), ":")
	id, secret = strings.TrimSpace(id), strings.TrimSpace(secret)
	switch {
	case !ok || id == "" || secret == "":
		return Credential{}, errors.New("want ACCESS_KEY_ID:SECRET_ACCESS_KEY")
	case !accessKeyRE.MatchString(id):
		return Credential{}, errors.New("the access key id must be 1 to 128 letters, digits or underscores")
	case strings.ContainsFunc(secret, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == ',' }):
		return Credential{}, errors.New("the secret access key must be printable ASCII without spaces or commas")
	}
	return Credential{AccessKeyID: id, SecretAccessKey: Secret(secret)}, nil
}

// IsLoopback reports whether a listen address (host:port) only accepts
// connections from this machine: a loopback IP or "localhost". An empty host
// or an unspecified address (0.0.0.0, ::) listens everywhere.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// UnsignedRemoteError is why a server without signatures refuses to serve
// the API on a non-loopback address.
func UnsignedRemoteError(addr string) error {
	return fmt.Errorf("refusing to serve the API on %s without request signing: anyone who reaches it could administer every user pool. "+
		"Configure access keys (--credentials-file or GOGNITO_CREDENTIALS) to require SigV4 signatures, listen on a loopback address (127.0.0.1), "+
		"or pass --allow-unsigned-remote if this network is trusted", addr)
}

// validateAuth checks the signing settings, and reads the credentials so
// that a bad file stops the server before it starts.
func (c *Config) validateAuth() []error {
	var errs []error
	switch c.Auth {
	case AuthAuto, AuthSigV4, AuthNone:
	default:
		return []error{fmt.Errorf("auth %q: want sigv4, none or auto", c.Auth)}
	}
	if c.Auth == AuthSigV4 && !c.hasCredentials() {
		errs = append(errs, errors.New("auth sigv4 needs access keys: set --credentials-file or GOGNITO_CREDENTIALS"))
	}
	if c.hasCredentials() {
		if _, err := c.APICredentials(); err != nil {
			errs = append(errs, err)
		}
	}
	if !c.SignaturesRequired() && !c.AllowUnsignedRemote && !IsLoopback(c.Listen) {
		errs = append(errs, UnsignedRemoteError(c.Listen))
	}
	return errs
}
