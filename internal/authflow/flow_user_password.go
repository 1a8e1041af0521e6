package authflow

import (
	"context"
	"encoding/hex"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/srp"
)

// USER_PASSWORD_AUTH: the username and password in the clear (over TLS),
// checked against the SRP verifier the pool keeps. The hosted pages sign
// users in through this flow too (PageSignIn).
type userPasswordFlow struct{ s *Service }

func (userPasswordFlow) Name() string           { return "USER_PASSWORD_AUTH" }
func (userPasswordFlow) Operations() Operations { return Public }
func (userPasswordFlow) Enabled(c *client) bool {
	return c.allows(false, "ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")
}
func (f userPasswordFlow) Start(ctx context.Context, at *attempt) (*outcome, error) {
	return f.s.passwordAuth(ctx, at)
}

// passwordAuth checks a username and password: USER_PASSWORD_AUTH and the
// admin password flows.
func (s *Service) passwordAuth(ctx context.Context, at *attempt) (*outcome, error) {
	c, params := at.c, at.params
	username, password := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, missing("USERNAME")
	}
	if password == "" {
		return nil, missing("PASSWORD")
	}
	// The SECRET_HASH is checked against the username of the request before
	// the look-up: its answer must not tell who exists.
	if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	a, err := s.findUser(ctx, c, username)
	if (awserr.Is(err, awserr.UserNotFound) || awserr.Is(err, awserr.NotAuthorized)) && c.lambdas().UserMigration != "" {
		// A user the pool does not have yet may come from the UserMigration trigger.
		if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if m, merr := s.migrate(ctx, c, username, password); merr != nil {
			return nil, merr
		} else if m != nil {
			a, err = m, nil
		}
	}
	if err != nil && c.preventExistence() && awserr.Is(err, awserr.NotAuthorized) {
		if perr := s.preAuthenticationUnknown(ctx, c, username); perr != nil {
			return nil, perr
		}
		// A wrong password, counted toward a lock-out as an existing user's,
		// at an existing user's cost: the same password computation (against
		// a made-up salt and verifier) and the same kind of store write.
		secret, ferr := s.fakeSecret(ctx, c.cfg.UserPoolId, username)
		if ferr != nil {
			return nil, ferr
		}
		salt, verifier := hex.EncodeToString(secret[:16]), hex.EncodeToString(secret)
		if lerr := s.users.UnknownSignIn(ctx, c.cfg.UserPoolId, username, func() bool {
			return srp.CheckPassword(srp.PoolName(c.cfg.UserPoolId), username, password, salt, verifier)
		}); lerr != nil {
			return nil, lerr
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.beforeCredentials(ctx, at, a, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	a, err = s.verifyPassword(ctx, a, c.passwordCheck(password))
	if err != nil {
		return nil, err
	}
	if err := s.checkStatusAfterPassword(a); err != nil {
		return nil, err
	}
	return s.complete(ctx, at, a)
}
