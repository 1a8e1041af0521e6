package authflow

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/users"
)

// CUSTOM_AUTH: the pool's DefineAuthChallenge trigger decides, from the
// challenges so far, what comes next (a custom challenge that
// CreateAuthChallenge makes and VerifyAuthChallengeResponse checks, the
// SRP password check, tokens, or failure). The challenges so far travel in
// the sealed Session (or in the SRP SECRET_BLOCK), so any node can go on.

const (
	chCustom           = "CUSTOM_CHALLENGE"
	chPasswordVerifier = "PASSWORD_VERIFIER"
	chSRPA             = "SRP_A"
)

type customFlow struct{ s *Service }

func (customFlow) Name() string           { return "CUSTOM_AUTH" }
func (customFlow) Operations() Operations { return Public | Admin }
func (customFlow) Enabled(c *client) bool {
	return c.allows(false, "ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY")
}
func (f customFlow) Start(ctx context.Context, at *attempt) (*outcome, error) {
	return f.s.customStart(ctx, at)
}

func (s *Service) customStart(ctx context.Context, at *attempt) (*outcome, error) {
	c, params := at.c, at.params
	lc := c.lambdas()
	if lc.DefineAuthChallenge == "" || lc.CreateAuthChallenge == "" || lc.VerifyAuthChallengeResponse == "" {
		return nil, awserr.New(awserr.InvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
	}
	username := params["USERNAME"]
	if username == "" {
		return nil, missing("USERNAME")
	}
	// The SECRET_HASH is checked against the username of the request before
	// the look-up: its answer must not tell who exists.
	if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	history := []triggers.ChallengeResult{}
	srpA := params["SRP_A"]
	if srpA != "" {
		history = append(history, triggers.ChallengeResult{ChallengeName: chSRPA, ChallengeResult: true})
	}
	a, err := s.findUser(ctx, c, username)
	if err != nil && c.preventExistence() && awserr.Is(err, awserr.NotAuthorized) {
		// An unknown user the client hides: the triggers are told
		// (userNotFound) and no sequence of answers can succeed.
		if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		return s.customNext(ctx, at, &users.Account{Username: username}, true, history, srpA)
	}
	if err != nil {
		return nil, err
	}
	if err := s.beforeCredentials(ctx, at, a, params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	return s.customNext(ctx, at, a, false, history, srpA)
}

// challengeAttrs are the userAttributes of a challenge trigger: none for
// an unknown user.
func (c *client) challengeAttrs(a *users.Account, notFound bool) triggers.Attrs {
	if notFound {
		return triggers.Attrs{}
	}
	return c.accountAttrs(a)
}

// customNext asks DefineAuthChallenge what follows the challenges so far.
func (s *Service) customNext(ctx context.Context, at *attempt, a *users.Account, notFound bool, history []triggers.ChallengeResult, srpA string) (*outcome, error) {
	c := at.c
	lc := c.lambdas()
	meta := metaOf(ctx).client
	attrs := c.challengeAttrs(a, notFound)
	var def triggers.DefineAuthChallengeResponse
	ev := s.event("DefineAuthChallenge_Authentication", c, a.Username,
		triggers.DefineAuthChallengeRequest{UserAttributes: attrs, Session: history, ClientMetadata: meta, UserNotFound: notFound}, triggers.Empty{})
	if err := s.triggers.Call(ctx, triggers.DefineAuthChallenge, lc.DefineAuthChallenge, ev, &def); err != nil {
		return nil, err
	}
	switch {
	case def.FailAuthentication, def.IssueTokens && notFound:
		return nil, incorrect()
	case def.IssueTokens:
		return s.issue(ctx, at, a, s.now())
	case def.ChallengeName == chPasswordVerifier:
		if srpA == "" || (a.Salt == "" && !notFound) {
			return nil, triggers.InvalidResponse()
		}
		block := secretBlock{PoolID: c.cfg.UserPoolId, ClientID: c.cfg.ClientId, Username: a.Username,
			Expires: s.now().Add(s.sessionValidity(c)), CustomFlow: true, Custom: history}
		salt, verifier := a.Salt, a.Verifier
		if notFound {
			var err error
			if salt, verifier, err = s.fakeVerifier(ctx, c.cfg.UserPoolId, a.Username); err != nil {
				return nil, err
			}
			block.Fake, block.Salt, block.Verifier = true, salt, verifier
		}
		o, err := s.srpChallenge(block, srpA, salt, verifier)
		if err != nil {
			return nil, err
		}
		o.Session = s.sealSession(c, session{Username: a.Username, Challenge: chPasswordVerifier, Custom: history, NotFound: notFound})
		return o, nil
	case def.ChallengeName == chCustom:
	default:
		return nil, triggers.InvalidResponse()
	}
	var made triggers.CreateAuthChallengeResponse
	ev = s.event("CreateAuthChallenge_Authentication", c, a.Username,
		triggers.CreateAuthChallengeRequest{UserAttributes: attrs, ChallengeName: chCustom, Session: history, ClientMetadata: meta, UserNotFound: notFound}, triggers.Empty{})
	if err := s.triggers.Call(ctx, triggers.CreateAuthChallenge, lc.CreateAuthChallenge, ev, &made); err != nil {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range made.PublicChallengeParameters {
		params[k] = v
	}
	params["USERNAME"] = a.Username
	return &outcome{ChallengeName: chCustom, Params: params, Session: s.sealSession(c, session{Username: a.Username, Challenge: chCustom,
		Custom: history, Private: made.PrivateChallengeParameters, Metadata: made.ChallengeMetadata, NotFound: notFound})}, nil
}
