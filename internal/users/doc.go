// Package users owns the user directory of a user pool, with Cognito's
// rules: usernames (UsernameAttributes, AliasAttributes, case sensitivity),
// attributes checked against the pool's schema and the app client's
// permissions, user status, the password policy, sign-up and confirmation,
// account recovery, groups and memberships, and the codes and temporary
// passwords it sends through the delivery layer; the Lambda triggers of
// sign-up and messages (PreSignUp, PostConfirmation, CustomMessage) and
// the users UserMigration brings.
//
// It owns the stored documents of users and groups (their keys are those
// they have always had). Pools and app clients come from package
// userpool's loader, through the Pools interface it declares.
//
// The operations a user calls with an access token start with Caller: one
// read of the user serves the check of the token against the user (gone,
// disabled, signed out everywhere since the token was issued) and the
// operation (the Self* methods work on the Self it returns).
//
// Federated users (federated.go) are the users of external identity
// providers: SignInExternal finds the user of an external identity through
// an index of the store (the identity's unique value), or makes the user
// "<ProviderName>_<subject>" with status EXTERNAL_PROVIDER, writes the
// mapped attributes and the identities attribute on every sign-in, and
// keeps the provider's group. AdminLinkProviderForUser links an identity
// to an existing user; the pools' providers come from package idp through
// the Providers interface this package declares.
//
// Passwords are never stored: a user keeps a salt and the SRP verifier that
// Cognito's SRP needs (package srp); checking a password derives the
// verifier from it. Codes are kept hashed, expire as Cognito's do, are
// compared in constant time, and repeated wrong codes are limited.
package users
