package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("userpool: decoding %T: %w", v, err)
	}
	return nil
}

func decodeResourceServer(rec store.ResourceServer) (*cip.ResourceServerType, error) {
	var r cip.ResourceServerType
	if err := jsonUnmarshal(rec.Doc, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func resourceServerNotFound(poolID, id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Resource server %s does not exist in user pool %s.", id, poolID)
}

func checkScopes(scopes []cip.ResourceServerScopeType) error {
	seen := map[string]bool{}
	for _, sc := range scopes {
		if seen[sc.ScopeName] {
			return awserr.Newf(awserr.InvalidParameter, "Duplicate scope name %s.", sc.ScopeName)
		}
		seen[sc.ScopeName] = true
	}
	return nil
}

// CreateResourceServer adds an OAuth resource server to a pool.
func (s *Service) CreateResourceServer(ctx context.Context, in *cip.CreateResourceServerRequest) (*cip.CreateResourceServerResponse, error) {
	if _, _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	n, err := s.store.CountResourceServers(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if n >= MaxResourceServers {
		return nil, awserr.Newf(awserr.LimitExceeded, "The user pool has reached its limit of %d resource servers.", MaxResourceServers)
	}
	rs := cip.ResourceServerType{UserPoolId: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
	if rs.Scopes == nil {
		rs.Scopes = []cip.ResourceServerScopeType{}
	}
	now := s.clock()
	err = s.store.CreateResourceServer(ctx, store.ResourceServer{PoolID: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, CreatedAt: now, UpdatedAt: now, Version: 1, Doc: encode(&rs)})
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return nil, awserr.Newf(awserr.InvalidParameter, "%s already exists in user pool %s.", in.Identifier, in.UserPoolId)
	case errors.Is(err, store.ErrNotFound):
		return nil, poolNotFound(in.UserPoolId)
	case err != nil:
		return nil, err
	}
	return &cip.CreateResourceServerResponse{ResourceServer: &rs}, nil
}

// DescribeResourceServer returns one resource server.
func (s *Service) DescribeResourceServer(ctx context.Context, in *cip.DescribeResourceServerRequest) (*cip.DescribeResourceServerResponse, error) {
	if _, _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	rec, err := s.store.GetResourceServer(ctx, in.UserPoolId, in.Identifier)
	if errors.Is(err, store.ErrNotFound) {
		return nil, resourceServerNotFound(in.UserPoolId, in.Identifier)
	}
	if err != nil {
		return nil, err
	}
	rs, err := decodeResourceServer(rec)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeResourceServerResponse{ResourceServer: rs}, nil
}

// ListResourceServers pages through a pool's resource servers.
func (s *Service) ListResourceServers(ctx context.Context, in *cip.ListResourceServersRequest) (*cip.ListResourceServersResponse, error) {
	if _, _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("resource-servers", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(int32Or(in.MaxResults, 50))
	recs, err := s.store.ListResourceServers(ctx, in.UserPoolId, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListResourceServersResponse{ResourceServers: []cip.ResourceServerType{}}
	recs, out.NextToken = pagetoken.Trim("resource-servers", recs, limit, func(r store.ResourceServer) string { return r.Identifier })
	for _, r := range recs {
		rs, err := decodeResourceServer(r)
		if err != nil {
			return nil, err
		}
		out.ResourceServers = append(out.ResourceServers, *rs)
	}
	return out, nil
}

// UpdateResourceServer replaces a resource server's name and scopes.
func (s *Service) UpdateResourceServer(ctx context.Context, in *cip.UpdateResourceServerRequest) (*cip.UpdateResourceServerResponse, error) {
	if _, _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	rs := cip.ResourceServerType{UserPoolId: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, Scopes: in.Scopes}
	if rs.Scopes == nil {
		rs.Scopes = []cip.ResourceServerScopeType{}
	}
	_, err := s.store.UpdateResourceServer(ctx, in.UserPoolId, in.Identifier, func(rec *store.ResourceServer) error {
		rec.Name, rec.UpdatedAt, rec.Doc = in.Name, s.clock(), encode(&rs)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, resourceServerNotFound(in.UserPoolId, in.Identifier)
	}
	if err != nil {
		return nil, err
	}
	return &cip.UpdateResourceServerResponse{ResourceServer: &rs}, nil
}

// DeleteResourceServer removes a resource server.
func (s *Service) DeleteResourceServer(ctx context.Context, in *cip.DeleteResourceServerRequest) (*struct{}, error) {
	if _, _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := s.store.DeleteResourceServer(ctx, in.UserPoolId, in.Identifier); errors.Is(err, store.ErrNotFound) {
		return nil, resourceServerNotFound(in.UserPoolId, in.Identifier)
	} else if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
