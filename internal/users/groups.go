package users

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Group limits, as Cognito's.
const (
	MaxGroupsPerPool = 10000
	MaxGroupsPerUser = 100
)

// groupDoc is what the store keeps of a group (store.Group.Doc); its
// name, pool and dates are the record's. Its keys are those group documents
// have always had (they also held the dates), so every stored group reads
// as it is.
type groupDoc struct {
	GroupName   string `json:"GroupName,omitempty"`
	UserPoolId  string `json:"UserPoolId,omitempty"`
	Description string `json:"Description,omitempty"`
	RoleArn     string `json:"RoleArn,omitempty"`
	Precedence  *int32 `json:"Precedence,omitempty"`
}

func decodeGroupDoc(rec store.Group) (*groupDoc, error) {
	var g groupDoc
	if err := json.Unmarshal(rec.Doc, &g); err != nil {
		return nil, fmt.Errorf("users: decoding group %s: %w", rec.Name, err)
	}
	return &g, nil
}

func encodeGroupDoc(g *groupDoc) []byte {
	b, err := json.Marshal(g)
	if err != nil {
		panic("users: encoding a group: " + err.Error()) // plain data always encodes
	}
	return b
}

// groupType is the wire view of a group.
func groupType(rec store.Group, g *groupDoc) *cip.GroupType {
	return &cip.GroupType{GroupName: rec.Name, UserPoolId: rec.PoolID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, CreationDate: wireTime(rec.CreatedAt), LastModifiedDate: wireTime(rec.UpdatedAt)}
}

func decodeGroup(rec store.Group) (*cip.GroupType, error) {
	g, err := decodeGroupDoc(rec)
	if err != nil {
		return nil, err
	}
	return groupType(rec, g), nil
}

func limitOf(l *int32) int {
	if l == nil || *l <= 0 {
		return 60
	}
	return int(*l)
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, in *cip.CreateGroupRequest) (*cip.CreateGroupResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountGroups(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if n >= MaxGroupsPerPool {
		return nil, awserr.Newf(awserr.LimitExceeded, "The user pool has reached its limit of %d groups.", MaxGroupsPerPool)
	}
	now := s.now()
	g := &groupDoc{GroupName: in.GroupName, UserPoolId: p.ID, Description: in.Description, RoleArn: in.RoleArn, Precedence: in.Precedence}
	rec := store.Group{PoolID: p.ID, Name: in.GroupName, CreatedAt: now, UpdatedAt: now, Version: 1, Doc: encodeGroupDoc(g)}
	if err := s.store.CreateGroup(ctx, rec); err != nil {
		return nil, groupError(err, p.ID, true)
	}
	return &cip.CreateGroupResponse{Group: groupType(rec, g)}, nil
}

// GetGroup returns a group.
func (s *Service) GetGroup(ctx context.Context, in *cip.GetGroupRequest) (*cip.GetGroupResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.GetGroup(ctx, p.ID, in.GroupName)
	if err != nil {
		return nil, groupError(err, p.ID, false)
	}
	g, err := decodeGroup(rec)
	if err != nil {
		return nil, err
	}
	return &cip.GetGroupResponse{Group: g}, nil
}

// ListGroups pages through a pool's groups.
func (s *Service) ListGroups(ctx context.Context, in *cip.ListGroupsRequest) (*cip.ListGroupsResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("groups", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := limitOf(in.Limit)
	recs, err := s.store.ListGroups(ctx, p.ID, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListGroupsResponse{Groups: []cip.GroupType{}}
	recs, out.NextToken = pagetoken.Trim("groups", recs, limit, func(r store.Group) string { return r.Name })
	for _, r := range recs {
		g, err := decodeGroup(r)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, *g)
	}
	return out, nil
}

// UpdateGroup changes the group's description, role and precedence that the
// request gives; the others stay.
func (s *Service) UpdateGroup(ctx context.Context, in *cip.UpdateGroupRequest) (*cip.UpdateGroupResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var out *cip.GroupType
	_, err = s.store.UpdateGroup(ctx, p.ID, in.GroupName, func(rec *store.Group) error {
		g, err := decodeGroupDoc(*rec)
		if err != nil {
			return err
		}
		if in.Description != "" {
			g.Description = in.Description
		}
		if in.RoleArn != "" {
			g.RoleArn = in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.GroupName, g.UserPoolId = rec.Name, rec.PoolID
		rec.UpdatedAt, rec.Doc = s.now(), encodeGroupDoc(g)
		out = groupType(*rec, g)
		return nil
	})
	if err != nil {
		return nil, groupError(err, p.ID, false)
	}
	return &cip.UpdateGroupResponse{Group: out}, nil
}

// DeleteGroup deletes a group and its memberships.
func (s *Service) DeleteGroup(ctx context.Context, in *cip.DeleteGroupRequest) (*struct{}, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteGroup(ctx, p.ID, in.GroupName); err != nil {
		return nil, groupError(err, p.ID, false)
	}
	return &struct{}{}, nil
}

// memberArgs resolves the pool, group and user of a membership change.
func (s *Service) memberArgs(ctx context.Context, poolID, groupName, username string) (*pool, *user, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.resolve(ctx, p, username)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.store.GetGroup(ctx, p.ID, groupName); err != nil {
		return nil, nil, groupError(err, p.ID, false)
	}
	return p, u, nil
}

// AdminAddUserToGroup adds a user to a group (again is fine).
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *cip.AdminAddUserToGroupRequest) (*struct{}, error) {
	p, u, err := s.memberArgs(ctx, in.UserPoolId, in.GroupName, in.Username)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountGroupsForUser(ctx, p.ID, u.rec.Key)
	if err != nil {
		return nil, err
	}
	if n >= MaxGroupsPerUser {
		return nil, awserr.Newf(awserr.LimitExceeded, "A user can belong to at most %d groups.", MaxGroupsPerUser)
	}
	if err := s.store.AddUserToGroup(ctx, p.ID, in.GroupName, u.rec.Key); err != nil {
		return nil, groupError(err, p.ID, false)
	}
	return &struct{}{}, nil
}

// AdminRemoveUserFromGroup removes a user from a group.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *cip.AdminRemoveUserFromGroupRequest) (*struct{}, error) {
	p, u, err := s.memberArgs(ctx, in.UserPoolId, in.GroupName, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.store.RemoveUserFromGroup(ctx, p.ID, in.GroupName, u.rec.Key); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// AdminListGroupsForUser lists the groups of a user.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *cip.AdminListGroupsForUserRequest) (*cip.AdminListGroupsForUserResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("user-groups", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := limitOf(in.Limit)
	recs, err := s.store.ListGroupsForUser(ctx, p.ID, u.rec.Key, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.AdminListGroupsForUserResponse{Groups: []cip.GroupType{}}
	recs, out.NextToken = pagetoken.Trim("user-groups", recs, limit, func(r store.Group) string { return r.Name })
	for _, r := range recs {
		g, err := decodeGroup(r)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, *g)
	}
	return out, nil
}

// GroupNames lists the names of a user's groups, ordered by precedence
// (lowest first) then name, as the cognito:groups claim lists them.
func (s *Service) GroupNames(ctx context.Context, poolID, userKey string) ([]string, error) {
	recs, err := s.store.ListGroupsForUser(ctx, poolID, userKey, store.Page{})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(recs))
	for _, r := range recs {
		names = append(names, r.Name)
	}
	return names, nil
}

// ListUsersInGroup lists the members of a group.
func (s *Service) ListUsersInGroup(ctx context.Context, in *cip.ListUsersInGroupRequest) (*cip.ListUsersInGroupResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetGroup(ctx, p.ID, in.GroupName); err != nil {
		return nil, groupError(err, p.ID, false)
	}
	after, err := pagetoken.Decode("group-users", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := limitOf(in.Limit)
	recs, err := s.store.ListUsersInGroup(ctx, p.ID, in.GroupName, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListUsersInGroupResponse{Users: []cip.UserType{}}
	recs, out.NextToken = pagetoken.Trim("group-users", recs, limit, func(r store.User) string { return r.Key })
	for _, r := range recs {
		u, err := decodeUser(r)
		if err != nil {
			return nil, err
		}
		out.Users = append(out.Users, u.userType(u.attributes()))
	}
	return out, nil
}
