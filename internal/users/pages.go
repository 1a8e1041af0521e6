package users

import (
	"context"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// What the hosted pages need beyond the public operations.

// MadeUpDelivery is where a code "went" for a user the app client hides
// (PreventUserExistenceErrors): the made-up destination ForgotPassword
// (reset) or ResendConfirmationCode answers for a missing user, so that a
// page hiding a known user's error answers as it would for a missing one.
func (s *Service) MadeUpDelivery(ctx context.Context, poolID, username string, reset bool) (*cip.CodeDeliveryDetailsType, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if reset {
		return s.madeUpDelivery(p, username, p.recoveryAttributes()), nil
	}
	return s.madeUpDelivery(p, username, p.Config.AutoVerifiedAttributes), nil
}

// CheckPasswordPolicy checks a password against the pool's policy alone,
// before anything about the user is looked at.
func (s *Service) CheckPasswordPolicy(ctx context.Context, poolID, password string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	return p.checkPassword(password)
}
