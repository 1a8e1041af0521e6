package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
)

// TestACMEOnTwoNodes runs one ACME conversation across two nodes of a
// deployment (one PostgreSQL): a nonce issued by one node is spent on the
// other, once; an account registered through A orders and finalizes
// through B; the certificate downloads from A.
func TestACMEOnTwoNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	setup := newACMEEndpoint(t, ctx, a.acmClient("us-east-1"), "cluster.example.test", nil)
	const public = "https://idp.gognito.test"
	if !strings.HasPrefix(setup.directory, public+"/acme/") {
		t.Fatalf("EndpointUrl %s", setup.directory)
	}
	onA := func(u string) string { return strings.Replace(u, public, a.URL, 1) }
	onB := func(u string) string { return strings.Replace(u, public, b.URL, 1) }
	ca := newRawACMEVia(t, setup.directory, onA)
	if r := ca.register(setup); r.status != http.StatusCreated {
		t.Fatalf("register through A: %d %s", r.status, r.body)
	}
	cb := &rawACME{t: t, dir: ca.dir, key: ca.key, kid: ca.kid, via: onB}

	// A nonce from A, spent on B; then replayed on A.
	n := ca.nonce()
	order := map[string]any{"identifiers": []map[string]string{{"type": "dns", "value": "cluster.example.test"}}}
	body := cb.sign(cb.url("newOrder"), mustJSON(t, order), jwsOpts{nonce: n})
	o := cb.send(cb.url("newOrder"), body, "application/jose+json")
	if o.status != http.StatusCreated || o.json["status"] != "ready" {
		t.Fatalf("order through B with A's nonce: %d %s", o.status, o.body)
	}
	if r := ca.send(ca.url("newOrder"), body, "application/jose+json"); r.problem() != "badNonce" {
		t.Fatalf("the same nonce replayed on A: %d %s", r.status, r.body)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f := cb.post(o.json["finalize"].(string), map[string]any{"csr": csrFor(t, key, "cluster.example.test")}, jwsOpts{})
	if f.status != http.StatusOK || f.json["certificate"] == nil {
		t.Fatalf("finalize through B: %d %s", f.status, f.body)
	}
	cert := ca.post(f.json["certificate"].(string), nil, jwsOpts{})
	if cert.status != http.StatusOK || bytes.Count(cert.body, []byte("BEGIN CERTIFICATE")) != 2 {
		t.Fatalf("download through A: %d %s", cert.status, cert.body)
	}
}
