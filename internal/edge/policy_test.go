package edge

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// rsaLeaf is a leaf with an RSA key (the RSA suites need one).
func (ca *testCA) rsaLeaf(tb testing.TB, names ...string) *tls.Certificate {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial.Add(1) + 1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}
}

// policyEdge serves, for each policy and for none, a name with an ECDSA
// certificate (<p>.example.test) and one with an RSA certificate
// (<p>-rsa.example.test), where <p> is the policy in lower case and "base"
// for none.
type policyEdge struct {
	e    *Edge
	ca   *testCA
	addr string
}

func hostOf(policy string, rsaKey bool) string {
	h := strings.ToLower(strings.ReplaceAll(policy, "_", "-"))
	if policy == "" {
		h = "base"
	}
	if rsaKey {
		h += "-rsa"
	}
	return h + ".example.test"
}

func startPolicyEdge(t *testing.T) *policyEdge {
	t.Helper()
	pe := &policyEdge{e: New(nil), ca: newTestCA(t)}
	rsaCert := pe.ca.rsaLeaf(t, "*.example.test")
	for _, p := range []string{"", PolicyTLSV1, PolicyTLSV12_2021, PolicyTLSV13_2025} {
		for _, r := range []bool{false, true} {
			cert := pe.ca.leaf(t, hostOf(p, r))
			if r {
				cert = rsaCert
			}
			if err := pe.e.Put(Site{Name: hostOf(p, r), Version: "1", Certificate: cert, SecurityPolicy: p}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pe.e.Serve(ctx, ln, http.NotFoundHandler(), time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	pe.addr = ln.Addr().String()
	return pe
}

func (pe *policyEdge) dial(name string, cfg *tls.Config) (tls.ConnectionState, error) {
	c := cfg.Clone()
	c.ServerName, c.RootCAs = name, pe.ca.pool
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", pe.addr, c)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.ConnectionState(), nil
}

var versionNames = map[uint16]string{tls.VersionTLS10: "TLS 1.0", tls.VersionTLS11: "TLS 1.1", tls.VersionTLS12: "TLS 1.2", tls.VersionTLS13: "TLS 1.3"}

// TestPolicyVersions: a client forced to one protocol version completes a
// handshake exactly when the site's policy allows that version (CloudFront's
// table), for ECDSA and RSA certificates alike; a site without a policy
// keeps the edge's base settings (TLS 1.2 and 1.3).
func TestPolicyVersions(t *testing.T) {
	pe := startPolicyEdge(t)
	allowed := map[string][]uint16{
		"":                {tls.VersionTLS12, tls.VersionTLS13},
		PolicyTLSV1:       {tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13},
		PolicyTLSV12_2021: {tls.VersionTLS12, tls.VersionTLS13},
		PolicyTLSV13_2025: {tls.VersionTLS13},
	}
	for policy, want := range allowed {
		for _, rsaKey := range []bool{false, true} {
			for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13} {
				st, err := pe.dial(hostOf(policy, rsaKey), &tls.Config{MinVersion: v, MaxVersion: v})
				switch ok := slices.Contains(want, v); {
				case ok && err != nil:
					t.Errorf("%q (RSA %v): %s refused: %v", policy, rsaKey, versionNames[v], err)
				case ok && st.Version != v:
					t.Errorf("%q (RSA %v): asked for %s, got %s", policy, rsaKey, versionNames[v], versionNames[st.Version])
				case !ok && err == nil:
					t.Errorf("%q (RSA %v): %s accepted", policy, rsaKey, versionNames[v])
				}
			}
		}
	}
}

// TestPolicyCipherSuites: a TLS 1.2 client offering a single suite completes
// a handshake exactly when the policy lists that suite (by CloudFront's
// table, less the suites Go does not implement) and the certificate's key
// suits it. Every TLS 1.0–1.2 suite Go knows is tried, the insecure ones
// too; TLS_V1_3_2025 accepts none of them.
func TestPolicyCipherSuites(t *testing.T) {
	pe := startPolicyEdge(t)
	gcmChaCha := []string{
		"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	}
	want := map[string][]string{
		PolicyTLSV1: append(slices.Clone(gcmChaCha),
			"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
			"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
			"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA256",
			"TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
		PolicyTLSV12_2021: gcmChaCha,
		PolicyTLSV13_2025: nil,
	}
	var suites []*tls.CipherSuite
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if slices.Contains(s.SupportedVersions, tls.VersionTLS12) {
			suites = append(suites, s)
		}
	}
	if len(suites) < 20 {
		t.Fatalf("only %d TLS 1.2 suites to try", len(suites))
	}
	for policy, names := range want {
		accepted := 0
		for _, rsaKey := range []bool{false, true} {
			for _, s := range suites {
				ecdsaSuite := strings.Contains(s.Name, "_ECDSA_")
				ok := slices.Contains(names, s.Name) && ecdsaSuite != rsaKey
				st, err := pe.dial(hostOf(policy, rsaKey), &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{s.ID}})
				switch {
				case ok && err != nil:
					t.Errorf("%s (RSA %v): %s refused: %v", policy, rsaKey, s.Name, err)
				case ok && st.CipherSuite != s.ID:
					t.Errorf("%s (RSA %v): offered %s, got %s", policy, rsaKey, s.Name, tls.CipherSuiteName(st.CipherSuite))
				case !ok && err == nil:
					t.Errorf("%s (RSA %v): %s accepted", policy, rsaKey, s.Name)
				case ok:
					accepted++
				}
			}
		}
		if accepted != len(names) {
			t.Errorf("%s: %d suites accepted, want %d", policy, accepted, len(names))
		}
	}
	// TLS 1.0 with the legacy policy: the CBC suites with SHA-1.
	st, err := pe.dial(hostOf(PolicyTLSV1, true), &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}})
	if err != nil || st.Version != tls.VersionTLS10 || st.CipherSuite != tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA {
		t.Errorf("TLS 1.0 ECDHE-RSA-AES128-SHA on TLS_V1: %v %x %x", err, st.Version, st.CipherSuite)
	}
}

// TestPolicyTLS13Suites: every policy completes TLS 1.3 handshakes with the
// three TLS 1.3 suites (Go does not let a server narrow them; see
// docs/custom-domains.md).
func TestPolicyTLS13Suites(t *testing.T) {
	pe := startPolicyEdge(t)
	tls13 := []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256}
	for _, policy := range []string{PolicyTLSV1, PolicyTLSV12_2021, PolicyTLSV13_2025} {
		st, err := pe.dial(hostOf(policy, false), &tls.Config{MinVersion: tls.VersionTLS13})
		if err != nil || !slices.Contains(tls13, st.CipherSuite) {
			t.Errorf("%s: TLS 1.3: %v, suite %s", policy, err, tls.CipherSuiteName(st.CipherSuite))
		}
	}
}

// TestPolicyPostQuantum: a Go client (which offers X25519MLKEM768 first by
// default) negotiates the hybrid key exchange on the post-quantum-ready
// policies, and the classic X25519 on TLS_V1; a client offering only the
// hybrid cannot connect to a TLS_V1 site.
func TestPolicyPostQuantum(t *testing.T) {
	pe := startPolicyEdge(t)
	for policy, want := range map[string]tls.CurveID{
		PolicyTLSV12_2021: tls.X25519MLKEM768,
		PolicyTLSV13_2025: tls.X25519MLKEM768,
		PolicyTLSV1:       tls.X25519,
	} {
		for _, rsaKey := range []bool{false, true} {
			st, err := pe.dial(hostOf(policy, rsaKey), &tls.Config{})
			if err != nil {
				t.Fatalf("%s: %v", policy, err)
			}
			if st.Version != tls.VersionTLS13 || st.CurveID != want {
				t.Errorf("%s (RSA %v): %s with %v, want TLS 1.3 with %v", policy, rsaKey, versionNames[st.Version], st.CurveID, want)
			}
		}
		st, err := pe.dial(hostOf(policy, false), &tls.Config{CurvePreferences: []tls.CurveID{tls.X25519MLKEM768}})
		if pq := Policies[policy].PostQuantum; pq && (err != nil || st.CurveID != tls.X25519MLKEM768) {
			t.Errorf("%s: a client offering only X25519MLKEM768: %v, %v", policy, err, st.CurveID)
		} else if !pq && err == nil {
			t.Errorf("%s: a client offering only X25519MLKEM768 connected with %v", policy, st.CurveID)
		}
	}
}

// TestPolicySwitchesWithSite: a site's new policy applies from the next
// handshake, with no restart; connections open keep theirs.
func TestPolicySwitchesWithSite(t *testing.T) {
	pe := startPolicyEdge(t)
	name := hostOf(PolicyTLSV1, false)
	tls11 := &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}
	if _, err := pe.dial(name, tls11); err != nil {
		t.Fatalf("TLS 1.1 on TLS_V1: %v", err)
	}
	open, err := tls.Dial("tcp", pe.addr, &tls.Config{ServerName: name, RootCAs: pe.ca.pool, MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS11})
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	site, _ := pe.e.Lookup(name)
	next := *site
	next.Version, next.SecurityPolicy = "2", PolicyTLSV13_2025
	if err := pe.e.Put(next); err != nil {
		t.Fatal(err)
	}
	if _, err := pe.dial(name, tls11); err == nil {
		t.Fatal("TLS 1.1 accepted after the switch to TLS_V1_3_2025")
	}
	if st, err := pe.dial(name, &tls.Config{}); err != nil || st.Version != tls.VersionTLS13 || st.CurveID != tls.X25519MLKEM768 {
		t.Fatalf("after the switch: %v %v %v", err, versionNames[st.Version], st.CurveID)
	}
	if st := open.ConnectionState(); st.Version != tls.VersionTLS11 || !st.HandshakeComplete {
		t.Fatalf("the connection opened before the switch: %+v", st)
	}
	// Replace also swaps a site whose only change is its policy.
	next.SecurityPolicy = PolicyTLSV1
	pe.e.Replace([]Site{next})
	if _, err := pe.dial(name, tls11); err != nil {
		t.Fatalf("TLS 1.1 after Replace back to TLS_V1: %v", err)
	}
}
