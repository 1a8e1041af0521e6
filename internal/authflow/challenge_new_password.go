package authflow

import (
	"context"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// NEW_PASSWORD_REQUIRED: a user with a temporary password chooses a new one
// (NEW_PASSWORD), with the required attributes it has no value for
// (userAttributes.<name>). Then MFA applies as after a password.
const chNewPassword = "NEW_PASSWORD_REQUIRED"

type newPasswordChallenge struct{ s *Service }

func (newPasswordChallenge) Name() string { return chNewPassword }
func (ch newPasswordChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	s, c, resp := ch.s, at.c, at.params
	ses, err := s.openSession(c, at.session, chNewPassword)
	if err != nil {
		return nil, err
	}
	if resp["NEW_PASSWORD"] == "" {
		return nil, missing("NEW_PASSWORD")
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, ses.Username)
	if err != nil {
		return nil, err
	}
	if err := c.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], a.Username); err != nil {
		return nil, err
	}
	if err := s.checkUsable(c, a); err != nil {
		return nil, err
	}
	var attrs []cip.AttributeType
	for k, v := range resp {
		if n, ok := strings.CutPrefix(k, "userAttributes."); ok {
			attrs = append(attrs, cip.AttributeType{Name: n, Value: v})
		}
	}
	slices.SortFunc(attrs, func(x, y cip.AttributeType) int { return strings.Compare(x.Name, y.Name) })
	if w := c.cfg.WriteAttributes; len(w) > 0 {
		for _, at := range attrs {
			if !slices.Contains(w, at.Name) {
				return nil, awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
	}
	if err := s.users.CompleteNewPassword(ctx, c.cfg.UserPoolId, a.Key, resp["NEW_PASSWORD"], attrs); err != nil {
		return nil, err
	}
	a, err = s.users.Account(ctx, c.cfg.UserPoolId, a.Username)
	if err != nil {
		return nil, err
	}
	m := metaOf(ctx)
	m.newPassword = true
	return s.complete(withMeta(ctx, m), at, a)
}
