package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/users"
)

// mfaChallenge decides whether a sign-in needs a second factor and, if so,
// answers the challenge. nil, nil means none is needed.
func (s *Service) mfaChallenge(ctx context.Context, c *client, a *users.Account) (*outcome, error) {
	return nil, nil
}

// respondMFA answers an MFA challenge.
func (s *Service) respondMFA(ctx context.Context, c *client, name string, resp map[string]string, rawSession string) (*outcome, error) {
	return nil, awserr.New(awserr.InvalidParameter, "The challenge "+name+" is not supported yet.")
}
