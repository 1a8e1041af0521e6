package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
)

// Algorithm is the only signing algorithm the services accept.
const Algorithm = "AWS4-HMAC-SHA256"

// MaxSkew is how far the request time may be from the server's clock.
const MaxSkew = 5 * time.Minute

// timeFormat is the ISO 8601 basic format of X-Amz-Date.
const timeFormat = "20060102T150405Z"

// Messages AWS answers with.
const (
	msgMissingToken    = "Missing Authentication Token"
	msgUnknownKey      = "The security token included in the request is invalid."
	msgSignatureDiffer = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// Key is one access key the server accepts. Its secret never prints.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
}

// String shows the access key id only.
func (k Key) String() string { return k.AccessKeyID + ":[REDACTED]" }

// GoString hides the secret from %#v.
func (k Key) GoString() string { return "sigv4.Key{" + k.String() + "}" }

// LogValue hides the secret from log/slog.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", k.AccessKeyID), slog.String("secret_access_key", "[REDACTED]"))
}

// Verifier checks the signatures of requests against its keys.
type Verifier struct {
	secrets map[string][]byte // access key id → "AWS4" + secret
	clock   clock.Clock
}

// Options configure a verifier.
type Options struct {
	// Clock is what the request time is checked against (the system
	// clock when nil).
	Clock clock.Clock
}

// New builds a verifier that accepts the keys. A later key with the same id
// replaces an earlier one (the configuration refuses duplicates).
func New(keys []Key, o Options) *Verifier {
	v := &Verifier{secrets: make(map[string][]byte, len(keys)), clock: clock.Or(o.Clock)}
	for _, k := range keys {
		v.secrets[k.AccessKeyID] = []byte("AWS4" + k.SecretAccessKey)
	}
	return v
}

// Identity is who signed a request, and the Region of its credential scope.
type Identity struct {
	AccessKeyID string
	Region      string
}

// authorization is a parsed Authorization header.
type authorization struct {
	accessKeyID                 string
	date, region, service, term string // the credential scope
	signedHeaders               []string
	signature                   string
}

// Verify checks that r, whose body is body, is signed for service with one
// of the verifier's keys. Its errors are *awserr.Error values to answer with.
func (v *Verifier) Verify(r *http.Request, body []byte, service string) (Identity, error) {
	header := r.Header.Get("Authorization")
	if strings.TrimSpace(header) == "" {
		return Identity{}, awserr.New(awserr.MissingAuthenticationToken, msgMissingToken)
	}
	stamp, amzDate, dateErr := requestTime(r)
	auth, err := parseAuthorization(header, dateErr == errNoDate)
	if err != nil {
		return Identity{}, err
	}
	if dateErr != nil {
		return Identity{}, dateErr
	}
	if err := auth.checkCovered(r); err != nil {
		return Identity{}, err
	}
	if err := auth.checkScope(service, stamp, amzDate); err != nil {
		return Identity{}, err
	}
	if err := checkSkew(stamp, v.clock.Now().UTC()); err != nil {
		return Identity{}, err
	}
	secret, ok := v.secrets[auth.accessKeyID]
	if !ok {
		return Identity{}, awserr.New(awserr.UnrecognizedClient, msgUnknownKey)
	}
	scope := auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.term
	canonical := CanonicalRequest(r, auth.signedHeaders, body)
	toSign := Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
	key := hmacSHA256(secret, auth.date)
	for _, part := range []string{auth.region, auth.service, auth.term} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return Identity{}, awserr.New(awserr.InvalidSignature, msgSignatureDiffer)
	}
	return Identity{AccessKeyID: auth.accessKeyID, Region: auth.region}, nil
}

// errNoDate is the request time error of a request with neither X-Amz-Date
// nor Date; parseAuthorization words it together with what else is missing.
var errNoDate = awserr.New(awserr.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")

// requestTime is the signing time of r: X-Amz-Date, else Date. It returns
// the time and its ISO 8601 basic form, which the string to sign holds.
func requestTime(r *http.Request) (time.Time, string, error) {
	if s := r.Header.Get("X-Amz-Date"); s != "" {
		t, err := time.Parse(timeFormat, s)
		if err != nil {
			return time.Time{}, "", awserr.Newf(awserr.IncompleteSignature,
				"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", printable(s))
		}
		return t, s, nil
	}
	if s := r.Header.Get("Date"); s != "" {
		t, err := http.ParseTime(s)
		if err != nil {
			return time.Time{}, "", awserr.Newf(awserr.IncompleteSignature,
				"Date must be in ISO-8601 'basic format' or RFC 1123 format. Got '%s'.", printable(s))
		}
		t = t.UTC()
		return t, t.Format(timeFormat), nil
	}
	return time.Time{}, "", errNoDate
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/20260101/
// us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date,
// Signature=<64 hex digits>".
func parseAuthorization(header string, noDate bool) (*authorization, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	if alg != Algorithm && strings.HasPrefix(alg, "AWS4-") {
		return nil, awserr.Newf(awserr.IncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", printable(alg))
	}
	params := map[string]string{}
	if alg == Algorithm {
		for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' }) {
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				return nil, awserr.Newf(awserr.IncompleteSignature,
					"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", printable(part), printable(header))
			}
			params[k] = val
		}
	}
	var missing []string
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			missing = append(missing, "Authorization header requires '"+p+"' parameter.")
		}
	}
	if noDate {
		missing = append(missing, errNoDate.Message())
	}
	if len(missing) > 0 {
		return nil, awserr.New(awserr.IncompleteSignature, strings.Join(missing, " ")+" Authorization="+printable(header))
	}
	a := &authorization{signature: params["Signature"]}
	parts := strings.Split(params["Credential"], "/")
	if len(parts) != 5 || parts[0] == "" {
		return nil, awserr.Newf(awserr.IncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'.", printable(params["Credential"]))
	}
	a.accessKeyID, a.date, a.region, a.service, a.term = parts[0], parts[1], parts[2], parts[3], parts[4]
	a.signedHeaders = strings.Split(params["SignedHeaders"], ";")
	if !containsFold(a.signedHeaders, "host") {
		return nil, awserr.New(awserr.IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return a, nil
}

// mustSign are the headers a signature must cover when the request carries
// them: X-Amz-Target names the operation and Content-Type how the body is
// read, so a signature that leaves either out could be replayed as another
// operation (a signed AdminGetUser sent again as AdminDeleteUser).
var mustSign = []string{"X-Amz-Target", "Content-Type"}

// checkCovered refuses a request that carries a header of mustSign its
// signature does not cover.
func (a *authorization) checkCovered(r *http.Request) error {
	for _, h := range mustSign {
		if len(r.Header.Values(h)) > 0 && !containsFold(a.signedHeaders, h) {
			return awserr.Newf(awserr.IncompleteSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", h)
		}
	}
	return nil
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)

// checkScope checks the credential scope: terminator, service, Region, and
// a date that is the request's.
func (a *authorization) checkScope(service string, stamp time.Time, amzDate string) error {
	switch {
	case a.term != "aws4_request":
		return awserr.Newf(awserr.InvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", printable(a.term))
	case a.service != service:
		return awserr.Newf(awserr.InvalidSignature, "Credential should be scoped to correct service: '%s'. ", service)
	case !regionRE.MatchString(a.region):
		return awserr.Newf(awserr.InvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", printable(a.region))
	case a.date != stamp.Format("20060102"):
		return awserr.Newf(awserr.InvalidSignature,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			printable(a.date), stamp.Format("20060102"), amzDate)
	}
	return nil
}

// checkSkew refuses a request time more than MaxSkew from now.
func checkSkew(stamp, now time.Time) error {
	switch {
	case stamp.Before(now.Add(-MaxSkew)):
		return awserr.Newf(awserr.InvalidSignature, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			stamp.Format(timeFormat), now.Add(-MaxSkew).Format(timeFormat), now.Format(timeFormat))
	case stamp.After(now.Add(MaxSkew)):
		return awserr.Newf(awserr.InvalidSignature, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			stamp.Format(timeFormat), now.Add(MaxSkew).Format(timeFormat), now.Format(timeFormat))
	}
	return nil
}

// CanonicalRequest builds the canonical request of r as AWS does for every
// service but S3: method, URI-encoded path (encoded once more than it came),
// sorted and encoded query, the signed headers with trimmed values, their
// names, and the SHA-256 of the body.
func CanonicalRequest(r *http.Request, signedHeaders []string, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, h := range signedHeaders {
		name := strings.ToLower(h)
		b.WriteString(name)
		b.WriteByte(':')
		var values []string
		switch {
		case name == "host":
			values = []string{r.Host}
		case name == "content-length" && len(r.Header.Values(name)) == 0 && r.ContentLength > 0:
			// A server keeps the header; a request built in-process may
			// carry the length only in ContentLength.
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		default:
			values = r.Header.Values(name)
		}
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.Join(strings.Fields(v), " "))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(strings.Join(signedHeaders, ";")))
	b.WriteByte('\n')
	b.WriteString(hexSHA256(body))
	return b.String()
}

// canonicalQuery decodes the query's parameters, encodes them the AWS way
// and sorts them by name, then value.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var pairs []string
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, uriEncode(unescape(k), true)+"="+uriEncode(unescape(v), true))
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// unescape decodes %XX escapes and '+' (a space in a form-encoded query).
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			d, _ := hex.DecodeString(s[i+1 : i+3])
			b.WriteByte(d[0])
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// uriEncode percent-encodes every byte but the unreserved characters (and
// '/' unless encodeSlash), with upper-case hex digits.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// printable keeps an echoed value free of control bytes and not too long.
func printable(s string) string {
	if len(s) > 512 {
		s = s[:512]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, s)
}
