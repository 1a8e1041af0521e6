package cluster

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
)

// bus is a shared in-memory store: a key-value space and a notifier every
// node listens to.
type bus struct {
	mu        sync.Mutex
	values    map[string][]byte
	listeners []chan string
}

type node struct{ b *bus }

func newBus() *bus { return &bus{values: map[string][]byte{}} }

func (n node) SetValueUntil(_ context.Context, key string, v []byte, _ time.Time) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	n.b.values[key] = v
	return nil
}

func (n node) ListValues(_ context.Context, prefix string) (map[string][]byte, error) {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	out := map[string][]byte{}
	for k, v := range n.b.values {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out, nil
}

func (n node) DeleteValue(_ context.Context, key string) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	delete(n.b.values, key)
	return nil
}

func (n node) Notify(_ context.Context, msg string) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	for _, l := range n.b.listeners {
		l <- msg
	}
	return nil
}

func (n node) Listen(ctx context.Context, fn func(string)) {
	ch := make(chan string, 100)
	n.b.mu.Lock()
	n.b.listeners = append(n.b.listeners, ch)
	n.b.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-ch:
			fn(m)
		}
	}
}

// single is a store that is not shared.
type single struct{ node }

// Notify hides the bus's: with another signature, single is no store.Notifier.
func (single) Notify() {}

func TestAnnouncementsReachOtherNodesOnly(t *testing.T) {
	b := newBus()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, c := New(node{b}, nil, nil), New(node{b}, nil, nil)
	got := make(chan string, 10)
	a.Subscribe("domain", func(k string) { got <- "a domain " + k })
	c.Subscribe("domain", func(k string) { got <- "c domain " + k })
	c.Subscribe("certificate", func(k string) { got <- "c certificate " + k })
	var wg sync.WaitGroup
	for _, n := range []*Cluster{a, c} {
		wg.Add(1)
		go func() { defer wg.Done(); n.Run(ctx) }()
	}
	waitListening(t, b, 2)

	a.Announce("domain", "auth.example.test")
	a.Announce("certificate", "arn:aws:acm:us-east-1:000000000000:certificate/x")
	want := map[string]bool{"c domain auth.example.test": true, "c certificate arn:aws:acm:us-east-1:000000000000:certificate/x": true}
	for range 2 {
		select {
		case m := <-got:
			if !want[m] {
				t.Fatalf("unexpected delivery %q", m)
			}
			delete(want, m)
		case <-time.After(2 * time.Second):
			t.Fatalf("not delivered: %v", want)
		}
	}
	// "" (messages missed) reaches every subscriber of every topic, on each node.
	node{b}.Notify(ctx, "")
	seen := map[string]bool{}
	for range 3 {
		select {
		case m := <-got:
			seen[m] = true
		case <-time.After(2 * time.Second):
			t.Fatalf("resync reached only %v", seen)
		}
	}
	if !seen["a domain "] || !seen["c domain "] || !seen["c certificate "] {
		t.Fatalf("resync reached %v", seen)
	}
	select {
	case m := <-got:
		t.Fatalf("extra delivery %q (a node heard its own announcement?)", m)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	wg.Wait()
	if vs, _ := (node{b}).ListValues(context.Background(), RecordPrefix); len(vs) != 0 {
		t.Fatalf("records left after a clean stop: %v", vs)
	}
}

func waitListening(t *testing.T, b *bus, n int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		l := len(b.listeners)
		b.mu.Unlock()
		if l == n {
			return
		}
	}
	t.Fatal("nodes are not listening")
}

func TestPeersFollowTheClock(t *testing.T) {
	b := newBus()
	ctx := context.Background()
	clk := &clock.Settable{}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clk.Set(func() time.Time { return start })
	a, c := New(node{b}, nil, clk), New(node{b}, nil, clk)
	c.Report(func() map[string]string { return map[string]string{"auth.example.test": "g1/c2"} })
	c.Beat(ctx)
	a.Beat(ctx)
	peers, err := a.Peers(ctx)
	if err != nil || len(peers) != 1 || peers[0].Node != c.Node() || !maps.Equal(peers[0].Report, map[string]string{"auth.example.test": "g1/c2"}) {
		t.Fatalf("peers of a: %+v, %v", peers, err)
	}
	clk.Set(func() time.Time { return start.Add(NodeTimeout + time.Second) })
	if peers, _ := a.Peers(ctx); len(peers) != 0 {
		t.Fatalf("a node silent for longer than NodeTimeout is still a peer: %+v", peers)
	}
}

func TestAloneOnAStoreNotShared(t *testing.T) {
	c := New(single{node{newBus()}}, nil, nil)
	if c.Shared() {
		t.Fatal("a store without Listen counts as shared")
	}
	c.Announce("domain", "x") // no-op
	done := make(chan struct{})
	go func() { c.Run(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Run did not return on a store that is not shared")
	}
}

// TestPeersCarryTheirRegion: a heartbeat carries the node's Region, and
// the node timeout set on a node decides who is live.
func TestPeersCarryTheirRegion(t *testing.T) {
	b := newBus()
	ctx := context.Background()
	clk := &clock.Settable{}
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clk.Set(func() time.Time { return start })
	a, c := New(node{b}, nil, clk), New(node{b}, nil, clk)
	a.SetNodeTimeout(3 * time.Second)
	c.SetRegion("us-west-2")
	c.Beat(ctx)
	peers, err := a.Peers(ctx)
	if err != nil || len(peers) != 1 || peers[0].Region != "us-west-2" || c.Region() != "us-west-2" {
		t.Fatalf("peers of a: %+v, %v", peers, err)
	}
	clk.Set(func() time.Time { return start.Add(3*time.Second + time.Millisecond) })
	if peers, _ := a.Peers(ctx); len(peers) != 0 || a.NodeTimeout() != 3*time.Second {
		t.Fatalf("a node silent for longer than the node timeout is still a peer: %+v", peers)
	}
	a.SetNodeTimeout(time.Millisecond)
	if a.NodeTimeout() != 2*HeartbeatInterval {
		t.Fatalf("node timeout %v, want at least two heartbeats", a.NodeTimeout())
	}
}
