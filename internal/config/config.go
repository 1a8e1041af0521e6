package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gognito/gognito/internal/ratelimit"
)

// Config is the whole configuration of a gognito server.
type Config struct {
	Listen          string        `toml:"listen"`
	TLSListen       string        `toml:"tls-listen"`
	DataDir         string        `toml:"data-dir"`
	Database        string        `toml:"database"`
	SecretKeyFile   string        `toml:"secret-key-file"`
	Region          string        `toml:"region"`
	AccountID       string        `toml:"account-id"`
	PublicURL       string        `toml:"public-url"`
	BaseDomain      string        `toml:"base-domain"`
	AllowedHosts    string        `toml:"allowed-hosts"`
	LogLevel        string        `toml:"log-level"`
	LogFormat       string        `toml:"log-format"`
	MaxBodyBytes    int64         `toml:"max-body-bytes"`
	RateLimits      string        `toml:"rate-limits"`
	ShutdownTimeout time.Duration `toml:"shutdown-timeout"`
	// ReadTimeout bounds the reading of a whole request, body included;
	// MaxConnsPerClient bounds the open connections of one client address
	// on each listener (0: no bound).
	ReadTimeout       time.Duration `toml:"read-timeout"`
	MaxConnsPerClient int64         `toml:"max-conns-per-client"`

	// ProvisionedLimitFactor bounds UpdateProvisionedLimit: a category may
	// be provisioned at up to this many times Cognito's default rate.
	ProvisionedLimitFactor int64 `toml:"provisioned-limit-factor"`

	// User pool domains and the TLS edge.
	CustomDomainQuota      int64         `toml:"custom-domain-quota"`
	DomainPropagationDelay time.Duration `toml:"domain-propagation-delay"`
	CheckParentDNS         bool          `toml:"check-parent-dns"`
	CloudFrontSuffix       string        `toml:"cloudfront-suffix"`
	// NodeTimeout is how long a node of a shared database may be silent
	// before the others count it gone: it holds no change back any more,
	// and a Region without a live node fails its domains over.
	NodeTimeout time.Duration `toml:"node-timeout"`

	// Certificates the local CA issues for RequestCertificate.
	IssuedCertValidity time.Duration `toml:"issued-cert-validity"`
	IssuedCertRenew    time.Duration `toml:"issued-cert-renew-before"`

	// Signing-key rotation: a new key is in the JWKS KeyPublishDelay
	// before it signs; KeyRotationInterval (0: off) rotates every pool's
	// keys that often (gognito keys rotate does it by hand).
	KeyPublishDelay     time.Duration `toml:"key-publish-delay"`
	KeyRotationInterval time.Duration `toml:"key-rotation-interval"`

	// OutboxPublic serves /_gognito/outbox to every peer, not only loopback.
	OutboxPublic bool `toml:"outbox-public"`

	// Email delivery over SMTP, on when SMTPHost is set. Messages always go
	// to the outbox as well.
	SMTPHost     string `toml:"smtp-host"`
	SMTPPort     int64  `toml:"smtp-port"`
	SMTPUsername string `toml:"smtp-username"`
	SMTPPassword Secret `toml:"smtp-password"`
	SMTPFrom     string `toml:"smtp-from"`
	SMTPStartTLS string `toml:"smtp-starttls"`

	// Request signing (SigV4) on the API listener: see auth.go.
	Auth                string `toml:"auth"`
	CredentialsFile     string `toml:"credentials-file"`
	Credentials         Secret `toml:"credentials"`
	AllowUnsignedRemote bool   `toml:"allow-unsigned-remote"`
	// Lambda triggers, called through the AWS Lambda Invoke API.
	LambdaEndpoint        string        `toml:"lambda-endpoint"`
	LambdaAccessKeyID     string        `toml:"lambda-access-key-id"`
	LambdaSecretAccessKey Secret        `toml:"lambda-secret-access-key"`
	LambdaTimeout         time.Duration `toml:"lambda-timeout"`
	LambdaInvokeByName    bool          `toml:"lambda-invoke-by-name"`

	// FederationEndpoints names a JSON file that overrides the endpoints of
	// the social identity provider types (docs/federation.md).
	FederationEndpoints string `toml:"federation-endpoints"`
}

// Secret is a setting that must never be shown: it prints, logs and
// marshals as "[REDACTED]" (empty when unset). Reveal gives its value to the
// code that needs it.
type Secret string

const redacted = "[REDACTED]"

// Reveal is the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// LogValue hides the value from log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText hides the value from encoders (JSON, TOML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText sets the value (from the TOML config file).
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

// Default is the configuration with nothing set.
func Default() Config {
	return Config{
		Listen:          "127.0.0.1:9229",
		TLSListen:       "127.0.0.1:9443",
		DataDir:         "./data",
		Region:          "us-east-1",
		AccountID:       "000000000000",
		BaseDomain:      "localhost",
		LogLevel:        "info",
		LogFormat:       "text",
		MaxBodyBytes:    1 << 20,
		ShutdownTimeout: 15 * time.Second,
		ReadTimeout:     30 * time.Second,
		NodeTimeout:     10 * time.Second,

		MaxConnsPerClient: 256,

		ProvisionedLimitFactor: ratelimit.DefaultMaxFactor,

		CustomDomainQuota: 4,
		CloudFrontSuffix:  ".cloudfront.net",

		IssuedCertValidity: 395 * 24 * time.Hour,
		IssuedCertRenew:    60 * 24 * time.Hour,

		KeyPublishDelay: 15 * time.Minute,

		SMTPPort:     587,
		SMTPFrom:     "no-reply@verificationemail.com", // Cognito's own sender
		SMTPStartTLS: "required",

		Auth:          AuthAuto,
		LambdaTimeout: 5 * time.Second, // Cognito's
	}
}

type setting struct {
	name  string
	usage string
	str   *string
	i64   *int64
	dur   *time.Duration
	b     *bool
	sec   *Secret
}

func (c *Config) settings() []setting {
	return []setting{
		{name: "listen", usage: "address of the API listener (cognito-idp, acm, issuer endpoints, hosted UI by Host)", str: &c.Listen},
		{name: "tls-listen", usage: "address of the HTTPS edge that serves user pool domains", str: &c.TLSListen},
		{name: "data-dir", usage: "directory for the embedded database and keys", str: &c.DataDir},
		{name: "database", usage: "database DSN (default: SQLite file gognito.db in the data directory)", str: &c.Database},
		{name: "secret-key-file", usage: "key that seals private keys and secrets at rest; every node of one database needs the same file (default: secret.key in the data directory)", str: &c.SecretKeyFile},
		{name: "region", usage: "this node's AWS Region: the Region of requests that carry no SigV4 credential scope (sign-in, hosted pages), where user pools with a replica here act as SECONDARY, and where failover routing sends custom domains", str: &c.Region},
		{name: "account-id", usage: "AWS account id shown in ARNs", str: &c.AccountID},
		{name: "public-url", usage: "URL clients reach the API listener at (default http://<listen>)", str: &c.PublicURL},
		{name: "allowed-hosts", usage: "more host names the API listener answers to, comma-separated (it always answers to its listen address, the public URL's host, IP addresses, localhost names and user pool domains; other Host headers are refused against DNS rebinding)", str: &c.AllowedHosts},
		{name: "base-domain", usage: "parent of prefix domains: <prefix>.auth.<region>.<base-domain>", str: &c.BaseDomain},
		{name: "log-level", usage: "debug, info, warn or error", str: &c.LogLevel},
		{name: "log-format", usage: "text or json", str: &c.LogFormat},
		{name: "max-body-bytes", usage: "largest request body accepted", i64: &c.MaxBodyBytes},
		{name: "rate-limits", usage: "request-rate quotas by Cognito category: off, cognito (Cognito's defaults, e.g. UserAuthentication=120/s), or Category=RPS items after an optional cognito, e.g. cognito,UserList=10; HostedUI limits each user pool domain (500/s, 300/s per source IP)", str: &c.RateLimits},
		{name: "provisioned-limit-factor", usage: "highest rate UpdateProvisionedLimit accepts, as a multiple of the category's Cognito default (Cognito's account-level maximum in Service Quotas); above it ServiceQuotaExceededException", i64: &c.ProvisionedLimitFactor},
		{name: "read-timeout", usage: "how long reading one request (headers and body) may take on either listener; a slower client is cut off", dur: &c.ReadTimeout},
		{name: "max-conns-per-client", usage: "open connections one client address may hold on each listener (0: no bound); more are closed at once", i64: &c.MaxConnsPerClient},
		{name: "shutdown-timeout", usage: "how long in-flight requests may take to finish on SIGINT/SIGTERM", dur: &c.ShutdownTimeout},
		{name: "custom-domain-quota", usage: "custom domains per Region (Cognito's quota is 4)", i64: &c.CustomDomainQuota},
		{name: "domain-propagation-delay", usage: "how long a created or updated domain stays CREATING/UPDATING at least (to exercise wait loops)", dur: &c.DomainPropagationDelay},
		{name: "check-parent-dns", usage: "require a DNS A record on a custom domain's parent, as Cognito does (off for local use)", b: &c.CheckParentDNS},
		{name: "node-timeout", usage: "how long a node of a shared database may be silent before the others count it gone (at least 2s); a Region without a live node fails over its domains' Routing.Failover within node-timeout + 2s", dur: &c.NodeTimeout},
		{name: "cloudfront-suffix", usage: "suffix of the CloudFront domain names reported for user pool domains", str: &c.CloudFrontSuffix},
		{name: "issued-cert-validity", usage: "validity of certificates the local CA issues for RequestCertificate (ACM's is 395 days)", dur: &c.IssuedCertValidity},
		{name: "outbox-public", usage: "serve /_gognito/outbox (codes, temporary passwords) to every peer, not only loopback ones", b: &c.OutboxPublic},
		{name: "issued-cert-renew-before", usage: "renew certificates the local CA issued this long before they expire (ACM: 60 days)", dur: &c.IssuedCertRenew},
		{name: "key-publish-delay", usage: "how long a new signing key is in a pool's JWKS before it signs (gognito keys rotate, key-rotation-interval): longer than relying parties cache the JWKS (served with max-age=300)", dur: &c.KeyPublishDelay},
		{name: "key-rotation-interval", usage: "rotate every user pool's signing keys this often (0: never; by hand: gognito keys rotate); the old keys verify until their last tokens expire (24 h after they stop signing)", dur: &c.KeyRotationInterval},
		{name: "smtp-host", usage: "SMTP relay that email (codes, temporary passwords) is also sent through; empty: the outbox only", str: &c.SMTPHost},
		{name: "smtp-port", usage: "port of the SMTP relay (587: submission with STARTTLS)", i64: &c.SMTPPort},
		{name: "smtp-username", usage: "user for AUTH PLAIN at the SMTP relay; empty: no AUTH", str: &c.SMTPUsername},
		{name: "smtp-password", usage: "SECRET: password for AUTH PLAIN at the SMTP relay, never printed; prefer the environment variable or the config file to the flag, which other local users can see", sec: &c.SMTPPassword},
		{name: "smtp-from", usage: "sender of email (Cognito's default is no-reply@verificationemail.com)", str: &c.SMTPFrom},
		{name: "smtp-starttls", usage: "required (refuse relays without STARTTLS), opportunistic (STARTTLS when offered) or off; credentials are never sent unencrypted except to localhost", str: &c.SMTPStartTLS},
		{name: "auth", usage: "request signing on the API listener: sigv4 (IAM-authorised operations need a valid SigV4 signature from the configured credentials), none (no signatures checked: local development only), or auto (sigv4 when credentials are configured, else none)", str: &c.Auth},
		{name: "credentials-file", usage: "file of the access keys that may sign requests, one ACCESS_KEY_ID:SECRET_ACCESS_KEY per line (# comments); must not be readable by group or others", str: &c.CredentialsFile},
		{name: "credentials", usage: "SECRET: access keys that may sign requests, ACCESS_KEY_ID:SECRET_ACCESS_KEY[,...], never printed; prefer the environment variable or the credentials file to the flag, which other local users can see", sec: &c.Credentials},
		{name: "allow-unsigned-remote", usage: "with auth none, serve the API on a non-loopback address all the same (anyone who reaches it can administer every user pool)", b: &c.AllowUnsignedRemote},
		{name: "federation-endpoints", usage: "JSON file overriding the endpoints of identity provider types, e.g. {\"Google\": {\"oidc_issuer\": \"http://127.0.0.1:9998\"}} (docs/federation.md)", str: &c.FederationEndpoints},
		{name: "lambda-endpoint", usage: "base URL of the AWS Lambda Invoke API that Lambda triggers are called at (sam local start-lambda, LocalStack...); empty: https://lambda.<region>.amazonaws.com of each function's ARN", str: &c.LambdaEndpoint},
		{name: "lambda-access-key-id", usage: "access key id that signs (SigV4) Lambda Invoke requests; empty: requests are not signed", str: &c.LambdaAccessKeyID},
		{name: "lambda-secret-access-key", usage: "SECRET: secret access key that signs Lambda Invoke requests, never printed", sec: &c.LambdaSecretAccessKey},
		{name: "lambda-timeout", usage: "how long a Lambda trigger may take (Cognito's is 5s)", dur: &c.LambdaTimeout},
		{name: "lambda-invoke-by-name", usage: "invoke functions by name (the ARN's last part; a version or alias goes as Qualifier) rather than by ARN, for sam local start-lambda, which knows functions by name only", b: &c.LambdaInvokeByName},
	}
}

// HostAllowed reports whether host (without a port) is one of the names
// the API listener answers to besides user pool domains: the listen
// address's and the public URL's hosts, --allowed-hosts, names under the
// base domain, localhost names and IP addresses. Any other Host header is a
// name that resolves to gognito without being gognito's (DNS rebinding).
func (c Config) HostAllowed(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" || net.ParseIP(host) != nil || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	names := strings.Split(c.AllowedHosts, ",")
	if h, _, err := net.SplitHostPort(c.Listen); err == nil {
		names = append(names, h)
	}
	if u, err := url.Parse(c.PublicURL); err == nil && c.PublicURL != "" {
		names = append(names, u.Hostname())
	}
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && n == host {
			return true
		}
	}
	base := strings.ToLower(strings.Trim(c.BaseDomain, "."))
	return base != "" && strings.HasSuffix(host, "."+base)
}

// EnvName is the environment variable of a setting.
func EnvName(setting string) string {
	return "GOGNITO_" + strings.ToUpper(strings.ReplaceAll(setting, "-", "_"))
}

// Load reads the configuration for a command: defaults, then the config file
// (--config or GOGNITO_CONFIG), then GOGNITO_* variables, then flags.
func Load(cmd string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet("gognito "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configFile := fs.String("config", getenv("GOGNITO_CONFIG"), "optional TOML config file (keys as the flag names)")
	// Flags are registered on a scratch copy: their defaults shown in --help
	// are the built-in ones, and only flags actually given are applied last.
	scratch := Default()
	for _, s := range scratch.settings() {
		help := fmt.Sprintf("%s (env %s)", s.usage, EnvName(s.name))
		switch {
		case s.str != nil:
			fs.String(s.name, *s.str, help)
		case s.i64 != nil:
			fs.Int64(s.name, *s.i64, help)
		case s.dur != nil:
			fs.Duration(s.name, *s.dur, help)
		case s.b != nil:
			fs.Bool(s.name, *s.b, help)
		case s.sec != nil:
			fs.String(s.name, "", help) // no default is ever shown
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gognito %s [flags]\n\nFlags:\n", cmd)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *configFile != "" {
		md, err := toml.DecodeFile(*configFile, &c)
		if err != nil {
			return c, fmt.Errorf("config file %s: %w", *configFile, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return c, fmt.Errorf("config file %s: unknown key %q", *configFile, und[0].String())
		}
	}
	for _, s := range c.settings() {
		if v := getenv(EnvName(s.name)); v != "" {
			if err := s.set(v); err != nil {
				return c, fmt.Errorf("%s: %w", EnvName(s.name), err)
			}
		}
	}
	var ferr error
	fs.Visit(func(f *flag.Flag) {
		for _, s := range c.settings() {
			if s.name == f.Name {
				if err := s.set(f.Value.String()); err != nil && ferr == nil {
					ferr = fmt.Errorf("--%s: %w", f.Name, err)
				}
			}
		}
	})
	if ferr != nil {
		return c, ferr
	}
	return c, c.validate()
}

func (s setting) set(v string) error {
	switch {
	case s.str != nil:
		*s.str = v
	case s.i64 != nil:
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return fmt.Errorf("not a number: %q", v)
		}
		*s.i64 = n
	case s.dur != nil:
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*s.dur = d
	case s.b != nil:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", v)
		}
		*s.b = b
	case s.sec != nil:
		*s.sec = Secret(v)
	}
	return nil
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	accountRE = regexp.MustCompile(`^\d{12}$`)
)

func (c *Config) validate() error {
	var errs []error
	if !regionRE.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q is not an AWS Region name", c.Region))
	}
	if !accountRE.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account id %q must be 12 digits", c.AccountID))
	}
	for _, a := range []struct{ name, v string }{{"listen", c.Listen}, {"tls-listen", c.TLSListen}} {
		if a.v == "" && a.name == "tls-listen" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.v); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", a.name, a.v, err))
		}
	}
	if c.IssuedCertValidity < time.Minute || c.IssuedCertRenew < 0 {
		errs = append(errs, errors.New("issued-cert-validity must be at least a minute and issued-cert-renew-before not negative"))
	}
	if c.NodeTimeout < 2*time.Second {
		errs = append(errs, errors.New("node-timeout must be at least 2s"))
	}
	if c.CustomDomainQuota < 0 || c.DomainPropagationDelay < 0 {
		errs = append(errs, errors.New("custom-domain-quota and domain-propagation-delay must not be negative"))
	}
	if c.KeyPublishDelay < 0 || c.KeyRotationInterval < 0 || (c.KeyRotationInterval > 0 && c.KeyRotationInterval <= c.KeyPublishDelay) {
		errs = append(errs, errors.New("key-publish-delay and key-rotation-interval must not be negative, and a key-rotation-interval must be longer than the key-publish-delay"))
	}
	if c.ReadTimeout < 0 || c.MaxConnsPerClient < 0 {
		errs = append(errs, errors.New("read-timeout and max-conns-per-client must not be negative"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-body-bytes %d is too small", c.MaxBodyBytes))
	}
	if _, err := ratelimit.ParseRates(c.RateLimits); err != nil {
		errs = append(errs, err)
	}
	if c.ProvisionedLimitFactor < 1 {
		errs = append(errs, fmt.Errorf("provisioned-limit-factor %d: want 1 or more", c.ProvisionedLimitFactor))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	errs = append(errs, c.validateSMTP()...)
	errs = append(errs, c.validateAuth()...)
	errs = append(errs, c.validateLambda()...)
	return errors.Join(errs...)
}

// validateSMTP checks the SMTP settings. Its errors never quote the
// password.
func (c *Config) validateSMTP() []error {
	var errs []error
	switch c.SMTPStartTLS {
	case "required", "opportunistic", "off":
	default:
		errs = append(errs, fmt.Errorf("smtp-starttls %q: want required, opportunistic or off", c.SMTPStartTLS))
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("smtp-port %d: want 1 to 65535", c.SMTPPort))
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		errs = append(errs, fmt.Errorf("smtp-from %q is not an email address: %w", c.SMTPFrom, err))
	}
	host := strings.TrimSuffix(strings.TrimPrefix(c.SMTPHost, "["), "]")
	if c.SMTPHost != "" && net.ParseIP(host) == nil && strings.ContainsFunc(host, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(":/@[]", r)
	}) {
		errs = append(errs, fmt.Errorf("smtp-host %q: want a host name or IP address (the port is smtp-port)", c.SMTPHost))
	}
	if c.SMTPPassword != "" && c.SMTPUsername == "" {
		errs = append(errs, errors.New("smtp-password is set but smtp-username is not"))
	}
	if strings.ContainsAny(c.SMTPUsername, "\x00\r\n") || strings.ContainsAny(c.SMTPPassword.Reveal(), "\x00\r\n") {
		errs = append(errs, errors.New("smtp-username and smtp-password must not contain NUL or line breaks"))
	}
	local := host == "localhost" || host == "127.0.0.1" || host == "::1"
	if c.SMTPHost != "" && c.SMTPUsername != "" && c.SMTPStartTLS == "off" && !local {
		errs = append(errs, errors.New("smtp-username with smtp-starttls off: credentials are never sent over an unencrypted connection (except to localhost), so they would never be used"))
	}
	return errs
}

// validateLambda checks the Lambda trigger settings. Its errors never quote
// the secret key.
func (c *Config) validateLambda() []error {
	var errs []error
	if c.LambdaEndpoint != "" {
		u, err := url.Parse(c.LambdaEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("lambda-endpoint %q: want an http or https URL", c.LambdaEndpoint))
		}
	}
	if (c.LambdaAccessKeyID == "") != (c.LambdaSecretAccessKey == "") {
		errs = append(errs, errors.New("lambda-access-key-id and lambda-secret-access-key go together"))
	}
	if c.LambdaTimeout <= 0 {
		errs = append(errs, errors.New("lambda-timeout must be positive"))
	}
	return errs
}

// DatabaseDSN is the database to open: the configured DSN or the SQLite file
// in the data directory.
func (c *Config) DatabaseDSN() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "gognito.db")
}

// SecretKeyPath is the key file that seals secrets at rest: the configured
// file or secret.key in the data directory.
func (c *Config) SecretKeyPath() string {
	if c.SecretKeyFile != "" {
		return c.SecretKeyFile
	}
	return filepath.Join(c.DataDir, "secret.key")
}

// DirWarning is a warning when group or others have any permission on dir,
// a directory of gognito's data (the SQLite database, the secret key), or ""
// when they have none or dir cannot be read. The files gognito creates there
// are 0600 whatever the directory's mode, but a directory others may enter
// shows them the names, and one they may write lets them replace the files.
func DirWarning(dir string) string {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return ""
	}
	perm := info.Mode().Perm()
	if perm&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("data directory %s has mode %04o: group or others may list it (and, where they may write to it, replace its files); chmod 700 %s", dir, perm, dir)
}

// EnvLookup is os.Getenv, for callers that want the process environment.
func EnvLookup(k string) string { return os.Getenv(k) }
