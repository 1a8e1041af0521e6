package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/tokens"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// REFRESH_TOKEN_AUTH (and its legacy name REFRESH_TOKEN): new ID and access
// tokens for a refresh token, with what the user's account says now. An
// app client that rotates refresh tokens refuses it (Cognito: rotation is
// completed with GetTokensFromRefreshToken only).
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
	if on, _ := c.cfg.RefreshRotation(); on {
		return nil, awserr.New(awserr.InvalidParameter, "Refresh token rotation is enabled for this app client: REFRESH_TOKEN_AUTH is not allowed, use GetTokensFromRefreshToken.")
	}
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, missing("REFRESH_TOKEN")
	}
	rc, err := s.refreshClaims(ctx, c, token)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(params["SECRET_HASH"], params["USERNAME"], rc.Username, rc.Sub); err != nil {
		return nil, err
	}
	t, err := s.renew(ctx, c, rc, token)
	if err != nil {
		return nil, err
	}
	return &outcome{Result: &cip.AuthenticationResultType{AccessToken: t.AccessToken, IdToken: t.IDToken, ExpiresIn: &t.ExpiresIn, TokenType: "Bearer"}}, nil
}

// refreshClaims opens a refresh token presented to app client c: current
// (tokens.ParseRefresh) and issued to c.
func (s *Service) refreshClaims(ctx context.Context, c *client, token string) (*tokens.RefreshClaims, error) {
	rc, err := s.tokens.ParseRefresh(ctx, token)
	if err != nil {
		return nil, err
	}
	if rc.ClientID != c.cfg.ClientId || rc.PoolID != c.cfg.UserPoolId {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid Refresh Token")
	}
	return rc, nil
}

// renew issues new tokens for a checked refresh token (rc, token as
// presented), with what the user's account says now and the
// PreTokenGeneration trigger (TokenGeneration_RefreshTokens, with the
// request's ClientMetadata). When the client rotates refresh tokens, the
// rotation is recorded (tokens.ClaimRotation) and a new refresh token of
// the family comes too, expiring with the family.
func (s *Service) renew(ctx context.Context, c *client, rc *tokens.RefreshClaims, token string) (*tokens.Issued, error) {
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
	rotate, grace := c.cfg.RefreshRotation()
	if rotate {
		if err := s.tokens.ClaimRotation(ctx, rc, token, grace); err != nil {
			return nil, err
		}
		sub.RefreshExpires = rc.Expires
	}
	access, id, refresh := c.cfg.TokenValidity()
	return s.tokens.Issue(ctx, sub, tokens.Validity{Access: access, ID: id, Refresh: refresh}, rotate)
}
