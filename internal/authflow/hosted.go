package authflow

import (
	"context"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
)

// What the hosted pages and the OAuth endpoints need of the sign-in rules.

// Client returns an app client's settings: the loader's shared view, not
// to be changed.
func (s *Service) Client(ctx context.Context, clientID string) (*userpool.Client, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return c.cfg, nil
}

// IssueForClient signs tokens for a user signed in through the hosted pages
// or the token endpoint: scopes are the granted OAuth scopes, the ID token
// carries the nonce, and the refresh token is made when asked.
func (s *Service) IssueForClient(ctx context.Context, clientID, username string, scopes []string, nonce string, authTime time.Time, withRefresh bool) (*tokens.Issued, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, username)
	if err != nil {
		return nil, err
	}
	if !a.Enabled {
		return nil, awserr.New(awserr.NotAuthorized, "User is disabled.")
	}
	sub, err := s.subject(ctx, c, a)
	if err != nil {
		return nil, err
	}
	sub.Scopes, sub.Nonce, sub.AuthTime = scopes, nonce, authTime
	if err := s.preTokenGeneration(ctx, c, a, tokenHosted, &sub); err != nil {
		return nil, err
	}
	access, id, refresh := c.cfg.TokenValidity()
	return s.tokens.Issue(ctx, sub, tokens.Validity{Access: access, ID: id, Refresh: refresh}, withRefresh)
}

// ClientCredentialsOverrides runs the pool's V3_0 PreTokenGeneration
// trigger (TokenGeneration_ClientCredentials) for an access token of the
// client_credentials grant with these scopes; meta is the request's
// aws_client_metadata. It returns the changes to the access token, nil when
// the pool has no V3_0 trigger (V1_0 and V2_0 do not fire for machines).
func (s *Service) ClientCredentialsOverrides(ctx context.Context, clientID string, scopes []string, meta map[string]string) (*tokens.Overrides, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if pc := c.lambdas().PreTokenGenerationConfig; pc == nil || pc.LambdaArn == "" || pc.LambdaVersion != "V3_0" {
		return nil, nil
	}
	sub := tokens.Subject{Scopes: scopes}
	ctx = withMeta(ctx, requestMeta{client: meta})
	if err := s.preTokenGeneration(ctx, c, &users.Account{Username: clientID}, tokenClientCredentials, &sub); err != nil {
		return nil, err
	}
	o := sub.Overrides
	if o != nil { // only an access token, without groups, is issued
		o.IDClaims, o.IDSuppress, o.Groups, o.Roles, o.PreferredRole = nil, nil, nil, nil, ""
	}
	return o, nil
}

// RefreshForClient answers the token endpoint's refresh_token grant, for a
// client the endpoint has authenticated already (no SECRET_HASH, and
// ExplicitAuthFlows do not apply). The new tokens keep the scopes first
// granted; a client that rotates refresh tokens gets a new one too.
func (s *Service) RefreshForClient(ctx context.Context, clientID, refreshToken string) (*tokens.Issued, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	rc, err := s.refreshClaims(ctx, c, refreshToken)
	if err != nil {
		return nil, err
	}
	issued, err := s.renew(ctx, c.asTrusted(), rc, refreshToken)
	if err != nil {
		return nil, err
	}
	// An ID token comes only with the openid scope (API-issued refresh
	// tokens carry no OAuth scopes and always get one).
	if len(rc.Scopes) > 0 && !slices.Contains(rc.Scopes, "openid") {
		issued.IDToken = ""
	}
	return issued, nil
}

// UserInfo is what /oauth2/userInfo answers for an access token: the user's
// readable attributes (the *_verified ones as strings) and username.
func (s *Service) UserInfo(ctx context.Context, claims *tokens.AccessClaims) (map[string]string, error) {
	c, err := s.loadClient(ctx, claims.ClientID)
	if err != nil {
		return nil, err
	}
	a, err := s.users.Account(ctx, claims.PoolID, claims.Username)
	if err != nil {
		return nil, err
	}
	sub, err := s.subject(ctx, c, a)
	if err != nil {
		return nil, err
	}
	out := map[string]string{"sub": a.Sub, "username": a.Username}
	for k, v := range sub.Attributes {
		out[k] = v
	}
	return out, nil
}
