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
// Refreshes (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken in gettokens.go,
// the token endpoint's grant through RefreshForClient) all end in renew
// (flow_refresh.go): the user as it is now, PreTokenGeneration, and, for a
// client with RefreshTokenRotation on, a new refresh token of the family
// (tokens.ClaimRotation records the rotation; REFRESH_TOKEN_AUTH is then
// refused).
//
// Challenge sessions and SRP state are sealed into the Session and
// SECRET_BLOCK strings the client carries, so any node can continue a
// sign-in another node started.
//
// # Flows and challenges are parts
//
// Each flow is a Flow and each challenge a Challenge, one file each
// (flow_*.go, challenge_*.go), registered by name in register
// (registry.go). InitiateAuth and AdminInitiateAuth find the flow by its
// AuthFlow (an unknown or disallowed one is refused there, as Cognito
// does), RespondToAuthChallenge the challenge by its ChallengeName. The
// hosted pages reach the same parts through the entry points of pages.go
// (PageSignIn runs USER_PASSWORD_AUTH, PageRespond the registered
// challenge), so a step behaves the same on a page and through the API.
//
// To add a flow (or a challenge): write flow_<name>.go with a type that has
// Name (the AuthFlow value), Operations (Public, Admin or both), Enabled
// (the ExplicitAuthFlows value that allows it) and Start, which reads
// at.params (the AuthParameters) and returns an outcome: tokens (end with
// s.complete or s.issue, which run MFA, PostAuthentication and
// PreTokenGeneration) or a challenge with a session (s.newSession or
// s.sealSession). Then add one line to register. A challenge is the same
// with Name (the ChallengeName) and Respond, which opens at.session with
// s.openSession and reads at.params (the ChallengeResponses).
package authflow
