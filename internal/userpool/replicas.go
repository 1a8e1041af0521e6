package userpool

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Replica roles and statuses, as Cognito names them.
const (
	RolePrimary   = "PRIMARY"
	RoleSecondary = "SECONDARY"

	ReplicaCreating = "CREATING"
	ReplicaActive   = "ACTIVE"
	ReplicaInactive = "INACTIVE"
	ReplicaDeleting = "DELETING"
)

// MaxSecondaryReplicas is how many secondary replicas a pool may have
// (Cognito: one, in another Region).
const MaxSecondaryReplicas = 1

// Replica is a pool's secondary replica in another Region, as stored in the
// pool's document. All Regions share one database here: a replica is the
// permission for the nodes of its Region (and requests signed for it) to
// serve the pool in the SECONDARY role, not a copy.
type Replica struct {
	RegionName   string            `json:"region_name"`
	Status       string            `json:"status"` // ACTIVE or INACTIVE (creation and deletion are immediate)
	UserPoolTags map[string]string `json:"user_pool_tags,omitzero"`
	CreationDate time.Time         `json:"creation_date,omitzero"`
}

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)

// PrimaryRegion is the Region of a pool: the one its ID names.
func PrimaryRegion(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return region
}

// ReplicaIn reports the role of the pool in a Region and the status of its
// replica there: PRIMARY/ACTIVE in the pool's own Region, SECONDARY and the
// replica's status where it has one; ok is false elsewhere.
func (p *Pool) ReplicaIn(region string) (role, status string, ok bool) {
	if region == PrimaryRegion(p.Id) {
		return RolePrimary, ReplicaActive, true
	}
	for _, r := range p.Replicas {
		if r.RegionName == region {
			return RoleSecondary, r.Status, true
		}
	}
	return "", "", false
}

// ReplicaRegions lists the Regions of the pool's secondary replicas.
func (p *Pool) ReplicaRegions() []string {
	var out []string
	for _, r := range p.Replicas {
		out = append(out, r.RegionName)
	}
	return out
}

func (s *Service) replicaWire(poolID, region, role, status string) *cip.UserPoolReplicaType {
	return &cip.UserPoolReplicaType{
		RegionName:  region,
		Role:        role,
		Status:      status,
		UserPoolArn: fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, s.accountID, poolID),
	}
}

func replicaNotFound(poolID, region string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool %s has no replica in %s.", poolID, region)
}

func checkRegionName(region string) error {
	if !regionName.MatchString(region) {
		return awserr.Newf(awserr.InvalidParameter, "%s is not a valid Region name.", region)
	}
	return nil
}

// CreateUserPoolReplica adds a secondary replica in another Region. It
// starts INACTIVE, as in Cognito; the response shows it CREATING.
func (s *Service) CreateUserPoolReplica(ctx context.Context, in *cip.CreateUserPoolReplicaRequest) (*cip.CreateUserPoolReplicaResponse, error) {
	if err := checkRegionName(in.RegionName); err != nil {
		return nil, err
	}
	if len(in.UserPoolTags) > MaxTagsPerResource {
		return nil, awserr.Newf(awserr.UserPoolTagging, "A resource can have at most %d tags.", MaxTagsPerResource)
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		switch {
		case d.Pool.UserPoolTier == "LITE":
			return awserr.New(awserr.FeatureUnavailableInTier, "Multi-Region replication requires the ESSENTIALS or PLUS feature plan.")
		case in.RegionName == PrimaryRegion(in.UserPoolId):
			return awserr.Newf(awserr.InvalidParameter, "User pool %s is already in %s: a replica must be in another Region.", in.UserPoolId, in.RegionName)
		case slices.ContainsFunc(d.Replicas, func(r Replica) bool { return r.RegionName == in.RegionName }):
			return awserr.Newf(awserr.InvalidParameter, "User pool %s already has a replica in %s.", in.UserPoolId, in.RegionName)
		case len(d.Replicas) >= MaxSecondaryReplicas:
			return awserr.Newf(awserr.LimitExceeded, "User pool %s already has %d secondary replica, the most it can have.", in.UserPoolId, MaxSecondaryReplicas)
		}
		d.Replicas = append(d.Replicas, Replica{RegionName: in.RegionName, Status: ReplicaInactive,
			UserPoolTags: maps.Clone(in.UserPoolTags), CreationDate: s.now()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.CreateUserPoolReplicaResponse{UserPoolReplica: s.replicaWire(in.UserPoolId, in.RegionName, RoleSecondary, ReplicaCreating)}, nil
}

// ListUserPoolReplicas lists the primary and the secondary replicas (one
// page: a pool has at most two).
func (s *Service) ListUserPoolReplicas(ctx context.Context, in *cip.ListUserPoolReplicasRequest) (*cip.ListUserPoolReplicasResponse, error) {
	// Every listing fits one page, so no token of this listing is ever
	// handed out; any token is refused as Cognito refuses a foreign one.
	if _, err := pagetoken.Decode("replicas", in.NextToken); err != nil || in.NextToken != "" {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid pagination token.")
	}
	p, err := s.Pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolReplicasResponse{UserPoolReplicas: []cip.UserPoolReplicaType{
		*s.replicaWire(p.Id, PrimaryRegion(p.Id), RolePrimary, ReplicaActive)}}
	for _, r := range p.Replicas {
		out.UserPoolReplicas = append(out.UserPoolReplicas, *s.replicaWire(p.Id, r.RegionName, RoleSecondary, r.Status))
	}
	return out, nil
}

// UpdateUserPoolReplica activates or deactivates a secondary replica.
func (s *Service) UpdateUserPoolReplica(ctx context.Context, in *cip.UpdateUserPoolReplicaRequest) (*cip.UpdateUserPoolReplicaResponse, error) {
	if err := checkRegionName(in.RegionName); err != nil {
		return nil, err
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		if in.RegionName == PrimaryRegion(in.UserPoolId) {
			return awserr.Newf(awserr.InvalidParameter, "The primary replica of user pool %s is always ACTIVE.", in.UserPoolId)
		}
		i := slices.IndexFunc(d.Replicas, func(r Replica) bool { return r.RegionName == in.RegionName })
		if i < 0 {
			return replicaNotFound(in.UserPoolId, in.RegionName)
		}
		d.Replicas[i].Status = in.Status
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserPoolReplicaResponse{UserPoolReplica: s.replicaWire(in.UserPoolId, in.RegionName, RoleSecondary, in.Status)}, nil
}

// DeleteUserPoolReplica deletes an INACTIVE secondary replica.
func (s *Service) DeleteUserPoolReplica(ctx context.Context, in *cip.DeleteUserPoolReplicaRequest) (*cip.DeleteUserPoolReplicaResponse, error) {
	if err := checkRegionName(in.RegionName); err != nil {
		return nil, err
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		if in.RegionName == PrimaryRegion(in.UserPoolId) {
			return awserr.Newf(awserr.InvalidParameter, "The primary replica of user pool %s cannot be deleted; delete the user pool instead.", in.UserPoolId)
		}
		i := slices.IndexFunc(d.Replicas, func(r Replica) bool { return r.RegionName == in.RegionName })
		if i < 0 {
			return replicaNotFound(in.UserPoolId, in.RegionName)
		}
		if d.Replicas[i].Status != ReplicaInactive {
			return awserr.Newf(awserr.InvalidParameter, "The replica of user pool %s in %s is %s: only an INACTIVE replica can be deleted.", in.UserPoolId, in.RegionName, d.Replicas[i].Status)
		}
		d.Replicas = slices.Delete(d.Replicas, i, i+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolReplicaResponse{UserPoolReplica: s.replicaWire(in.UserPoolId, in.RegionName, RoleSecondary, ReplicaDeleting)}, nil
}

// PoolReplicaRegions lists the Regions of a pool's secondary replicas (the
// domain rules check a failover Region with it).
func (s *Service) PoolReplicaRegions(ctx context.Context, poolID string) ([]string, error) {
	p, err := s.Pool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return p.ReplicaRegions(), nil
}
