package serving

import (
	"context"
	"testing"

	"github.com/gognito/gognito/internal/domains"
)

// TestSecurityPolicyTravelsWithTheSite: a domain's TLS security policy is
// in the site it serves; a change of policy (a new generation) changes the
// site's version, so the other nodes re-read it, and their sites carry the
// new policy, as do a certificate swap and a full sync.
func TestSecurityPolicyTravelsWithTheSite(t *testing.T) {
	ctx := context.Background()
	host := "auth.example.test"
	e, c, src := newMemEdge(), &fakeCluster{}, newSources()
	s := New(Options{Edge: e, Cluster: c})
	s.Follow(ctx, src.src())
	src.setCert(material(arnA, 1))

	d := custom(host, 1, domains.StatusCreating)
	d.SecurityPolicy = "TLS_V1"
	s.DomainChanged(ctx, d, material(arnA, 1))
	before, _ := e.site(host)
	if before.SecurityPolicy != "TLS_V1" {
		t.Fatalf("served %+v", before)
	}

	d.Generation, d.Status, d.SecurityPolicy = 2, domains.StatusUpdating, "TLS_V1_3_2025"
	s.DomainChanged(ctx, d, material(arnA, 1))
	after, _ := e.site(host)
	if after.SecurityPolicy != "TLS_V1_3_2025" || after.Version == before.Version {
		t.Fatalf("after the change: %+v (version before %s)", after, before.Version)
	}

	// Another node: it hears the host and re-reads the domain.
	e2, c2 := newMemEdge(), &fakeCluster{}
	peer := New(Options{Edge: e2, Cluster: c2})
	peer.Follow(ctx, src.src())
	src.set(d)
	c2.deliver(TopicDomain, host)
	if site, _ := e2.site(host); site.SecurityPolicy != "TLS_V1_3_2025" || site.Version != after.Version {
		t.Fatalf("the other node serves %+v", site)
	}

	// A certificate swap keeps the policy; so does a full sync.
	s.CertificateChanged(ctx, arnA, material(arnA, 2))
	if site, _ := e.site(host); site.SecurityPolicy != "TLS_V1_3_2025" || site.Version != "g2/c2" {
		t.Fatalf("after the certificate swap: %+v", site)
	}
	d.Generation, d.SecurityPolicy = 3, "TLS_V1_2_2021"
	src.set(d)
	src.setCert(material(arnA, 2))
	if err := s.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if site, _ := e.site(host); site.SecurityPolicy != "TLS_V1_2_2021" || site.Version != "g3/c2" {
		t.Fatalf("after a sync: %+v", site)
	}
}
