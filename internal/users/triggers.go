package users

import (
	"context"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// The pool's Lambda triggers that the user operations fire.

func (p *pool) lambdas() userpool.LambdaConfig {
	if p.Config.LambdaConfig == nil {
		return userpool.LambdaConfig{}
	}
	return *p.Config.LambdaConfig
}

// triggerAttrs are a user's attributes as a trigger's userAttributes.
func (p *pool) triggerAttrs(u *user) triggers.Attrs {
	return triggers.UserAttributes(u.attributes(), u.rec.Status, slices.Concat(p.usernameAttributes(), p.aliasAttributes()))
}

func attrsOf(list []cip.AttributeType) triggers.Attrs {
	if len(list) == 0 {
		return nil
	}
	return triggers.UserAttributes(list, "", nil)
}

// preSignUp calls PreSignUp for a user about to be created.
func (s *Service) preSignUp(ctx context.Context, p *pool, source, clientID string, u *user, validation []cip.AttributeType, meta map[string]string) (*triggers.PreSignUpResponse, error) {
	out := &triggers.PreSignUpResponse{}
	arn := p.lambdas().PreSignUp
	if arn == "" {
		return out, nil
	}
	attrs := triggers.UserAttributes(u.attributes(), "", nil)
	delete(attrs, "sub") // not the user's yet
	ev := triggers.NewEvent(source, p.ID, clientID, u.rec.Username,
		triggers.PreSignUpRequest{UserAttributes: attrs, ValidationData: attrsOf(validation), ClientMetadata: meta}, out)
	err := s.triggers.Call(ctx, triggers.PreSignUp, arn, ev, out)
	return out, err
}

// postConfirmation calls PostConfirmation for a user just confirmed
// (source PostConfirmation_ConfirmSignUp or _ConfirmForgotPassword).
func (s *Service) postConfirmation(ctx context.Context, p *pool, source, clientID string, u *user, meta map[string]string) error {
	arn := p.lambdas().PostConfirmation
	if arn == "" {
		return nil
	}
	ev := triggers.NewEvent(source, p.ID, clientID, u.rec.Username,
		triggers.UserRequest{UserAttributes: p.triggerAttrs(u), ClientMetadata: meta}, triggers.Empty{})
	return s.triggers.Call(ctx, triggers.PostConfirmation, arn, ev, nil)
}

type callerKey struct{}

type caller struct {
	clientID string
	meta     map[string]string
}

// WithCaller says which app client, with which ClientMetadata, an
// operation comes through when its signature does not (operations on the
// caller's own account, MFA codes), for the triggers it fires.
func WithCaller(ctx context.Context, clientID string, meta map[string]string) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{clientID: clientID, meta: meta})
}

// codeMessage is a message with a code that the CustomMessage trigger may
// rewrite.
type codeMessage struct {
	messaging.Message
	Code     string
	ClientID string
	Meta     map[string]string
}

// sendCode delivers a message with a code, customised first by the
// CustomMessage trigger when the pool has one. A customised message that
// lacks the code placeholder is not used: the pool's own message goes.
func (s *Service) sendCode(ctx context.Context, p *pool, u *user, m codeMessage) error {
	arn := p.lambdas().CustomMessage
	if arn == "" {
		return s.send(ctx, m.Message)
	}
	if c, ok := ctx.Value(callerKey{}).(caller); ok && m.ClientID == "" {
		m.ClientID, m.Meta = c.clientID, c.meta
	}
	const codeParam = "{####}"
	req := triggers.CustomMessageRequest{UserAttributes: p.triggerAttrs(u), CodeParameter: codeParam, ClientMetadata: m.Meta}
	var userParam string
	if m.Kind == messaging.KindAdminCreateUser {
		userParam = "{username}"
		req.UsernameParameter = &userParam
	}
	var out triggers.CustomMessageResponse
	ev := triggers.NewEvent("CustomMessage_"+m.Kind, p.ID, m.ClientID, u.rec.Username, req, &out)
	if err := s.triggers.Call(ctx, triggers.CustomMessage, arn, ev, &out); err != nil {
		return err
	}
	render := func(t string) string { return messaging.Render(t, m.Code, u.rec.Username) }
	if m.Medium == messaging.MediumSMS {
		if out.SMSMessage != nil && strings.Contains(*out.SMSMessage, codeParam) {
			m.Body = render(*out.SMSMessage)
		}
	} else {
		if out.EmailMessage != nil && strings.Contains(*out.EmailMessage, codeParam) {
			m.Body = render(*out.EmailMessage)
		}
		if out.EmailSubject != nil && *out.EmailSubject != "" {
			m.Subject = render(*out.EmailSubject)
		}
	}
	return s.send(ctx, m.Message)
}
