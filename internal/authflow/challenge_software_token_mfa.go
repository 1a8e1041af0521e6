package authflow

import (
	"context"
	"time"
)

// SOFTWARE_TOKEN_MFA: a code of the user's authenticator app (TOTP).
type softwareTokenMFAChallenge struct{ s *Service }

func (softwareTokenMFAChallenge) Name() string { return chTOTP }
func (ch softwareTokenMFAChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	s := ch.s
	a, err := s.mfaUser(ctx, at, chTOTP)
	if err != nil {
		return nil, err
	}
	code := at.params["SOFTWARE_TOKEN_MFA_CODE"]
	if code == "" {
		return nil, missing("SOFTWARE_TOKEN_MFA_CODE")
	}
	if err := s.users.CheckTOTP(ctx, at.c.cfg.UserPoolId, a.Key, code); err != nil {
		return nil, err
	}
	return s.issue(ctx, at, a, time.Time{})
}
