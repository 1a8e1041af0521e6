// oidc.go is the relying-party side of Cognito's external
// identity providers of the OpenID Connect and OAuth 2.0 kinds: the types
// OIDC, Google, Facebook, LoginWithAmazon and SignInWithApple. Given a
// provider's type and ProviderDetails, it builds the request that sends the
// browser to the provider's authorization endpoint, and on the way back
// exchanges the code at the provider's token endpoint, verifies the ID
// token (its signature with the provider's JWKS, the issuer, the audience,
// the nonce and the expiry), reads the userinfo (attributes) endpoint with
// the access token, and returns the provider's subject and claims.
//
// An OIDC provider names its endpoints by discovery from oidc_issuer
// (cached), or explicitly with authorize_url, token_url, attributes_url and
// jwks_uri. The social types have fixed endpoints, which a deployment may
// override per type (Options.Overrides, from --federation-endpoints) so
// that tests and air-gapped installations point them at a local provider.
// The RP sends requests only to the endpoints the provider's configuration
// (or the override) names.
//
// It is a transport: it makes outbound HTTP requests.

package federation

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gognito/gognito/internal/clock"
)

// Provider types this package serves (SAML is F4's, in saml*.go).
const (
	TypeOIDC     = "OIDC"
	TypeGoogle   = "Google"
	TypeFacebook = "Facebook"
	TypeAmazon   = "LoginWithAmazon"
	TypeApple    = "SignInWithApple"
)

// Handles reports whether the package's OIDC/OAuth relying party serves a
// provider type.
func Handles(typ string) bool {
	switch typ {
	case TypeOIDC, TypeGoogle, TypeFacebook, TypeAmazon, TypeApple:
		return true
	}
	return false
}

// Endpoints name a provider's endpoints, with the keys of ProviderDetails:
// an issuer (discovery, and the iss an ID token must carry) and the
// explicit URLs, which win over discovery.
type Endpoints struct {
	Issuer        string `json:"oidc_issuer,omitempty"`
	AuthorizeURL  string `json:"authorize_url,omitempty"`
	TokenURL      string `json:"token_url,omitempty"`
	AttributesURL string `json:"attributes_url,omitempty"`
	JWKSURI       string `json:"jwks_uri,omitempty"`
}

// Social are the fixed endpoints of the social types, as Cognito uses them.
var Social = map[string]Endpoints{
	TypeGoogle: {Issuer: "https://accounts.google.com", AuthorizeURL: "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL: "https://www.googleapis.com/oauth2/v4/token", AttributesURL: "https://people.googleapis.com/v1/people/me?personFields=",
		JWKSURI: "https://www.googleapis.com/oauth2/v3/certs"},
	TypeFacebook: {AuthorizeURL: "https://www.facebook.com/v17.0/dialog/oauth", TokenURL: "https://graph.facebook.com/v17.0/oauth/access_token",
		AttributesURL: "https://graph.facebook.com/v17.0/me?fields="},
	TypeAmazon: {AuthorizeURL: "https://www.amazon.com/ap/oa", TokenURL: "https://api.amazon.com/auth/o2/token",
		AttributesURL: "https://api.amazon.com/user/profile"},
	TypeApple: {Issuer: "https://appleid.apple.com", AuthorizeURL: "https://appleid.apple.com/auth/authorize",
		TokenURL: "https://appleid.apple.com/auth/token", JWKSURI: "https://appleid.apple.com/auth/keys"},
}

// LoadOverrides reads an endpoint-override file: a JSON object from
// provider type to its Endpoints, for example
//
//	{"Google": {"oidc_issuer": "http://127.0.0.1:9998"}}
func LoadOverrides(path string) (map[string]Endpoints, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]Endpoints
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("federation endpoints %s: %w", path, err)
	}
	for typ := range m {
		if _, ok := Social[typ]; !ok && typ != TypeOIDC {
			return nil, fmt.Errorf("federation endpoints %s: unknown provider type %q", path, typ)
		}
	}
	return m, nil
}

// NewHTTPClient is the client of the relying party's outbound requests:
// a timeout, no proxy, names under localhost resolved to the loopback
// address as RFC 6761 asks, and servers' certificates verified against
// the system's roots and, when localRoots gives them, gognito's own local
// CA (which issues the certificates of its user pool domains). The last
// two serve the chained setup of docs/federation.md: a local gognito
// pool's domain, https://<prefix>.auth.<region>.localhost, as another
// pool's identity provider.
func NewHTTPClient(timeout time.Duration, localRoots func(context.Context) (*x509.CertPool, error)) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // requests go where the provider names, never through a proxy
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err == nil && (strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost")) {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return d.DialContext(ctx, network, addr)
	}
	t.TLSClientConfig = &tls.Config{
		// Verification is VerifyConnection's (the standard checks, against
		// two sets of roots), not skipped.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no server certificate")
			}
			opts := x509.VerifyOptions{DNSName: cs.ServerName, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts) // system roots
			if err == nil || localRoots == nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			roots, lerr := localRoots(ctx)
			if lerr != nil || roots == nil {
				return err
			}
			opts.Roots = roots
			_, lerr = cs.PeerCertificates[0].Verify(opts)
			if lerr != nil {
				return err
			}
			return nil
		},
	}
	return &http.Client{Timeout: timeout, Transport: t}
}

// Options configure the relying party.
type Options struct {
	// Client makes the outbound requests (http.DefaultClient when nil).
	Client *http.Client
	Clock  clock.Clock
	// Overrides replace the endpoints of a provider type (the social
	// types' fixed ones; for OIDC, what the provider's details name).
	Overrides map[string]Endpoints
	// DiscoveryTTL is how long a discovery document and a JWKS are kept
	// (an hour when 0). A JWKS is fetched again when a token names a key
	// it does not have.
	DiscoveryTTL time.Duration
}

// RP is the relying party.
type RP struct {
	o     Options
	mu    sync.Mutex
	cache map[string]cached // by URL: discovery documents and JWKS
}

type cached struct {
	body    []byte
	expires time.Time
}

// New builds the relying party.
func New(o Options) *RP {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	o.Clock = clock.Or(o.Clock)
	if o.DiscoveryTTL <= 0 {
		o.DiscoveryTTL = time.Hour
	}
	return &RP{o: o, cache: map[string]cached{}}
}

// Error is a provider's failure, told to the app as Cognito does:
// Code is the OAuth error and Description its text.
type Error struct {
	Code, Description string
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

func failf(format string, a ...any) error {
	return &Error{Code: "invalid_request", Description: fmt.Sprintf(format, a...)}
}

// Config is one provider as the RP needs it.
type Config struct {
	Type    string
	Details map[string]string
}

// endpoints are the provider's resolved endpoints.
func (rp *RP) endpoints(ctx context.Context, c Config) (Endpoints, error) {
	d := c.Details
	e := Endpoints{Issuer: d["oidc_issuer"], AuthorizeURL: d["authorize_url"], TokenURL: d["token_url"],
		AttributesURL: d["attributes_url"], JWKSURI: d["jwks_uri"]}
	if s, ok := Social[c.Type]; ok {
		// A social type's details carry the endpoints Cognito adds to them;
		// what they lack is the type's fixed one.
		for _, p := range []struct {
			dst *string
			v   string
		}{{&e.Issuer, s.Issuer}, {&e.AuthorizeURL, s.AuthorizeURL}, {&e.TokenURL, s.TokenURL}, {&e.AttributesURL, s.AttributesURL}, {&e.JWKSURI, s.JWKSURI}} {
			if *p.dst == "" {
				*p.dst = p.v
			}
		}
	}
	if o, ok := rp.o.Overrides[c.Type]; ok {
		if c.Type != TypeOIDC {
			e = Endpoints{} // a social type's override replaces its fixed endpoints
		}
		if o.Issuer != "" {
			e.Issuer = o.Issuer
		}
		for _, p := range []struct {
			dst *string
			v   string
		}{{&e.AuthorizeURL, o.AuthorizeURL}, {&e.TokenURL, o.TokenURL},
			{&e.AttributesURL, o.AttributesURL}, {&e.JWKSURI, o.JWKSURI}} {
			if p.v != "" {
				*p.dst = p.v
			}
		}
	}
	if e.Issuer != "" && (e.AuthorizeURL == "" || e.TokenURL == "" || e.JWKSURI == "" || e.AttributesURL == "") {
		doc, err := rp.discover(ctx, e.Issuer)
		if err != nil {
			return e, err
		}
		if e.AuthorizeURL == "" {
			e.AuthorizeURL = doc.AuthorizationEndpoint
		}
		if e.TokenURL == "" {
			e.TokenURL = doc.TokenEndpoint
		}
		if e.JWKSURI == "" {
			e.JWKSURI = doc.JWKSURI
		}
		if e.AttributesURL == "" {
			e.AttributesURL = doc.UserinfoEndpoint
		}
	}
	if e.AuthorizeURL == "" || e.TokenURL == "" {
		return e, failf("The identity provider %s has no authorization or token endpoint.", c.Type)
	}
	return e, nil
}

type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	UserinfoEndpoint      string `json:"userinfo_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
}

func (rp *RP) discover(ctx context.Context, issuer string) (*discovery, error) {
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	b, err := rp.cachedGet(ctx, u, false)
	if err != nil {
		return nil, err
	}
	var d discovery
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, failf("The discovery document of %s could not be read.", issuer)
	}
	if strings.TrimSuffix(d.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, failf("The discovery document of %s names another issuer.", issuer)
	}
	return &d, nil
}

func (rp *RP) cachedGet(ctx context.Context, u string, fresh bool) ([]byte, error) {
	now := rp.o.Clock.Now()
	rp.mu.Lock()
	c, ok := rp.cache[u]
	rp.mu.Unlock()
	if ok && !fresh && now.Before(c.expires) {
		return c.body, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, failf("The identity provider's URL %q is not valid.", u)
	}
	req.Header.Set("Accept", "application/json")
	b, status, err := rp.do(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, failf("The identity provider answered %d at %s.", status, u)
	}
	rp.mu.Lock()
	rp.cache[u] = cached{body: b, expires: now.Add(rp.o.DiscoveryTTL)}
	rp.mu.Unlock()
	return b, nil
}

func (rp *RP) do(req *http.Request) ([]byte, int, error) {
	resp, err := rp.o.Client.Do(req)
	if err != nil {
		return nil, 0, failf("The identity provider could not be reached.")
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, failf("The identity provider's answer could not be read.")
	}
	return b, resp.StatusCode, nil
}

// AuthorizeURL is where the browser goes to sign in at the provider.
// state travels there and back; nonce goes into the ID token (OIDC types);
// a verifier, when given, is sent as its PKCE S256 challenge.
func (rp *RP) AuthorizeURL(ctx context.Context, c Config, redirectURI, state, nonce, verifier string) (string, error) {
	e, err := rp.endpoints(ctx, c)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(e.AuthorizeURL)
	if err != nil {
		return "", failf("The identity provider's authorize_url is not valid.")
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.Details["client_id"])
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	scopes := strings.Fields(strings.ReplaceAll(c.Details["authorize_scopes"], ",", " "))
	switch c.Type {
	case TypeOIDC, TypeGoogle, TypeApple:
		q.Set("nonce", nonce)
	}
	if verifier != "" {
		sum := sha256.Sum256([]byte(verifier))
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
	}
	if c.Type == TypeApple && len(scopes) > 0 {
		q.Set("response_mode", "form_post") // Apple posts back when names or email are asked for
	}
	if c.Type == TypeFacebook {
		q.Set("scope", strings.Join(scopes, ","))
	} else if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, " "))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Identity is what a provider told about the user who signed in.
type Identity struct {
	Subject string
	// Claims are the ID token's and the attributes endpoint's, every value
	// as strings (Provider.MapAttributes reads them).
	Claims map[string][]string
}

// Exchange completes a sign-in: the code exchanged, the ID token verified
// (OIDC, Google, SignInWithApple; its nonce must be nonce), the attributes
// read, and the user's identity returned. verifier is the PKCE verifier
// of AuthorizeURL ("" when none was sent). An error is an *Error.
func (rp *RP) Exchange(ctx context.Context, c Config, redirectURI, code, nonce, verifier string) (*Identity, error) {
	e, err := rp.endpoints(ctx, c)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "client_id": {c.Details["client_id"]}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	secret := c.Details["client_secret"]
	if c.Type == TypeApple {
		secret, err = rp.appleSecret(c.Details)
		if err != nil {
			return nil, err
		}
	}
	if secret != "" {
		form.Set("client_secret", secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, failf("The identity provider's token_url is not valid.")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	b, status, err := rp.do(req)
	if err != nil {
		return nil, err
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(b, &tr) != nil && status == http.StatusOK {
		if c.Type == TypeFacebook { // older Graph API versions answer a form
			v, _ := url.ParseQuery(string(b))
			tr.AccessToken = v.Get("access_token")
		}
	}
	if status != http.StatusOK || tr.AccessToken == "" && tr.IDToken == "" {
		if tr.Error != "" {
			return nil, &Error{Code: "invalid_request", Description: "Error from the identity provider: " + tr.Error + " " + tr.Description}
		}
		return nil, failf("The identity provider did not exchange the code (status %d).", status)
	}
	id := &Identity{Claims: map[string][]string{}}
	if c.Type == TypeOIDC || c.Type == TypeGoogle || c.Type == TypeApple { // Facebook and Amazon issue no ID token
		if tr.IDToken == "" {
			return nil, failf("The identity provider returned no ID token.")
		}
		claims, err := rp.verifyIDToken(ctx, c, e, tr.IDToken, nonce)
		if err != nil {
			return nil, err
		}
		addClaims(id.Claims, claims)
	}
	if e.AttributesURL != "" && tr.AccessToken != "" {
		attrs, err := rp.attributes(ctx, c, e, tr.AccessToken)
		if err != nil {
			return nil, err
		}
		if sub, ok := attrs["sub"].(string); ok && len(id.Claims["sub"]) > 0 && sub != id.Claims["sub"][0] {
			return nil, failf("The userinfo subject does not match the ID token's.")
		}
		addClaims(id.Claims, attrs)
	}
	for _, k := range []string{"sub", "id", "user_id"} {
		if v := id.Claims[k]; len(v) > 0 && v[0] != "" {
			id.Subject = v[0]
			break
		}
	}
	if id.Subject == "" {
		return nil, failf("The identity provider did not name the user.")
	}
	if _, ok := id.Claims["sub"]; !ok {
		id.Claims["sub"] = []string{id.Subject}
	}
	return id, nil
}

func (rp *RP) attributes(ctx context.Context, c Config, e Endpoints, accessToken string) (map[string]any, error) {
	method := http.MethodGet
	if strings.EqualFold(c.Details["attributes_request_method"], "POST") {
		method = http.MethodPost
	}
	u := e.AttributesURL
	if c.Type == TypeFacebook && strings.HasSuffix(u, "fields=") {
		u += "id,name,email,first_name,last_name"
	}
	if c.Type == TypeGoogle && strings.HasSuffix(u, "personFields=") {
		u += "names,emailAddresses"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, failf("The identity provider's attributes_url is not valid.")
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	b, status, err := rp.do(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, failf("The identity provider's attributes endpoint answered %d.", status)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, failf("The identity provider's attributes could not be read.")
	}
	return m, nil
}

// addClaims puts JSON claims into string form: strings as they are,
// numbers and booleans as JSON writes them, arrays one value each, objects
// as JSON.
func addClaims(dst map[string][]string, src map[string]any) {
	for k, v := range src {
		switch x := v.(type) {
		case nil:
		case string:
			dst[k] = []string{x}
		case bool:
			dst[k] = []string{strconv.FormatBool(x)}
		case float64:
			dst[k] = []string{strconv.FormatFloat(x, 'f', -1, 64)}
		case []any:
			var vs []string
			for _, e := range x {
				if s, ok := e.(string); ok {
					vs = append(vs, s)
				} else {
					b, _ := json.Marshal(e)
					vs = append(vs, string(b))
				}
			}
			dst[k] = vs
		default:
			b, _ := json.Marshal(x)
			dst[k] = []string{string(b)}
		}
	}
}

var idTokenAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// verifyIDToken checks an ID token's signature (a key of the provider's
// JWKS), issuer, audience, expiry and nonce, and returns its claims.
func (rp *RP) verifyIDToken(ctx context.Context, c Config, e Endpoints, raw, nonce string) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, idTokenAlgs)
	if err != nil || len(tok.Headers) != 1 {
		return nil, failf("The ID token is not a signed JWT.")
	}
	if e.JWKSURI == "" {
		return nil, failf("The identity provider has no jwks_uri.")
	}
	kid := tok.Headers[0].KeyID
	var claims map[string]any
	var std jwt.Claims
	verified := false
	for _, fresh := range []bool{false, true} {
		b, err := rp.cachedGet(ctx, e.JWKSURI, fresh)
		if err != nil {
			return nil, err
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(b, &set); err != nil {
			return nil, failf("The identity provider's JWKS could not be read.")
		}
		keys := set.Keys
		if kid != "" {
			keys = set.Key(kid)
		}
		for _, k := range keys {
			if k.Use != "" && k.Use != "sig" {
				continue
			}
			if tok.Claims(k.Key, &claims, &std) == nil {
				verified = true
				break
			}
		}
		if verified || len(keys) > 0 {
			break // a known key that does not verify is no reason to fetch again
		}
	}
	if !verified {
		return nil, failf("The ID token's signature is not valid.")
	}
	iss := e.Issuer
	if iss != "" && std.Issuer != iss && !(c.Type == TypeGoogle && iss == "https://accounts.google.com" && std.Issuer == "accounts.google.com") {
		return nil, failf("The ID token's issuer is not %s.", iss)
	}
	clientID := c.Details["client_id"]
	if !std.Audience.Contains(clientID) {
		return nil, failf("The ID token's audience is not this client.")
	}
	if azp, ok := claims["azp"].(string); ok && len(std.Audience) > 1 && azp != clientID {
		return nil, failf("The ID token's authorized party is not this client.")
	}
	now := rp.o.Clock.Now()
	if std.Expiry == nil {
		return nil, failf("The ID token has no expiry.")
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Time: now}, time.Minute); err != nil {
		return nil, failf("The ID token has expired or is not yet valid.")
	}
	if got, _ := claims["nonce"].(string); nonce != "" && got != nonce {
		return nil, failf("The ID token's nonce does not match the request's.")
	}
	return claims, nil
}

// appleSecret is Sign in with Apple's client secret: a JWT signed (ES256)
// with the private key of the Apple developer account.
func (rp *RP) appleSecret(d map[string]string) (string, error) {
	block, _ := pem.Decode([]byte(d["private_key"]))
	if block == nil {
		return "", failf("The private_key of the SignInWithApple provider is not PEM.")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	ek, ok := k.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return "", failf("The private_key of the SignInWithApple provider is not an EC private key.")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: ek}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", d["key_id"]))
	if err != nil {
		return "", failf("The SignInWithApple client secret could not be signed.")
	}
	now := rp.o.Clock.Now()
	aud := "https://appleid.apple.com"
	if o, ok := rp.o.Overrides[TypeApple]; ok && o.Issuer != "" {
		aud = o.Issuer
	}
	s, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: d["team_id"], Subject: d["client_id"], Audience: jwt.Audience{aud},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute))}).Serialize()
	if err != nil {
		return "", errors.New("signing the Apple client secret")
	}
	return s, nil
}
