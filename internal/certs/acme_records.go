package certs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// The ACME records are kept in store.Values, one JSON document per record,
// under keys that start with the endpoint they belong to (so that listing
// an endpoint's bindings, validations or accounts reads one prefix):
//
//	acme/endpoint/<endpoint>
//	acme/eab/<endpoint>/<key id>
//	acme/validation/<endpoint>/<id>
//	acme/account/<endpoint>/<id>          acme/account-key/<endpoint>/<JWK thumbprint> -> <id>
//	acme/order/<endpoint>/<id>            acme/authz/<endpoint>/<id>
//	acme/nonce/<nonce>                    (expires; acme/nonce-used/<nonce> marks one spent)
//
// Each document carries a version (V) and is this package's own type.
const acmeRecordVersion = 1

const (
	acmeEndpointPrefix   = "acme/endpoint/"
	acmeEABPrefix        = "acme/eab/"
	acmeValidationPrefix = "acme/validation/"
	acmeAccountPrefix    = "acme/account/"
	acmeAccountKeyPrefix = "acme/account-key/"
	acmeOrderPrefix      = "acme/order/"
	acmeAuthzPrefix      = "acme/authz/"
	acmeNoncePrefix      = "acme/nonce/"
	acmeNonceUsedPrefix  = "acme/nonce-used/"
)

// acmeEndpointDoc is an ACME endpoint (CreateAcmeEndpoint).
type acmeEndpointDoc struct {
	V                     int       `json:"v"`
	ID                    string    `json:"id"`
	Region                string    `json:"region"`
	Status                string    `json:"status"`
	AuthorizationBehavior string    `json:"authorizationBehavior"`
	Contact               string    `json:"contact"`
	AllowedKeyAlgorithms  []string  `json:"allowedKeyAlgorithms,omitempty"`
	CertificateTags       []acm.Tag `json:"certificateTags,omitempty"`
	Tags                  []acm.Tag `json:"tags,omitempty"`
	CreatedAt             time.Time `json:"createdAt"`
	UpdatedAt             time.Time `json:"updatedAt"`
}

// acmeEABDoc is an external account binding; its MAC key is sealed, bound
// to the binding's key.
type acmeEABDoc struct {
	V          int        `json:"v"`
	KeyID      string     `json:"keyId"`
	EndpointID string     `json:"endpointId"`
	Region     string     `json:"region"`
	RoleArn    string     `json:"roleArn"`
	SealedMAC  []byte     `json:"sealedMac"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	Tags       []acm.Tag  `json:"tags,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt"`
}

// acmeValidationDoc is a domain validation: a domain the endpoint may issue
// for (with the scope it names).
type acmeValidationDoc struct {
	V            int       `json:"v"`
	ID           string    `json:"id"`
	EndpointID   string    `json:"endpointId"`
	Region       string    `json:"region"`
	DomainName   string    `json:"domainName"`
	ExactDomain  string    `json:"exactDomain"`
	Subdomains   string    `json:"subdomains"`
	Wildcards    string    `json:"wildcards"`
	HostedZoneID string    `json:"hostedZoneId,omitempty"`
	Status       string    `json:"status"`
	Tags         []acm.Tag `json:"tags,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// acmeAccountDoc is an ACME account: the client's public key (a JWK) and
// what it registered with.
type acmeAccountDoc struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	EndpointID string    `json:"endpointId"`
	JWK        string    `json:"jwk"`
	Thumbprint string    `json:"thumbprint"`
	Status     string    `json:"status"` // VALID, DEACTIVATED, REVOKED
	Contacts   []string  `json:"contacts,omitempty"`
	EABArn     string    `json:"eabArn"`
	CreatedAt  time.Time `json:"createdAt"`
}

// acmeOrderDoc is an order (RFC 8555 §7.1.3); statuses as the RFC spells
// them.
type acmeOrderDoc struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	EndpointID string    `json:"endpointId"`
	AccountID  string    `json:"accountId"`
	Status     string    `json:"status"`
	Names      []string  `json:"names"`
	AuthzIDs   []string  `json:"authzIds"`
	Expires    time.Time `json:"expires"`
	CertID     string    `json:"certId,omitempty"` // the certificate's ARN id
	Problem    *Problem  `json:"problem,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
}

// acmeAuthzDoc is an authorization of one identifier for one account.
type acmeAuthzDoc struct {
	V            int       `json:"v"`
	ID           string    `json:"id"`
	EndpointID   string    `json:"endpointId"`
	AccountID    string    `json:"accountId"`
	Name         string    `json:"name"` // without "*."
	Wildcard     bool      `json:"wildcard,omitempty"`
	Status       string    `json:"status"`
	Expires      time.Time `json:"expires"`
	ValidatedAt  time.Time `json:"validatedAt"`
	ValidationID string    `json:"validationId"` // the domain validation that stands for the challenge
	Token        string    `json:"token"`
}

func (s *Service) getRecord(ctx context.Context, key string, v any) error {
	raw, err := s.store.GetValue(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func (s *Service) putRecord(ctx context.Context, key string, v any) error {
	return s.store.SetValue(ctx, key, encode(v))
}

// putRecordUntil stores a record that is useless after expires (orders and
// authorizations): the janitor deletes it a day later.
func (s *Service) putRecordUntil(ctx context.Context, key string, v any, expires time.Time) error {
	return s.store.SetValueUntil(ctx, key, encode(v), expires.Add(24*time.Hour))
}

// listRecords decodes every record under prefix, in key order.
func listRecords[T any](ctx context.Context, s *Service, prefix string) ([]string, []T, error) {
	m, err := s.store.ListValues(ctx, prefix)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		var v T
		if err := json.Unmarshal(m[k], &v); err != nil {
			return nil, nil, fmt.Errorf("certs: decoding %s: %w", k, err)
		}
		out = append(out, v)
	}
	return keys, out, nil
}

// page cuts items (keyed, in key order) after the NextToken and to at most
// max (100 when nil), and returns the NextToken of the rest.
func page[T any](keys []string, items []T, token string, max *int32) ([]T, string, error) {
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", validation("The NextToken is not valid.")
		}
		start, _ = slices.BinarySearch(keys, string(b))
		if start < len(keys) && keys[start] == string(b) {
			start++
		}
	}
	limit := 100
	if max != nil {
		limit = int(*max)
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(keys[end-1]))
	}
	return items[start:end], next, nil
}

var (
	acmeEndpointARNRE   = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):acme-endpoint/([a-zA-Z0-9-]+)$`)
	acmeEABARNRE        = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):acme-endpoint/([a-zA-Z0-9-]+)/acme-external-account-binding/([a-zA-Z0-9-]+)$`)
	acmeValidationARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):acme-endpoint/([a-zA-Z0-9-]+)/acme-domain-validation/([a-zA-Z0-9-]+)$`)
)

func (s *Service) acmeEndpointARN(region, id string) string {
	return fmt.Sprintf("arn:aws:acm:%s:%s:acme-endpoint/%s", region, s.accountID, id)
}

func (s *Service) acmeEABARN(region, ep, id string) string {
	return s.acmeEndpointARN(region, ep) + "/acme-external-account-binding/" + id
}

func (s *Service) acmeValidationARN(region, ep, id string) string {
	return s.acmeEndpointARN(region, ep) + "/acme-domain-validation/" + id
}

func acmeNotFound(kind, arn string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Could not find %s %s.", kind, arn)
}

func acmeConflict(format string, args ...any) error {
	return awserr.Newf(awserr.Conflict, format, args...)
}

// parseScoped checks an ARN against re and that it is of the request's
// Region and of this account; it returns the ARN's captured ids.
func (s *Service) parseScoped(ctx context.Context, re *regexp.Regexp, kind, arn string) ([]string, error) {
	m := re.FindStringSubmatch(arn)
	if m == nil {
		return nil, validation("The ARN %s is not a valid %s ARN.", arn, kind)
	}
	if m[1] != s.requestRegion(ctx) || m[2] != s.accountID {
		return nil, acmeNotFound(kind, arn)
	}
	return m[3:], nil
}

// endpointFor finds the endpoint an ARN names, in the request's Region.
func (s *Service) endpointFor(ctx context.Context, arn string) (*acmeEndpointDoc, error) {
	ids, err := s.parseScoped(ctx, acmeEndpointARNRE, "ACME endpoint", arn)
	if err != nil {
		return nil, err
	}
	return s.endpointByID(ctx, ids[0], arn)
}

func (s *Service) endpointByID(ctx context.Context, id, arn string) (*acmeEndpointDoc, error) {
	var ep acmeEndpointDoc
	if err := s.getRecord(ctx, acmeEndpointPrefix+id, &ep); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFound("ACME endpoint", arn)
		}
		return nil, err
	}
	if arn != "" && ep.Region != s.requestRegion(ctx) {
		return nil, acmeNotFound("ACME endpoint", arn)
	}
	return &ep, nil
}

// newAcmeID is an id of the form ACM shows for ACME resources (a UUID).
func (s *Service) newAcmeID() string { return newUUID(s.rand) }

// newKeyID is an EAB key id: 20 upper-case letters and digits.
func (s *Service) newKeyID() string {
	return strings.ToUpper(derive(upperAlnum, 20, randomHex(s.rand, 16)))
}

// randomB64 is n random bytes, base64url without padding (ACME's ids and
// nonces).
func randomB64(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("certs: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
