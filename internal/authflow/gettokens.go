package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// GetTokensFromRefreshToken issues new ID and access tokens for a refresh
// token and, when the app client rotates refresh tokens, a new refresh
// token (the old one then works for the client's grace period only). A
// client with a secret must send it (ClientSecret, the plain secret). The
// PreTokenGeneration trigger runs as TokenGeneration_RefreshTokens with the
// request's ClientMetadata. DeviceKey is accepted and not used: devices are
// not built yet.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *cip.GetTokensFromRefreshTokenRequest) (*cip.GetTokensFromRefreshTokenResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.needsSecret() {
		if in.ClientSecret == "" {
			return nil, awserr.Newf(awserr.NotAuthorized, "Client %s is configured with secret but secret was not received", c.cfg.ClientId)
		}
		if !c.cfg.SecretMatches(in.ClientSecret) {
			return nil, awserr.Newf(awserr.NotAuthorized, "Unable to verify secret for client %s", c.cfg.ClientId)
		}
	}
	rc, err := s.refreshClaims(ctx, c, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	ctx = withMeta(ctx, requestMeta{client: in.ClientMetadata})
	t, err := s.renew(ctx, c, rc, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	return &cip.GetTokensFromRefreshTokenResponse{AuthenticationResult: &cip.AuthenticationResultType{
		AccessToken: t.AccessToken, IdToken: t.IDToken, RefreshToken: t.RefreshToken, ExpiresIn: &t.ExpiresIn, TokenType: "Bearer"}}, nil
}
