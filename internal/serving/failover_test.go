package serving

import (
	"context"
	"testing"

	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/domains"
)

// TestFailoverPlacement: a domain with failover routing is served by the
// nodes of its pool's Region while that Region has a live node, else by
// the secondary Region's; other domains everywhere; settling counts only
// the nodes of the Region it is routed to.
func TestFailoverPlacement(t *testing.T) {
	ctx := context.Background()
	src := newSources()
	src.setCert(material(arnA, 1))
	routed := custom("routed.example.test", 1, domains.StatusActive)
	routed.Failover = &domains.Failover{SecondaryRegion: "us-west-2", HealthCheckID: "hc"}
	plain := custom("plain.example.test", 1, domains.StatusActive)
	src.set(routed)
	src.set(plain)

	eastPeer := cluster.Peer{Node: "east", Region: "us-east-1", Report: map[string]string{"routed.example.test": "g1/c1"}}
	c := &fakeCluster{peers: []cluster.Peer{eastPeer}}
	e := newMemEdge()
	west := New(Options{Edge: e, Cluster: c, Region: "us-west-2"})
	if err := west.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving("routed.example.test"); ok {
		t.Fatal("the secondary serves a routed domain while the primary Region is live")
	}
	if _, ok := e.Serving("plain.example.test"); !ok {
		t.Fatal("a domain without routing is not served everywhere")
	}
	if !west.Settled(ctx, routed, 1) {
		t.Fatal("not settled although the primary Region's node serves it")
	}
	// An announced change does not put it on the secondary either.
	west.DomainChanged(ctx, routed, material(arnA, 1))
	if _, ok := e.Serving("routed.example.test"); ok {
		t.Fatal("an announcement put a routed domain on the secondary")
	}

	// The primary Region's last node goes silent: the secondary takes over.
	c.mu.Lock()
	c.peers = nil
	c.mu.Unlock()
	if !west.checkHealth(ctx) {
		t.Fatal("the loss of the primary Region is not a change")
	}
	if err := west.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Serving("routed.example.test"); !ok || v != "g1/c1" {
		t.Fatalf("the secondary does not serve the failed-over domain: %q %v", v, ok)
	}
	// Reconcile keeps it there (no reload loop dropping it).
	if err := west.Reconcile(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving("routed.example.test"); !ok {
		t.Fatal("reconcile dropped the failed-over domain")
	}

	// The primary is back: the secondary drops it; a third Region never serves it.
	c.mu.Lock()
	c.peers = []cluster.Peer{eastPeer}
	c.mu.Unlock()
	if !west.checkHealth(ctx) || west.checkHealth(ctx) {
		t.Fatal("the primary's return must be one change")
	}
	if err := west.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Serving("routed.example.test"); ok {
		t.Fatal("the secondary still serves the domain after the primary returned")
	}
	e3 := newMemEdge()
	eu := New(Options{Edge: e3, Cluster: &fakeCluster{}, Region: "eu-west-1"})
	if err := eu.Sync(ctx, src.src()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e3.Serving("routed.example.test"); ok {
		t.Fatal("a third Region serves a routed domain")
	}
	if _, ok := e3.Serving("plain.example.test"); !ok {
		t.Fatal("a third Region does not serve a domain without routing")
	}
}
