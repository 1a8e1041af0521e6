package certs

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// This file is the ACME protocol's domain side (RFC 8555): what the ACME
// server (internal/acme, the transport) asks of the records once it has
// checked a request's JWS. It answers with *Problem errors, the RFC's
// problem documents.

// Problem is an ACME problem document (RFC 8555 §6.7): Type is the part
// after "urn:ietf:params:acme:error:", Status the HTTP status it is sent
// with.
type Problem struct {
	Type        string    `json:"type"`
	Detail      string    `json:"detail"`
	Status      int       `json:"status"`
	Subproblems []Problem `json:"subproblems,omitempty"`
	Identifier  string    `json:"identifier,omitempty"`
}

func (p *Problem) Error() string { return "acme " + p.Type + ": " + p.Detail }

func problem(status int, typ, format string, args ...any) *Problem {
	return &Problem{Type: typ, Status: status, Detail: fmt.Sprintf(format, args...)}
}

// Problems the server answers with.
func acmeMalformed(f string, a ...any) *Problem    { return problem(400, "malformed", f, a...) }
func acmeUnauthorized(f string, a ...any) *Problem { return problem(403, "unauthorized", f, a...) }
func acmeNotFoundP(f string, a ...any) *Problem    { return problem(404, "malformed", f, a...) }

// Lifetimes of the protocol's objects.
const (
	acmeNonceLife = time.Hour
	acmeOrderLife = 7 * 24 * time.Hour
)

// AcmeEndpoint is what the server needs of an endpoint.
type AcmeEndpoint struct {
	ID              string
	ContactRequired bool
}

// AcmeEndpointFor returns an ACTIVE endpoint by id, or a 404 problem.
func (s *Service) AcmeEndpointFor(ctx context.Context, id string) (*AcmeEndpoint, error) {
	var ep acmeEndpointDoc
	if err := s.getRecord(ctx, acmeEndpointPrefix+id, &ep); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFoundP("No ACME endpoint %s.", id)
		}
		return nil, err
	}
	if ep.Status != acmeEndpointActive {
		return nil, acmeNotFoundP("The ACME endpoint %s is %s.", id, ep.Status)
	}
	return &AcmeEndpoint{ID: ep.ID, ContactRequired: ep.Contact == "REQUIRED"}, nil
}

// AcmeNewNonce issues a replay nonce (RFC 8555 §7.2): 128 random bits,
// stored for an hour on every node.
func (s *Service) AcmeNewNonce(ctx context.Context) (string, error) {
	n := randomB64(s.rand, 16)
	expires := s.now().Add(acmeNonceLife)
	// The value is the expiry: an expired value reads as any other until
	// the janitor deletes it.
	return n, s.store.SetValueUntil(ctx, acmeNoncePrefix+n, []byte(expires.Format(time.RFC3339Nano)), expires)
}

// AcmeUseNonce spends a nonce: one this server issued, not expired, never
// used before (across nodes: the spend is a put-if-absent). Anything else is
// badNonce.
func (s *Service) AcmeUseNonce(ctx context.Context, n string) error {
	bad := problem(400, "badNonce", "The nonce is unknown, expired or already used.")
	if n == "" || len(n) > 64 {
		return bad
	}
	raw, err := s.store.GetValue(ctx, acmeNoncePrefix+n)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return bad
		}
		return err
	}
	if exp, err := time.Parse(time.RFC3339Nano, string(raw)); err != nil || !s.now().Before(exp) {
		return bad
	}
	mark := []byte(randomHex(s.rand, 8))
	got, err := s.store.PutValueIfAbsentUntil(ctx, acmeNonceUsedPrefix+n, mark, s.now().Add(acmeNonceLife))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, mark) {
		return bad
	}
	return s.store.DeleteValue(ctx, acmeNoncePrefix+n)
}

// AcmeEABKey returns the MAC key of a binding that may register an
// account now: not revoked, not expired.
func (s *Service) AcmeEABKey(ctx context.Context, endpointID, keyID string) ([]byte, error) {
	var e acmeEABDoc
	if err := s.getRecord(ctx, acmeEABPrefix+endpointID+"/"+keyID, &e); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeUnauthorized("Unknown external account binding key id.")
		}
		return nil, err
	}
	if e.RevokedAt != nil {
		return nil, acmeUnauthorized("The external account binding was revoked.")
	}
	if e.ExpiresAt != nil && !s.now().Before(*e.ExpiresAt) {
		return nil, acmeUnauthorized("The external account binding has expired.")
	}
	return s.sealer.Open(e.SealedMAC, []byte(acmeEABPrefix+e.KeyID))
}

// AcmeAccount is an account as the server shows it.
type AcmeAccount struct {
	ID       string
	Status   string // RFC spelling: valid, deactivated, revoked
	Contacts []string
	JWK      string // the account key, a JWK in JSON
}

func (a *acmeAccountDoc) view() *AcmeAccount {
	return &AcmeAccount{ID: a.ID, Status: strings.ToLower(a.Status), Contacts: a.Contacts, JWK: a.JWK}
}

// AcmeAccountByKey finds an endpoint's account by the thumbprint of its key
// (newAccount with onlyReturnExisting, or a repeated newAccount).
func (s *Service) AcmeAccountByKey(ctx context.Context, endpointID, thumbprint string) (*AcmeAccount, error) {
	raw, err := s.store.GetValue(ctx, acmeAccountKeyPrefix+endpointID+"/"+thumbprint)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, problem(400, "accountDoesNotExist", "No account has this key.")
		}
		return nil, err
	}
	return s.AcmeAccountByID(ctx, endpointID, string(raw))
}

// AcmeAccountByID finds an account by id (the kid of a request).
func (s *Service) AcmeAccountByID(ctx context.Context, endpointID, id string) (*AcmeAccount, error) {
	a, err := s.accountDoc(ctx, endpointID, id)
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

func (s *Service) accountDoc(ctx context.Context, endpointID, id string) (*acmeAccountDoc, error) {
	var a acmeAccountDoc
	if err := s.getRecord(ctx, acmeAccountPrefix+endpointID+"/"+id, &a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, problem(400, "accountDoesNotExist", "No such account.")
		}
		return nil, err
	}
	return &a, nil
}

// AcmeNewAccount registers an account for a key whose external account
// binding the server has verified (keyID). A key already registered returns
// its account with created false.
func (s *Service) AcmeNewAccount(ctx context.Context, endpointID, jwk, thumbprint string, contacts []string, keyID string) (*AcmeAccount, bool, error) {
	if prev, err := s.AcmeAccountByKey(ctx, endpointID, thumbprint); err == nil {
		return prev, false, nil
	}
	ep, err := s.endpointByID(ctx, endpointID, "")
	if err != nil {
		return nil, false, err
	}
	if ep.Contact == "REQUIRED" && len(contacts) == 0 {
		return nil, false, problem(400, "invalidContact", "This ACME endpoint requires a contact.")
	}
	for _, c := range contacts {
		if !strings.HasPrefix(c, "mailto:") || !strings.Contains(c, "@") {
			return nil, false, problem(400, "unsupportedContact", "Only mailto: contacts are supported.")
		}
	}
	now := s.clock()
	a := acmeAccountDoc{V: acmeRecordVersion, ID: randomB64(s.rand, 12), EndpointID: endpointID, JWK: jwk, Thumbprint: thumbprint,
		Status: acmeAccountValid, Contacts: contacts, EABArn: s.acmeEABARN(ep.Region, endpointID, keyID), CreatedAt: now}
	stored, err := s.store.PutValueIfAbsent(ctx, acmeAccountKeyPrefix+endpointID+"/"+thumbprint, []byte(a.ID))
	if err != nil {
		return nil, false, err
	}
	if string(stored) != a.ID { // registered meanwhile
		acc, err := s.AcmeAccountByID(ctx, endpointID, string(stored))
		return acc, false, err
	}
	if err := s.putRecord(ctx, acmeAccountPrefix+endpointID+"/"+a.ID, a); err != nil {
		return nil, false, err
	}
	// The binding's LastUsedAt.
	var e acmeEABDoc
	if s.getRecord(ctx, acmeEABPrefix+endpointID+"/"+keyID, &e) == nil {
		e.LastUsedAt, e.UpdatedAt = &now, now
		_ = s.putRecord(ctx, acmeEABPrefix+endpointID+"/"+keyID, e)
	}
	return a.view(), true, nil
}

// AcmeUpdateAccount changes an account's contacts, or deactivates it
// (RFC 8555 §7.3.2, §7.3.6). Only a valid account may change.
func (s *Service) AcmeUpdateAccount(ctx context.Context, endpointID, id string, contacts []string, setContacts, deactivate bool) (*AcmeAccount, error) {
	a, err := s.accountDoc(ctx, endpointID, id)
	if err != nil {
		return nil, err
	}
	if a.Status != acmeAccountValid {
		return nil, acmeUnauthorized("The account is %s.", strings.ToLower(a.Status))
	}
	if setContacts {
		for _, c := range contacts {
			if !strings.HasPrefix(c, "mailto:") {
				return nil, problem(400, "unsupportedContact", "Only mailto: contacts are supported.")
			}
		}
		a.Contacts = contacts
	}
	if deactivate {
		a.Status = acmeAccountDeact
	}
	return a.view(), s.putRecord(ctx, acmeAccountPrefix+endpointID+"/"+a.ID, a)
}

// AcmeOrder is an order as the server shows it.
type AcmeOrder struct {
	ID       string
	Status   string
	Expires  time.Time
	Names    []string
	AuthzIDs []string
	CertID   string
	Problem  *Problem
}

func (o *acmeOrderDoc) view() *AcmeOrder {
	return &AcmeOrder{ID: o.ID, Status: o.Status, Expires: o.Expires, Names: o.Names, AuthzIDs: o.AuthzIDs, CertID: o.CertID, Problem: o.Problem}
}

// AcmeAuthz is an authorization as the server shows it.
type AcmeAuthz struct {
	ID          string
	Status      string
	Name        string
	Wildcard    bool
	Expires     time.Time
	ValidatedAt time.Time
	Token       string
}

// covers reports whether a VALID domain validation allows name (lower
// case; "*." for a wildcard).
func (v *acmeValidationDoc) covers(name string) bool {
	if v.Status != acmeValidationValid {
		return false
	}
	if base, ok := strings.CutPrefix(name, "*."); ok {
		if v.Wildcards != scopeEnabled {
			return false
		}
		return base == v.DomainName || (v.Subdomains == scopeEnabled && strings.HasSuffix(base, "."+v.DomainName))
	}
	if name == v.DomainName {
		return v.ExactDomain == scopeEnabled
	}
	return v.Subdomains == scopeEnabled && strings.HasSuffix(name, "."+v.DomainName)
}

// AcmeNewOrder creates an order for DNS names (RFC 8555 §7.4). The
// endpoint's authorization is PRE_APPROVED: each name's authorization is
// valid at once when a domain validation of the endpoint covers it, and the
// order is ready; a name none covers is refused (rejectedIdentifier), as
// nothing the client could do would validate it.
func (s *Service) AcmeNewOrder(ctx context.Context, endpointID, accountID string, names []string) (*AcmeOrder, error) {
	if len(names) == 0 {
		return nil, acmeMalformed("An order needs at least one identifier.")
	}
	if len(names) > 100 {
		return nil, problem(400, "rejectedIdentifier", "An order may name at most 100 identifiers.")
	}
	_, vals, err := listRecords[acmeValidationDoc](ctx, s, acmeValidationPrefix+endpointID+"/")
	if err != nil {
		return nil, err
	}
	now := s.clock()
	o := acmeOrderDoc{V: acmeRecordVersion, ID: randomB64(s.rand, 12), EndpointID: endpointID, AccountID: accountID,
		Status: "ready", Expires: now.Add(acmeOrderLife), CreatedAt: now}
	var rejected []Problem
	var authzs []acmeAuthzDoc
	for _, raw := range names {
		name := normalizeName(raw)
		if name == "" || slices.Contains(o.Names, name) {
			continue
		}
		i := slices.IndexFunc(vals, func(v acmeValidationDoc) bool { return v.covers(name) })
		if i < 0 {
			rejected = append(rejected, Problem{Type: "rejectedIdentifier", Status: 400, Identifier: name,
				Detail: fmt.Sprintf("No domain validation of this ACME endpoint allows %s.", name)})
			continue
		}
		o.Names = append(o.Names, name)
		base, wild := strings.CutPrefix(name, "*.")
		az := acmeAuthzDoc{V: acmeRecordVersion, ID: randomB64(s.rand, 12), EndpointID: endpointID, AccountID: accountID,
			Name: base, Wildcard: wild, Status: "valid", Expires: o.Expires, ValidatedAt: now, ValidationID: vals[i].ID,
			Token: randomB64(s.rand, 16)}
		authzs = append(authzs, az)
		o.AuthzIDs = append(o.AuthzIDs, az.ID)
	}
	if len(rejected) > 0 {
		p := problem(400, "rejectedIdentifier", "This ACME endpoint may not issue for %d of the names.", len(rejected))
		p.Subproblems = rejected
		return nil, p
	}
	for _, az := range authzs {
		if err := s.putRecordUntil(ctx, acmeAuthzPrefix+endpointID+"/"+az.ID, az, az.Expires); err != nil {
			return nil, err
		}
	}
	slices.Sort(o.Names)
	if err := s.putRecordUntil(ctx, acmeOrderPrefix+endpointID+"/"+o.ID, o, o.Expires); err != nil {
		return nil, err
	}
	return o.view(), nil
}

func (s *Service) orderDoc(ctx context.Context, endpointID, accountID, id string) (*acmeOrderDoc, error) {
	var o acmeOrderDoc
	if err := s.getRecord(ctx, acmeOrderPrefix+endpointID+"/"+id, &o); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFoundP("No such order.")
		}
		return nil, err
	}
	if o.AccountID != accountID {
		return nil, acmeUnauthorized("The order belongs to another account.")
	}
	if (o.Status == "pending" || o.Status == "ready") && !s.now().Before(o.Expires) {
		o.Status = "invalid"
	}
	return &o, nil
}

// AcmeOrderFor returns an account's order.
func (s *Service) AcmeOrderFor(ctx context.Context, endpointID, accountID, id string) (*AcmeOrder, error) {
	o, err := s.orderDoc(ctx, endpointID, accountID, id)
	if err != nil {
		return nil, err
	}
	return o.view(), nil
}

// AcmeOrders lists the ids of an account's orders (RFC 8555 §7.1.2.1).
func (s *Service) AcmeOrders(ctx context.Context, endpointID, accountID string) ([]string, error) {
	_, all, err := listRecords[acmeOrderDoc](ctx, s, acmeOrderPrefix+endpointID+"/")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, o := range all {
		if o.AccountID == accountID {
			ids = append(ids, o.ID)
		}
	}
	return ids, nil
}

// AcmeAuthzFor returns an account's authorization. A valid authorization
// whose domain validation was deleted since is shown as revoked.
func (s *Service) AcmeAuthzFor(ctx context.Context, endpointID, accountID, id string) (*AcmeAuthz, error) {
	var az acmeAuthzDoc
	if err := s.getRecord(ctx, acmeAuthzPrefix+endpointID+"/"+id, &az); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFoundP("No such authorization.")
		}
		return nil, err
	}
	if az.AccountID != accountID {
		return nil, acmeUnauthorized("The authorization belongs to another account.")
	}
	if az.Status == "valid" {
		if _, err := s.store.GetValue(ctx, acmeValidationPrefix+endpointID+"/"+az.ValidationID); errors.Is(err, store.ErrNotFound) {
			az.Status = "revoked"
		}
		if !s.now().Before(az.Expires) {
			az.Status = "expired"
		}
	}
	return &AcmeAuthz{ID: az.ID, Status: az.Status, Name: az.Name, Wildcard: az.Wildcard, Expires: az.Expires, ValidatedAt: az.ValidatedAt, Token: az.Token}, nil
}

// AcmeDeactivateAuthz deactivates an authorization (RFC 8555 §7.5.2).
func (s *Service) AcmeDeactivateAuthz(ctx context.Context, endpointID, accountID, id string) (*AcmeAuthz, error) {
	if _, err := s.AcmeAuthzFor(ctx, endpointID, accountID, id); err != nil {
		return nil, err
	}
	var az acmeAuthzDoc
	if err := s.getRecord(ctx, acmeAuthzPrefix+endpointID+"/"+id, &az); err != nil {
		return nil, err
	}
	az.Status = "deactivated"
	if err := s.putRecordUntil(ctx, acmeAuthzPrefix+endpointID+"/"+id, az, az.Expires); err != nil {
		return nil, err
	}
	return s.AcmeAuthzFor(ctx, endpointID, accountID, id)
}

// keyAlgorithm names a public key as ACM's key algorithms do; "" for any
// other.
func keyAlgorithm(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() == 2048 {
			return acm.KeyAlgorithmRsa2048
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return acm.KeyAlgorithmEcPrime256v1
		case elliptic.P384():
			return acm.KeyAlgorithmEcSecp384r1
		}
	}
	return ""
}

// AcmeFinalize issues the certificate of a ready order from its CSR
// (RFC 8555 §7.4): the CSR must be signed by its key, of an algorithm the
// endpoint allows, and name exactly the order's names. The local CA signs
// the CSR's public key: the private key stays with the client. The
// certificate is an ACM certificate (AMAZON_ISSUED, CertificateKeyPairOrigin
// ACME, with the endpoint and account) with no private key, not renewed by
// ACM (the client renews it).
func (s *Service) AcmeFinalize(ctx context.Context, endpointID, accountID, id string, csrDER []byte) (*AcmeOrder, error) {
	o, err := s.orderDoc(ctx, endpointID, accountID, id)
	if err != nil {
		return nil, err
	}
	if o.Status != "ready" {
		return nil, problem(403, "orderNotReady", "The order is %s, not ready.", o.Status)
	}
	for _, azID := range o.AuthzIDs {
		az, err := s.AcmeAuthzFor(ctx, endpointID, accountID, azID)
		if err != nil {
			return nil, err
		}
		if az.Status != "valid" {
			return nil, problem(403, "orderNotReady", "The authorization of %s is %s.", az.Name, az.Status)
		}
	}
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		return nil, problem(400, "badCSR", "The CSR does not parse: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, problem(400, "badCSR", "The CSR's signature does not verify.")
	}
	ep, err := s.endpointByID(ctx, endpointID, "")
	if err != nil {
		return nil, err
	}
	alg := keyAlgorithm(csr.PublicKey)
	if alg == "" || !slices.Contains(ep.AllowedKeyAlgorithms, alg) {
		return nil, problem(400, "badPublicKey", "The CSR's key is not of an algorithm this ACME endpoint allows (%s).", strings.Join(ep.AllowedKeyAlgorithms, ", "))
	}
	var names []string
	for _, n := range append([]string{csr.Subject.CommonName}, csr.DNSNames...) {
		n = normalizeName(n)
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(csr.IPAddresses)+len(csr.EmailAddresses)+len(csr.URIs) > 0 {
		return nil, problem(400, "badCSR", "The CSR may name DNS names only.")
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if !slices.Equal(sorted, o.Names) {
		return nil, problem(400, "badCSR", "The CSR's names (%s) are not the order's (%s).", strings.Join(sorted, ", "), strings.Join(o.Names, ", "))
	}
	// The common name first when the CSR names one, else the order's first.
	if csr.Subject.CommonName == "" {
		names = slices.Clone(o.Names)
	}
	ca, err := s.CA(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	notBefore := now.Truncate(time.Second)
	leaf, err := ca.issue(s.serial(), csr.PublicKey, names, notBefore, notBefore.Add(s.validity))
	if err != nil {
		return nil, err
	}
	certID := newUUID(s.rand)
	arn := s.certARN(ep.Region, certID)
	d := &certDoc{KeyType: alg, Tags: mergeTags(nil, ep.CertificateTags)}
	d.Detail = acm.CertificateDetail{
		CertificateArn:           arn,
		CreatedAt:                wireTime(now),
		IssuedAt:                 wireTime(now),
		Type:                     acm.CertificateTypeAmazonIssued,
		Status:                   acm.CertificateStatusIssued,
		RenewalEligibility:       acm.RenewalEligibilityIneligible,
		CertificateKeyPairOrigin: acmeOrigin,
		AcmeEndpointArn:          s.acmeEndpointARN(ep.Region, ep.ID),
		AcmeAccountId:            accountID,
		Options:                  &acm.CertificateOptions{CertificateTransparencyLoggingPreference: acm.CertificateTransparencyLoggingPreferenceEnabled},
	}
	fillFromX509(&d.Detail, leaf, alg)
	d.Detail.DomainName = names[0]
	d.Detail.SubjectAlternativeNames = names
	d.Certificate = encodePEM(leaf)
	d.Chain = string(ca.RootPEM())
	if err := s.store.CreateCertificate(ctx, store.Certificate{
		ARN: arn, Region: ep.Region, DomainName: names[0], Status: acm.CertificateStatusIssued, Type: acmeStoreType,
		NotAfter: leaf.NotAfter, CreatedAt: now, UpdatedAt: now, Doc: encode(d),
	}); err != nil {
		return nil, err
	}
	o.Status, o.CertID = "valid", certID
	if err := s.putRecordUntil(ctx, acmeOrderPrefix+endpointID+"/"+o.ID, o, o.Expires); err != nil {
		return nil, err
	}
	return o.view(), nil
}

// acmeOrigin is CertificateKeyPairOrigin of a certificate issued through
// ACME; acmeStoreType the store's Type column for it (so that the renewal
// of AMAZON_ISSUED certificates passes it by: the ACME client renews it).
const (
	acmeOrigin    = "ACME"
	acmeStoreType = "ACME"
)

// AcmeCertificate returns the PEM chain of a certificate an account was
// issued (RFC 8555 §7.4.2): the leaf, then the local CA's root.
func (s *Service) AcmeCertificate(ctx context.Context, endpointID, accountID, certID string) ([]byte, error) {
	d, err := s.acmeCertDoc(ctx, endpointID, certID)
	if err != nil {
		return nil, err
	}
	if d.Detail.AcmeAccountId != accountID {
		return nil, acmeUnauthorized("The certificate was issued to another account.")
	}
	return []byte(d.Certificate + d.Chain), nil
}

func (s *Service) acmeCertDoc(ctx context.Context, endpointID, certID string) (*certDoc, error) {
	ep, err := s.endpointByID(ctx, endpointID, "")
	if err != nil {
		return nil, err
	}
	rec, err := s.store.GetCertificate(ctx, s.certARN(ep.Region, certID))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, acmeNotFoundP("No such certificate.")
		}
		return nil, err
	}
	d, err := decodeDoc(rec)
	if err != nil {
		return nil, err
	}
	if d.Detail.AcmeEndpointArn != s.acmeEndpointARN(ep.Region, ep.ID) {
		return nil, acmeNotFoundP("No such certificate.")
	}
	return d, nil
}

// Revocation reasons of RFC 5280 that ACM names.
var revocationReasons = map[int]string{
	0: "UNSPECIFIED", 1: "KEY_COMPROMISE", 2: "CA_COMPROMISE", 3: "AFFILIATION_CHANGED", 4: "SUPERSEDED",
	5: "CESSATION_OF_OPERATION", 6: "CERTIFICATE_HOLD", 8: "REMOVE_FROM_CRL", 9: "PRIVILEGE_WITHDRAWN", 10: "A_A_COMPROMISE",
}

// AcmeRevoke revokes a certificate this endpoint issued (RFC 8555 §7.6),
// asked either by the account it was issued to (accountID) or by a request
// signed with the certificate's own key (accountID empty: the server has
// checked that key). ACM shows it REVOKED with the reason.
func (s *Service) AcmeRevoke(ctx context.Context, endpointID, accountID string, certDER []byte, reason int) error {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return acmeMalformed("The certificate does not parse.")
	}
	why, ok := revocationReasons[reason]
	if !ok {
		return problem(400, "badRevocationReason", "Reason %d is not a revocation reason.", reason)
	}
	keys, all, err := listCertsOfEndpoint(ctx, s, endpointID)
	if err != nil {
		return err
	}
	for i, d := range all {
		if d.Certificate != encodePEM(cert) {
			continue
		}
		if accountID != "" && d.Detail.AcmeAccountId != accountID {
			return acmeUnauthorized("The certificate was issued to another account.")
		}
		if d.Detail.Status == acm.CertificateStatusRevoked {
			return problem(400, "alreadyRevoked", "The certificate is already revoked.")
		}
		now := s.clock()
		_, err := s.store.UpdateCertificate(ctx, keys[i], func(rec *store.Certificate) error {
			d, err := decodeDoc(*rec)
			if err != nil {
				return err
			}
			d.Detail.Status = acm.CertificateStatusRevoked
			d.Detail.RevokedAt = wireTime(now)
			d.Detail.RevocationReason = why
			rec.Status = acm.CertificateStatusRevoked
			rec.UpdatedAt = now
			rec.Doc = encode(d)
			return nil
		})
		return err
	}
	return acmeNotFoundP("This ACME endpoint did not issue the certificate.")
}

// listCertsOfEndpoint lists the certificates an endpoint issued (ARN, doc).
func listCertsOfEndpoint(ctx context.Context, s *Service, endpointID string) ([]string, []*certDoc, error) {
	ep, err := s.endpointByID(ctx, endpointID, "")
	if err != nil {
		return nil, nil, err
	}
	want := s.acmeEndpointARN(ep.Region, ep.ID)
	var arns []string
	var docs []*certDoc
	p := store.Page{Limit: 1000}
	for {
		recs, err := s.store.ListCertificates(ctx, ep.Region, p)
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range recs {
			if rec.Type != acmeStoreType {
				continue
			}
			d, err := decodeDoc(rec)
			if err != nil {
				return nil, nil, err
			}
			if d.Detail.AcmeEndpointArn == want {
				arns, docs = append(arns, rec.ARN), append(docs, d)
			}
		}
		if len(recs) < p.Limit {
			return arns, docs, nil
		}
		p.After = recs[len(recs)-1].ARN
	}
}
