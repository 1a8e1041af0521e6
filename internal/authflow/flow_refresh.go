package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/tokens"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// REFRESH_TOKEN_AUTH (and its legacy name REFRESH_TOKEN): new ID and access
// tokens for a refresh token, with what the user's account says now. The
// token endpoint's refresh_token grant runs it too (RefreshForClient).
type refreshFlow struct {
	s    *Service
	name string
}

func (f refreshFlow) Name() string         { return f.name }
func (refreshFlow) Operations() Operations { return Public | Admin }
func (refreshFlow) Enabled(c *client) bool { return c.allows(true, "ALLOW_REFRESH_TOKEN_AUTH") }
func (f refreshFlow) Start(ctx context.Context, at *attempt) (*outcome, error) {
	return f.s.refresh(ctx, at.c, at.params)
}

func (s *Service) refresh(ctx context.Context, c *client, params map[string]string) (*outcome, error) {
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, missing("REFRESH_TOKEN")
	}
	rc, err := s.tokens.ParseRefresh(ctx, token)
	if err != nil {
		return nil, err
	}
	if rc.ClientID != c.cfg.ClientId || rc.PoolID != c.cfg.UserPoolId {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid Refresh Token")
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], params["USERNAME"], rc.Username, rc.Sub); err != nil {
		return nil, err
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, rc.Username)
	if err != nil || a.Sub != rc.Sub {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid Refresh Token")
	}
	if !a.Enabled {
		return nil, awserr.New(awserr.NotAuthorized, "User is disabled.")
	}
	sub, err := s.subject(ctx, c, a)
	if err != nil {
		return nil, err
	}
	sub.AuthTime, sub.OriginJTI, sub.Scopes = rc.AuthTime, rc.OriginJTI, rc.Scopes
	if err := s.preTokenGeneration(ctx, c, a, tokenRefresh, &sub); err != nil {
		return nil, err
	}
	access, id, refresh := c.cfg.TokenValidity()
	t, err := s.tokens.Issue(ctx, sub, tokens.Validity{Access: access, ID: id, Refresh: refresh}, false)
	if err != nil {
		return nil, err
	}
	return &outcome{Result: &cip.AuthenticationResultType{AccessToken: t.AccessToken, IdToken: t.IDToken, ExpiresIn: &t.ExpiresIn, TokenType: "Bearer"}}, nil
}
