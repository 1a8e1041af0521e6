package federation

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
)

// SAML is the user pools' SAML 2.0 service provider. XML signatures,
// encryption and the checks of a response are crewjam/saml's; this adds
// what Cognito decides: the SP entity ID and ACS of a pool's domain, which
// ProviderDetails ask for what (request signing, encrypted assertions,
// IdP-initiated sign-in, sign-out), the request ID bound to the sealed
// RelayState, the size limit, and a replay record of every accepted
// assertion shared by the nodes (store.Values, until the assertion expires).
type SAML struct {
	o SAMLOptions

	mu   sync.Mutex
	meta map[string]cachedMetadata // MetadataURL -> fetched document
}

// SAMLOptions configure the service provider.
type SAMLOptions struct {
	// Values keeps the IDs of accepted assertions until they expire.
	Values store.Values
	Clock  clock.Clock
	// HTTPClient fetches a provider's MetadataURL (http.DefaultClient when nil).
	HTTPClient *http.Client
}

// NewSAML builds the service provider.
func NewSAML(o SAMLOptions) *SAML {
	o.Clock = clock.Or(o.Clock)
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &SAML{o: o, meta: map[string]cachedMetadata{}}
}

type cachedMetadata struct {
	doc     []byte
	fetched time.Time
}

// metadataRefresh is how long a fetched MetadataURL document is used
// before it is fetched again (Cognito refreshes every six hours).
const metadataRefresh = 6 * time.Hour

// MaxSAMLResponse is the longest SAMLResponse /saml2/idpresponse takes,
// as Cognito's (100,000 characters).
const MaxSAMLResponse = 100000

// SAMLEntityID is a pool's SP entity ID (the audience of its assertions).
func SAMLEntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// SAMLKeyPair is one of a pool's SAML key pairs.
type SAMLKeyPair struct {
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
}

// SAMLProvider is what one exchange needs to know of a SAML provider.
type SAMLProvider struct {
	PoolID string
	Name   string
	// Details are the provider's ProviderDetails: MetadataFile or
	// MetadataURL, IDPSignout, EncryptedResponses, RequestSigningAlgorithm,
	// IDPInit.
	Details map[string]string
	// Metadata is the IdP's metadata document as kept with the provider
	// (read when it was created or updated, as Cognito does); when nil,
	// MetadataFile, else MetadataURL (fetched and kept six hours).
	Metadata []byte
	// Origin is the scheme and host of the domain the browser is on
	// ("https://auth.example.com"); the ACS is Origin + "/saml2/idpresponse".
	Origin string
	// Signing signs AuthnRequests and LogoutRequests; Encryption decrypts
	// encrypted assertions.
	Signing, Encryption SAMLKeyPair
}

func (p SAMLProvider) detail(name string) bool {
	return strings.EqualFold(p.Details[name], "true")
}

// IDPInit reports whether the provider accepts IdP-initiated sign-in.
func (p SAMLProvider) IDPInit() bool { return p.detail("IDPInit") }

// IDPSignout reports whether /logout signs the user out of the provider too.
func (p SAMLProvider) IDPSignout() bool { return p.detail("IDPSignout") }

// ACS is the assertion consumer service URL of the provider's domain.
func (p SAMLProvider) ACS() string { return p.Origin + "/saml2/idpresponse" }

// ErrSAML is matched (errors.Is) by every refusal of a SAML message; its
// text says why, fit to show as Cognito's error_description.
var ErrSAML = errors.New("invalid SAML message")

type samlError struct{ msg string }

func (e *samlError) Error() string        { return e.msg }
func (e *samlError) Is(target error) bool { return target == ErrSAML }

func refuse(format string, args ...any) error { return &samlError{fmt.Sprintf(format, args...)} }

// metadata is the provider's IdP metadata.
func (s *SAML) metadata(ctx context.Context, p SAMLProvider) (*saml.EntityDescriptor, error) {
	doc := p.Metadata
	if len(bytes.TrimSpace(doc)) == 0 {
		doc = []byte(p.Details["MetadataFile"])
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		u := p.Details["MetadataURL"]
		if u == "" {
			return nil, errors.New("SAML provider " + p.Name + " has no metadata")
		}
		var err error
		if doc, err = s.fetchMetadata(ctx, u); err != nil {
			return nil, err
		}
	}
	return ParseSAMLMetadata(doc)
}

func (s *SAML) fetchMetadata(ctx context.Context, u string) ([]byte, error) {
	now := s.o.Clock.Now()
	s.mu.Lock()
	c, ok := s.meta[u]
	s.mu.Unlock()
	if ok && now.Sub(c.fetched) < metadataRefresh && now.After(c.fetched.Add(-time.Minute)) {
		return c.doc, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := s.o.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching SAML metadata: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching SAML metadata: HTTP %d", res.StatusCode)
	}
	doc, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.meta[u] = cachedMetadata{doc: doc, fetched: now}
	s.mu.Unlock()
	return doc, nil
}

// ParseSAMLMetadata reads an IdP's metadata: an EntityDescriptor, or the
// first entity with an IDPSSODescriptor of an EntitiesDescriptor.
func ParseSAMLMetadata(doc []byte) (*saml.EntityDescriptor, error) {
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(doc, &ed); err == nil && ed.EntityID != "" {
		if len(ed.IDPSSODescriptors) == 0 {
			return nil, errors.New("the SAML metadata has no IDPSSODescriptor")
		}
		return &ed, nil
	}
	var all saml.EntitiesDescriptor
	if err := xml.Unmarshal(doc, &all); err != nil {
		return nil, fmt.Errorf("the SAML metadata cannot be read: %w", err)
	}
	for i := range all.EntityDescriptors {
		if len(all.EntityDescriptors[i].IDPSSODescriptors) > 0 {
			return &all.EntityDescriptors[i], nil
		}
	}
	return nil, errors.New("the SAML metadata has no IDPSSODescriptor")
}

// serviceProvider is crewjam/saml's service provider for one exchange, on
// the time of the one clock.
func (s *SAML) serviceProvider(ctx context.Context, p SAMLProvider) (*saml.ServiceProvider, error) {
	md, err := s.metadata(ctx, p)
	if err != nil {
		return nil, err
	}
	acs, err := url.Parse(p.ACS())
	if err != nil {
		return nil, err
	}
	logout, _ := url.Parse(p.Origin + "/saml2/logout")
	sp := &saml.ServiceProvider{
		EntityID:                         SAMLEntityID(p.PoolID),
		AcsURL:                           *acs,
		SloURL:                           *logout,
		IDPMetadata:                      md,
		AuthnNameIDFormat:                saml.UnspecifiedNameIDFormat,
		Clock:                            dsig.NewFakeClockAt(s.o.Clock.Now()),
		ReplayCache:                      &replayCache{s: s, poolID: p.PoolID},
		AllowIDPInitiated:                p.IDPInit(),
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		LogoutBindings:                   []string{saml.HTTPPostBinding},
	}
	sp.Certificate, sp.EncryptionCertificate = p.Signing.Cert, p.Encryption.Cert
	if p.Signing.Key != nil {
		sp.Key = p.Signing.Key
	}
	if p.Encryption.Key != nil {
		sp.EncryptionKey = p.Encryption.Key
	}
	switch p.Details["RequestSigningAlgorithm"] {
	case "rsa-sha256":
		if sp.Key == nil {
			return nil, errors.New("no signing key for the SAML request")
		}
		sp.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	// SingleLogout: Cognito's LogoutRequests are always signed (and the
	// metadata then names the signing certificate).
	if sp.Key != nil || sp.Certificate != nil {
		sp.LogoutSignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return sp, nil
}

// RequestID is the ID of the AuthnRequest that goes with a RelayState: the
// RelayState is sealed and single to one sign-in, so a response must answer
// the request made for it, with nothing kept on the server or in a cookie.
func RequestID(relayState string) string {
	sum := sha256.Sum256([]byte("gognito saml request\x00" + relayState))
	return "_" + hex.EncodeToString(sum[:20])
}

// AuthnRequestURL is where the browser goes to sign in at the provider:
// its HTTP-Redirect SingleSignOnService with an AuthnRequest (signed when
// the provider's RequestSigningAlgorithm says so) and the RelayState.
func (s *SAML) AuthnRequestURL(ctx context.Context, p SAMLProvider, relayState string) (string, error) {
	sp, err := s.serviceProvider(ctx, p)
	if err != nil {
		return "", err
	}
	dest := sp.GetSSOBindingLocation(saml.HTTPRedirectBinding)
	if dest == "" {
		return "", errors.New("the SAML metadata has no HTTP-Redirect SingleSignOnService")
	}
	req, err := sp.MakeAuthenticationRequest(dest, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", err
	}
	req.ID = RequestID(relayState)
	u, err := req.Redirect(relayState, sp)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// SAMLIdentity is what an accepted assertion says of the user.
type SAMLIdentity struct {
	NameID       string
	NameIDFormat string
	SessionIndex string
	// Attributes by name (and by FriendlyName when it differs), each with
	// all its values.
	Attributes map[string][]string
	Issuer     string
}

// ParseResponse checks a SAMLResponse posted to the ACS and returns the
// identity it asserts. relayState is the one posted with it: for a
// response to an AuthnRequest, the response must answer RequestID(relayState);
// when solicited is false (IdP-initiated sign-in), the provider must allow
// it (IDPInit) and the response must answer no request. Every refusal
// matches ErrSAML.
func (s *SAML) ParseResponse(ctx context.Context, p SAMLProvider, samlResponse, relayState string, solicited bool) (*SAMLIdentity, error) {
	if len(samlResponse) > MaxSAMLResponse {
		return nil, refuse("The SAML response is longer than %d characters", MaxSAMLResponse)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(samlResponse), ""))
	if err != nil {
		return nil, refuse("Invalid base64 SAMLResponse")
	}
	sp, err := s.serviceProvider(ctx, p)
	if err != nil {
		return nil, err
	}
	var ids []string
	if solicited {
		ids = []string{RequestID(relayState)}
		sp.AllowIDPInitiated = false
	} else {
		if !p.IDPInit() {
			return nil, refuse("IdP-initiated sign-in is not enabled for the identity provider")
		}
		sp.AllowIDPInitiated = true
		// An unsolicited response answers no request of ours.
		sp.ValidateRequestID = func(r saml.Response, _ []string) error {
			if r.InResponseTo != "" {
				return fmt.Errorf("unsolicited response carries InResponseTo: %w", saml.ErrRequestIDMismatch)
			}
			return nil
		}
	}
	if p.detail("EncryptedResponses") && !bytes.Contains(raw, []byte("EncryptedAssertion")) {
		return nil, refuse("Invalid SAML response received: the assertion is not encrypted")
	}
	a, err := sp.ParseXMLResponse(raw, ids, sp.AcsURL)
	if err != nil {
		return nil, refuse("Invalid SAML response received: %s", describe(err))
	}
	if a.Subject == nil || a.Subject.NameID == nil || a.Subject.NameID.Value == "" {
		return nil, refuse("Invalid SAML response received: the assertion has no NameID")
	}
	id := &SAMLIdentity{NameID: a.Subject.NameID.Value, NameIDFormat: a.Subject.NameID.Format, Attributes: map[string][]string{}, Issuer: a.Issuer.Value}
	for _, st := range a.AuthnStatements {
		if st.SessionIndex != "" {
			id.SessionIndex = st.SessionIndex
			break
		}
	}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			var vals []string
			for _, v := range at.Values {
				vals = append(vals, v.Value)
			}
			id.Attributes[at.Name] = append(id.Attributes[at.Name], vals...)
			if at.FriendlyName != "" && at.FriendlyName != at.Name {
				id.Attributes[at.FriendlyName] = append(id.Attributes[at.FriendlyName], vals...)
			}
		}
	}
	return id, nil
}

// describe says why crewjam/saml refused a response, in words that do not
// carry the response.
func describe(err error) string {
	switch {
	case errors.Is(err, saml.ErrAssertionReplayed):
		return "the assertion has already been used"
	case errors.Is(err, saml.ErrAudienceMismatch):
		return "Audience restriction not satisfied"
	case errors.Is(err, saml.ErrInvalidSignature), errors.Is(err, saml.ErrUntrustedCertificate), errors.Is(err, saml.ErrCertificateNotValidNow):
		return "SAML Response signature is invalid"
	case errors.Is(err, saml.ErrExpired):
		return "the assertion has expired"
	case errors.Is(err, saml.ErrNotYetValid):
		return "the assertion is not yet valid"
	case errors.Is(err, saml.ErrRequestIDMismatch):
		return "the response does not answer this sign-in request"
	case errors.Is(err, saml.ErrDestinationMismatch):
		return "the response's destination or recipient is not this endpoint"
	case errors.Is(err, saml.ErrIssuerMismatch):
		return "the issuer is not the identity provider"
	case errors.Is(err, saml.ErrDecryptionFailed):
		return "the assertion cannot be decrypted"
	}
	var bad saml.ErrBadStatus
	if errors.As(err, &bad) {
		return "the identity provider answered " + bad.Status
	}
	return "the response cannot be read"
}

// replayCache records accepted assertion IDs in the store until they
// expire, so that a response is accepted once by whichever node sees it.
type replayCache struct {
	s      *SAML
	poolID string
}

func (c *replayCache) Consume(id string, expires time.Time) error {
	mark := make([]byte, 16)
	if _, err := rand.Read(mark); err != nil {
		return err
	}
	key := "saml-assertion/" + c.poolID + "/" + id
	got, err := c.s.o.Values.PutValueIfAbsentUntil(context.Background(), key, mark, expires)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, mark) {
		return saml.ErrAssertionReplayed
	}
	return nil
}

// LogoutRequestURL is where the browser goes to sign out of the provider:
// its HTTP-Redirect SingleLogoutService with a signed LogoutRequest for
// the NameID and session of the sign-in. The request's ID is
// RequestID(relayState).
func (s *SAML) LogoutRequestURL(ctx context.Context, p SAMLProvider, nameID, nameIDFormat, sessionIndex, relayState string) (string, error) {
	sp, err := s.serviceProvider(ctx, p)
	if err != nil {
		return "", err
	}
	dest := sp.GetSLOBindingLocation(saml.HTTPRedirectBinding)
	if dest == "" {
		return "", errors.New("the SAML metadata has no HTTP-Redirect SingleLogoutService")
	}
	var opts []saml.LogoutRequestOption
	if sessionIndex != "" {
		opts = append(opts, saml.WithSessionIndex(sessionIndex))
	}
	req, err := sp.MakeLogoutRequest(dest, nameID, opts...)
	if err != nil {
		return "", err
	}
	req.ID = RequestID(relayState)
	if nameIDFormat != "" && req.NameID != nil {
		f := nameIDFormat
		req.NameID.Format = f
	}
	u, err := sp.RedirectLogoutRequestURL(req, relayState)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// CheckLogoutResponse checks the LogoutResponse the provider sent to
// /saml2/logout (r, HTTP-POST or HTTP-Redirect) in answer to the
// LogoutRequest made for relayState. It matches ErrSAML when refused.
func (s *SAML) CheckLogoutResponse(ctx context.Context, p SAMLProvider, r *http.Request, relayState string) error {
	sp, err := s.serviceProvider(ctx, p)
	if err != nil {
		return err
	}
	resp, err := sp.ParseLogoutResponse(r, []string{RequestID(relayState)})
	if err != nil {
		return refuse("Invalid SAML logout response: %s", describe(err))
	}
	if resp.Status.StatusCode.Value != saml.StatusSuccess {
		return refuse("Invalid SAML logout response: the identity provider answered %s", resp.Status.StatusCode.Value)
	}
	// A LogoutResponse is taken once.
	expires := resp.IssueInstant.Add(saml.MaxIssueDelay + saml.MaxClockSkew)
	if err := (&replayCache{s: s, poolID: p.PoolID}).Consume("LogoutResponse:"+resp.ID, expires); err != nil {
		if errors.Is(err, saml.ErrAssertionReplayed) {
			return refuse("Invalid SAML logout response: it has already been used")
		}
		return err
	}
	return nil
}

// SPMetadata is the pool's SP metadata for the provider's domain: entity
// ID, ACS (HTTP-POST), SingleLogoutService (/saml2/logout, HTTP-POST), the
// signing certificate and, when given, the encryption certificate. Cognito
// publishes no metadata document; administrators enter these values in
// their IdP, and tests register this document with theirs.
func (s *SAML) SPMetadata(ctx context.Context, p SAMLProvider) ([]byte, error) {
	sp, err := s.serviceProvider(ctx, p)
	if err != nil {
		return nil, err
	}
	md := sp.Metadata()
	if p.Encryption.Cert == nil {
		// Without an encryption certificate the IdP is given none (crewjam
		// would offer the signing certificate for encryption).
		for i := range md.SPSSODescriptors {
			var keep []saml.KeyDescriptor
			for _, k := range md.SPSSODescriptors[i].KeyDescriptors {
				if k.Use != "encryption" {
					keep = append(keep, k)
				}
			}
			md.SPSSODescriptors[i].KeyDescriptors = keep
		}
	}
	return xml.MarshalIndent(md, "", "  ")
}
