package authflow

import (
	"context"
	"time"
)

// MFA_SETUP: the pool requires MFA and the user has none. The client sets
// up a software token with AssociateSoftwareToken and VerifySoftwareToken
// (mfa.go), passing the Session along; the session VerifySoftwareToken
// returns answers this challenge.
type mfaSetupChallenge struct{ s *Service }

func (mfaSetupChallenge) Name() string { return chSetup }
func (ch mfaSetupChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	a, err := ch.s.mfaUser(ctx, at, chSetupDone)
	if err != nil {
		return nil, err
	}
	return ch.s.issue(ctx, at, a, time.Time{})
}
