package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/wire"
)

// secondaryRefuses are the operations a user pool's SECONDARY replica
// refuses with OperationNotEnabledException: every change of the shared
// configuration and of the user directory (sign-up, user creation and
// changes, password resets and changes, groups, MFA registration), which
// Cognito makes in the primary Region only. Reads, sign-in, token refresh,
// sign-out and revocation, and the replica's own status stay available.
var secondaryRefuses = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`
		UpdateUserPool DeleteUserPool AddCustomAttributes SetUserPoolMfaConfig
		CreateUserPoolClient UpdateUserPoolClient DeleteUserPoolClient AddUserPoolClientSecret DeleteUserPoolClientSecret
		CreateResourceServer UpdateResourceServer DeleteResourceServer
		CreateUserPoolDomain UpdateUserPoolDomain DeleteUserPoolDomain
		CreateIdentityProvider UpdateIdentityProvider DeleteIdentityProvider
		CreateManagedLoginBranding UpdateManagedLoginBranding DeleteManagedLoginBranding
		CreateTerms UpdateTerms DeleteTerms SetUICustomization SetRiskConfiguration
		CreateUserPoolReplica DeleteUserPoolReplica
		CreateUserImportJob StartUserImportJob StopUserImportJob
		SignUp ConfirmSignUp ResendConfirmationCode ForgotPassword ConfirmForgotPassword
		AdminCreateUser AdminConfirmSignUp AdminUpdateUserAttributes AdminDeleteUserAttributes AdminDeleteUser
		AdminDisableUser AdminEnableUser AdminSetUserPassword AdminResetUserPassword AdminSetUserSettings
		AdminSetUserMFAPreference AdminLinkProviderForUser AdminDisableProviderForUser
		CreateGroup UpdateGroup DeleteGroup AdminAddUserToGroup AdminRemoveUserFromGroup
		ChangePassword UpdateUserAttributes DeleteUserAttributes DeleteUser VerifyUserAttribute
		GetUserAttributeVerificationCode SetUserSettings SetUserMFAPreference
		AssociateSoftwareToken VerifySoftwareToken StartWebAuthnRegistration CompleteWebAuthnRegistration DeleteWebAuthnCredential`) {
		secondaryRefuses[op] = true
	}
}

// inactiveRefuses are the administrator operations that act for an end
// user, which an INACTIVE replica refuses besides the end users' own.
var inactiveRefuses = map[string]bool{"AdminInitiateAuth": true, "AdminRespondToAuthChallenge": true}

// replicaGuard refuses what a pool's role in the request's Region does not
// allow. The Region of a request is its signature's, else this node's
// (--region). In the pool's own Region (PRIMARY) and in Regions where it
// has no replica, everything is allowed as before replicas existed.
func replicaGuard(pools *userpool.Service, nodeRegion string) func(ctx context.Context, op wire.Operation, body map[string]any) error {
	return func(ctx context.Context, op wire.Operation, body map[string]any) error {
		region := reqctx.Region(ctx, nodeRegion)
		poolID := requestPool(ctx, pools, op, body)
		if poolID == "" || userpool.PrimaryRegion(poolID) == region {
			return nil
		}
		p, err := pools.Pool(ctx, poolID)
		if err != nil {
			return nil // the handler answers for a missing pool
		}
		role, status, ok := p.ReplicaIn(region)
		if !ok || role != userpool.RoleSecondary {
			return nil
		}
		if secondaryRefuses[op.Name] {
			return awserr.Newf(awserr.OperationNotEnabled, "%s is not available in %s: it is a SECONDARY replica of user pool %s; call the primary Region %s.",
				op.Name, region, poolID, userpool.PrimaryRegion(poolID))
		}
		if status != userpool.ReplicaActive && (op.Auth != wire.AuthSigV4 || inactiveRefuses[op.Name]) {
			return awserr.Newf(awserr.OperationNotEnabled, "The replica of user pool %s in %s is %s: it accepts no end-user requests.", poolID, region, status)
		}
		return nil
	}
}

// requestPool finds the pool a request is about: its UserPoolId, its
// ClientId's pool, or the client_id of its access token (read without
// checking it: the handler checks the token; this only picks the rules).
func requestPool(ctx context.Context, pools *userpool.Service, op wire.Operation, body map[string]any) string {
	if id, _ := body["UserPoolId"].(string); id != "" {
		return id
	}
	clientID, _ := body["ClientId"].(string)
	if clientID == "" {
		if tok, _ := body["AccessToken"].(string); tok != "" {
			clientID = unverifiedClientID(tok)
		}
	}
	if clientID == "" {
		return ""
	}
	id, err := pools.ClientPool(ctx, clientID)
	if err != nil {
		return ""
	}
	return id
}

func unverifiedClientID(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		ClientID string `json:"client_id"`
	}
	if json.Unmarshal(b, &claims) != nil {
		return ""
	}
	return claims.ClientID
}
