package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
)

// Timings of the node records.
const (
	// RecordPrefix is where the node records live in the key-value space.
	RecordPrefix = "nodes/"
	// HeartbeatInterval is how often a node records itself.
	HeartbeatInterval = time.Second
	// NodeTimeout is how long a node may be silent before it counts as gone
	// and no longer holds changes back (the default: SetNodeTimeout).
	NodeTimeout = 10 * time.Second
	// RecordLifetime is how long a silent node's record is kept: it expires
	// (and the janitor removes it) unless the node beats again.
	RecordLifetime = time.Hour
)

// Values is what the cluster needs of the store: its key-value space.
type Values interface {
	SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error
	ListValues(ctx context.Context, prefix string) (map[string][]byte, error)
	DeleteValue(ctx context.Context, key string) error
}

// Cluster is this node's membership of the cluster.
type Cluster struct {
	node     string
	values   Values
	notifier store.Notifier // nil when the store is not shared
	log      *slog.Logger
	clk      clock.Clock

	mu          sync.RWMutex
	subs        map[string][]func(key string) // topic -> subscribers; guarded by mu
	report      func() map[string]string      // guarded by mu
	region      string                        // this node's Region (--region); guarded by mu
	nodeTimeout time.Duration                 // guarded by mu
}

// New builds this node's membership on a store. The store is shared when it
// implements store.Notifier.
func New(st Values, log *slog.Logger, clk clock.Clock) *Cluster {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n, _ := st.(store.Notifier)
	var id [8]byte
	_, _ = rand.Read(id[:])
	return &Cluster{node: hex.EncodeToString(id[:]), values: st, notifier: n, log: log, clk: clock.Or(clk), subs: map[string][]func(string){}, nodeTimeout: NodeTimeout}
}

// SetRegion sets the Region this node's heartbeat carries (its --region):
// other nodes tell from it which Regions have live nodes.
func (c *Cluster) SetRegion(region string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.region = region
}

// Region is this node's Region ("" when none was set).
func (c *Cluster) Region() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.region
}

// SetNodeTimeout sets how long a node may be silent before it counts as
// gone (NodeTimeout unless set; at least twice HeartbeatInterval). Zero
// keeps the default.
func (c *Cluster) SetNodeTimeout(d time.Duration) {
	if d == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nodeTimeout = max(d, 2*HeartbeatInterval)
}

// NodeTimeout is how long a node may be silent before it counts as gone.
func (c *Cluster) NodeTimeout() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.nodeTimeout
}

// Node is this node's id (random, new at every start).
func (c *Cluster) Node() string { return c.node }

// Shared reports whether other nodes may use the store.
func (c *Cluster) Shared() bool { return c.notifier != nil }

// Announce tells the other nodes that key changed on topic. It does nothing
// when the store is not shared; a failed announcement is logged (the
// periodic re-reads still bring the other nodes up to date).
func (c *Cluster) Announce(topic, key string) {
	if c.notifier == nil {
		return
	}
	if err := c.notifier.Notify(context.Background(), encodeMessage(c.node, topic, key)); err != nil {
		c.log.Warn("cluster: announcing a change", "topic", topic, "key", key, "error", err)
	}
}

// Subscribe calls fn with the key of every change another node announces on
// topic, and with "" when announcements may have been missed.
func (c *Cluster) Subscribe(topic string, fn func(key string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs[topic] = append(c.subs[topic], fn)
}

// Report sets what this node's heartbeat carries (called at every beat).
func (c *Cluster) Report(fn func() map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.report = fn
}

// An announcement is "<node> <topic> <key>" (topics hold no space).
func encodeMessage(node, topic, key string) string { return node + " " + topic + " " + key }

func decodeMessage(msg string) (node, topic, key string) {
	node, rest, _ := strings.Cut(msg, " ")
	topic, key, _ = strings.Cut(rest, " ")
	return node, topic, key
}

// deliver hands one message to the subscribers; it reports whether it was
// meant for this node (not its own, and not malformed).
func (c *Cluster) deliver(msg string) bool {
	var fns []func(string)
	key := ""
	c.mu.RLock()
	if msg == "" { // announcements may have been missed: every topic re-reads
		for _, sub := range c.subs {
			fns = append(fns, sub...)
		}
	} else {
		var node, topic string
		node, topic, key = decodeMessage(msg)
		if node == c.node || topic == "" || key == "" {
			c.mu.RUnlock()
			return false
		}
		fns = append(fns, c.subs[topic]...)
	}
	c.mu.RUnlock()
	for _, fn := range fns {
		fn(key)
	}
	return true
}

// Run listens to the other nodes and beats until ctx ends, then removes this
// node's record: a node that stops cleanly holds nothing back. It returns at
// once when the store is not shared.
func (c *Cluster) Run(ctx context.Context) {
	if c.notifier == nil {
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.notifier.Listen(ctx, func(msg string) {
			if c.deliver(msg) {
				c.Beat(ctx) // the node that made the change waits for this
			}
		})
	}()
	c.heartbeat(ctx)
	wg.Wait()
}

// Record is a node's heartbeat: when it last beat and what it reports.
type record struct {
	Beat    int64             `json:"Beat"` // Unix milliseconds
	Serving map[string]string `json:"Serving"`
	Region  string            `json:"Region,omitempty"`
}

// Beat records this node's report, now.
func (c *Cluster) Beat(ctx context.Context) {
	c.mu.RLock()
	report, region := c.report, c.region
	c.mu.RUnlock()
	var r map[string]string
	if report != nil {
		r = report()
	}
	now := c.clk.Now()
	b, _ := json.Marshal(record{Beat: now.UnixMilli(), Serving: r, Region: region})
	if err := c.values.SetValueUntil(ctx, RecordPrefix+c.node, b, now.Add(RecordLifetime)); err != nil && ctx.Err() == nil {
		c.log.Warn("cluster: heartbeat", "error", err)
	}
}

func (c *Cluster) heartbeat(ctx context.Context) {
	t := time.NewTicker(HeartbeatInterval)
	defer t.Stop()
	for {
		c.Beat(ctx)
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.values.DeleteValue(dctx, RecordPrefix+c.node); err != nil {
				c.log.Warn("cluster: removing this node's record", "error", err)
			}
			return
		case <-t.C:
		}
	}
}

// Peer is another live node as its last heartbeat shows it.
type Peer struct {
	Node   string
	Beat   time.Time
	Report map[string]string
	Region string // the Region its heartbeat carries ("" from an older node)
}

// Peers lists the other live nodes: those that beat within the node
// timeout.
func (c *Cluster) Peers(ctx context.Context) ([]Peer, error) {
	recs, err := c.values.ListValues(ctx, RecordPrefix)
	if err != nil {
		return nil, err
	}
	now := c.clk.Now()
	timeout := c.NodeTimeout()
	var out []Peer
	for key, raw := range recs {
		var r record
		if key == RecordPrefix+c.node || json.Unmarshal(raw, &r) != nil {
			continue
		}
		beat := time.UnixMilli(r.Beat)
		if now.Sub(beat) > timeout {
			continue
		}
		out = append(out, Peer{Node: strings.TrimPrefix(key, RecordPrefix), Beat: beat, Report: r.Serving, Region: r.Region})
	}
	return out, nil
}
