package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"

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
	notifier store.Notifier
	edge     *edge.Edge
	log      *slog.Logger
}

func newCluster(st store.Store, e *edge.Edge, log *slog.Logger) *cluster {
	n, _ := st.(store.Notifier)
	var id [8]byte
	rand.Read(id[:])
	return &cluster{node: hex.EncodeToString(id[:]), notifier: n, edge: e, log: log}
}

// Announce kinds: a certificate (by ARN) or a domain (by host name).
const (
	changedCertificate = "certificate"
	changedDomain      = "domain"
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
	})
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
