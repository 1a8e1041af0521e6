package federation_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/federation/samltest"
	"github.com/gognito/gognito/internal/store"
)

// memValues keeps the replay records of one test.
type memValues struct {
	store.Values
	mu sync.Mutex
	m  map[string][]byte
}

func (v *memValues) PutValueIfAbsentUntil(_ context.Context, key string, b []byte, _ time.Time) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if old, ok := v.m[key]; ok {
		return old, nil
	}
	v.m[key] = b
	return b, nil
}

type rig struct {
	idp    *samltest.IdP
	sp     *federation.SAML
	p      federation.SAMLProvider
	clk    *clock.Settable
	jar    http.CookieJar
	client *http.Client
}

func newRig(t *testing.T, details map[string]string) *rig {
	t.Helper()
	idp := samltest.New(t)
	clk := &clock.Settable{}
	skew := time.Duration(0)
	var mu sync.Mutex
	clk.Set(func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(skew) })
	sp := federation.NewSAML(federation.SAMLOptions{Values: &memValues{m: map[string][]byte{}}, Clock: clk})
	sk, sc := samltest.KeyPair(t, "pool signing")
	ek, ec := samltest.KeyPair(t, "pool encryption")
	d := map[string]string{"MetadataFile": string(idp.Metadata(t))}
	for k, v := range details {
		d[k] = v
	}
	p := federation.SAMLProvider{PoolID: "us-east-1_Test", Name: "Corp", Details: d, Origin: "https://auth.example.test",
		Signing: federation.SAMLKeyPair{Key: sk, Cert: sc}, Encryption: federation.SAMLKeyPair{Key: ek, Cert: ec}}
	mp := p
	if d["EncryptedResponses"] != "true" {
		// Without EncryptedResponses the IdP is not given the encryption certificate.
		mp.Encryption.Cert = nil
	}
	md, err := sp.SPMetadata(context.Background(), mp)
	if err != nil {
		t.Fatal(err)
	}
	idp.AddSP(t, "cognito", md)
	idp.AddUser(t, samltest.User{Name: "alice", Password: "correct horse", Email: "alice@corp.example", GivenName: "Alice", Surname: "Liddell", Groups: []string{"admins"}})
	jar, _ := cookiejar.New(nil)
	return &rig{idp: idp, sp: sp, p: p, clk: clk, jar: jar, client: &http.Client{Jar: jar}}
}

func (r *rig) spInitiated(t *testing.T, relay string) (string, url.Values) {
	t.Helper()
	start, err := r.sp.AuthnRequestURL(context.Background(), r.p, relay)
	if err != nil {
		t.Fatal(err)
	}
	return samltest.SignIn(t, r.client, start, "alice", "correct horse")
}

func TestSAMLSPInitiatedEachSigningMode(t *testing.T) {
	r := newRig(t, nil)
	for _, m := range []samltest.Mode{samltest.SignBoth, samltest.SignAssertion, samltest.SignResponse} {
		r.idp.SetMode(m)
		relay := "relay-" + string(rune('a'+m))
		action, form := r.spInitiated(t, relay)
		if action != "https://auth.example.test/saml2/idpresponse" || form.Get("RelayState") != relay {
			t.Fatalf("mode %d: posted to %q with RelayState %q", m, action, form.Get("RelayState"))
		}
		id, err := r.sp.ParseResponse(context.Background(), r.p, form.Get("SAMLResponse"), relay, true)
		if err != nil {
			t.Fatalf("mode %d: %v", m, err)
		}
		if id.NameID != "alice@corp.example" || id.SessionIndex == "" || id.Attributes["givenName"][0] != "Alice" {
			t.Fatalf("mode %d: identity %+v", m, id)
		}
		// The same response again is a replay.
		_, err = r.sp.ParseResponse(context.Background(), r.p, form.Get("SAMLResponse"), relay, true)
		if !errors.Is(err, federation.ErrSAML) || !strings.Contains(err.Error(), "already been used") {
			t.Fatalf("mode %d: replay: %v", m, err)
		}
	}
	// Nothing signed: refused.
	r.idp.SetMode(samltest.SignNothing)
	_, form := r.spInitiated(t, "relay-unsigned")
	if _, err := r.sp.ParseResponse(context.Background(), r.p, form.Get("SAMLResponse"), "relay-unsigned", true); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("unsigned: %v", err)
	}
}

// TestSAMLAnyMetadataSigningCertificate: a response signed with the
// second signing certificate of the IdP's metadata is the IdP's.
func TestSAMLAnyMetadataSigningCertificate(t *testing.T) {
	r := newRig(t, nil)
	next := r.idp.AnnounceKey(t)
	r.p.Details["MetadataFile"] = string(r.idp.Metadata(t))
	next()
	_, form := r.spInitiated(t, "rollover")
	if _, err := r.sp.ParseResponse(context.Background(), r.p, form.Get("SAMLResponse"), "rollover", true); err != nil {
		t.Fatalf("signed with the metadata's second certificate: %v", err)
	}
}

func TestSAMLRequestSignedWhenAsked(t *testing.T) {
	for _, alg := range []string{"", "rsa-sha256"} {
		r := newRig(t, map[string]string{"RequestSigningAlgorithm": alg})
		start, err := r.sp.AuthnRequestURL(context.Background(), r.p, "x")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(start)
		q := u.Query()
		if got := q.Get("SigAlg") != "" && q.Get("Signature") != ""; got != (alg != "") {
			t.Fatalf("RequestSigningAlgorithm %q: signed %v (%s)", alg, got, start)
		}
		if q.Get("RelayState") != "x" || !strings.HasPrefix(start, r.idp.URL+"/sso?") {
			t.Fatalf("redirect %s", start)
		}
		// The IdP checks the signature of a signed request: with a session
		// there, the request is answered at once, and a forged signature is
		// refused.
		r.idp.Login(t, r.client, "alice", "correct horse")
		if alg != "" {
			q.Set("Signature", base64.StdEncoding.EncodeToString(make([]byte, 256)))
			u.RawQuery = q.Encode()
			if code, _ := samltest.Start(t, r.client, u.String()); code != http.StatusBadRequest {
				t.Fatalf("forged request signature: IdP answered %d", code)
			}
		}
		if _, form := samltest.SignIn(t, r.client, start, "alice", "correct horse"); form.Get("SAMLResponse") == "" {
			t.Fatal("no response")
		}
	}
}

func TestSAMLEncryptedAssertion(t *testing.T) {
	r := newRig(t, map[string]string{"EncryptedResponses": "true"})
	_, form := r.spInitiated(t, "enc")
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if !bytes.Contains(raw, []byte("EncryptedAssertion")) || bytes.Contains(raw, []byte("alice@corp.example")) {
		t.Fatalf("the IdP did not encrypt: %s", raw)
	}
	id, err := r.sp.ParseResponse(context.Background(), r.p, form.Get("SAMLResponse"), "enc", true)
	if err != nil || id.NameID != "alice@corp.example" {
		t.Fatalf("%+v %v", id, err)
	}
	// With EncryptedResponses, a clear assertion is refused.
	r2 := newRig(t, nil)
	_, form = r2.spInitiated(t, "clear")
	r2.p.Details["EncryptedResponses"] = "true"
	if _, err := r2.sp.ParseResponse(context.Background(), r2.p, form.Get("SAMLResponse"), "clear", true); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("clear assertion accepted: %v", err)
	}
}

func TestSAMLRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("wrong signature", func(t *testing.T) {
		r := newRig(t, nil)
		r.idp.RotateKey(t)
		_, form := r.spInitiated(t, "s")
		_, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "s", true)
		if !errors.Is(err, federation.ErrSAML) || !strings.Contains(err.Error(), "signature") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		r := newRig(t, nil)
		_, form := r.spInitiated(t, "s")
		raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
		raw = bytes.ReplaceAll(raw, []byte("alice@corp.example"), []byte("mallory@corp.example"))
		if _, err := r.sp.ParseResponse(ctx, r.p, base64.StdEncoding.EncodeToString(raw), "s", true); !errors.Is(err, federation.ErrSAML) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		r := newRig(t, nil)
		_, form := r.spInitiated(t, "s")
		r.clk.Set(func() time.Time { return time.Now().Add(time.Hour) })
		_, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "s", true)
		if !errors.Is(err, federation.ErrSAML) || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("issued long ago", func(t *testing.T) {
		r := newRig(t, nil)
		r.idp.Backdate(10 * time.Minute)
		_, form := r.spInitiated(t, "s")
		_, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "s", true)
		if !errors.Is(err, federation.ErrSAML) || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("another request", func(t *testing.T) {
		r := newRig(t, nil)
		_, form := r.spInitiated(t, "s")
		if _, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "other", true); !errors.Is(err, federation.ErrSAML) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("wrong audience", func(t *testing.T) {
		r := newRig(t, map[string]string{"IDPInit": "true"})
		// The IdP knows the ACS under another SP's entity ID.
		other := r.p
		other.PoolID = "us-east-1_Other"
		other.Encryption.Cert = nil
		md, _ := r.sp.SPMetadata(ctx, other)
		r.idp.AddSP(t, "other", md)
		r.idp.AddShortcut(t, "other", federation.SAMLEntityID("us-east-1_Other"), "")
		_, form := r.idp.SignInIDPInitiated(t, r.client, "other", "alice", "correct horse")
		_, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "", false)
		if !errors.Is(err, federation.ErrSAML) || !strings.Contains(err.Error(), "Audience") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("too long", func(t *testing.T) {
		r := newRig(t, nil)
		if _, err := r.sp.ParseResponse(ctx, r.p, strings.Repeat("A", federation.MaxSAMLResponse+4), "s", true); !errors.Is(err, federation.ErrSAML) {
			t.Fatalf("%v", err)
		}
	})
}

func TestSAMLIdPInitiated(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, nil)
	r.idp.AddShortcut(t, "cognito", federation.SAMLEntityID(r.p.PoolID), "client_id=abc")
	_, form := r.idp.SignInIDPInitiated(t, r.client, "cognito", "alice", "correct horse")
	if form.Get("RelayState") != "client_id=abc" {
		t.Fatalf("RelayState %q", form.Get("RelayState"))
	}
	// Refused while IDPInit is off.
	if _, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "client_id=abc", false); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("IDPInit off: %v", err)
	}
	r.p.Details["IDPInit"] = "true"
	id, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "client_id=abc", false)
	if err != nil || id.NameID != "alice@corp.example" {
		t.Fatalf("%+v %v", id, err)
	}
	if _, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "client_id=abc", false); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("replay: %v", err)
	}
	// A solicited response is not taken as an unsolicited one.
	_, form = r.spInitiated(t, "sp")
	if _, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "sp", false); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("solicited as unsolicited: %v", err)
	}
}

func TestSAMLSingleLogout(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, map[string]string{"IDPSignout": "true"})
	_, form := r.spInitiated(t, "in")
	id, err := r.sp.ParseResponse(ctx, r.p, form.Get("SAMLResponse"), "in", true)
	if err != nil {
		t.Fatal(err)
	}
	to, err := r.sp.LogoutRequestURL(ctx, r.p, id.NameID, id.NameIDFormat, id.SessionIndex, "out")
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(to); u.Query().Get("Signature") == "" || u.Query().Get("RelayState") != "out" || !strings.HasPrefix(to, r.idp.URL+"/slo?") {
		t.Fatalf("LogoutRequest %s", to)
	}
	code, page := samltest.Start(t, r.client, to)
	action, fields := samltest.Form(t, page)
	if code != http.StatusOK || action != "https://auth.example.test/saml2/logout" || fields.Get("RelayState") != "out" {
		t.Fatalf("IdP answered %d with a form to %q", code, action)
	}
	post := func(relay string) error {
		fields.Set("RelayState", relay)
		req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(fields.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r.sp.CheckLogoutResponse(ctx, r.p, req, relay)
	}
	if err := post("another"); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("a LogoutResponse to another request: %v", err)
	}
	if err := post("out"); err != nil {
		t.Fatal(err)
	}
	if err := post("out"); !errors.Is(err, federation.ErrSAML) {
		t.Fatalf("replayed LogoutResponse: %v", err)
	}
}
