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

// caller checks an access token and reads its user, once: the signature,
// expiry and revocation (tokens), then the user still there, enabled and
// not signed out since (users.Caller), the scope the operations on the
// caller's own account need (aws.cognito.signin.user.admin), and that the
// token is the current user's of that name, not a deleted and re-created
// one's. The operation works on the user as read here.
func (s *Service) caller(ctx context.Context, accessToken string) (*tokens.AccessClaims, *users.Self, error) {
	c, err := s.tokens.ParseAccess(ctx, accessToken)
	if err != nil {
		return nil, nil, err
	}
	if c.Username == "" { // a machine token (client_credentials) is no user's
		if !slices.Contains(c.Scopes, tokens.ScopeAdmin) {
			return nil, nil, awserr.New(awserr.NotAuthorized, "Access Token does not have required scopes")
		}
		return nil, nil, awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
	}
	me, err := s.users.Caller(ctx, users.Token{PoolID: c.PoolID, Username: c.Username, IssuedAt: c.IssuedAt, IssuedExact: c.IssuedExact})
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(c.Scopes, tokens.ScopeAdmin) {
		return nil, nil, awserr.New(awserr.NotAuthorized, "Access Token does not have required scopes")
	}
	if me.Sub != c.Sub {
		return nil, nil, awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
	}
	return c, me, nil
}

// GetUser returns the caller's own user.
func (s *Service) GetUser(ctx context.Context, in *cip.GetUserRequest) (*cip.GetUserResponse, error) {
	c, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	cl, err := s.loadClient(ctx, c.ClientID)
	if err != nil {
		return nil, err
	}
	out := s.users.SelfGetUser(me)
	// Only what the client may read, as in the ID token.
	readable := make([]cip.AttributeType, 0, len(out.UserAttributes))
	for _, a := range out.UserAttributes {
		if a.Name == "sub" || cl.mayRead(a.Name) {
			readable = append(readable, a)
		}
	}
	out.UserAttributes = readable
	return out, nil
}

// UpdateUserAttributes changes the caller's attributes.
func (s *Service) UpdateUserAttributes(ctx context.Context, in *cip.UpdateUserAttributesRequest) (*cip.UpdateUserAttributesResponse, error) {
	c, me, err := s.caller(ctx, in.AccessToken)
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
	details, err := s.users.SelfUpdateAttributes(ctx, me, in.UserAttributes)
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserAttributesResponse{CodeDeliveryDetailsList: details}, nil
}

// DeleteUserAttributes removes attributes of the caller.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *cip.DeleteUserAttributesRequest) (*cip.DeleteUserAttributesResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfDeleteAttributes(ctx, me, in.UserAttributeNames); err != nil {
		return nil, err
	}
	return &cip.DeleteUserAttributesResponse{}, nil
}

// DeleteUser deletes the caller.
func (s *Service) DeleteUser(ctx context.Context, in *cip.DeleteUserRequest) (*struct{}, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfDelete(ctx, me); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ChangePassword changes the caller's password.
func (s *Service) ChangePassword(ctx context.Context, in *cip.ChangePasswordRequest) (*cip.ChangePasswordResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.PreviousPassword == "" {
		return nil, missing("PreviousPassword")
	}
	if err := s.users.SelfChangePassword(ctx, me, in.PreviousPassword, in.ProposedPassword); err != nil {
		return nil, err
	}
	return &cip.ChangePasswordResponse{}, nil
}

// GetUserAttributeVerificationCode sends the caller a code for an attribute.
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *cip.GetUserAttributeVerificationCodeRequest) (*cip.GetUserAttributeVerificationCodeResponse, error) {
	c, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	ctx = users.WithCaller(ctx, c.ClientID, in.ClientMetadata)
	d, err := s.users.SelfAttributeCode(ctx, me, in.AttributeName)
	if err != nil {
		return nil, err
	}
	return &cip.GetUserAttributeVerificationCodeResponse{CodeDeliveryDetails: d}, nil
}

// VerifyUserAttribute verifies one of the caller's attributes with a code.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *cip.VerifyUserAttributeRequest) (*cip.VerifyUserAttributeResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfVerifyAttribute(ctx, me, in.AttributeName, in.Code); err != nil {
		return nil, err
	}
	return &cip.VerifyUserAttributeResponse{}, nil
}

// SetUserSettings sets the caller's legacy MFAOptions.
func (s *Service) SetUserSettings(ctx context.Context, in *cip.SetUserSettingsRequest) (*cip.SetUserSettingsResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfSetSettings(ctx, me, in.MFAOptions); err != nil {
		return nil, err
	}
	return &cip.SetUserSettingsResponse{}, nil
}

// GlobalSignOut signs the caller out everywhere: every token issued so far
// stops working for Cognito's operations and refreshes.
func (s *Service) GlobalSignOut(ctx context.Context, in *cip.GlobalSignOutRequest) (*cip.GlobalSignOutResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfSignOut(ctx, me); err != nil {
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
	if c.needsSecret() && !c.cfg.SecretMatches(in.ClientSecret) {
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
