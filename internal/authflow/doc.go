// Package authflow owns sign-in as Cognito does it: InitiateAuth and
// AdminInitiateAuth with their flows (USER_SRP_AUTH, USER_PASSWORD_AUTH,
// ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH, REFRESH_TOKEN_AUTH,
// CUSTOM_AUTH), the challenges answered through
// (Admin)RespondToAuthChallenge (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED,
// MFA, CUSTOM_CHALLENGE), the Lambda triggers of a sign-in
// (PreAuthentication, PostAuthentication, PreTokenGeneration,
// UserMigration, the custom challenge triggers), the app client's rules
// (ExplicitAuthFlows, SECRET_HASH, AuthSessionValidity,
// PreventUserExistenceErrors), sign-out and token revocation, and the
// operations a user calls with an access token.
//
// Challenge sessions and SRP state are sealed into the Session and
// SECRET_BLOCK strings the client carries, so any node can continue a
// sign-in another node started.
package authflow
