package domains

import (
	"context"
	"slices"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Failover is a custom domain's Routing.Failover: the domain is served by
// the nodes of its pool's Region (the primary) while the health check
// passes, else by the nodes of SecondaryRegion, where the pool must have a
// replica. gognito has no Route 53: what stands for the health check named
// by HealthCheckID is the liveness of the primary Region's nodes (see the
// serving package and docs/custom-domains.md).
type Failover struct {
	SecondaryRegion string `json:"SecondaryRegion"`
	HealthCheckID   string `json:"HealthCheckId"`
}

func (f *Failover) wire() *cip.RoutingType {
	if f == nil {
		return nil
	}
	return &cip.RoutingType{Failover: &cip.FailoverType{SecondaryRegion: f.SecondaryRegion, PrimaryRoute53HealthCheckId: f.HealthCheckID}}
}

// checkRouting checks a request's Routing: failover is for custom domains,
// to a Region where the pool has a replica. A Routing without Failover (or
// none) is no failover.
func (s *Service) checkRouting(ctx context.Context, poolID string, custom bool, r *cip.RoutingType) (*Failover, error) {
	if r == nil || r.Failover == nil {
		return nil, nil
	}
	f := r.Failover
	switch {
	case !custom:
		return nil, invalid("Routing is supported for custom domains only.")
	case f.SecondaryRegion == "" || f.PrimaryRoute53HealthCheckId == "":
		return nil, invalid("Failover requires SecondaryRegion and PrimaryRoute53HealthCheckId.")
	case f.SecondaryRegion == regionOfPool(poolID):
		return nil, invalid("The failover SecondaryRegion must differ from the user pool's Region " + regionOfPool(poolID) + ".")
	}
	regions, err := s.o.Pools.PoolReplicaRegions(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(regions, f.SecondaryRegion) {
		return nil, invalid("User pool " + poolID + " has no replica in " + f.SecondaryRegion + ": create one before routing the domain there.")
	}
	return &Failover{SecondaryRegion: f.SecondaryRegion, HealthCheckID: f.PrimaryRoute53HealthCheckId}, nil
}
