package app

import (
	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/authflow"
	"github.com/gognito/gognito/internal/domains"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/uicustom"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// newCognitoService registers the cognito-idp operations gognito implements
// on the generated operation table; the rest answer with a well-formed
// UnsupportedOperationException that names them.
func newCognitoService(pools *userpool.Service, doms *domains.Service, us *users.Service, auth *authflow.Service, ui *uicustom.Service) *api.Service {
	s := api.NewService("cognito-idp", cip.TargetPrefix, cip.Shapes, cip.Operations)
	s.SigningName = cip.SigningName

	api.Handle(s, "CreateUserPool", pools.CreateUserPool)
	api.Handle(s, "DescribeUserPool", pools.DescribeUserPool)
	api.Handle(s, "ListUserPools", pools.ListUserPools)
	api.Handle(s, "UpdateUserPool", pools.UpdateUserPool).Notes("Settings left out return to their defaults, as in Cognito.")
	api.Handle(s, "DeleteUserPool", pools.DeleteUserPool).Notes("Refused while DeletionProtection is ACTIVE or a domain exists.")
	api.Handle(s, "AddCustomAttributes", pools.AddCustomAttributes)
	api.Handle(s, "GetUserPoolMfaConfig", pools.GetUserPoolMfaConfig)
	api.Handle(s, "SetUserPoolMfaConfig", pools.SetUserPoolMfaConfig)

	api.Handle(s, "CreateUserPoolClient", pools.CreateUserPoolClient)
	api.Handle(s, "DescribeUserPoolClient", pools.DescribeUserPoolClient)
	api.Handle(s, "ListUserPoolClients", pools.ListUserPoolClients)
	api.Handle(s, "UpdateUserPoolClient", pools.UpdateUserPoolClient).Notes("Settings left out return to their defaults, as in Cognito.")
	api.Handle(s, "DeleteUserPoolClient", pools.DeleteUserPoolClient)
	api.Handle(s, "AddUserPoolClientSecret", pools.AddUserPoolClientSecret).Notes("Confidential clients only; at most two active secrets, both accepted.")
	api.Handle(s, "ListUserPoolClientSecrets", pools.ListUserPoolClientSecrets)
	api.Handle(s, "DeleteUserPoolClientSecret", pools.DeleteUserPoolClientSecret).Notes("The last secret cannot be deleted.")

	api.Handle(s, "CreateResourceServer", pools.CreateResourceServer)
	api.Handle(s, "DescribeResourceServer", pools.DescribeResourceServer)
	api.Handle(s, "ListResourceServers", pools.ListResourceServers)
	api.Handle(s, "UpdateResourceServer", pools.UpdateResourceServer)
	api.Handle(s, "DeleteResourceServer", pools.DeleteResourceServer)

	// The DomainType pattern applies to prefix domains only; the domain
	// service checks names itself, with Cognito's messages.
	anyDomain := func(map[string]any) func(string) bool { return func(p string) bool { return p == "domain" } }
	api.Handle(s, "CreateUserPoolDomain", doms.CreateUserPoolDomain).SkipPattern(anyDomain)
	api.Handle(s, "DescribeUserPoolDomain", doms.DescribeUserPoolDomain).SkipPattern(anyDomain).
		Notes("An unknown domain is HTTP 200 with an empty DomainDescription, as in Cognito.")
	api.Handle(s, "UpdateUserPoolDomain", doms.UpdateUserPoolDomain).SkipPattern(anyDomain).
		Notes("A new certificate is served within a second; UPDATING until the edge serves it.")
	api.Handle(s, "DeleteUserPoolDomain", doms.DeleteUserPoolDomain).SkipPattern(anyDomain)

	// Hosted UI (classic) branding.
	api.Handle(s, "SetUICustomization", ui.SetUICustomization).
		Notes("Cognito's class names and per-class properties only; a PNG or JPEG logo of up to 100 KB, served at ImageUrl on the API listener and, for the hosted pages, by the pool's domains. Neither CSS nor ImageFile removes the setting.")
	api.Handle(s, "GetUICustomization", ui.GetUICustomization).Notes("A client without settings of its own gets the pool's (ClientId ALL).")

	// Users.
	api.Handle(s, "SignUp", us.SignUp).Notes("Fires PreSignUp, CustomMessage and, when auto-confirmed, PostConfirmation.")
	api.Handle(s, "ConfirmSignUp", us.ConfirmSignUp)
	api.Handle(s, "ResendConfirmationCode", us.ResendConfirmationCode)
	api.Handle(s, "AdminCreateUser", us.AdminCreateUser).Notes("Invitations go to the outbox (and SMTP for email when configured).")
	api.Handle(s, "AdminConfirmSignUp", us.AdminConfirmSignUp)
	api.Handle(s, "AdminGetUser", us.AdminGetUser)
	api.Handle(s, "ListUsers", us.ListUsers).Notes("Filters on username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status and sub read an index.")
	api.Handle(s, "AdminUpdateUserAttributes", us.AdminUpdateUserAttributes).Notes("A changed email or phone number is unverified and, when auto-verified, gets a code; UserAttributeUpdateSettings is not applied yet.")
	api.Handle(s, "AdminDeleteUserAttributes", us.AdminDeleteUserAttributes)
	api.Handle(s, "AdminDeleteUser", us.AdminDeleteUser)
	api.Handle(s, "AdminDisableUser", us.AdminDisableUser)
	api.Handle(s, "AdminEnableUser", us.AdminEnableUser)
	api.Handle(s, "AdminSetUserPassword", us.AdminSetUserPassword)
	api.Handle(s, "AdminResetUserPassword", us.AdminResetUserPassword)
	api.Handle(s, "ForgotPassword", us.ForgotPassword)
	api.Handle(s, "ConfirmForgotPassword", us.ConfirmForgotPassword)
	api.Handle(s, "AdminSetUserSettings", us.AdminSetUserSettings)
	api.Handle(s, "AdminLinkProviderForUser", us.AdminLinkProviderForUser).
		Notes("Later sign-ins of the SourceUser's identity (by its subject, Cognito_Subject, or by the mapped attribute named) are the DestinationUser's; at most 5 linked identities per user.")
	api.Handle(s, "AdminDisableProviderForUser", us.AdminDisableProviderForUser).
		Notes("Removes a link to a native user (the identity's next sign-in makes a new federated user) or disables the identity's federated user.")

	// Groups.
	api.Handle(s, "CreateGroup", us.CreateGroup)
	api.Handle(s, "GetGroup", us.GetGroup)
	api.Handle(s, "ListGroups", us.ListGroups)
	api.Handle(s, "UpdateGroup", us.UpdateGroup)
	api.Handle(s, "DeleteGroup", us.DeleteGroup)
	api.Handle(s, "AdminAddUserToGroup", us.AdminAddUserToGroup)
	api.Handle(s, "AdminRemoveUserFromGroup", us.AdminRemoveUserFromGroup)
	api.Handle(s, "AdminListGroupsForUser", us.AdminListGroupsForUser)
	api.Handle(s, "ListUsersInGroup", us.ListUsersInGroup)

	// Authentication and the caller's own account.
	api.Handle(s, "InitiateAuth", auth.InitiateAuth).Notes("USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH / REFRESH_TOKEN (refused when the client rotates refresh tokens), CUSTOM_AUTH (with the pool's challenge triggers). USER_AUTH is not built.")
	api.Handle(s, "AdminInitiateAuth", auth.AdminInitiateAuth).Notes("ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH (not with rotation), CUSTOM_AUTH.")
	api.Handle(s, "RespondToAuthChallenge", auth.RespondToAuthChallenge).Notes("PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, CUSTOM_CHALLENGE and the MFA challenges.")
	api.Handle(s, "AdminRespondToAuthChallenge", auth.AdminRespondToAuthChallenge)
	api.Handle(s, "AssociateSoftwareToken", auth.AssociateSoftwareToken).Notes("With an access token, or with the Session of an MFA_SETUP challenge.")
	api.Handle(s, "VerifySoftwareToken", auth.VerifySoftwareToken)
	api.Handle(s, "SetUserMFAPreference", auth.SetUserMFAPreference)
	api.Handle(s, "AdminSetUserMFAPreference", auth.AdminSetUserMFAPreference)
	api.Handle(s, "GetUser", auth.GetUser)
	api.Handle(s, "UpdateUserAttributes", auth.UpdateUserAttributes)
	api.Handle(s, "DeleteUserAttributes", auth.DeleteUserAttributes)
	api.Handle(s, "DeleteUser", auth.DeleteUser)
	api.Handle(s, "ChangePassword", auth.ChangePassword)
	api.Handle(s, "GetUserAttributeVerificationCode", auth.GetUserAttributeVerificationCode)
	api.Handle(s, "VerifyUserAttribute", auth.VerifyUserAttribute)
	api.Handle(s, "SetUserSettings", auth.SetUserSettings)
	api.Handle(s, "GlobalSignOut", auth.GlobalSignOut)
	api.Handle(s, "AdminUserGlobalSignOut", auth.AdminUserGlobalSignOut)
	api.Handle(s, "GetTokensFromRefreshToken", auth.GetTokensFromRefreshToken).
		Notes("With the app client's RefreshTokenRotation: a new refresh token of the same family (same expiry), the old one refused with RefreshTokenReuseException after RetryGracePeriodSeconds. DeviceKey is accepted and not used (devices are not built).")
	api.Handle(s, "RevokeToken", auth.RevokeToken).Notes("Revokes the refresh token and every token issued from it (origin_jti).")

	api.Handle(s, "TagResource", pools.TagResource).Notes("User pools only.")
	api.Handle(s, "UntagResource", pools.UntagResource).Notes("User pools only.")
	api.Handle(s, "ListTagsForResource", pools.ListTagsForResource).Notes("User pools only.")

	// Replicas (multi-Region replication; one database serves every Region).
	api.Handle(s, "CreateUserPoolReplica", pools.CreateUserPoolReplica).
		Notes("One secondary replica; it starts INACTIVE (the response says CREATING). Nodes of its Region (--region) and requests signed for it see the pool as SECONDARY.")
	api.Handle(s, "ListUserPoolReplicas", pools.ListUserPoolReplicas).Notes("The primary first; one page.")
	api.Handle(s, "UpdateUserPoolReplica", pools.UpdateUserPoolReplica).Notes("A secondary replica's status only: ACTIVE or INACTIVE.")
	api.Handle(s, "DeleteUserPoolReplica", pools.DeleteUserPoolReplica).Notes("INACTIVE secondary replicas only; answers DELETING and the replica is gone at once.")
	return s
}

// registerIdentityProviders registers the identity provider operations
// (issue 17).
func registerIdentityProviders(s *api.Service, idps *idp.Service) {
	api.Handle(s, "CreateIdentityProvider", idps.CreateIdentityProvider).
		Notes("SAML metadata is read (MetadataURL fetched) and checked at once; OIDC endpoints are not discovered here but at sign-in.")
	api.Handle(s, "DescribeIdentityProvider", idps.DescribeIdentityProvider)
	api.Handle(s, "ListIdentityProviders", idps.ListIdentityProviders)
	api.Handle(s, "UpdateIdentityProvider", idps.UpdateIdentityProvider).Notes("ProviderDetails keys given replace those stored; the others stay.")
	api.Handle(s, "DeleteIdentityProvider", idps.DeleteIdentityProvider).Notes("Refused while an app client's SupportedIdentityProviders names the provider.")
	api.Handle(s, "GetIdentityProviderByIdentifier", idps.GetIdentityProviderByIdentifier)
	api.Handle(s, "GetSigningCertificate", idps.GetSigningCertificate).Notes("The pool's SAML signing certificate, made on first use (RSA 2048, ten years).")
}
