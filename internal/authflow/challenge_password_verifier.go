package authflow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/users"
)

// PASSWORD_VERIFIER: the client's proof of the password, for the SRP
// exchange that USER_SRP_AUTH (or a CUSTOM_AUTH that began with SRP_A)
// started; the exchange travels in PASSWORD_CLAIM_SECRET_BLOCK.
type passwordVerifierChallenge struct{ s *Service }

func (passwordVerifierChallenge) Name() string { return chPasswordVerifier }
func (ch passwordVerifierChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	return ch.s.srpVerify(ctx, at)
}

func (s *Service) srpVerify(ctx context.Context, at *attempt) (*outcome, error) {
	c, resp := at.c, at.params
	for _, p := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if resp[p] == "" {
			return nil, missing(p)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(resp["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil {
		return nil, incorrect()
	}
	plain, err := s.sealer.Open(raw, []byte(secretBlockAAD))
	if err != nil {
		return nil, incorrect()
	}
	var block secretBlock
	if err := json.Unmarshal(plain, &block); err != nil || block.ClientID != c.cfg.ClientId {
		return nil, incorrect()
	}
	if s.now().After(block.Expires) {
		return nil, errInvalidSession()
	}
	ts, err := srp.ParseTimestamp(resp["TIMESTAMP"])
	if errors.Is(err, srp.ErrTimestampFormat) {
		return nil, awserr.New(awserr.InvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	} else if err != nil {
		return nil, incorrect()
	}
	if d := s.now().Sub(ts); d > maxTimestampSkew || d < -maxTimestampSkew {
		return nil, incorrect() // a replayed or badly clocked answer
	}
	// The SECRET_HASH before anything about the user: its answer must not
	// tell who exists (block.Username is the user's, or the missing name).
	if err := c.checkSecretHash(resp["SECRET_HASH"], block.Username, resp["USERNAME"]); err != nil {
		return nil, err
	}
	if block.Fake {
		// A wrong password, counted toward a lock-out as an existing user's,
		// at an existing user's cost: the same SRP verification (against the
		// made-up verifier) and the same kind of store write.
		if err := s.users.UnknownSignIn(ctx, c.cfg.UserPoolId, block.Username, func() bool {
			ses, err := srp.UnmarshalServerSession(block.SRP, block.Salt, block.Verifier)
			return err == nil && ses.Verify(srp.PoolName(c.cfg.UserPoolId), block.Username, resp["PASSWORD_CLAIM_SECRET_BLOCK"], resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
		}); err != nil {
			return nil, err
		}
		return nil, incorrect()
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, block.Username)
	if err != nil {
		return nil, incorrect()
	}
	if err := c.checkSecretHash(resp["SECRET_HASH"], a.Username, resp["USERNAME"]); err != nil {
		return nil, err
	}
	if err := s.checkUsable(c, a); err != nil {
		return nil, err
	}
	a, err = s.verifyPassword(ctx, a, func(a *users.Account) bool {
		ses, err := srp.UnmarshalServerSession(block.SRP, a.Salt, a.Verifier)
		return err == nil && ses.Verify(srp.PoolName(c.cfg.UserPoolId), a.Username, resp["PASSWORD_CLAIM_SECRET_BLOCK"], resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
	})
	if err != nil {
		return nil, err
	}
	if err := s.checkStatusAfterPassword(a); err != nil {
		return nil, err
	}
	if block.CustomFlow {
		return s.customNext(ctx, at, a, false, append(block.Custom, triggers.ChallengeResult{ChallengeName: chPasswordVerifier, ChallengeResult: true}), "")
	}
	return s.complete(ctx, at, a)
}
