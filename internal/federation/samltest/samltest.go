// Package samltest starts a real SAML 2.0 identity provider for tests:
// crewjam/saml's samlidp on a loopback listener, with users, registered
// service providers, IdP-initiated shortcuts, and a choice of what it
// signs. It also reads the HTML forms of a SAML exchange, so that a test
// can drive the browser's side with a plain http.Client.
package samltest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlidp"
	"log"
)

// Mode is what the IdP signs.
type Mode int

const (
	SignBoth      Mode = iota // the Response and the Assertion (samlidp's default)
	SignAssertion             // the Assertion only
	SignResponse              // the Response only (the assertion is neither signed nor encrypted)
	SignNothing               // neither
)

// IdP is a running identity provider.
type IdP struct {
	URL    string // its base URL (metadata at URL+"/metadata")
	Server *samlidp.Server
	http   *httptest.Server

	mu       sync.Mutex
	mode     Mode
	backdate time.Duration
}

// KeyPair makes an RSA key and a self-signed certificate for it.
func KeyPair(t testing.TB, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// New starts an identity provider on loopback; it stops with the test.
func New(t testing.TB) *IdP {
	t.Helper()
	key, cert := KeyPair(t, "samltest idp")
	i := &IdP{}
	mux := http.NewServeMux()
	i.http = httptest.NewServer(mux)
	t.Cleanup(i.http.Close)
	i.URL = i.http.URL
	u, _ := url.Parse(i.URL)
	srv, err := samlidp.New(samlidp.Options{URL: *u, Key: key, Certificate: cert, Store: &samlidp.MemoryStore{},
		Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	srv.IDP.ResponseWriter = modeWriter{i}
	srv.IDP.AssertionMaker = backdater{i}
	i.Server = srv
	mux.Handle("/", srv)
	return i
}

// SetMode chooses what the IdP signs from now on.
func (i *IdP) SetMode(m Mode) {
	i.mu.Lock()
	i.mode = m
	i.mu.Unlock()
}

// RotateKey makes the IdP sign with a new key from now on (a service
// provider that read its metadata before no longer trusts what it signs).
func (i *IdP) RotateKey(t testing.TB) {
	key, cert := KeyPair(t, "samltest idp rotated")
	i.Server.IDP.Key, i.Server.IDP.Certificate = key, cert
}

// Backdate makes the IdP issue its assertions d in the past from now on
// (with their validity window), as a slow browser or a captured response
// would bring them.
func (i *IdP) Backdate(d time.Duration) {
	i.mu.Lock()
	i.backdate = d
	i.mu.Unlock()
}

// AnnounceKey publishes a second signing certificate in the IdP's
// metadata (read the metadata after), and returns a function that makes
// the IdP sign with it from then on: a key rollover.
func (i *IdP) AnnounceKey(t testing.TB) (switchTo func()) {
	key, cert := KeyPair(t, "samltest idp next")
	i.Server.IDP.ExtraCertificates = append(i.Server.IDP.ExtraCertificates, cert)
	return func() { i.Server.IDP.Key, i.Server.IDP.Certificate = key, cert }
}

type backdater struct{ i *IdP }

func (b backdater) MakeAssertion(req *saml.IdpAuthnRequest, session *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
		return err
	}
	b.i.mu.Lock()
	d := b.i.backdate
	b.i.mu.Unlock()
	if d == 0 {
		return nil
	}
	a := req.Assertion
	a.IssueInstant = a.IssueInstant.Add(-d)
	if c := a.Conditions; c != nil {
		c.NotBefore, c.NotOnOrAfter = c.NotBefore.Add(-d), c.NotOnOrAfter.Add(-d)
	}
	if a.Subject != nil {
		for k := range a.Subject.SubjectConfirmations {
			if sd := a.Subject.SubjectConfirmations[k].SubjectConfirmationData; sd != nil {
				sd.NotOnOrAfter = sd.NotOnOrAfter.Add(-d)
			}
		}
	}
	return nil
}

type modeWriter struct{ i *IdP }

func (m modeWriter) WriteResponse(w http.ResponseWriter, req *saml.IdpAuthnRequest) error {
	m.i.mu.Lock()
	mode := m.i.mode
	m.i.mu.Unlock()
	if req.Assertion != nil {
		switch mode {
		case SignAssertion:
			if err := req.MakeAssertionEl(); err != nil {
				return err
			}
			req.ResponseEl = unsignedResponse(req)
		case SignResponse:
			req.AssertionEl = req.Assertion.Element()
			if err := req.MakeResponse(); err != nil {
				return err
			}
		case SignNothing:
			req.AssertionEl = req.Assertion.Element()
			req.ResponseEl = unsignedResponse(req)
		}
	}
	return req.WriteResponse(w)
}

func unsignedResponse(req *saml.IdpAuthnRequest) *etree.Element {
	r := &saml.Response{Destination: req.ACSEndpoint.Location, ID: fmt.Sprintf("id-%d", time.Now().UnixNano()),
		InResponseTo: req.Request.ID, IssueInstant: req.Now, Version: "2.0",
		Issuer: &saml.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: req.IDP.MetadataURL.String()},
		Status: saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}}}
	el := r.Element()
	el.AddChild(req.AssertionEl)
	return el
}

// Metadata is the IdP's metadata document.
func (i *IdP) Metadata(t testing.TB) []byte {
	t.Helper()
	res, err := http.Get(i.URL + "/metadata")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("IdP metadata: %d %s", res.StatusCode, b)
	}
	return b
}

func (i *IdP) put(t testing.TB, path string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, i.URL+path, bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("PUT %s: %d %s", path, res.StatusCode, b)
	}
}

// User is an IdP user; Email is the NameID the IdP asserts.
type User struct {
	Name, Password, Email, GivenName, Surname string
	Groups                                    []string
}

// AddUser adds or replaces a user.
func (i *IdP) AddUser(t testing.TB, u User) {
	t.Helper()
	pw := u.Password
	b, _ := json.Marshal(samlidp.User{Name: u.Name, PlaintextPassword: &pw, Email: u.Email, GivenName: u.GivenName, Surname: u.Surname, Groups: u.Groups})
	i.put(t, "/users/"+u.Name, b)
}

// AddSP registers a service provider by its metadata.
func (i *IdP) AddSP(t testing.TB, id string, metadata []byte) {
	t.Helper()
	i.put(t, "/services/"+id, metadata)
}

// AddShortcut adds an IdP-initiated sign-in to a service provider (by
// entity ID) at /login/<name>, sending relayState.
func (i *IdP) AddShortcut(t testing.TB, name, entityID, relayState string) {
	t.Helper()
	b, _ := json.Marshal(samlidp.Shortcut{Name: name, ServiceProviderID: entityID, RelayState: &relayState})
	i.put(t, "/shortcuts/"+name, b)
}

// SignIn follows start (an SP's redirect to the IdP) with client, signs
// in as user on the IdP's login form when it shows one (not when the
// client already has a session there), and returns the form the IdP posts
// to the SP's ACS: its action and fields (SAMLResponse, RelayState). The
// form is not posted.
func SignIn(t testing.TB, client *http.Client, start, user, password string) (string, url.Values) {
	t.Helper()
	res, err := client.Get(start)
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, res)
	action, fields := Form(t, body)
	if fields.Has("SAMLRequest") {
		fields.Set("user", user)
		fields.Set("password", password)
		if res, err = client.PostForm(action, fields); err != nil {
			t.Fatal(err)
		}
		body = read(t, res)
		action, fields = Form(t, body)
	}
	if !fields.Has("SAMLResponse") {
		t.Fatalf("expected the IdP's response form, got %d %s", res.StatusCode, short(body))
	}
	return action, fields
}

// Start follows start (an SP's redirect to the IdP) and returns the
// IdP's answer, without signing in.
func Start(t testing.TB, client *http.Client, start string) (int, string) {
	t.Helper()
	res, err := client.Get(start)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, read(t, res)
}

// Login signs client in at the IdP (a session cookie), as a user does
// before choosing an application on the IdP's portal.
func (i *IdP) Login(t testing.TB, client *http.Client, user, password string) {
	t.Helper()
	res, err := client.PostForm(i.URL+"/login", url.Values{"user": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	if body := read(t, res); res.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(body), "{") {
		t.Fatalf("IdP sign-in: %d %s", res.StatusCode, short(body))
	}
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// SignInIDPInitiated signs in at the IdP as user, then starts its
// shortcut, and returns the form the IdP posts to the SP's ACS.
func (i *IdP) SignInIDPInitiated(t testing.TB, client *http.Client, shortcut, user, password string) (string, url.Values) {
	t.Helper()
	i.Login(t, client, user, password)
	res, err := client.Get(i.URL + "/login/" + shortcut)
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, res)
	action, fields := Form(t, body)
	if !fields.Has("SAMLResponse") {
		t.Fatalf("expected the IdP's response form, got %d %s", res.StatusCode, short(body))
	}
	return action, fields
}

func read(t testing.TB, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	formRE  = regexp.MustCompile(`(?is)<form[^>]*\baction="([^"]*)"`)
	inputRE = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrRE  = regexp.MustCompile(`(?is)\b(name|value)="([^"]*)"`)
)

// Form reads the first form of an HTML page: its action and its inputs.
func Form(t testing.TB, page string) (string, url.Values) {
	t.Helper()
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return "", url.Values{}
	}
	fields := url.Values{}
	for _, in := range inputRE.FindAllString(page, -1) {
		var name, value string
		for _, a := range attrRE.FindAllStringSubmatch(in, -1) {
			if strings.EqualFold(a[1], "name") {
				name = html.UnescapeString(a[2])
			} else {
				value = html.UnescapeString(a[2])
			}
		}
		if name != "" {
			fields.Set(name, value)
		}
	}
	return html.UnescapeString(m[1]), fields
}
