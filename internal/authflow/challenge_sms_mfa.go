package authflow

import "context"

// SMS_MFA: the code sent by SMS after the password.
type smsMFAChallenge struct{ s *Service }

func (smsMFAChallenge) Name() string { return chSMS }
func (ch smsMFAChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	return ch.s.codeMFA(ctx, at, chSMS, "SMS_MFA_CODE")
}
