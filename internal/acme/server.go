package acme

import (
	"context"
	"crypto"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gognito/gognito/internal/certs"
)

// Records is what the server needs of the ACME records (certs.Service).
type Records interface {
	AcmeEndpointFor(ctx context.Context, id string) (*certs.AcmeEndpoint, error)
	AcmeNewNonce(ctx context.Context) (string, error)
	AcmeUseNonce(ctx context.Context, nonce string) error
	AcmeEABKey(ctx context.Context, endpointID, keyID string) ([]byte, error)
	AcmeAccountByKey(ctx context.Context, endpointID, thumbprint string) (*certs.AcmeAccount, error)
	AcmeAccountByID(ctx context.Context, endpointID, id string) (*certs.AcmeAccount, error)
	AcmeNewAccount(ctx context.Context, endpointID, jwk, thumbprint string, contacts []string, keyID string) (*certs.AcmeAccount, bool, error)
	AcmeUpdateAccount(ctx context.Context, endpointID, id string, contacts []string, setContacts, deactivate bool) (*certs.AcmeAccount, error)
	AcmeNewOrder(ctx context.Context, endpointID, accountID string, names []string) (*certs.AcmeOrder, error)
	AcmeOrderFor(ctx context.Context, endpointID, accountID, id string) (*certs.AcmeOrder, error)
	AcmeOrders(ctx context.Context, endpointID, accountID string) ([]string, error)
	AcmeAuthzFor(ctx context.Context, endpointID, accountID, id string) (*certs.AcmeAuthz, error)
	AcmeDeactivateAuthz(ctx context.Context, endpointID, accountID, id string) (*certs.AcmeAuthz, error)
	AcmeFinalize(ctx context.Context, endpointID, accountID, id string, csrDER []byte) (*certs.AcmeOrder, error)
	AcmeCertificate(ctx context.Context, endpointID, accountID, certID string) ([]byte, error)
	AcmeRevoke(ctx context.Context, endpointID, accountID string, certDER []byte, reason int) error
}

// Options configure a Server.
type Options struct {
	Records Records
	// BaseURL is the public URL the ACME endpoints are served under (the
	// API listener's public URL and /acme); the url header of a request
	// must start with it.
	BaseURL func() string
	Log     *slog.Logger
}

// Server serves the ACME endpoints under /acme/.
type Server struct {
	rec  Records
	base func() string
	log  *slog.Logger
	mux  *http.ServeMux
}

// Prefix is the path the ACME endpoints are served under.
const Prefix = "/acme/"

// maxBody bounds a request's JWS.
const maxBody = 64 << 10

// New builds a Server.
func New(o Options) *Server {
	s := &Server{rec: o.Records, base: o.BaseURL, log: o.Log, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.mux.HandleFunc("GET /acme/{ep}/directory", s.directory)
	s.mux.HandleFunc("HEAD /acme/{ep}/new-nonce", s.newNonce)
	s.mux.HandleFunc("GET /acme/{ep}/new-nonce", s.newNonce)
	s.mux.HandleFunc("POST /acme/{ep}/new-account", s.post(s.newAccount))
	s.mux.HandleFunc("POST /acme/{ep}/new-order", s.post(s.newOrder))
	s.mux.HandleFunc("POST /acme/{ep}/acct/{id}", s.post(s.account))
	s.mux.HandleFunc("POST /acme/{ep}/acct/{id}/orders", s.post(s.orders))
	s.mux.HandleFunc("POST /acme/{ep}/order/{id}", s.post(s.order))
	s.mux.HandleFunc("POST /acme/{ep}/order/{id}/finalize", s.post(s.finalize))
	s.mux.HandleFunc("POST /acme/{ep}/authz/{id}", s.post(s.authz))
	s.mux.HandleFunc("POST /acme/{ep}/chall/{id}", s.post(s.challenge))
	s.mux.HandleFunc("POST /acme/{ep}/cert/{id}", s.post(s.certificate))
	s.mux.HandleFunc("POST /acme/{ep}/revoke-cert", s.post(s.revoke))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// url is the public URL of an endpoint's resource.
func (s *Server) url(ep string, parts ...string) string {
	return strings.TrimSuffix(s.base(), "/") + "/" + ep + "/" + strings.Join(parts, "/")
}

func (s *Server) endpoint(w http.ResponseWriter, r *http.Request) (*certs.AcmeEndpoint, bool) {
	ep, err := s.rec.AcmeEndpointFor(r.Context(), r.PathValue("ep"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return ep, true
}

// nonce adds a fresh Replay-Nonce to a response (RFC 8555 §6.5).
func (s *Server) nonce(w http.ResponseWriter, r *http.Request) {
	n, err := s.rec.AcmeNewNonce(r.Context())
	if err != nil {
		s.log.Error("acme: a new nonce", "error", err)
		return
	}
	w.Header().Set("Replay-Nonce", n)
	w.Header().Set("Cache-Control", "no-store")
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request) {
	ep, ok := s.endpoint(w, r)
	if !ok {
		return
	}
	meta := map[string]any{"externalAccountRequired": true}
	s.json(w, http.StatusOK, map[string]any{
		"newNonce":   s.url(ep.ID, "new-nonce"),
		"newAccount": s.url(ep.ID, "new-account"),
		"newOrder":   s.url(ep.ID, "new-order"),
		"revokeCert": s.url(ep.ID, "revoke-cert"),
		"meta":       meta,
	})
}

func (s *Server) newNonce(w http.ResponseWriter, r *http.Request) {
	ep, ok := s.endpoint(w, r)
	if !ok {
		return
	}
	s.nonce(w, r)
	w.Header().Set("Link", fmt.Sprintf("<%s>;rel=\"index\"", s.url(ep.ID, "directory")))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// request is a POST whose JWS verified.
type request struct {
	ep      *certs.AcmeEndpoint
	account *certs.AcmeAccount // with kid
	jwk     *jose.JSONWebKey   // with jwk
	payload []byte             // empty for POST-as-GET
	url     string
}

// algorithms are the JWS algorithms accepted for account keys.
var algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.ES384, jose.ES512}

// post checks a POST's JWS (RFC 8555 §6.2) then calls h.
func (s *Server) post(h func(http.ResponseWriter, *http.Request, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ep, ok := s.endpoint(w, r)
		if !ok {
			return
		}
		req, err := s.verify(r, ep)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.nonce(w, r)
		w.Header().Set("Link", fmt.Sprintf("<%s>;rel=\"index\"", s.url(ep.ID, "directory")))
		h(w, r, req)
	}
}

func malformed(f string, a ...any) *certs.Problem {
	return &certs.Problem{Type: "malformed", Status: http.StatusBadRequest, Detail: fmt.Sprintf(f, a...)}
}

func (s *Server) verify(r *http.Request, ep *certs.AcmeEndpoint) (*request, error) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jose+json") {
		return nil, malformed("The Content-Type must be application/jose+json.")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return nil, malformed("The request body could not be read, or is too large.")
	}
	var flat struct {
		Protected  string          `json:"protected"`
		Payload    *string         `json:"payload"`
		Signature  string          `json:"signature"`
		Header     json.RawMessage `json:"header"`
		Signatures json.RawMessage `json:"signatures"`
	}
	if err := json.Unmarshal(body, &flat); err != nil || flat.Protected == "" || flat.Payload == nil || flat.Signature == "" {
		return nil, malformed("The body must be a JWS in the flattened JSON serialization.")
	}
	if len(flat.Header) > 0 || len(flat.Signatures) > 0 {
		return nil, malformed("The JWS must have one signature and no unprotected header.")
	}
	jws, err := jose.ParseSignedJSON(string(body), algorithms)
	if err != nil {
		return nil, &certs.Problem{Type: "badSignatureAlgorithm", Status: http.StatusBadRequest, Detail: "The JWS does not parse, or its algorithm is not one of RS256, ES256, ES384, ES512."}
	}
	if len(jws.Signatures) != 1 {
		return nil, malformed("The JWS must have exactly one signature.")
	}
	h := jws.Signatures[0].Protected
	if err := s.rec.AcmeUseNonce(r.Context(), h.Nonce); err != nil {
		return nil, err
	}
	want := strings.TrimSuffix(s.base(), "/") + strings.TrimPrefix(r.URL.Path, "/acme")
	got, _ := h.ExtraHeaders["url"].(string)
	if got != want {
		return nil, &certs.Problem{Type: "unauthorized", Status: http.StatusUnauthorized, Detail: "The JWS url header is not the URL of the request."}
	}
	req := &request{ep: ep, url: want}
	switch {
	case h.JSONWebKey != nil && h.KeyID != "":
		return nil, malformed("The JWS must have one of jwk and kid, not both.")
	case h.JSONWebKey != nil:
		if !h.JSONWebKey.Valid() || !h.JSONWebKey.IsPublic() {
			return nil, &certs.Problem{Type: "badPublicKey", Status: http.StatusBadRequest, Detail: "The jwk is not a valid public key."}
		}
		req.jwk = h.JSONWebKey
		if req.payload, err = jws.Verify(h.JSONWebKey); err != nil {
			return nil, malformed("The JWS signature does not verify.")
		}
	case h.KeyID != "":
		id, ok := strings.CutPrefix(h.KeyID, s.url(ep.ID, "acct")+"/")
		if !ok || id == "" || strings.Contains(id, "/") {
			return nil, &certs.Problem{Type: "accountDoesNotExist", Status: http.StatusBadRequest, Detail: "The kid is not an account URL of this ACME endpoint."}
		}
		acct, err := s.rec.AcmeAccountByID(r.Context(), ep.ID, id)
		if err != nil {
			return nil, err
		}
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON([]byte(acct.JWK)); err != nil {
			return nil, err
		}
		if req.payload, err = jws.Verify(&key); err != nil {
			return nil, malformed("The JWS signature does not verify.")
		}
		if acct.Status != "valid" {
			return nil, &certs.Problem{Type: "unauthorized", Status: http.StatusUnauthorized, Detail: "The account is " + acct.Status + "."}
		}
		req.account = acct
	default:
		return nil, malformed("The JWS must have a jwk or a kid.")
	}
	return req, nil
}

// needKid refuses a request signed with a jwk where the resource needs an
// account.
func needKid(req *request) error {
	if req.account == nil {
		return malformed("This resource needs a request signed by an account (kid).")
	}
	return nil
}

func thumbprint(k *jose.JSONWebKey) string {
	b, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) accountJSON(ep string, a *certs.AcmeAccount) map[string]any {
	out := map[string]any{"status": a.Status, "orders": s.url(ep, "acct", a.ID, "orders")}
	if len(a.Contacts) > 0 {
		out["contact"] = a.Contacts
	}
	return out
}

func (s *Server) newAccount(w http.ResponseWriter, r *http.Request, req *request) {
	if req.jwk == nil {
		s.fail(w, r, malformed("newAccount must be signed with the account key (jwk)."))
		return
	}
	var in struct {
		Contact                []string        `json:"contact"`
		TermsOfServiceAgreed   bool            `json:"termsOfServiceAgreed"`
		OnlyReturnExisting     bool            `json:"onlyReturnExisting"`
		ExternalAccountBinding json.RawMessage `json:"externalAccountBinding"`
	}
	if err := json.Unmarshal(req.payload, &in); err != nil {
		s.fail(w, r, malformed("The newAccount payload does not parse."))
		return
	}
	tp := thumbprint(req.jwk)
	if prev, err := s.rec.AcmeAccountByKey(r.Context(), req.ep.ID, tp); err == nil {
		// A key already registered: its account (RFC 8555 §7.3.1), 200.
		w.Header().Set("Location", s.url(req.ep.ID, "acct", prev.ID))
		s.json(w, http.StatusOK, s.accountJSON(req.ep.ID, prev))
		return
	}
	if in.OnlyReturnExisting {
		s.fail(w, r, &certs.Problem{Type: "accountDoesNotExist", Status: http.StatusBadRequest, Detail: "No account has this key."})
		return
	}
	if len(in.ExternalAccountBinding) == 0 || string(in.ExternalAccountBinding) == "null" {
		s.fail(w, r, &certs.Problem{Type: "externalAccountRequired", Status: http.StatusUnauthorized, Detail: "This ACME endpoint requires an external account binding."})
		return
	}
	keyID, err := s.checkEAB(r.Context(), req, in.ExternalAccountBinding)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	jwkJSON, err := req.jwk.MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acct, created, err := s.rec.AcmeNewAccount(r.Context(), req.ep.ID, string(jwkJSON), tp, in.Contact, keyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", s.url(req.ep.ID, "acct", acct.ID))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.json(w, status, s.accountJSON(req.ep.ID, acct))
}

// checkEAB verifies an external account binding (RFC 8555 §7.3.4): a JWS
// by the binding's MAC key (HS256/384/512) whose protected header names the
// binding's key id and the newAccount URL, and whose payload is the
// account's key. It returns the key id.
func (s *Server) checkEAB(ctx context.Context, req *request, raw json.RawMessage) (string, error) {
	bad := func(d string) error {
		return &certs.Problem{Type: "unauthorized", Status: http.StatusUnauthorized, Detail: "The external account binding is not valid: " + d}
	}
	eab, err := jose.ParseSignedJSON(string(raw), []jose.SignatureAlgorithm{jose.HS256, jose.HS384, jose.HS512})
	if err != nil || len(eab.Signatures) != 1 {
		return "", bad("it is not a JWS signed with HS256, HS384 or HS512.")
	}
	h := eab.Signatures[0].Protected
	if h.Nonce != "" {
		return "", bad("it must not have a nonce.")
	}
	if u, _ := h.ExtraHeaders["url"].(string); u != req.url {
		return "", bad("its url is not the newAccount URL.")
	}
	if h.KeyID == "" {
		return "", bad("it names no key id.")
	}
	mac, err := s.rec.AcmeEABKey(ctx, req.ep.ID, h.KeyID)
	if err != nil {
		return "", err
	}
	payload, err := eab.Verify(mac)
	if err != nil {
		return "", bad("its MAC does not verify.")
	}
	var inner jose.JSONWebKey
	if err := inner.UnmarshalJSON(payload); err != nil {
		return "", bad("its payload is not a JWK.")
	}
	if subtle.ConstantTimeCompare([]byte(thumbprint(&inner)), []byte(thumbprint(req.jwk))) != 1 {
		return "", bad("its payload is not the account key.")
	}
	return h.KeyID, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.account.ID != r.PathValue("id") {
		s.fail(w, r, &certs.Problem{Type: "unauthorized", Status: http.StatusUnauthorized, Detail: "The kid is not this account."})
		return
	}
	acct := req.account
	if len(req.payload) > 0 {
		var in struct {
			Contact *[]string `json:"contact"`
			Status  string    `json:"status"`
		}
		if err := json.Unmarshal(req.payload, &in); err != nil {
			s.fail(w, r, malformed("The account payload does not parse."))
			return
		}
		if in.Status != "" && in.Status != "deactivated" {
			s.fail(w, r, malformed("An account's status may only be changed to deactivated."))
			return
		}
		var contacts []string
		if in.Contact != nil {
			contacts = *in.Contact
		}
		var err error
		if acct, err = s.rec.AcmeUpdateAccount(r.Context(), req.ep.ID, acct.ID, contacts, in.Contact != nil, in.Status == "deactivated"); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.json(w, http.StatusOK, s.accountJSON(req.ep.ID, acct))
}

func (s *Server) orders(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.account.ID != r.PathValue("id") {
		s.fail(w, r, &certs.Problem{Type: "unauthorized", Status: http.StatusUnauthorized, Detail: "The kid is not this account."})
		return
	}
	ids, err := s.rec.AcmeOrders(r.Context(), req.ep.ID, req.account.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	urls := []string{}
	for _, id := range ids {
		urls = append(urls, s.url(req.ep.ID, "order", id))
	}
	s.json(w, http.StatusOK, map[string]any{"orders": urls})
}

type identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (s *Server) orderJSON(ep string, o *certs.AcmeOrder) map[string]any {
	ids := []identifier{}
	for _, n := range o.Names {
		ids = append(ids, identifier{Type: "dns", Value: n})
	}
	authz := []string{}
	for _, id := range o.AuthzIDs {
		authz = append(authz, s.url(ep, "authz", id))
	}
	out := map[string]any{
		"status":         o.Status,
		"expires":        o.Expires.UTC().Format(time.RFC3339),
		"identifiers":    ids,
		"authorizations": authz,
		"finalize":       s.url(ep, "order", o.ID, "finalize"),
	}
	if o.CertID != "" {
		out["certificate"] = s.url(ep, "cert", o.CertID)
	}
	if o.Problem != nil {
		out["error"] = problemJSON(o.Problem)
	}
	return out
}

func (s *Server) newOrder(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Identifiers []identifier `json:"identifiers"`
		NotBefore   string       `json:"notBefore"`
		NotAfter    string       `json:"notAfter"`
	}
	if err := json.Unmarshal(req.payload, &in); err != nil {
		s.fail(w, r, malformed("The newOrder payload does not parse."))
		return
	}
	if in.NotBefore != "" || in.NotAfter != "" {
		s.fail(w, r, malformed("notBefore and notAfter are not supported: certificates are valid from issuance for the endpoint's validity."))
		return
	}
	var names []string
	for _, id := range in.Identifiers {
		if id.Type != "dns" {
			s.fail(w, r, &certs.Problem{Type: "unsupportedIdentifier", Status: http.StatusBadRequest, Detail: "Only dns identifiers are supported."})
			return
		}
		names = append(names, id.Value)
	}
	o, err := s.rec.AcmeNewOrder(r.Context(), req.ep.ID, req.account.ID, names)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", s.url(req.ep.ID, "order", o.ID))
	s.json(w, http.StatusCreated, s.orderJSON(req.ep.ID, o))
}

func (s *Server) order(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.rec.AcmeOrderFor(r.Context(), req.ep.ID, req.account.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.json(w, http.StatusOK, s.orderJSON(req.ep.ID, o))
}

func (s *Server) finalize(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		CSR string `json:"csr"`
	}
	if err := json.Unmarshal(req.payload, &in); err != nil || in.CSR == "" {
		s.fail(w, r, malformed("The finalize payload must carry a csr."))
		return
	}
	der, err := base64.RawURLEncoding.DecodeString(in.CSR)
	if err != nil {
		s.fail(w, r, &certs.Problem{Type: "badCSR", Status: http.StatusBadRequest, Detail: "The csr is not base64url."})
		return
	}
	o, err := s.rec.AcmeFinalize(r.Context(), req.ep.ID, req.account.ID, r.PathValue("id"), der)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", s.url(req.ep.ID, "order", o.ID))
	s.json(w, http.StatusOK, s.orderJSON(req.ep.ID, o))
}

// challengeJSON is the one challenge of an authorization: the dns-01
// challenge that the endpoint's domain validation stands for, valid when
// the authorization is.
func (s *Server) challengeJSON(ep string, a *certs.AcmeAuthz) map[string]any {
	c := map[string]any{"type": "dns-01", "url": s.url(ep, "chall", a.ID), "token": a.Token, "status": "pending"}
	if a.Status == "valid" {
		c["status"] = "valid"
		c["validated"] = a.ValidatedAt.UTC().Format(time.RFC3339)
	}
	return c
}

func (s *Server) authzJSON(ep string, a *certs.AcmeAuthz) map[string]any {
	out := map[string]any{
		"status":     a.Status,
		"expires":    a.Expires.UTC().Format(time.RFC3339),
		"identifier": identifier{Type: "dns", Value: a.Name},
		"challenges": []any{s.challengeJSON(ep, a)},
	}
	if a.Wildcard {
		out["wildcard"] = true
	}
	return out
}

func (s *Server) authz(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Status string `json:"status"`
	}
	if len(req.payload) > 0 {
		if err := json.Unmarshal(req.payload, &in); err != nil || in.Status != "deactivated" {
			s.fail(w, r, malformed("An authorization's status may only be changed to deactivated."))
			return
		}
	}
	get := s.rec.AcmeAuthzFor
	if in.Status == "deactivated" {
		get = s.rec.AcmeDeactivateAuthz
	}
	a, err := get(r.Context(), req.ep.ID, req.account.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.json(w, http.StatusOK, s.authzJSON(req.ep.ID, a))
}

// challenge answers a challenge: responding to it ({}) changes nothing, as
// the endpoint's domain validation already decided the authorization.
func (s *Server) challenge(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.rec.AcmeAuthzFor(r.Context(), req.ep.ID, req.account.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Link", fmt.Sprintf("<%s>;rel=\"up\"", s.url(req.ep.ID, "authz", a.ID)))
	s.json(w, http.StatusOK, s.challengeJSON(req.ep.ID, a))
}

func (s *Server) certificate(w http.ResponseWriter, r *http.Request, req *request) {
	if err := needKid(req); err != nil {
		s.fail(w, r, err)
		return
	}
	chain, err := s.rec.AcmeCertificate(r.Context(), req.ep.ID, req.account.ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pem-certificate-chain")
	w.WriteHeader(http.StatusOK)
	w.Write(chain)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, req *request) {
	var in struct {
		Certificate string `json:"certificate"`
		Reason      *int   `json:"reason"`
	}
	if err := json.Unmarshal(req.payload, &in); err != nil || in.Certificate == "" {
		s.fail(w, r, malformed("The revokeCert payload must carry a certificate."))
		return
	}
	der, err := base64.RawURLEncoding.DecodeString(in.Certificate)
	if err != nil {
		s.fail(w, r, malformed("The certificate is not base64url."))
		return
	}
	reason := 0
	if in.Reason != nil {
		reason = *in.Reason
	}
	accountID := ""
	if req.account != nil {
		accountID = req.account.ID
	} else if err := sameKey(req.jwk, der); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.rec.AcmeRevoke(r.Context(), req.ep.ID, accountID, der, reason); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// sameKey checks that a revokeCert signed with a jwk is signed with the
// certificate's own key.
func sameKey(k *jose.JSONWebKey, certDER []byte) error {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return malformed("The certificate does not parse.")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := cert.PublicKey.(equaler)
	if !ok || !pub.Equal(k.Key) {
		return &certs.Problem{Type: "unauthorized", Status: http.StatusForbidden, Detail: "The request is signed neither by the certificate's account nor by its key."}
	}
	return nil
}

// json writes v with a fresh nonce and the directory link.
func (s *Server) json(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func problemJSON(p *certs.Problem) map[string]any {
	out := map[string]any{"type": "urn:ietf:params:acme:error:" + p.Type, "detail": p.Detail, "status": p.Status}
	if len(p.Subproblems) > 0 {
		var subs []any
		for i := range p.Subproblems {
			sp := problemJSON(&p.Subproblems[i])
			if p.Subproblems[i].Identifier != "" {
				sp["identifier"] = identifier{Type: "dns", Value: p.Subproblems[i].Identifier}
			}
			subs = append(subs, sp)
		}
		out["subproblems"] = subs
	}
	return out
}

// fail answers a problem document (RFC 8555 §6.7); anything else is logged
// and answered serverInternal.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *certs.Problem
	if !errors.As(err, &p) {
		s.log.Error("acme: request failed", "path", r.URL.Path, "error", err)
		p = &certs.Problem{Type: "serverInternal", Status: http.StatusInternalServerError, Detail: "The server failed to answer the request."}
	}
	b, _ := json.Marshal(problemJSON(p))
	// Every error response carries a fresh nonce, so that a client can
	// retry a badNonce at once.
	n, nerr := s.rec.AcmeNewNonce(r.Context())
	if nerr == nil {
		w.Header().Set("Replay-Nonce", n)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	w.Write(b)
}
