package domains

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Domain statuses.
const (
	StatusCreating = "CREATING"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
	StatusActive   = "ACTIVE"
)

// CertificateRegion is where a custom domain's certificate must live.
const CertificateRegion = "us-east-1"

// Certificates is what the domains need of the certificate service.
type Certificates interface {
	Material(ctx context.Context, arn string) (*certs.Material, error)
	CertificateVersion(ctx context.Context, arn string) (int64, error)
	IssueServerCertificate(ctx context.Context, names []string, validity time.Duration) (*tls.Certificate, error)
}

// Options configure the service.
type Options struct {
	Region            string // default Region of requests without a credential scope
	AccountID         string
	BaseDomain        string // prefix domains are <prefix>.auth.<region>.<BaseDomain>
	CloudFrontSuffix  string
	CustomDomainQuota int  // custom domains per Region
	CheckParentDNS    bool // require an A record on a custom domain's parent
	LookupA           func(ctx context.Context, host string) ([]net.IP, error)
	Pools             Pools // the pools' feature plans
	Clock             clock.Clock
	Logger            *slog.Logger
	// Announcer hears of every change and says when it is served; without
	// one, every change is settled at once.
	Announcer Announcer
}

// Service implements the user pool domain operations.
type Service struct {
	store    store.Domains // the domains it owns, and nothing else of the store
	certs    Certificates
	announce Announcer
	o        Options

	mu        sync.Mutex
	wildcards map[string]*tls.Certificate // Region -> certificate for *.auth.<region>.<base>; guarded by mu
}

// New builds the service.
func New(st store.Domains, c Certificates, o Options) *Service {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	if o.BaseDomain == "" {
		o.BaseDomain = "localhost"
	}
	if o.CloudFrontSuffix == "" {
		o.CloudFrontSuffix = ".cloudfront.net"
	}
	if o.CustomDomainQuota == 0 {
		o.CustomDomainQuota = 4
	}
	o.Clock = clock.Or(o.Clock)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LookupA == nil {
		o.LookupA = func(ctx context.Context, host string) ([]net.IP, error) {
			return net.DefaultResolver.LookupIP(ctx, "ip4", host)
		}
	}
	var a Announcer = alone{}
	if o.Announcer != nil {
		a = o.Announcer
	}
	return &Service{store: st, certs: c, announce: a, o: o, wildcards: map[string]*tls.Certificate{}}
}

// doc is what the store keeps of a domain (store.Domain.Doc).
type doc struct {
	ManagedLoginVersion int32     `json:"ManagedLoginVersion"`
	Generation          int64     `json:"Generation"` // bumped when what is served must change
	PendingSince        time.Time `json:"PendingSince"`
	Version             string    `json:"Version"` // Cognito's YYYYMMDDhhmmss stamp
	// SecurityPolicy is a custom domain's TLS security policy as set ("":
	// none given, DefaultSecurityPolicy applies).
	SecurityPolicy string `json:"SecurityPolicy,omitempty"`
	// Failover is Routing.Failover of a custom domain (see routing.go).
	Failover *Failover `json:"Failover,omitempty"`
}

// TLS security policies (SecurityPolicyType). A custom domain created
// without one gets DefaultSecurityPolicy, the policy Cognito's custom
// domains had before the setting existed; a prefix domain has no setting
// and is served with PrefixSecurityPolicy (docs/custom-domains.md).
const (
	DefaultSecurityPolicy = cip.SecurityPolicyTypeTlsV1
	PrefixSecurityPolicy  = cip.SecurityPolicyTypeTlsV1_2_2021
)

// securityPolicyOf is the policy a domain is served with.
func securityPolicyOf(custom bool, x doc) string {
	switch {
	case !custom:
		return PrefixSecurityPolicy
	case x.SecurityPolicy == "":
		return DefaultSecurityPolicy
	}
	return x.SecurityPolicy
}

func decode(d store.Domain) (doc, error) {
	var x doc
	if err := json.Unmarshal(d.Doc, &x); err != nil {
		return x, fmt.Errorf("domains: decoding %s: %w", d.Key, err)
	}
	return x, nil
}

func encode(x doc) []byte {
	b, _ := json.Marshal(x)
	return b
}

func regionOfPool(poolID string) string {
	r, _, _ := strings.Cut(poolID, "_")
	return r
}

// Host is the host name a domain is served at.
func (s *Service) Host(d store.Domain) string {
	if d.Custom {
		return d.Name
	}
	return s.PrefixHost(d.Region, d.Name)
}

// PrefixHost is the host name of a prefix domain.
func (s *Service) PrefixHost(region, prefix string) string {
	return prefix + ".auth." + region + "." + s.o.BaseDomain
}

// keyForHost finds the store key of the domain served at a host name.
func (s *Service) keyForHost(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	suffix := "." + s.o.BaseDomain
	if rest, ok := strings.CutSuffix(host, suffix); ok {
		parts := strings.Split(rest, ".")
		if len(parts) == 3 && parts[1] == "auth" {
			return store.PrefixDomainKey(parts[2], parts[0])
		}
	}
	return store.CustomDomainKey(host)
}

func (s *Service) now() time.Time { return s.o.Clock.Now().UTC() }

var (
	prefixRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
	labelRE  = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
)

func invalid(msg string) error { return awserr.New(awserr.InvalidParameter, msg) }

const (
	msgNoSuchDomain     = "No such domain or user pool exists."
	msgAlreadyHas       = "User pool already has a domain configured."
	msgTaken            = "Domain already associated with another user pool."
	msgNotSubdomain     = "Custom domain is not a valid subdomain: Was not able to resolve a DNS A record for the parent domain or domain parent is a top-level domain."
	msgToPrefix         = "Cannot convert custom domain to prefix domain."
	msgNotCustom        = "User pool should have a custom domain associated, failed to update the certificate."
	msgInvalidCharacter = "The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
)

func checkPrefix(name string) error {
	if !prefixRE.MatchString(name) {
		return invalid(msgInvalidCharacter)
	}
	for _, w := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(name, w) {
			return invalid("Domain cannot contain reserved word: " + w)
		}
	}
	return nil
}

// checkCustomName requires a fully qualified name below a parent domain that
// is not a top-level domain, and (when configured) an A record on the parent.
func (s *Service) checkCustomName(ctx context.Context, name string) error {
	labels := strings.Split(name, ".")
	if len(labels) < 3 {
		return invalid(msgNotSubdomain)
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return invalid(msgNotSubdomain)
		}
	}
	if s.o.CheckParentDNS {
		parent := strings.Join(labels[1:], ".")
		ips, err := s.o.LookupA(ctx, parent)
		if err != nil || len(ips) == 0 {
			return invalid(msgNotSubdomain)
		}
	}
	return nil
}

// viewerCertificateError is how Cognito reports any unusable certificate:
// CloudFront's InvalidViewerCertificate inside an InvalidParameterException.
func viewerCertificateError() error {
	return invalid("The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain. (Service: AmazonCloudFront; Status Code: 400; Error Code: InvalidViewerCertificate; Request ID: " + randomRequestID() + "; Proxy: null)")
}

// checkCertificate requires an ISSUED, unexpired certificate in us-east-1
// that covers the domain, and returns it ready to serve.
func (s *Service) checkCertificate(ctx context.Context, arn, domain string) (*certs.Material, error) {
	region, _, _, err := certs.ParseARN(arn)
	if err != nil || region != CertificateRegion {
		return nil, viewerCertificateError()
	}
	m, err := s.certs.Material(ctx, arn)
	if err != nil {
		if _, ok := awserr.As(err); ok || errors.Is(err, store.ErrNotFound) {
			return nil, viewerCertificateError()
		}
		return nil, err
	}
	now := s.now()
	if m.Region != CertificateRegion || m.Status != "ISSUED" || now.After(m.NotAfter) || now.Before(m.NotBefore) || !certs.Covers(m.Names, domain) {
		return nil, viewerCertificateError()
	}
	return m, nil
}

// domainError is the one place a store error about a domain becomes the
// error Cognito answers: a domain that is not there (or is not the
// request's) is "no such domain", a custom domain over the Region's quota
// a LimitExceededException; anything else is the store's own failure.
func (s *Service) domainError(err error, region string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return invalid(msgNoSuchDomain)
	case errors.Is(err, store.ErrQuotaExceeded):
		return awserr.Newf(awserr.LimitExceeded, "The account has reached its limit of %d custom domains in %s.", s.o.CustomDomainQuota, region)
	}
	return err
}

// Pools tells a pool's feature plan (package userpool's loader); a pool
// that does not exist is ResourceNotFoundException "User pool X does not
// exist.".
type Pools interface {
	PoolTier(ctx context.Context, poolID string) (string, error)
	// PoolReplicaRegions lists the Regions of the pool's secondary replicas.
	PoolReplicaRegions(ctx context.Context, poolID string) ([]string, error)
}

// loadPool checks that the pool exists and returns what the domain rules
// need of it: its feature plan (tierOf reads it).
func (s *Service) loadPool(ctx context.Context, id string) (string, error) {
	return s.o.Pools.PoolTier(ctx, id)
}

func tierOf(tier string) string { return tier }

func versionStamp(t time.Time) string { return t.UTC().Format("20060102150405") }

// CreateUserPoolDomain creates a prefix domain, or a custom domain when the
// request carries CustomDomainConfig.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *cip.CreateUserPoolDomainRequest) (*cip.CreateUserPoolDomainResponse, error) {
	custom := in.CustomDomainConfig != nil
	name := in.Domain
	if custom {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if err := s.checkCustomName(ctx, name); err != nil {
			return nil, err
		}
	} else if err := checkPrefix(name); err != nil {
		return nil, err
	}
	pool, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	mlv := int32(1)
	if in.ManagedLoginVersion != nil {
		mlv = *in.ManagedLoginVersion
	}
	if mlv != 1 && mlv != 2 {
		return nil, invalid("ManagedLoginVersion must be 1 or 2.")
	}
	if mlv == 2 && tierOf(pool) == "LITE" {
		return nil, awserr.New(awserr.FeatureUnavailableInTier, "Managed login requires the ESSENTIALS or PLUS feature plan.")
	}
	existing, err := s.store.ListDomainsByPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	for _, d := range existing {
		if d.Custom == custom {
			return nil, invalid(msgAlreadyHas)
		}
	}
	region := regionOfPool(in.UserPoolId)
	key := store.PrefixDomainKey(region, name)
	if custom {
		key = store.CustomDomainKey(name)
	}
	if _, err := s.store.GetDomain(ctx, key); err == nil {
		return nil, invalid(msgTaken)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	failover, err := s.checkRouting(ctx, in.UserPoolId, custom, in.Routing)
	if err != nil {
		return nil, err
	}
	arn, policy := "", ""
	var cert *certs.Material
	if custom {
		arn, policy = in.CustomDomainConfig.CertificateArn, in.CustomDomainConfig.SecurityPolicy
		if cert, err = s.checkCertificate(ctx, arn, name); err != nil {
			return nil, err
		}
	}
	now := s.now()
	rec := store.Domain{
		Key: key, Name: name, PoolID: in.UserPoolId, Region: region, Custom: custom, CertificateARN: arn,
		Status: StatusCreating, CreatedAt: now, UpdatedAt: now, Version: 1,
		Doc: encode(doc{ManagedLoginVersion: mlv, Generation: 1, PendingSince: now, Version: versionStamp(now), SecurityPolicy: policy, Failover: failover}),
	}
	create := s.store.CreateDomain
	if custom {
		// The quota is checked as the record is inserted, atomically: two
		// creations racing for the last place cannot both pass it.
		create = func(ctx context.Context, d store.Domain) error {
			return s.store.CreateCustomDomain(ctx, d, s.o.CustomDomainQuota)
		}
	}
	switch err := create(ctx, rec); {
	case errors.Is(err, store.ErrAlreadyExists):
		// Lost a race: either the name was taken or the pool got a domain.
		if ds, _ := s.store.ListDomainsByPool(ctx, in.UserPoolId); hasKind(ds, custom) {
			return nil, invalid(msgAlreadyHas)
		}
		return nil, invalid(msgTaken)
	case errors.Is(err, store.ErrNotFound):
		if custom {
			return nil, viewerCertificateError()
		}
		return nil, awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", in.UserPoolId)
	case err != nil:
		return nil, s.domainError(err, region)
	}
	s.changed(ctx, rec, cert)
	out := &cip.CreateUserPoolDomainResponse{ManagedLoginVersion: &mlv, Routing: failover.wire()}
	if custom {
		out.CloudFrontDomain = certs.CloudFrontDomain(name, s.o.CloudFrontSuffix)
	}
	return out, nil
}

func hasKind(ds []store.Domain, custom bool) bool {
	for _, d := range ds {
		if d.Custom == custom {
			return true
		}
	}
	return false
}

// requestKey is the key of the domain a Describe/Update/Delete names: a
// name with dots is a custom domain (custom is true, name its normalised
// form), anything else a prefix in the given Region.
func requestKey(name, region string) (key, normalised string, custom bool) {
	if strings.Contains(name, ".") {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		return store.CustomDomainKey(name), name, true
	}
	return store.PrefixDomainKey(region, name), name, false
}

// findForRequest finds the domain a Describe/Update/Delete names.
func (s *Service) findForRequest(ctx context.Context, name, region string) (store.Domain, error) {
	key, _, _ := requestKey(name, region)
	return s.store.GetDomain(ctx, key)
}

// noSuchDomain reads the domain an Update/Delete names, on an error path:
// "no such domain" when it is not there, is another pool's or is being
// deleted, else err. It keeps Cognito's order of checks when a check that
// needs no record was made before the domain was read.
func (s *Service) noSuchDomain(ctx context.Context, key, poolID string, err error) error {
	d, gerr := s.store.GetDomain(ctx, key)
	if errors.Is(gerr, store.ErrNotFound) || (gerr == nil && (d.PoolID != poolID || d.Status == StatusDeleting)) {
		return invalid(msgNoSuchDomain)
	}
	if gerr != nil {
		return gerr
	}
	return err
}

// DescribeUserPoolDomain describes a domain; an unknown domain is an empty
// description, not an error, as in Cognito.
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *cip.DescribeUserPoolDomainRequest) (*cip.DescribeUserPoolDomainResponse, error) {
	d, err := s.findForRequest(ctx, in.Domain, reqctx.Region(ctx, s.o.Region))
	if errors.Is(err, store.ErrNotFound) {
		return &cip.DescribeUserPoolDomainResponse{DomainDescription: &cip.DomainDescriptionType{}}, nil
	}
	if err != nil {
		return nil, err
	}
	if d.Status != StatusActive {
		settled, err := s.settlePending(ctx, d)
		if err != nil {
			return nil, err
		}
		if settled {
			d, err = s.store.GetDomain(ctx, d.Key)
		}
		if errors.Is(err, store.ErrNotFound) {
			return &cip.DescribeUserPoolDomainResponse{DomainDescription: &cip.DomainDescriptionType{}}, nil
		}
		if err != nil {
			return nil, err
		}
	}
	x, err := decode(d)
	if err != nil {
		return nil, err
	}
	desc := &cip.DomainDescriptionType{
		UserPoolId:             d.PoolID,
		AWSAccountId:           s.o.AccountID,
		Domain:                 d.Name,
		S3Bucket:               s3Bucket(d.Region),
		CloudFrontDistribution: certs.CloudFrontDomain(d.Name, s.o.CloudFrontSuffix),
		Version:                x.Version,
		Status:                 d.Status,
		CustomDomainConfig:     &cip.CustomDomainConfigType{CertificateArn: d.CertificateARN},
		ManagedLoginVersion:    &x.ManagedLoginVersion,
		Routing:                x.Failover.wire(),
	}
	if d.Custom {
		desc.CustomDomainConfig.SecurityPolicy = securityPolicyOf(true, x)
	}
	return &cip.DescribeUserPoolDomainResponse{DomainDescription: desc}, nil
}

// UpdateUserPoolDomain replaces a custom domain's certificate or changes a
// domain's managed login version. The name and the pool never change.
//
// The domain is read once, by the update itself: the checks that need only
// the request run first, and when one fails the domain is read to tell
// "no such domain" (which Cognito checks first) from that failure.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *cip.UpdateUserPoolDomainRequest) (*cip.UpdateUserPoolDomainResponse, error) {
	key, name, custom := requestKey(in.Domain, regionOfPool(in.UserPoolId))
	cert, err := s.checkUpdate(ctx, in, name, custom)
	if err != nil {
		return nil, s.noSuchDomain(ctx, key, in.UserPoolId, err)
	}
	var failover *Failover
	if in.Routing != nil {
		if failover, err = s.checkRouting(ctx, in.UserPoolId, custom, in.Routing); err != nil {
			return nil, s.noSuchDomain(ctx, key, in.UserPoolId, err)
		}
	}
	var mlv int32
	updated, err := s.store.UpdateDomain(ctx, key, func(cur *store.Domain) error {
		if cur.PoolID != in.UserPoolId || cur.Status == StatusDeleting {
			return invalid(msgNoSuchDomain)
		}
		x, err := decode(*cur)
		if err != nil {
			return err
		}
		if in.ManagedLoginVersion != nil {
			x.ManagedLoginVersion = *in.ManagedLoginVersion
		}
		if cur.Custom {
			cur.CertificateARN = in.CustomDomainConfig.CertificateArn
			if p := in.CustomDomainConfig.SecurityPolicy; p != "" {
				x.SecurityPolicy = p // none given: the policy stays as it is
			}
		}
		if in.Routing != nil {
			x.Failover = failover
		}
		failover = x.Failover
		now := s.now()
		x.Generation++
		x.PendingSince = now
		x.Version = versionStamp(now)
		cur.Status = StatusUpdating
		cur.UpdatedAt = now
		cur.Doc = encode(x)
		mlv = x.ManagedLoginVersion
		return nil
	})
	if errors.Is(err, store.ErrNotFound) && custom {
		// The domain, or the certificate since it was checked, is gone.
		return nil, s.noSuchDomain(ctx, key, in.UserPoolId, viewerCertificateError())
	}
	if err != nil {
		return nil, s.domainError(err, regionOfPool(in.UserPoolId))
	}
	s.changed(ctx, updated, cert)
	out := &cip.UpdateUserPoolDomainResponse{ManagedLoginVersion: &mlv, Routing: failover.wire()}
	if custom {
		out.CloudFrontDomain = certs.CloudFrontDomain(name, s.o.CloudFrontSuffix)
	}
	return out, nil
}

// checkUpdate makes the checks of an update that need no domain record, in
// Cognito's order, and returns the new certificate of a custom domain.
func (s *Service) checkUpdate(ctx context.Context, in *cip.UpdateUserPoolDomainRequest, name string, custom bool) (*certs.Material, error) {
	if custom && in.CustomDomainConfig == nil {
		return nil, invalid(msgToPrefix)
	}
	if !custom && in.CustomDomainConfig != nil {
		return nil, invalid(msgNotCustom)
	}
	if in.ManagedLoginVersion != nil && *in.ManagedLoginVersion != 1 && *in.ManagedLoginVersion != 2 {
		return nil, invalid("ManagedLoginVersion must be 1 or 2.")
	}
	if in.ManagedLoginVersion != nil && *in.ManagedLoginVersion == 2 {
		pool, err := s.loadPool(ctx, in.UserPoolId)
		if err != nil {
			return nil, err
		}
		if tierOf(pool) == "LITE" {
			return nil, awserr.New(awserr.FeatureUnavailableInTier, "Managed login requires the ESSENTIALS or PLUS feature plan.")
		}
	}
	if !custom {
		return nil, nil
	}
	return s.checkCertificate(ctx, in.CustomDomainConfig.CertificateArn, name)
}

// DeleteUserPoolDomain deletes a domain: it is DELETING until the edge has
// dropped it.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *cip.DeleteUserPoolDomainRequest) (*struct{}, error) {
	d, err := s.findForRequest(ctx, in.Domain, regionOfPool(in.UserPoolId))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (d.PoolID != in.UserPoolId || d.Status == StatusDeleting)) {
		return nil, invalid(msgNoSuchDomain)
	}
	if err != nil {
		return nil, err
	}
	updated, err := s.store.UpdateDomain(ctx, d.Key, func(cur *store.Domain) error {
		if cur.Status == StatusDeleting {
			return invalid(msgNoSuchDomain)
		}
		x, err := decode(*cur)
		if err != nil {
			return err
		}
		now := s.now()
		x.PendingSince = now
		cur.Status, cur.UpdatedAt, cur.Doc = StatusDeleting, now, encode(x)
		return nil
	})
	if err != nil {
		return nil, s.domainError(err, d.Region)
	}
	s.changed(ctx, updated, nil)
	return &struct{}{}, nil
}

// PoolDomains returns a pool's prefix and custom domain names, for
// DescribeUserPool.
func (s *Service) PoolDomains(ctx context.Context, poolID string) (prefix, custom string, err error) {
	ds, err := s.store.ListDomainsByPool(ctx, poolID)
	if err != nil {
		return "", "", err
	}
	for _, d := range ds {
		if d.Custom {
			custom = d.Name
		} else {
			prefix = d.Name
		}
	}
	return prefix, custom, nil
}

var airport = map[string]string{
	"us-east-1": "iad", "us-east-2": "cmh", "us-west-1": "sfo", "us-west-2": "pdx",
	"ca-central-1": "yul", "eu-west-1": "dub", "eu-west-2": "lhr", "eu-west-3": "cdg",
	"eu-central-1": "fra", "eu-north-1": "arn", "eu-south-1": "mxp", "ap-northeast-1": "nrt",
	"ap-northeast-2": "icn", "ap-northeast-3": "kix", "ap-southeast-1": "sin", "ap-southeast-2": "syd",
	"ap-south-1": "bom", "sa-east-1": "gru", "me-south-1": "bah", "af-south-1": "cpt",
}

// s3Bucket is the (AWS-owned) asset bucket Cognito names per Region.
func s3Bucket(region string) string {
	if a, ok := airport[region]; ok {
		return "aws-cognito-prod-" + a + "-assets"
	}
	return "aws-cognito-prod-" + region + "-assets"
}

func randomRequestID() string {
	var b [16]byte
	_, _ = io.ReadFull(randReader, b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
