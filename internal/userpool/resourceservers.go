package userpool

import (
	"context"
	"encoding/json"
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

// resourceServerDoc is what the store keeps of a resource server
// (store.ResourceServer.Doc). Its keys are those documents have always
// had, so that every stored resource server reads as it is.
type resourceServerDoc struct {
	UserPoolId string     `json:"UserPoolId,omitempty"`
	Identifier string     `json:"Identifier,omitempty"`
	Name       string     `json:"Name,omitempty"`
	Scopes     []scopeDoc `json:"Scopes"`
}

type scopeDoc struct {
	ScopeName        string `json:"ScopeName,omitempty"`
	ScopeDescription string `json:"ScopeDescription,omitempty"`
}

func decodeResourceServer(rec store.ResourceServer) (*cip.ResourceServerType, error) {
	var d resourceServerDoc
	if err := jsonUnmarshal(rec.Doc, &d); err != nil {
		return nil, err
	}
	r := &cip.ResourceServerType{UserPoolId: d.UserPoolId, Identifier: d.Identifier, Name: d.Name, Scopes: []cip.ResourceServerScopeType{}}
	for _, sc := range d.Scopes {
		r.Scopes = append(r.Scopes, cip.ResourceServerScopeType{ScopeName: sc.ScopeName, ScopeDescription: sc.ScopeDescription})
	}
	return r, nil
}

func encodeResourceServer(r *cip.ResourceServerType) []byte {
	d := resourceServerDoc{UserPoolId: r.UserPoolId, Identifier: r.Identifier, Name: r.Name, Scopes: []scopeDoc{}}
	for _, sc := range r.Scopes {
		d.Scopes = append(d.Scopes, scopeDoc{ScopeName: sc.ScopeName, ScopeDescription: sc.ScopeDescription})
	}
	return encode(&d)
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
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
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
	now := s.now()
	err = s.store.CreateResourceServer(ctx, store.ResourceServer{PoolID: in.UserPoolId, Identifier: in.Identifier, Name: in.Name, CreatedAt: now, UpdatedAt: now, Version: 1, Doc: encodeResourceServer(&rs)})
	if err != nil {
		return nil, resourceServerError(err, in.UserPoolId, in.Identifier, true)
	}
	return &cip.CreateResourceServerResponse{ResourceServer: &rs}, nil
}

// DescribeResourceServer returns one resource server.
func (s *Service) DescribeResourceServer(ctx context.Context, in *cip.DescribeResourceServerRequest) (*cip.DescribeResourceServerResponse, error) {
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	rec, err := s.store.GetResourceServer(ctx, in.UserPoolId, in.Identifier)
	if err != nil {
		return nil, resourceServerError(err, in.UserPoolId, in.Identifier, false)
	}
	rs, err := decodeResourceServer(rec)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeResourceServerResponse{ResourceServer: rs}, nil
}

// ListResourceServers pages through a pool's resource servers.
func (s *Service) ListResourceServers(ctx context.Context, in *cip.ListResourceServersRequest) (*cip.ListResourceServersResponse, error) {
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
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
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
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
		rec.Name, rec.UpdatedAt, rec.Doc = in.Name, s.now(), encodeResourceServer(&rs)
		return nil
	})
	if err != nil {
		return nil, resourceServerError(err, in.UserPoolId, in.Identifier, false)
	}
	return &cip.UpdateResourceServerResponse{ResourceServer: &rs}, nil
}

// DeleteResourceServer removes a resource server.
func (s *Service) DeleteResourceServer(ctx context.Context, in *cip.DeleteResourceServerRequest) (*struct{}, error) {
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := s.store.DeleteResourceServer(ctx, in.UserPoolId, in.Identifier); err != nil {
		return nil, resourceServerError(err, in.UserPoolId, in.Identifier, false)
	}
	return &struct{}{}, nil
}
