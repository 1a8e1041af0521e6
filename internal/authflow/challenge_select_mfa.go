package authflow

import (
	"context"
	"slices"

	"github.com/gognito/gognito/internal/awserr"
)

// SELECT_MFA_TYPE: the user has several second factors and no preferred
// one; ANSWER picks one, which starts (a code is sent for SMS and email).
type selectMFAChallenge struct{ s *Service }

func (selectMFAChallenge) Name() string { return chSelect }
func (ch selectMFAChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	s := ch.s
	a, err := s.mfaUser(ctx, at, chSelect)
	if err != nil {
		return nil, err
	}
	answer := at.params["ANSWER"]
	if answer == "EMAIL_MFA" {
		answer = chEmail
	}
	if !slices.Contains(factors(a), answer) {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid ANSWER for SELECT_MFA_TYPE.")
	}
	return s.startFactor(ctx, at.c, a, answer)
}
