package users

import (
	"context"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// What the hosted pages need beyond the public operations.

// SimulatedDelivery is where a code "went" for a user the app client
// hides (PreventUserExistenceErrors): what ForgotPassword and
// ResendConfirmationCode answer for an unknown user.
func SimulatedDelivery(username string) *cip.CodeDeliveryDetailsType { return fakeDelivery(username) }

// CheckPasswordPolicy checks a password against the pool's policy alone,
// before anything about the user is looked at.
func (s *Service) CheckPasswordPolicy(ctx context.Context, poolID, password string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	return p.checkPassword(password)
}
