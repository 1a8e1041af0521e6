package users

import (
	"context"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/triggers"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Sources of the UserMigration trigger.
const (
	MigrationAuthentication = "UserMigration_Authentication"
	MigrationForgotPassword = "UserMigration_ForgotPassword"
)

// MigrateUser asks the pool's UserMigration trigger for a user the pool
// does not have, and creates the user it describes: at sign-in (password
// given) with that password, in the status the trigger says (CONFIRMED by
// default); in the forgot-password flow (no password) in RESET_REQUIRED.
// It returns nil, nil when the pool has no UserMigration trigger or the
// trigger describes no user.
func (s *Service) MigrateUser(ctx context.Context, poolID, clientID, username, password string, validation, meta map[string]string) (*Account, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	u, err := s.migrate(ctx, p, clientID, username, password, validation, meta)
	if err != nil || u == nil {
		return nil, err
	}
	return s.account(u), nil
}

func (s *Service) migrate(ctx context.Context, p *pool, clientID, username, password string, validation, meta map[string]string) (*user, error) {
	arn := p.lambdas().UserMigration
	if arn == "" {
		return nil, nil
	}
	source := MigrationAuthentication
	if password == "" {
		source = MigrationForgotPassword
	}
	var out triggers.UserMigrationResponse
	ev := triggers.NewEvent(source, p.ID, clientID, username,
		triggers.UserMigrationRequest{Password: password, ValidationData: validation, ClientMetadata: meta}, &out)
	if err := s.triggers.Call(ctx, triggers.UserMigration, arn, ev, &out); err != nil {
		return nil, err
	}
	if len(out.UserAttributes) == 0 {
		return nil, nil
	}
	var attrs []cip.AttributeType
	for k, v := range out.UserAttributes {
		if k != "sub" && k != "username" && !strings.HasPrefix(k, "cognito:") {
			attrs = append(attrs, cip.AttributeType{Name: k, Value: v})
		}
	}
	slices.SortFunc(attrs, func(x, y cip.AttributeType) int { return strings.Compare(x.Name, y.Name) })
	attrs = normalizeAttrs(attrs)
	if err := p.checkAttributes(attrs, true); err != nil {
		return nil, triggers.InvalidResponse()
	}
	status := StatusConfirmed
	if password == "" || out.FinalUserStatus == StatusResetRequired {
		status = StatusResetRequired
	}
	u, err := s.newUser(p, username, attrs, status)
	if err != nil {
		return nil, err
	}
	if password != "" {
		// The password the user signed in with, as the old directory
		// accepted it: not held to this pool's policy.
		salt, verifier, err := srp.NewVerifier(s.rand, srp.PoolName(p.ID), u.rec.Username, password)
		if err != nil {
			return nil, err
		}
		u.doc.Salt, u.doc.Verifier = salt, verifier
	}
	u.doc.SMSMfaEnabled = out.EnableSMSMFA
	if err := s.insert(ctx, p, u); err != nil {
		return nil, err
	}
	return u, nil
}
