package authflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// caller checks an access token and returns its claims. The operations on
// the caller's own account need the aws.cognito.signin.user.admin scope.
func (s *Service) caller(ctx context.Context, accessToken string) (*tokens.AccessClaims, error) {
	c, err := s.tokens.VerifyAccess(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.Scopes, tokens.ScopeAdmin) {
		return nil, awserr.New(awserr.NotAuthorized, "Access Token does not have required scopes")
	}
	// The token must be the current user's of that name, not a deleted
	// and re-created one's.
	if a, err := s.users.Account(ctx, c.PoolID, c.Username); err != nil || a.Sub != c.Sub {
		return nil, awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
	}
	return c, nil
}

// GetUser returns the caller's own user.
func (s *Service) GetUser(ctx context.Context, in *cip.GetUserRequest) (*cip.GetUserResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.users.SelfGetUser(ctx, c.PoolID, c.Username)
}

// UpdateUserAttributes changes the caller's attributes.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *cip.UpdateUserAttributesRequest) (*cip.UpdateUserAttributesResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	cl, err := s.loadClient(ctx, c.ClientID)
	if err != nil {
		return nil, err
	}
	if len(cl.cfg.WriteAttributes) > 0 {
		for _, a := range in.UserAttributes {
			allowed := false
			for _, w := range cl.cfg.WriteAttributes {
				allowed = allowed || w == a.Name
			}
			if !allowed {
				return nil, awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
	}
	ctx = users.WithCaller(ctx, c.ClientID, in.ClientMetadata)
	details, err := s.users.SelfUpdateAttributes(ctx, c.PoolID, c.Username, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserAttributesResponse{CodeDeliveryDetailsList: details}, nil
}

// DeleteUserAttributes removes attributes of the caller.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *cip.DeleteUserAttributesRequest) (*cip.DeleteUserAttributesResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfDeleteAttributes(ctx, c.PoolID, c.Username, in.UserAttributeNames); err != nil {
		return nil, err
	}
	return &cip.DeleteUserAttributesResponse{}, nil
}

// DeleteUser deletes the caller.
func (s *Service) DeleteUser(ctx context.Context, in *cip.DeleteUserRequest) (*struct{}, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfDelete(ctx, c.PoolID, c.Username); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ChangePassword changes the caller's password.
func (s *Service) ChangePassword(ctx context.Context, in *cip.ChangePasswordRequest) (*cip.ChangePasswordResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.PreviousPassword == "" {
		return nil, missing("PreviousPassword")
	}
	if err := s.users.SelfChangePassword(ctx, c.PoolID, c.Username, in.PreviousPassword, in.ProposedPassword); err != nil {
		return nil, err
	}
	return &cip.ChangePasswordResponse{}, nil
}

// GetUserAttributeVerificationCode sends the caller a code for an attribute.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *cip.GetUserAttributeVerificationCodeRequest) (*cip.GetUserAttributeVerificationCodeResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	ctx = users.WithCaller(ctx, c.ClientID, in.ClientMetadata)
	d, err := s.users.SelfAttributeCode(ctx, c.PoolID, c.Username, in.AttributeName)
	if err != nil {
		return nil, err
	}
	return &cip.GetUserAttributeVerificationCodeResponse{CodeDeliveryDetails: d}, nil
}

// VerifyUserAttribute verifies one of the caller's attributes with a code.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *cip.VerifyUserAttributeRequest) (*cip.VerifyUserAttributeResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfVerifyAttribute(ctx, c.PoolID, c.Username, in.AttributeName, in.Code); err != nil {
		return nil, err
	}
	return &cip.VerifyUserAttributeResponse{}, nil
}

// SetUserSettings sets the caller's legacy MFAOptions.
func (s *Service) SetUserSettings(ctx context.Context, in *cip.SetUserSettingsRequest) (*cip.SetUserSettingsResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfSetSettings(ctx, c.PoolID, c.Username, in.MFAOptions); err != nil {
		return nil, err
	}
	return &cip.SetUserSettingsResponse{}, nil
}

// GlobalSignOut signs the caller out everywhere: every token issued so far
// stops working for Cognito's operations and refreshes.
func (s *Service) GlobalSignOut(ctx context.Context, in *cip.GlobalSignOutRequest) (*cip.GlobalSignOutResponse, error) {
	c, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	a, err := s.users.Account(ctx, c.PoolID, c.Username)
	if err != nil {
		return nil, err
	}
	if err := s.users.SignOutEverywhere(ctx, c.PoolID, a.Key); err != nil {
		return nil, err
	}
	return &cip.GlobalSignOutResponse{}, nil
}

// AdminUserGlobalSignOut signs a user out everywhere.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *cip.AdminUserGlobalSignOutRequest) (*cip.AdminUserGlobalSignOutResponse, error) {
	a, err := s.users.Account(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.users.SignOutEverywhere(ctx, in.UserPoolId, a.Key); err != nil {
		return nil, err
	}
	return &cip.AdminUserGlobalSignOutResponse{}, nil
}

// RevokeToken revokes a refresh token and every token issued from it.
func (s *Service) RevokeToken(ctx context.Context, in *cip.RevokeTokenRequest) (*cip.RevokeTokenResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.cfg.EnableTokenRevocation != nil && !*c.cfg.EnableTokenRevocation {
		return nil, awserr.New(awserr.UnsupportedOperation, "Token revocation is not enabled for this app client.")
	}
	if c.cfg.ClientSecret != "" && !constantEqual(c.cfg.ClientSecret, in.ClientSecret) {
		return nil, awserr.New("UnauthorizedException", "Client authentication failed.")
	}
	if strings.Count(in.Token, ".") == 2 {
		var hdr map[string]any
		if json.Unmarshal(decodeSegment(strings.SplitN(in.Token, ".", 2)[0]), &hdr) == nil && hdr["alg"] != nil {
			return nil, awserr.New("UnsupportedTokenTypeException", "The token provided is not a refresh token.")
		}
	}
	rc, err := s.tokens.ParseRefresh(ctx, in.Token)
	if err != nil {
		return &cip.RevokeTokenResponse{}, nil // an unknown, expired or revoked token: nothing to do
	}
	if rc.ClientID != c.cfg.ClientId {
		return nil, awserr.New("UnauthorizedException", "The token was not issued to this client.")
	}
	if err := s.tokens.RevokeRefresh(ctx, rc); err != nil {
		return nil, err
	}
	return &cip.RevokeTokenResponse{}, nil
}
