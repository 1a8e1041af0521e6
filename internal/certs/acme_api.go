package certs

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire"
	"github.com/gognito/gognito/internal/wire/acm"
)

// Statuses of the ACME resources, as ACM spells them.
const (
	acmeEndpointActive  = "ACTIVE"
	acmeValidationValid = "VALID"
	acmeAccountValid    = "VALID"
	acmeAccountDeact    = "DEACTIVATED"
	acmeAccountRevoked  = "REVOKED"
	scopeEnabled        = "ENABLED"
	scopeDisabled       = "DISABLED"
)

var allKeyAlgorithms = []string{acm.KeyAlgorithmRsa2048, acm.KeyAlgorithmEcPrime256v1, acm.KeyAlgorithmEcSecp384r1}

// endpointURL is the directory URL of an endpoint.
func (s *Service) endpointURL(id string) string {
	base := ""
	if s.acmeBase != nil {
		base = s.acmeBase()
	}
	return base + "/" + id + "/directory"
}

func (s *Service) endpointView(ep *acmeEndpointDoc) acm.AcmeEndpoint {
	v := acm.AcmeEndpoint{
		AcmeEndpointArn:       s.acmeEndpointARN(ep.Region, ep.ID),
		EndpointUrl:           s.endpointURL(ep.ID),
		Status:                ep.Status,
		AuthorizationBehavior: ep.AuthorizationBehavior,
		Contact:               ep.Contact,
		CertificateAuthority:  &acm.CertificateAuthority{PublicCertificateAuthority: &acm.PublicCertificateAuthority{AllowedKeyAlgorithms: ep.AllowedKeyAlgorithms}},
		CertificateTags:       ep.CertificateTags,
		CreatedAt:             wireTime(ep.CreatedAt),
		UpdatedAt:             wireTime(ep.UpdatedAt),
	}
	return v
}

func checkKeyAlgorithms(ca *acm.CertificateAuthority) ([]string, error) {
	if ca == nil || ca.PublicCertificateAuthority == nil {
		return nil, validation("CertificateAuthority must name a PublicCertificateAuthority.")
	}
	algs := ca.PublicCertificateAuthority.AllowedKeyAlgorithms
	if len(algs) == 0 {
		return append([]string(nil), allKeyAlgorithms...), nil
	}
	var out []string
	for _, a := range algs {
		if !containsString(allKeyAlgorithms, a) {
			return nil, validation("Key algorithm %s is not supported.", a)
		}
		if !containsString(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// CreateAcmeEndpoint creates an ACME endpoint. ACM makes it CREATING, then
// ACTIVE; gognito's is ACTIVE at once: its directory answers as soon as the
// call returns.
func (s *Service) CreateAcmeEndpoint(ctx context.Context, in *acm.CreateAcmeEndpointRequest) (*acm.CreateAcmeEndpointResponse, error) {
	algs, err := checkKeyAlgorithms(in.CertificateAuthority)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkTags(in.CertificateTags); err != nil {
		return nil, err
	}
	region := s.requestRegion(ctx)
	now := s.clock()
	ep := acmeEndpointDoc{V: acmeRecordVersion, ID: s.newAcmeID(), Region: region, Status: acmeEndpointActive,
		AuthorizationBehavior: in.AuthorizationBehavior, Contact: in.Contact, AllowedKeyAlgorithms: algs,
		CertificateTags: in.CertificateTags, Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	if ep.Contact == "" {
		ep.Contact = "NOT_REQUIRED"
	}
	prev, err := s.claimAcmeToken(ctx, region+"/endpoint", in.IdempotencyToken, ep.ID)
	if err != nil {
		return nil, err
	}
	if prev != "" {
		if p, err := s.endpointByID(ctx, prev, ""); err == nil {
			return &acm.CreateAcmeEndpointResponse{AcmeEndpointArn: s.acmeEndpointARN(p.Region, p.ID)}, nil
		}
	}
	if err := s.putRecord(ctx, acmeEndpointPrefix+ep.ID, ep); err != nil {
		return nil, err
	}
	return &acm.CreateAcmeEndpointResponse{AcmeEndpointArn: s.acmeEndpointARN(region, ep.ID)}, nil
}

// claimAcmeToken records that an IdempotencyToken (of a kind of create,
// within the hour) names id, and returns the id it named before when it was
// used already; "" when there is no token or it is new.
func (s *Service) claimAcmeToken(ctx context.Context, kind, token, id string) (string, error) {
	if token == "" {
		return "", nil
	}
	stored, err := s.store.PutValueIfAbsentUntil(ctx, "acme/idempotency/"+kind+"/"+token, []byte(id), s.now().Add(idempotencyTime))
	if err != nil || string(stored) == id {
		return "", err
	}
	return string(stored), nil
}

// DescribeAcmeEndpoint describes an endpoint.
func (s *Service) DescribeAcmeEndpoint(ctx context.Context, in *acm.DescribeAcmeEndpointRequest) (*acm.DescribeAcmeEndpointResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	v := s.endpointView(ep)
	return &acm.DescribeAcmeEndpointResponse{AcmeEndpoint: &v}, nil
}

// ListAcmeEndpoints lists the Region's endpoints.
func (s *Service) ListAcmeEndpoints(ctx context.Context, in *acm.ListAcmeEndpointsRequest) (*acm.ListAcmeEndpointsResponse, error) {
	keys, eps, err := listRecords[acmeEndpointDoc](ctx, s, acmeEndpointPrefix)
	if err != nil {
		return nil, err
	}
	region := s.requestRegion(ctx)
	var k2 []string
	var mine []acmeEndpointDoc
	for i, ep := range eps {
		if ep.Region == region {
			k2, mine = append(k2, keys[i]), append(mine, ep)
		}
	}
	got, next, err := page(k2, mine, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &acm.ListAcmeEndpointsResponse{AcmeEndpoints: []acm.AcmeEndpointSummary{}, NextToken: next}
	for i := range got {
		v := s.endpointView(&got[i])
		out.AcmeEndpoints = append(out.AcmeEndpoints, acm.AcmeEndpointSummary(v))
	}
	return out, nil
}

// UpdateAcmeEndpoint changes an endpoint's authorization behaviour, contact
// requirement or allowed key algorithms.
func (s *Service) UpdateAcmeEndpoint(ctx context.Context, in *acm.UpdateAcmeEndpointRequest) (*struct{}, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	if ep.Status != acmeEndpointActive {
		return nil, acmeConflict("The ACME endpoint %s is %s.", in.AcmeEndpointArn, ep.Status)
	}
	if in.AuthorizationBehavior != "" {
		ep.AuthorizationBehavior = in.AuthorizationBehavior
	}
	if in.Contact != "" {
		ep.Contact = in.Contact
	}
	if in.CertificateAuthority != nil {
		if ep.AllowedKeyAlgorithms, err = checkKeyAlgorithms(in.CertificateAuthority); err != nil {
			return nil, err
		}
	}
	ep.UpdatedAt = s.clock()
	return &struct{}{}, s.putRecord(ctx, acmeEndpointPrefix+ep.ID, ep)
}

// DeleteAcmeEndpoint deletes an endpoint with its bindings, validations,
// accounts, orders and authorizations. Certificates it issued stay.
func (s *Service) DeleteAcmeEndpoint(ctx context.Context, in *acm.DeleteAcmeEndpointRequest) (*struct{}, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{acmeEABPrefix, acmeValidationPrefix, acmeAccountPrefix, acmeAccountKeyPrefix, acmeOrderPrefix, acmeAuthzPrefix} {
		m, err := s.store.ListValues(ctx, p+ep.ID+"/")
		if err != nil {
			return nil, err
		}
		for k := range m {
			if err := s.store.DeleteValue(ctx, k); err != nil {
				return nil, err
			}
		}
	}
	return &struct{}{}, s.store.DeleteValue(ctx, acmeEndpointPrefix+ep.ID)
}

// --- External account bindings ---

func (s *Service) eabView(e *acmeEABDoc) *acm.AcmeExternalAccountBinding {
	t := func(p *time.Time) *wire.Time {
		if p == nil {
			return nil
		}
		return wireTime(*p)
	}
	return &acm.AcmeExternalAccountBinding{
		AcmeExternalAccountBindingArn: s.acmeEABARN(e.Region, e.EndpointID, e.KeyID),
		AcmeEndpointArn:               s.acmeEndpointARN(e.Region, e.EndpointID),
		RoleArn:                       e.RoleArn,
		ExpiresAt:                     t(e.ExpiresAt),
		RevokedAt:                     t(e.RevokedAt),
		LastUsedAt:                    t(e.LastUsedAt),
		CreatedAt:                     wireTime(e.CreatedAt),
		UpdatedAt:                     wireTime(e.UpdatedAt),
	}
}

// CreateAcmeExternalAccountBinding makes the credentials an ACME client
// registers an account with: a key id (the binding's id) and a MAC key (32
// random bytes, sealed at rest), tied to an IAM role. gognito has no IAM:
// the role is kept and shown, and every binding may issue for the
// endpoint's validated domains.
func (s *Service) CreateAcmeExternalAccountBinding(ctx context.Context, in *acm.CreateAcmeExternalAccountBindingRequest) (*acm.CreateAcmeExternalAccountBindingResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	mac := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, mac); err != nil {
		return nil, err
	}
	e := acmeEABDoc{V: acmeRecordVersion, KeyID: s.newKeyID(), EndpointID: ep.ID, Region: ep.Region, RoleArn: in.RoleArn,
		Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	if prev, err := s.claimAcmeToken(ctx, ep.ID+"/eab", in.IdempotencyToken, e.KeyID); err != nil {
		return nil, err
	} else if prev != "" {
		var p acmeEABDoc
		if s.getRecord(ctx, acmeEABPrefix+ep.ID+"/"+prev, &p) == nil {
			return &acm.CreateAcmeExternalAccountBindingResponse{ExternalAccountBinding: s.eabView(&p)}, nil
		}
	}
	e.SealedMAC = s.sealer.Seal(mac, []byte(acmeEABPrefix+e.KeyID))
	if x := in.Expiration; x != nil {
		if x.Value == nil || *x.Value < 1 {
			return nil, validation("Expiration.Value must be at least 1.")
		}
		unit := map[string]time.Duration{"MINUTES": time.Minute, "HOURS": time.Hour, "DAYS": 24 * time.Hour}[x.Type]
		if unit == 0 {
			return nil, validation("Expiration.Type must be one of MINUTES, HOURS, DAYS.")
		}
		if *x.Value > int64(100*365*24*time.Hour/unit) {
			return nil, validation("Expiration is too far in the future.")
		}
		exp := now.Add(time.Duration(*x.Value) * unit)
		e.ExpiresAt = &exp
	}
	if err := s.putRecord(ctx, acmeEABPrefix+ep.ID+"/"+e.KeyID, e); err != nil {
		return nil, err
	}
	return &acm.CreateAcmeExternalAccountBindingResponse{ExternalAccountBinding: s.eabView(&e)}, nil
}

func (s *Service) eabFor(ctx context.Context, arn string) (*acmeEABDoc, error) {
	ids, err := s.parseScoped(ctx, acmeEABARNRE, "external account binding", arn)
	if err != nil {
		return nil, err
	}
	var e acmeEABDoc
	if err := s.getRecord(ctx, acmeEABPrefix+ids[0]+"/"+ids[1], &e); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFound("external account binding", arn)
		}
		return nil, err
	}
	return &e, nil
}

// DescribeAcmeExternalAccountBinding describes a binding.
func (s *Service) DescribeAcmeExternalAccountBinding(ctx context.Context, in *acm.DescribeAcmeExternalAccountBindingRequest) (*acm.DescribeAcmeExternalAccountBindingResponse, error) {
	e, err := s.eabFor(ctx, in.AcmeExternalAccountBindingArn)
	if err != nil {
		return nil, err
	}
	return &acm.DescribeAcmeExternalAccountBindingResponse{ExternalAccountBinding: s.eabView(e)}, nil
}

// ListAcmeExternalAccountBindings lists an endpoint's bindings.
func (s *Service) ListAcmeExternalAccountBindings(ctx context.Context, in *acm.ListAcmeExternalAccountBindingsRequest) (*acm.ListAcmeExternalAccountBindingsResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	keys, all, err := listRecords[acmeEABDoc](ctx, s, acmeEABPrefix+ep.ID+"/")
	if err != nil {
		return nil, err
	}
	got, next, err := page(keys, all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &acm.ListAcmeExternalAccountBindingsResponse{ExternalAccountBindings: []acm.AcmeExternalAccountBindingSummary{}, NextToken: next}
	for i := range got {
		out.ExternalAccountBindings = append(out.ExternalAccountBindings, acm.AcmeExternalAccountBindingSummary(*s.eabView(&got[i])))
	}
	return out, nil
}

// GetAcmeExternalAccountBindingCredentials returns a binding's key id and
// MAC key (base64url without padding, as ACME clients take it: certbot's
// --eab-hmac-key, lego's --eab.hmac).
func (s *Service) GetAcmeExternalAccountBindingCredentials(ctx context.Context, in *acm.GetAcmeExternalAccountBindingCredentialsRequest) (*acm.GetAcmeExternalAccountBindingCredentialsResponse, error) {
	e, err := s.eabFor(ctx, in.AcmeExternalAccountBindingArn)
	if err != nil {
		return nil, err
	}
	mac, err := s.sealer.Open(e.SealedMAC, []byte(acmeEABPrefix+e.KeyID))
	if err != nil {
		return nil, err
	}
	return &acm.GetAcmeExternalAccountBindingCredentialsResponse{KeyId: e.KeyID, MacKey: base64.RawURLEncoding.EncodeToString(mac)}, nil
}

// RevokeAcmeExternalAccountBinding stops a binding from registering new
// accounts; accounts it registered stay valid (as ACM).
func (s *Service) RevokeAcmeExternalAccountBinding(ctx context.Context, in *acm.RevokeAcmeExternalAccountBindingRequest) (*struct{}, error) {
	e, err := s.eabFor(ctx, in.AcmeExternalAccountBindingArn)
	if err != nil {
		return nil, err
	}
	if e.RevokedAt != nil {
		return nil, acmeConflict("The external account binding %s is already revoked.", in.AcmeExternalAccountBindingArn)
	}
	now := s.clock()
	e.RevokedAt, e.UpdatedAt = &now, now
	return &struct{}{}, s.putRecord(ctx, acmeEABPrefix+e.EndpointID+"/"+e.KeyID, e)
}

// DeleteAcmeExternalAccountBinding deletes a binding (its accounts stay).
// Deleting one that is not there succeeds, as the model declares no
// ResourceNotFoundException for it.
func (s *Service) DeleteAcmeExternalAccountBinding(ctx context.Context, in *acm.DeleteAcmeExternalAccountBindingRequest) (*struct{}, error) {
	ids, err := s.parseScoped(ctx, acmeEABARNRE, "external account binding", in.AcmeExternalAccountBindingArn)
	if err != nil {
		if ae, ok := awserr.As(err); ok && ae.Type() == awserr.ResourceNotFound {
			return &struct{}{}, nil
		}
		return nil, err
	}
	return &struct{}{}, s.store.DeleteValue(ctx, acmeEABPrefix+ids[0]+"/"+ids[1])
}

// --- Domain validations ---

// validationRecord is the CNAME ACM would ask for in the hosted zone: shown,
// never looked up (gognito has no public DNS).
func (s *Service) validationRecord(v *acmeValidationDoc) *acm.ResourceRecord {
	base := strings.TrimPrefix(v.DomainName, "*.")
	return &acm.ResourceRecord{
		Name:  "_" + hashHex(s.accountID, "acme-name", v.EndpointID, base) + "." + base + ".",
		Type:  acm.RecordTypeCname,
		Value: "_" + hashHex(s.accountID, "acme-value", v.EndpointID, base) + "." + derive(lowerAlpha, 10, s.accountID, "zone", base) + ".acm-validations.aws.",
	}
}

func (s *Service) validationView(v *acmeValidationDoc) acm.AcmeDomainValidation {
	return acm.AcmeDomainValidation{
		AcmeDomainValidationArn: s.acmeValidationARN(v.Region, v.EndpointID, v.ID),
		AcmeEndpointArn:         s.acmeEndpointARN(v.Region, v.EndpointID),
		DomainName:              v.DomainName,
		PrevalidationType:       "DNS_PREVALIDATION",
		PrevalidationDetails: &acm.PrevalidationDetails{DnsPrevalidation: &acm.DnsPrevalidationDetails{
			DomainScope:    &acm.DomainScope{ExactDomain: v.ExactDomain, Subdomains: v.Subdomains, Wildcards: v.Wildcards},
			HostedZoneId:   v.HostedZoneID,
			ResourceRecord: s.validationRecord(v),
		}},
		Status:    v.Status,
		CreatedAt: wireTime(v.CreatedAt),
		UpdatedAt: wireTime(v.UpdatedAt),
	}
}

// applyScope sets a validation's scope from the request: ExactDomain is
// ENABLED unless said otherwise, Subdomains and Wildcards DISABLED.
func applyScope(v *acmeValidationDoc, o *acm.PrevalidationOptions, create bool) error {
	if o == nil || o.DnsPrevalidation == nil {
		if create {
			return validation("PrevalidationOptions must name DnsPrevalidation.")
		}
		return nil
	}
	if create {
		v.ExactDomain, v.Subdomains, v.Wildcards = scopeEnabled, scopeDisabled, scopeDisabled
	}
	if sc := o.DnsPrevalidation.DomainScope; sc != nil {
		if sc.ExactDomain != "" {
			v.ExactDomain = sc.ExactDomain
		}
		if sc.Subdomains != "" {
			v.Subdomains = sc.Subdomains
		}
		if sc.Wildcards != "" {
			v.Wildcards = sc.Wildcards
		}
	}
	if o.DnsPrevalidation.HostedZoneId != "" {
		v.HostedZoneID = o.DnsPrevalidation.HostedZoneId
	}
	if v.ExactDomain != scopeEnabled && v.Subdomains != scopeEnabled && v.Wildcards != scopeEnabled {
		return validation("The DomainScope must enable at least one of ExactDomain, Subdomains and Wildcards.")
	}
	return nil
}

// CreateAcmeDomainValidation prevalidates a domain for an endpoint. What
// stands for ACM's DNS check here: the call itself. gognito has no public
// DNS, so a validation is VALID as soon as it is created (the administrator
// who calls the API is trusted to own the domain, as the one who creates the
// CNAME in Route 53 is); the CNAME ACM would ask for is shown.
func (s *Service) CreateAcmeDomainValidation(ctx context.Context, in *acm.CreateAcmeDomainValidationRequest) (*acm.CreateAcmeDomainValidationResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	name := normalizeName(in.DomainName)
	if !strings.Contains(name, ".") {
		return nil, validation("The domain name %s is not a fully qualified domain name.", in.DomainName)
	}
	id := s.newAcmeID()
	if prev, err := s.claimAcmeToken(ctx, ep.ID+"/validation", in.IdempotencyToken, id); err != nil {
		return nil, err
	} else if prev != "" {
		if _, err := s.store.GetValue(ctx, acmeValidationPrefix+ep.ID+"/"+prev); err == nil {
			return &acm.CreateAcmeDomainValidationResponse{AcmeDomainValidationArn: s.acmeValidationARN(ep.Region, ep.ID, prev)}, nil
		}
	}
	_, existing, err := listRecords[acmeValidationDoc](ctx, s, acmeValidationPrefix+ep.ID+"/")
	if err != nil {
		return nil, err
	}
	for _, v := range existing {
		if v.DomainName == name {
			return nil, acmeConflict("A domain validation for %s already exists on this ACME endpoint.", name)
		}
	}
	now := s.clock()
	v := acmeValidationDoc{V: acmeRecordVersion, ID: id, EndpointID: ep.ID, Region: ep.Region, DomainName: name,
		Status: acmeValidationValid, Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	if err := applyScope(&v, in.PrevalidationOptions, true); err != nil {
		return nil, err
	}
	if err := s.putRecord(ctx, acmeValidationPrefix+ep.ID+"/"+v.ID, v); err != nil {
		return nil, err
	}
	return &acm.CreateAcmeDomainValidationResponse{AcmeDomainValidationArn: s.acmeValidationARN(ep.Region, ep.ID, v.ID)}, nil
}

func (s *Service) validationFor(ctx context.Context, arn string) (*acmeValidationDoc, error) {
	ids, err := s.parseScoped(ctx, acmeValidationARNRE, "ACME domain validation", arn)
	if err != nil {
		return nil, err
	}
	var v acmeValidationDoc
	if err := s.getRecord(ctx, acmeValidationPrefix+ids[0]+"/"+ids[1], &v); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFound("ACME domain validation", arn)
		}
		return nil, err
	}
	return &v, nil
}

// DescribeAcmeDomainValidation describes a domain validation.
func (s *Service) DescribeAcmeDomainValidation(ctx context.Context, in *acm.DescribeAcmeDomainValidationRequest) (*acm.DescribeAcmeDomainValidationResponse, error) {
	v, err := s.validationFor(ctx, in.AcmeDomainValidationArn)
	if err != nil {
		return nil, err
	}
	view := s.validationView(v)
	return &acm.DescribeAcmeDomainValidationResponse{AcmeDomainValidation: &view}, nil
}

// ListAcmeDomainValidations lists an endpoint's domain validations.
func (s *Service) ListAcmeDomainValidations(ctx context.Context, in *acm.ListAcmeDomainValidationsRequest) (*acm.ListAcmeDomainValidationsResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	keys, all, err := listRecords[acmeValidationDoc](ctx, s, acmeValidationPrefix+ep.ID+"/")
	if err != nil {
		return nil, err
	}
	got, next, err := page(keys, all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &acm.ListAcmeDomainValidationsResponse{AcmeDomainValidations: []acm.AcmeDomainValidationSummary{}, NextToken: next}
	for i := range got {
		out.AcmeDomainValidations = append(out.AcmeDomainValidations, acm.AcmeDomainValidationSummary(s.validationView(&got[i])))
	}
	return out, nil
}

// UpdateAcmeDomainValidation changes a validation's scope.
func (s *Service) UpdateAcmeDomainValidation(ctx context.Context, in *acm.UpdateAcmeDomainValidationRequest) (*struct{}, error) {
	v, err := s.validationFor(ctx, in.AcmeDomainValidationArn)
	if err != nil {
		return nil, err
	}
	if err := applyScope(v, in.PrevalidationOptions, false); err != nil {
		return nil, err
	}
	v.UpdatedAt = s.clock()
	return &struct{}{}, s.putRecord(ctx, acmeValidationPrefix+v.EndpointID+"/"+v.ID, v)
}

// DeleteAcmeDomainValidation deletes a validation: new orders for its
// domain are refused; certificates already issued stay.
func (s *Service) DeleteAcmeDomainValidation(ctx context.Context, in *acm.DeleteAcmeDomainValidationRequest) (*struct{}, error) {
	ids, err := s.parseScoped(ctx, acmeValidationARNRE, "ACME domain validation", in.AcmeDomainValidationArn)
	if err != nil {
		return nil, err
	}
	return &struct{}{}, s.store.DeleteValue(ctx, acmeValidationPrefix+ids[0]+"/"+ids[1])
}

// --- Accounts ---

func (s *Service) accountURL(epID, id string) string {
	base := ""
	if s.acmeBase != nil {
		base = s.acmeBase()
	}
	return base + "/" + epID + "/acct/" + id
}

func (s *Service) accountView(ep *acmeEndpointDoc, a *acmeAccountDoc) acm.AcmeAccount {
	return acm.AcmeAccount{
		AccountUrl:                    s.accountURL(ep.ID, a.ID),
		PublicKeyThumbprint:           a.Thumbprint,
		Status:                        a.Status,
		CreatedAt:                     wireTime(a.CreatedAt),
		AcmeExternalAccountBindingArn: a.EABArn,
		Contacts:                      a.Contacts,
	}
}

// accountFor finds the account an AccountUrl names on an endpoint.
func (s *Service) accountFor(ctx context.Context, endpointArn, accountURL string) (*acmeEndpointDoc, *acmeAccountDoc, error) {
	ep, err := s.endpointFor(ctx, endpointArn)
	if err != nil {
		return nil, nil, err
	}
	// The account is named by the path's end, so that a URL from before a
	// change of the public URL still finds it.
	i := strings.LastIndex(accountURL, "/"+ep.ID+"/acct/")
	id := ""
	if i >= 0 {
		id = accountURL[i+len("/"+ep.ID+"/acct/"):]
	}
	if id == "" || strings.ContainsAny(id, "/?#") {
		return nil, nil, acmeNotFoundf("Could not find ACME account %s.", accountURL)
	}
	var a acmeAccountDoc
	if err := s.getRecord(ctx, acmeAccountPrefix+ep.ID+"/"+id, &a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, acmeNotFoundf("Could not find ACME account %s.", accountURL)
		}
		return nil, nil, err
	}
	return ep, &a, nil
}

// DescribeAcmeAccount describes an ACME account by its URL.
func (s *Service) DescribeAcmeAccount(ctx context.Context, in *acm.DescribeAcmeAccountRequest) (*acm.DescribeAcmeAccountResponse, error) {
	ep, a, err := s.accountFor(ctx, in.AcmeEndpointArn, in.AccountUrl)
	if err != nil {
		return nil, err
	}
	v := s.accountView(ep, a)
	return &acm.DescribeAcmeAccountResponse{AcmeAccount: &v}, nil
}

// ListAcmeAccounts lists an endpoint's accounts.
func (s *Service) ListAcmeAccounts(ctx context.Context, in *acm.ListAcmeAccountsRequest) (*acm.ListAcmeAccountsResponse, error) {
	ep, err := s.endpointFor(ctx, in.AcmeEndpointArn)
	if err != nil {
		return nil, err
	}
	keys, all, err := listRecords[acmeAccountDoc](ctx, s, acmeAccountPrefix+ep.ID+"/")
	if err != nil {
		return nil, err
	}
	got, next, err := page(keys, all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &acm.ListAcmeAccountsResponse{AcmeAccounts: []acm.AcmeAccountSummary{}, NextToken: next}
	for i := range got {
		out.AcmeAccounts = append(out.AcmeAccounts, acm.AcmeAccountSummary(s.accountView(ep, &got[i])))
	}
	return out, nil
}

// RevokeAcmeAccount revokes an account: its requests are refused from then
// on (unauthorized). An account already revoked is a ConflictException.
func (s *Service) RevokeAcmeAccount(ctx context.Context, in *acm.RevokeAcmeAccountRequest) (*struct{}, error) {
	ep, a, err := s.accountFor(ctx, in.AcmeEndpointArn, in.AccountUrl)
	if err != nil {
		return nil, err
	}
	if a.Status == acmeAccountRevoked {
		return nil, acmeConflict("The ACME account %s is already revoked.", in.AccountUrl)
	}
	a.Status = acmeAccountRevoked
	return &struct{}{}, s.putRecord(ctx, acmeAccountPrefix+ep.ID+"/"+a.ID, a)
}

func acmeNotFoundf(format string, args ...any) error {
	return awserr.Newf(awserr.ResourceNotFound, format, args...)
}
