package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
)

// USER_AUTH, choice-based sign-in: registered so that a client that allows
// it gets Cognito's answer for a flow this server does not run yet.
type userAuthFlow struct{}

func (userAuthFlow) Name() string           { return "USER_AUTH" }
func (userAuthFlow) Operations() Operations { return Public | Admin }
func (userAuthFlow) Enabled(c *client) bool { return c.allows(false, "ALLOW_USER_AUTH") }
func (userAuthFlow) Start(context.Context, *attempt) (*outcome, error) {
	return nil, awserr.New(awserr.InvalidParameter, "USER_AUTH is not supported by gognito yet.")
}
