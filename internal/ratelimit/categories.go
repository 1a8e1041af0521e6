package ratelimit

// The request-rate categories of Cognito user pools, with their default
// rates in requests per second (the Amazon Cognito developer guide, "Quotas
// in Amazon Cognito", API operation categories).
const (
	UserAuthentication     = "UserAuthentication"
	UserCreation           = "UserCreation"
	UserFederation         = "UserFederation"
	UserAccountRecovery    = "UserAccountRecovery"
	UserRead               = "UserRead"
	UserUpdate             = "UserUpdate"
	UserToken              = "UserToken"
	UserResourceRead       = "UserResourceRead"
	UserResourceUpdate     = "UserResourceUpdate"
	UserList               = "UserList"
	UserPoolRead           = "UserPoolRead"
	UserPoolUpdate         = "UserPoolUpdate"
	UserPoolResourceRead   = "UserPoolResourceRead"
	UserPoolResourceUpdate = "UserPoolResourceUpdate"
	UserPoolClientRead     = "UserPoolClientRead"
	UserPoolClientUpdate   = "UserPoolClientUpdate"
	ClientAuthentication   = "ClientAuthentication"
	LimitManagement        = "LimitManagement"
	// HostedUI is gognito's own category for the pages and endpoints of a
	// user pool domain: Cognito limits each domain to 500 requests per
	// second (and 300 per source IP, applied separately).
	HostedUI = "HostedUI"
)

// DefaultRates are Cognito's default quotas per category.
var DefaultRates = map[string]float64{
	UserAuthentication:     120,
	UserCreation:           50,
	UserFederation:         25,
	UserAccountRecovery:    30,
	UserRead:               120,
	UserUpdate:             25,
	UserToken:              120,
	UserResourceRead:       50,
	UserResourceUpdate:     25,
	UserList:               30,
	UserPoolRead:           15,
	UserPoolUpdate:         15,
	UserPoolResourceRead:   20,
	UserPoolResourceUpdate: 15,
	UserPoolClientRead:     15,
	UserPoolClientUpdate:   15,
	ClientAuthentication:   150,
	LimitManagement:        1,
	HostedUI:               500,
}

// HostedUIPerSourceIP is Cognito's limit of requests per second from one
// source IP address to one user pool domain.
const HostedUIPerSourceIP = 300

// categories maps every cognito-idp operation to its category. An
// operation missing here is a programming error (a test checks the table
// against the service model).
var categories = map[string]string{
	// Sign-in.
	"InitiateAuth":                UserAuthentication,
	"AdminInitiateAuth":           UserAuthentication,
	"RespondToAuthChallenge":      UserAuthentication,
	"AdminRespondToAuthChallenge": UserAuthentication,
	"GetTokensFromRefreshToken":   UserAuthentication,

	// Users coming into being.
	"SignUp":             UserCreation,
	"ConfirmSignUp":      UserCreation,
	"AdminCreateUser":    UserCreation,
	"AdminConfirmSignUp": UserCreation,

	"AdminLinkProviderForUser":    UserFederation,
	"AdminDisableProviderForUser": UserFederation,

	"ChangePassword":         UserAccountRecovery,
	"ForgotPassword":         UserAccountRecovery,
	"ConfirmForgotPassword":  UserAccountRecovery,
	"AdminResetUserPassword": UserAccountRecovery,
	"AdminSetUserPassword":   UserAccountRecovery,

	"GetUser":                 UserRead,
	"AdminGetUser":            UserRead,
	"AdminGetUserAuthFactors": UserRead,
	"GetUserAuthFactors":      UserRead,
	"ListWebAuthnCredentials": UserRead,

	"AdminAddUserToGroup":          UserUpdate,
	"AdminRemoveUserFromGroup":     UserUpdate,
	"AdminDeleteUser":              UserUpdate,
	"AdminDeleteUserAttributes":    UserUpdate,
	"AdminUpdateUserAttributes":    UserUpdate,
	"AdminDisableUser":             UserUpdate,
	"AdminEnableUser":              UserUpdate,
	"AdminUserGlobalSignOut":       UserUpdate,
	"AdminUpdateAuthEventFeedback": UserUpdate,
	"DeleteUser":                   UserUpdate,
	"DeleteUserAttributes":         UserUpdate,
	"UpdateUserAttributes":         UserUpdate,
	"GlobalSignOut":                UserUpdate,
	"VerifyUserAttribute":          UserUpdate,
	"UpdateAuthEventFeedback":      UserUpdate,

	"RevokeToken": UserToken,

	"AdminGetDevice":                   UserResourceRead,
	"AdminListDevices":                 UserResourceRead,
	"AdminListGroupsForUser":           UserResourceRead,
	"AdminListUserAuthEvents":          UserResourceRead,
	"GetDevice":                        UserResourceRead,
	"ListDevices":                      UserResourceRead,
	"ResendConfirmationCode":           UserResourceRead,
	"GetUserAttributeVerificationCode": UserResourceRead,

	"AdminForgetDevice":            UserResourceUpdate,
	"AdminSetUserMFAPreference":    UserResourceUpdate,
	"AdminSetUserSettings":         UserResourceUpdate,
	"AdminUpdateDeviceStatus":      UserResourceUpdate,
	"AssociateSoftwareToken":       UserResourceUpdate,
	"VerifySoftwareToken":          UserResourceUpdate,
	"ConfirmDevice":                UserResourceUpdate,
	"ForgetDevice":                 UserResourceUpdate,
	"SetUserMFAPreference":         UserResourceUpdate,
	"SetUserSettings":              UserResourceUpdate,
	"UpdateDeviceStatus":           UserResourceUpdate,
	"StartWebAuthnRegistration":    UserResourceUpdate,
	"CompleteWebAuthnRegistration": UserResourceUpdate,
	"DeleteWebAuthnCredential":     UserResourceUpdate,

	"ListUsers":        UserList,
	"ListUsersInGroup": UserList,

	"DescribeUserPool":            UserPoolRead,
	"ListUserPools":               UserPoolRead,
	"GetUserPoolMfaConfig":        UserPoolRead,
	"DescribeRiskConfiguration":   UserPoolRead,
	"GetLogDeliveryConfiguration": UserPoolRead,
	"ListTagsForResource":         UserPoolRead,
	"ListUserPoolReplicas":        UserPoolRead,

	"CreateUserPool":              UserPoolUpdate,
	"UpdateUserPool":              UserPoolUpdate,
	"DeleteUserPool":              UserPoolUpdate,
	"AddCustomAttributes":         UserPoolUpdate,
	"SetUserPoolMfaConfig":        UserPoolUpdate,
	"SetRiskConfiguration":        UserPoolUpdate,
	"SetLogDeliveryConfiguration": UserPoolUpdate,
	// Replicas are not in Cognito's published table; they change the pool.
	"CreateUserPoolReplica": UserPoolUpdate,
	"UpdateUserPoolReplica": UserPoolUpdate,
	"DeleteUserPoolReplica": UserPoolUpdate,

	"GetProvisionedLimit":    LimitManagement,
	"UpdateProvisionedLimit": LimitManagement,

	"DescribeUserPoolDomain":               UserPoolResourceRead,
	"GetGroup":                             UserPoolResourceRead,
	"ListGroups":                           UserPoolResourceRead,
	"GetUICustomization":                   UserPoolResourceRead,
	"DescribeResourceServer":               UserPoolResourceRead,
	"ListResourceServers":                  UserPoolResourceRead,
	"DescribeIdentityProvider":             UserPoolResourceRead,
	"ListIdentityProviders":                UserPoolResourceRead,
	"GetIdentityProviderByIdentifier":      UserPoolResourceRead,
	"GetSigningCertificate":                UserPoolResourceRead,
	"GetCSVHeader":                         UserPoolResourceRead,
	"DescribeUserImportJob":                UserPoolResourceRead,
	"ListUserImportJobs":                   UserPoolResourceRead,
	"DescribeManagedLoginBranding":         UserPoolResourceRead,
	"DescribeManagedLoginBrandingByClient": UserPoolResourceRead,
	"DescribeTerms":                        UserPoolResourceRead,
	"ListTerms":                            UserPoolResourceRead,

	"CreateUserPoolDomain":       UserPoolResourceUpdate,
	"UpdateUserPoolDomain":       UserPoolResourceUpdate,
	"DeleteUserPoolDomain":       UserPoolResourceUpdate,
	"CreateGroup":                UserPoolResourceUpdate,
	"UpdateGroup":                UserPoolResourceUpdate,
	"DeleteGroup":                UserPoolResourceUpdate,
	"SetUICustomization":         UserPoolResourceUpdate,
	"CreateResourceServer":       UserPoolResourceUpdate,
	"UpdateResourceServer":       UserPoolResourceUpdate,
	"DeleteResourceServer":       UserPoolResourceUpdate,
	"CreateIdentityProvider":     UserPoolResourceUpdate,
	"UpdateIdentityProvider":     UserPoolResourceUpdate,
	"DeleteIdentityProvider":     UserPoolResourceUpdate,
	"CreateUserImportJob":        UserPoolResourceUpdate,
	"StartUserImportJob":         UserPoolResourceUpdate,
	"StopUserImportJob":          UserPoolResourceUpdate,
	"CreateManagedLoginBranding": UserPoolResourceUpdate,
	"UpdateManagedLoginBranding": UserPoolResourceUpdate,
	"DeleteManagedLoginBranding": UserPoolResourceUpdate,
	"CreateTerms":                UserPoolResourceUpdate,
	"UpdateTerms":                UserPoolResourceUpdate,
	"DeleteTerms":                UserPoolResourceUpdate,
	"TagResource":                UserPoolResourceUpdate,
	"UntagResource":              UserPoolResourceUpdate,

	"DescribeUserPoolClient":    UserPoolClientRead,
	"ListUserPoolClients":       UserPoolClientRead,
	"ListUserPoolClientSecrets": UserPoolClientRead,

	"CreateUserPoolClient":       UserPoolClientUpdate,
	"UpdateUserPoolClient":       UserPoolClientUpdate,
	"DeleteUserPoolClient":       UserPoolClientUpdate,
	"AddUserPoolClientSecret":    UserPoolClientUpdate,
	"DeleteUserPoolClientSecret": UserPoolClientUpdate,
}

// Category is the quota category of a cognito-idp operation ("" for one
// that has none, such as an ACM operation).
func Category(operation string) string { return categories[operation] }

// Operations lists the operations the category table knows.
func Operations() []string {
	ops := make([]string, 0, len(categories))
	for op := range categories {
		ops = append(ops, op)
	}
	return ops
}
