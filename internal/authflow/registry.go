package authflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Flows and challenges are registered parts: each authentication flow
// (InitiateAuth's AuthFlow) and each challenge (RespondToAuthChallenge's
// ChallengeName) is one value, in a file of its own, that the service
// registers when it is built. The API operations and the hosted pages both
// reach them through the registry; doc.go says how to add one.

// Flow is an authentication flow, named by an AuthFlow value. Only this
// package implements it.
type Flow interface {
	// Name is the AuthFlow value.
	Name() string
	// Operations are the operations that offer the flow.
	Operations() Operations
	// Enabled reports whether the app client's ExplicitAuthFlows allow it.
	Enabled(c *client) bool
	// Start runs the flow's first step: tokens, or a challenge.
	Start(ctx context.Context, at *attempt) (*outcome, error)
}

// Challenge answers one challenge, named by its ChallengeName. Only this
// package implements it.
type Challenge interface {
	// Name is the ChallengeName.
	Name() string
	// Respond checks the answers (at.params) to the challenge that the
	// session (at.session) is at, and says what follows.
	Respond(ctx context.Context, at *attempt) (*outcome, error)
}

// Operations are the operations that offer a flow.
type Operations uint8

const (
	// Public is InitiateAuth, called by an app.
	Public Operations = 1 << iota
	// Admin is AdminInitiateAuth, called by a server with IAM credentials.
	Admin
)

// registry holds the registered parts by name.
type registry struct {
	flows      map[string]Flow
	challenges map[string]Challenge
}

func (r *registry) flow(f Flow) {
	if _, dup := r.flows[f.Name()]; dup {
		panic("authflow: flow " + f.Name() + " registered twice")
	}
	r.flows[f.Name()] = f
}

func (r *registry) challenge(c Challenge) {
	if _, dup := r.challenges[c.Name()]; dup {
		panic("authflow: challenge " + c.Name() + " registered twice")
	}
	r.challenges[c.Name()] = c
}

// register builds the registry: one line per part.
func (s *Service) register() {
	s.parts = registry{flows: map[string]Flow{}, challenges: map[string]Challenge{}}
	r := &s.parts
	r.flow(userPasswordFlow{s})
	r.flow(adminPasswordFlow{s, "ADMIN_USER_PASSWORD_AUTH"})
	r.flow(adminPasswordFlow{s, "ADMIN_NO_SRP_AUTH"}) // the legacy name
	r.flow(userSRPFlow{s})
	r.flow(refreshFlow{s, "REFRESH_TOKEN_AUTH"})
	r.flow(refreshFlow{s, "REFRESH_TOKEN"}) // the legacy name
	r.flow(customFlow{s})
	r.flow(userAuthFlow{})

	r.challenge(passwordVerifierChallenge{s})
	r.challenge(newPasswordChallenge{s})
	r.challenge(smsMFAChallenge{s})
	r.challenge(emailOTPChallenge{s})
	r.challenge(softwareTokenMFAChallenge{s})
	r.challenge(selectMFAChallenge{s})
	r.challenge(mfaSetupChallenge{s})
	r.challenge(customChallenge{s})
}

// Flows lists the names of the registered flows (for docs and tests).
func (s *Service) Flows() []string { return keys(s.parts.flows) }

// Challenges lists the names of the registered challenges.
func (s *Service) Challenges() []string { return keys(s.parts.challenges) }

// attempt is one step of a sign-in, as a part sees it.
type attempt struct {
	c *client
	// params are the step's AuthParameters (a flow) or ChallengeResponses
	// (a challenge).
	params map[string]string
	// session is the Session a challenge answers.
	session string
	// page: the step comes from the hosted pages (see pages.go). They have
	// authenticated the client already, so their client carries no secret
	// and no SECRET_HASH is asked; they refuse an unconfirmed user after
	// the password (to send it a new code); and a completed sign-in gives
	// them the user (outcome.signedIn), whose tokens the OAuth endpoints
	// issue.
	page bool
}

// outcome is the answer of an authentication step: tokens, or a challenge
// (or, for the hosted pages, the user signed in).
type outcome struct {
	Result        *cip.AuthenticationResultType
	ChallengeName string
	Params        map[string]string
	Session       string
	signedIn      *users.Account
}

func (o *outcome) params() map[string]string {
	if o.Result != nil {
		return map[string]string{}
	}
	return o.Params
}

// start runs a flow's first step for an operation.
func (s *Service) start(ctx context.Context, at *attempt, name string, op Operations) (*outcome, error) {
	f, ok := s.parts.flows[name]
	if ok && f.Operations()&op == 0 {
		return nil, awserr.New(awserr.InvalidParameter, "Initiate Auth method not supported.")
	}
	if !ok || !at.page && !f.Enabled(at.c) {
		if name == "USER_PASSWORD_AUTH" {
			return nil, awserr.New(awserr.InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return nil, awserr.New(awserr.InvalidParameter, "Auth flow not enabled for this client")
	}
	return f.Start(ctx, at)
}

// respond answers a challenge.
func (s *Service) respond(ctx context.Context, at *attempt, name string) (*outcome, error) {
	ch, ok := s.parts.challenges[name]
	if !ok {
		return nil, awserr.New(awserr.InvalidParameter, fmt.Sprintf("The challenge %s is not supported.", name))
	}
	return ch.Respond(ctx, at)
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// allows reports whether the client's ExplicitAuthFlows name one of names,
// or, with legacyToo, whether they are the old kind (without ALLOW_), which
// always allowed the flow.
func (c *client) allows(legacyToo bool, names ...string) bool {
	flows := c.cfg.ExplicitAuthFlows
	if legacyToo && len(flows) > 0 && !strings.HasPrefix(flows[0], "ALLOW_") {
		return true
	}
	for _, n := range names {
		if slices.Contains(flows, n) {
			return true
		}
	}
	return false
}
