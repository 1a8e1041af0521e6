package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/edge"
	"github.com/gognito/gognito/internal/store"
)

// cluster carries edge changes between the nodes of one shared database:
// a certificate or domain changed through this node is announced, and one
// changed through another node is reloaded here at once, rather than at
// the next periodic edge sync. On a store that is not shared (SQLite) it
// announces nothing.
type cluster struct {
	node     string // this node's id, to skip its own announcements
	store    store.Store
	notifier store.Notifier
	edge     *edge.Edge
	log      *slog.Logger
	// userPools drops what the pool loader keeps of a key ("" everything).
	userPools func(key string)
}

func newCluster(st store.Store, e *edge.Edge, log *slog.Logger) *cluster {
	n, _ := st.(store.Notifier)
	var id [8]byte
	rand.Read(id[:])
	return &cluster{node: hex.EncodeToString(id[:]), store: st, notifier: n, edge: e, log: log}
}

// Announce kinds: a certificate (by ARN) or a domain (by host name).
const (
	changedCertificate = "certificate"
	changedDomain      = "domain"
	changedUserPool    = "userpool" // a pool or app client, by loader key
)

// announce tells the other nodes that what they serve for name changed.
func (c *cluster) announce(kind, name string) {
	if c.notifier == nil {
		return
	}
	if err := c.notifier.Notify(context.Background(), c.node+" "+kind+" "+name); err != nil {
		// The periodic edge sync still brings the other nodes up to date.
		c.log.Warn("cluster: announcing a change", "kind", kind, "name", name, "error", err)
	}
}

// listen applies other nodes' announcements until ctx ends.
func (c *cluster) listen(ctx context.Context) {
	if c.notifier == nil {
		return
	}
	c.notifier.Listen(ctx, func(msg string) {
		if msg == "" { // announcements may have been missed
			if c.userPools != nil {
				c.userPools("")
			}
			if err := c.edge.Sync(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("cluster: edge re-sync", "error", err)
			}
			return
		}
		node, rest, _ := strings.Cut(msg, " ")
		kind, name, _ := strings.Cut(rest, " ")
		if node == c.node {
			return
		}
		if kind == changedUserPool {
			if c.userPools != nil {
				c.userPools(name)
			}
			return
		}
		var err error
		switch kind {
		case changedCertificate:
			err = c.edge.RefreshCertificate(ctx, name)
		case changedDomain:
			err = c.edge.Refresh(ctx, name)
		}
		if err != nil && ctx.Err() == nil {
			c.log.Warn("cluster: applying a change", "kind", kind, "name", name, "error", err)
		}
		c.beat(ctx) // the node that made the change waits for this to call it ACTIVE
	})
}

// What the nodes record of themselves, so that a domain turns ACTIVE only
// when every live node serves its current certificate.
const (
	nodeRecordPrefix  = "nodes/"
	heartbeatInterval = time.Second
	// nodeTimeout is how long a node may be silent before it counts as dead
	// and no longer holds domains back.
	nodeTimeout = 10 * time.Second
	// nodeRecordLifetime is how long a silent node's record is kept (it
	// expires, and the janitor removes it, unless the node beats again).
	nodeRecordLifetime = time.Hour
)

// nodeRecord is a node's heartbeat: when it last beat and what its edge
// serves (name -> site version).
type nodeRecord struct {
	Beat    int64             `json:"Beat"` // Unix milliseconds
	Serving map[string]string `json:"Serving"`
}

// beat records what this node's edge serves, now.
func (c *cluster) beat(ctx context.Context) {
	now := time.Now()
	b, _ := json.Marshal(nodeRecord{Beat: now.UnixMilli(), Serving: c.edge.Served()})
	if err := c.store.SetValueUntil(ctx, nodeRecordPrefix+c.node, b, now.Add(nodeRecordLifetime)); err != nil && ctx.Err() == nil {
		c.log.Warn("cluster: heartbeat", "error", err)
	}
}

// heartbeat beats every heartbeatInterval until ctx ends, then removes this
// node's record: a node that stops cleanly holds nothing back.
func (c *cluster) heartbeat(ctx context.Context) {
	if c.notifier == nil {
		return
	}
	t := time.NewTicker(heartbeatInterval)
	defer t.Stop()
	for {
		c.beat(ctx)
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.store.DeleteValue(dctx, nodeRecordPrefix+c.node); err != nil {
				c.log.Warn("cluster: removing this node's record", "error", err)
			}
			return
		case <-t.C:
		}
	}
}

// peersServe reports whether every other live node serves host at version
// want (want "": does not serve host). Nodes silent for nodeTimeout are dead.
func (c *cluster) peersServe(ctx context.Context, host, want string) (bool, error) {
	recs, err := c.store.ListValues(ctx, nodeRecordPrefix)
	if err != nil {
		return false, err
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for key, raw := range recs {
		var r nodeRecord
		if key == nodeRecordPrefix+c.node || json.Unmarshal(raw, &r) != nil || time.Since(time.UnixMilli(r.Beat)) > nodeTimeout {
			continue
		}
		got, ok := r.Serving[host]
		if (want == "" && ok) || (want != "" && got != want) {
			return false, nil
		}
	}
	return true, nil
}

// announcingEdge is the edge the domain rules drive: each refresh they ask
// for is applied here and announced to the other nodes.
type announcingEdge struct {
	*edge.Edge
	cluster *cluster
}

func (e announcingEdge) Refresh(ctx context.Context, name string) error {
	err := e.Edge.Refresh(ctx, name)
	e.cluster.announce(changedDomain, name)
	return err
}
