package authflow

import "context"

// EMAIL_OTP: the code sent by email after the password.
type emailOTPChallenge struct{ s *Service }

func (emailOTPChallenge) Name() string { return chEmail }
func (ch emailOTPChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	return ch.s.codeMFA(ctx, at, chEmail, "EMAIL_OTP_CODE")
}
