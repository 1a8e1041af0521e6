package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/users"
)

// CUSTOM_CHALLENGE: an answer that the pool's VerifyAuthChallengeResponse
// trigger checks; DefineAuthChallenge then says what follows (flow_custom.go).
type customChallenge struct{ s *Service }

func (customChallenge) Name() string { return chCustom }
func (ch customChallenge) Respond(ctx context.Context, at *attempt) (*outcome, error) {
	return ch.s.customRespond(ctx, at)
}

// customRespond checks an answer to a CUSTOM_CHALLENGE with
// VerifyAuthChallengeResponse, then asks DefineAuthChallenge what follows.
func (s *Service) customRespond(ctx context.Context, at *attempt) (*outcome, error) {
	c, resp := at.c, at.params
	ses, err := s.openSession(c, at.session, chCustom)
	if err != nil {
		return nil, err
	}
	answer, ok := resp["ANSWER"]
	if !ok {
		return nil, missing("ANSWER")
	}
	a := &users.Account{Username: ses.Username}
	if !ses.NotFound {
		if a, err = s.users.Account(ctx, c.cfg.UserPoolId, ses.Username); err != nil {
			return nil, errInvalidSession()
		}
	}
	if err := c.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], a.Username); err != nil {
		return nil, err
	}
	if !ses.NotFound {
		if err := s.checkUsable(c, a); err != nil {
			return nil, err
		}
	}
	var verdict triggers.VerifyAuthChallengeResponseBody
	ev := s.event("VerifyAuthChallengeResponse_Authentication", c, a.Username, triggers.VerifyAuthChallengeRequest{
		UserAttributes: c.challengeAttrs(a, ses.NotFound), PrivateChallengeParameters: ses.Private, ChallengeAnswer: answer,
		ClientMetadata: metaOf(ctx).client, UserNotFound: ses.NotFound}, triggers.VerifyAuthChallengeResponseBody{})
	if err := s.triggers.Call(ctx, triggers.VerifyAuthChallengeResponse, c.lambdas().VerifyAuthChallengeResponse, ev, &verdict); err != nil {
		return nil, err
	}
	history := append(ses.Custom, triggers.ChallengeResult{ChallengeName: chCustom, ChallengeResult: verdict.AnswerCorrect,
		ChallengeMetadata: ses.Metadata})
	return s.customNext(ctx, at, a, ses.NotFound, history, "")
}
