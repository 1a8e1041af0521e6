package authflow

import "context"

// ADMIN_USER_PASSWORD_AUTH (and its legacy name ADMIN_NO_SRP_AUTH): a
// server checks a username and password with IAM credentials, as
// USER_PASSWORD_AUTH does.
type adminPasswordFlow struct {
	s    *Service
	name string
}

func (f adminPasswordFlow) Name() string         { return f.name }
func (adminPasswordFlow) Operations() Operations { return Admin }
func (adminPasswordFlow) Enabled(c *client) bool {
	return c.allows(false, "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
}
func (f adminPasswordFlow) Start(ctx context.Context, at *attempt) (*outcome, error) {
	return f.s.passwordAuth(ctx, at)
}
