package serving

import (
	"context"
	"maps"
	"slices"

	"github.com/gognito/gognito/internal/domains"
)

// Failover routing. gognito has no Route 53: what stands for the health
// check a domain's Routing.Failover names (PrimaryRoute53HealthCheckId) is
// the liveness of the primary Region's nodes, read from the cluster's
// heartbeats. The primary Region (the Region of the domain's user pool) is
// healthy while at least one of its nodes has beaten within the node
// timeout; this node counts itself. While it is healthy the domain is
// served by the primary Region's nodes only; while it is not, by the nodes
// of the failover's SecondaryRegion only; when it is healthy again, back
// to the primary. Each node re-reads the heartbeats every HealthInterval
// and on every Sync, so a failure is acted on within the node timeout plus
// HealthInterval plus one heartbeat (HeartbeatInterval) of the node going
// silent. Domains without failover routing are served by every node.

// checkHealth re-reads which Regions have live nodes, and reports whether
// that changed. On a store that is not shared this node is alone: only its
// own Region is live. A failed read keeps what was known.
func (s *Service) checkHealth(ctx context.Context) bool {
	live := map[string]bool{s.o.Region: true}
	if s.o.Cluster != nil && s.o.Cluster.Shared() {
		peers, err := s.o.Cluster.Peers(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.o.Logger.Warn("serving: reading the Regions' health", "error", err)
			}
			return false
		}
		for _, p := range peers {
			if p.Region != "" {
				live[p.Region] = true
			}
		}
	}
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	if maps.Equal(live, s.live) {
		return false
	}
	s.o.Logger.Info("serving: Regions with live nodes changed", "regions", slices.Sorted(maps.Keys(live)))
	s.live = live
	return true
}

// Healthy reports whether a Region has a live node, as last read.
func (s *Service) Healthy(region string) bool {
	s.healthMu.RLock()
	defer s.healthMu.RUnlock()
	return s.live[region]
}

// activeRegion is the Region whose nodes serve a domain with failover
// routing: its pool's while healthy, else the secondary.
func (s *Service) activeRegion(d domains.Domain) string {
	if s.Healthy(d.Region) {
		return d.Region
	}
	return d.Failover.SecondaryRegion
}

// servesHere reports whether this node's edge serves a domain.
func (s *Service) servesHere(d domains.Domain) bool {
	return d.Failover == nil || s.activeRegion(d) == s.o.Region
}
