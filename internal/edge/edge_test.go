package edge

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// testCA issues certificates for the tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(tb testing.TB) *testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "edge test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert, key, pool}
}

var serial atomic.Int64

func (ca *testCA) leaf(tb testing.TB, names ...string) *tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial.Add(1) + 1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}
}

func hello(name string) *tls.ClientHelloInfo { return &tls.ClientHelloInfo{ServerName: name} }

func TestLookupAndPut(t *testing.T) {
	ca := newTestCA(t)
	e := New(nil)
	a := ca.leaf(t, "auth.example.test")
	e.Replace([]Site{
		{Name: "auth.example.test", CertificateARN: "arn:a", Version: "1", Certificate: a},
		{Name: "*.auth.us-east-1.localhost", Version: "w", Certificate: ca.leaf(t, "*.auth.us-east-1.localhost")},
	})
	if c, err := e.GetCertificate(hello("AUTH.example.test.")); err != nil || c != a {
		t.Fatalf("exact lookup: %v %v", c, err)
	}
	if _, err := e.GetCertificate(hello("myapp.auth.us-east-1.localhost")); err != nil {
		t.Fatalf("wildcard lookup: %v", err)
	}
	for _, n := range []string{"other.example.test", "a.b.auth.us-east-1.localhost", "auth.us-east-1.localhost", ""} {
		if c, err := e.GetCertificate(hello(n)); err == nil {
			t.Fatalf("%q got a certificate: %v", n, c.Leaf.DNSNames)
		}
	}

	// A new certificate under the same ARN is swapped in by Put.
	b := ca.leaf(t, "auth.example.test")
	if err := e.Put(Site{Name: "Auth.Example.Test.", CertificateARN: "arn:a", Version: "2", Certificate: b, ManagedLoginVersion: 2}); err != nil {
		t.Fatal(err)
	}
	if c, _ := e.GetCertificate(hello("auth.example.test")); c != b {
		t.Fatal("renewed certificate not served")
	}
	if v, ok := e.Serving("auth.example.test"); !ok || v != "2" {
		t.Fatalf("serving %q %v", v, ok)
	}
	if s, ok := e.Lookup("auth.example.test"); !ok || s.ManagedLoginVersion != 2 {
		t.Fatalf("lookup %+v %v", s, ok)
	}

	// A site without a usable certificate (its load failed) is not swapped
	// in: the last good certificate stays.
	if err := e.Put(Site{Name: "auth.example.test", CertificateARN: "arn:a", Version: "3"}); err == nil {
		t.Fatal("unusable site accepted")
	}
	if c, _ := e.GetCertificate(hello("auth.example.test")); c != b {
		t.Fatal("unusable site replaced the last good certificate")
	}
	if v, _ := e.Serving("auth.example.test"); v != "2" {
		t.Fatalf("serving %q after a refused site", v)
	}
	if _, _, loadErrors := e.Stats(); loadErrors != 1 {
		t.Fatalf("%d load errors counted, want 1", loadErrors)
	}

	// A dropped name is no longer served.
	e.Drop("auth.example.test.")
	if _, err := e.GetCertificate(hello("auth.example.test")); err == nil {
		t.Fatal("dropped name still served")
	}
	if _, ok := e.Serving("auth.example.test"); ok {
		t.Fatal("dropped name still reported as served")
	}
}

func TestReplaceDropsAndKeeps(t *testing.T) {
	ca := newTestCA(t)
	e := New(nil)
	var sites []Site
	for i := range 3 {
		n := fmt.Sprintf("d%d.example.test", i)
		sites = append(sites, Site{Name: n, Version: "1", Certificate: ca.leaf(t, n)})
	}
	e.Replace(sites)
	if e.Len() != 3 {
		t.Fatalf("replace: %d", e.Len())
	}
	good, _ := e.GetCertificate(hello("d1.example.test"))
	e.Replace([]Site{{Name: "d1.example.test", Version: "2"} /* cannot load */, sites[2]})
	if e.Len() != 2 {
		t.Fatalf("after replace %d sites", e.Len())
	}
	if c, _ := e.GetCertificate(hello("d1.example.test")); c != good {
		t.Fatal("replace swapped a good certificate for an unusable one")
	}
	if _, err := e.GetCertificate(hello("d0.example.test")); err == nil {
		t.Fatal("a name no longer listed is still served")
	}
}

// TestServeTLS checks the real listener: TLS 1.2 minimum, HTTP/2, unknown
// names refused with an alert, and swaps without restarting.
func TestServeTLS(t *testing.T) {
	ca := newTestCA(t)
	e := New(nil)
	if err := e.Put(Site{Name: "auth.example.test", CertificateARN: "arn:a", Version: "1", Certificate: ca.leaf(t, "auth.example.test")}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.Serve(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %s", r.Proto, r.Host)
		}), time.Second)
	}()
	defer func() { cancel(); <-done }()
	addr := ln.Addr().String()

	dial := func(name string, cfg *tls.Config) (*tls.Conn, error) {
		c := cfg.Clone()
		c.ServerName, c.RootCAs = name, ca.pool
		return tls.Dial("tcp", addr, c)
	}
	conn, err := dial("auth.example.test", &tls.Config{NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	if conn.ConnectionState().NegotiatedProtocol != "h2" {
		t.Fatalf("ALPN %q, want h2", conn.ConnectionState().NegotiatedProtocol)
	}
	conn.Close()
	if _, err := dial("unknown.example.test", &tls.Config{}); err == nil {
		t.Fatal("unknown name got a certificate")
	}
	if _, err := dial("auth.example.test", &tls.Config{MaxVersion: tls.VersionTLS11}); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}

	// An HTTP/2 connection opened before a swap keeps working after it.
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool}, ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	client := &http.Client{Transport: tr}
	get := func() string {
		resp, err := client.Get("https://auth.example.test/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		return string(b[:n])
	}
	if got := get(); got != "HTTP/2.0 auth.example.test" {
		t.Fatalf("first request: %q", got)
	}
	next := ca.leaf(t, "auth.example.test")
	if err := e.Put(Site{Name: "auth.example.test", CertificateARN: "arn:a", Version: "2", Certificate: next}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "HTTP/2.0 auth.example.test" {
		t.Fatalf("request on the old connection after the swap: %q", got)
	}
	conn, err = dial("auth.example.test", &tls.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !conn.ConnectionState().PeerCertificates[0].Equal(next.Leaf) {
		t.Fatal("new handshake did not get the new certificate")
	}
	conn.Close()
}

// TestResumedSessionsFollowRotation: a client resuming a TLS session after
// the certificate was replaced gets the new certificate, not the old
// session's.
func TestResumedSessionsFollowRotation(t *testing.T) {
	ca := newTestCA(t)
	e := New(nil)
	e.Put(Site{Name: "auth.example.test", CertificateARN: "arn:a", Version: "1", Certificate: ca.leaf(t, "auth.example.test")})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx, ln, http.NotFoundHandler(), time.Second) }()
	defer func() { cancel(); <-done }()
	cache := tls.NewLRUClientSessionCache(8)
	dial := func() *tls.ConnectionState {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{ServerName: "auth.example.test", RootCAs: ca.pool, ClientSessionCache: cache, MaxVersion: tls.VersionTLS12})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		st := c.ConnectionState()
		return &st
	}
	dial()
	if !dial().DidResume {
		t.Fatal("the second connection did not resume: the test proves nothing")
	}
	next := ca.leaf(t, "auth.example.test")
	e.Put(Site{Name: "auth.example.test", CertificateARN: "arn:a", Version: "2", Certificate: next})
	st := dial()
	if st.DidResume || !st.PeerCertificates[0].Equal(next.Leaf) {
		t.Fatalf("after the rotation: resumed %v, new certificate %v", st.DidResume, st.PeerCertificates[0].Equal(next.Leaf))
	}
}
