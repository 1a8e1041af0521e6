package users

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// filterRE is the ListUsers filter language: `attribute = "value"` (exact)
// or `attribute ^= "value"` (starts with), the value in double quotes with
// backslash escapes.
var filterRE = regexp.MustCompile(`^\s*([A-Za-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// ParseFilter parses a ListUsers filter; "" means no filter.
func ParseFilter(f string) (*store.UserQuery, error) {
	if strings.TrimSpace(f) == "" {
		return nil, nil
	}
	m := filterRE.FindStringSubmatch(f)
	if m == nil {
		return nil, awserr.New(awserr.InvalidParameter, "Error while parsing filter.")
	}
	attr := m[1]
	if !slices.Contains(searchable, attr) {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid search attribute: "+attr)
	}
	var v strings.Builder
	esc := false
	for _, r := range m[3] {
		if !esc && r == '\\' {
			esc = true
			continue
		}
		esc = false
		v.WriteRune(r)
	}
	return &store.UserQuery{Attribute: attr, Value: v.String(), Prefix: m[2] == "^="}, nil
}

func selectAttributes(attrs []cip.AttributeType, names []string, all bool) []cip.AttributeType {
	if all {
		return attrs
	}
	out := []cip.AttributeType{}
	for _, a := range attrs {
		if slices.Contains(names, a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// ListUsers lists a pool's users, optionally filtered on a searchable
// attribute; a filtered listing reads the attribute index, never the pool.
func (s *Service) ListUsers(ctx context.Context, in *cip.ListUsersRequest) (*cip.ListUsersResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	q, err := ParseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	if q != nil && q.Attribute == "username" {
		q.Value = p.normalize(q.Value)
	}
	for _, a := range in.AttributesToGet {
		if p.schemaAttr(a) == nil {
			return nil, awserr.New(awserr.InvalidParameter, "One or more requested attributes do not exist.")
		}
	}
	after, err := pagetoken.Decode("users", in.PaginationToken)
	if err != nil {
		return nil, err
	}
	limit := 60
	if in.Limit != nil && *in.Limit > 0 {
		limit = int(*in.Limit)
	}
	recs, err := s.store.ListUsers(ctx, p.ID, q, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListUsersResponse{Users: []cip.UserType{}}
	recs, out.PaginationToken = pagetoken.Trim("users", recs, limit, func(r store.User) string { return store.UserCursor(r, q) })
	for _, rec := range recs {
		u, err := decodeUser(rec)
		if err != nil {
			return nil, err
		}
		out.Users = append(out.Users, u.userType(selectAttributes(u.attributes(), in.AttributesToGet, in.AttributesToGet == nil)))
	}
	return out, nil
}
