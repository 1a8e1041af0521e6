package authflow

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
)

// The Lambda triggers of a sign-in: PreAuthentication, PostAuthentication,
// PreTokenGeneration and UserMigration (the custom challenge triggers are
// in custom.go).

// requestMeta is what a request gives its triggers: InitiateAuth's
// ClientMetadata reaches them as validationData (PreAuthentication,
// UserMigration), RespondToAuthChallenge's as clientMetadata.
type requestMeta struct {
	validation map[string]string
	client     map[string]string
	// newPassword: the tokens follow a NEW_PASSWORD_REQUIRED answer.
	newPassword bool
}

type metaKey struct{}

func withMeta(ctx context.Context, m requestMeta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

func metaOf(ctx context.Context) requestMeta {
	m, _ := ctx.Value(metaKey{}).(requestMeta)
	return m
}

func (c *client) lambdas() userpool.LambdaConfig {
	if c.pool.LambdaConfig == nil {
		return userpool.LambdaConfig{}
	}
	return *c.pool.LambdaConfig
}

// accountAttrs are a user's attributes as a trigger's userAttributes.
func (c *client) accountAttrs(a *users.Account) triggers.Attrs {
	return triggers.UserAttributes(a.Attributes, a.Status, slices.Concat(c.pool.UsernameAttributes, c.pool.AliasAttributes))
}

func (s *Service) event(source string, c *client, username string, req, resp any) triggers.Event {
	return triggers.NewEvent(source, c.cfg.UserPoolId, c.cfg.ClientId, username, req, resp)
}

// preAuthentication runs before a password (or custom challenge) is
// checked; an error refuses the sign-in.
func (s *Service) preAuthentication(ctx context.Context, c *client, a *users.Account) error {
	req := triggers.PreAuthenticationRequest{UserAttributes: c.accountAttrs(a), ValidationData: metaOf(ctx).validation}
	return s.notify(ctx, c, a, triggers.PreAuthentication, c.lambdas().PreAuthentication, req)
}

// preAuthenticationUnknown runs PreAuthentication for an unknown user that
// the client hides (userNotFound), so that the trigger cannot tell the
// caller more than a known user's sign-in would.
func (s *Service) preAuthenticationUnknown(ctx context.Context, c *client, username string) error {
	req := triggers.PreAuthenticationRequest{UserAttributes: triggers.Attrs{}, UserNotFound: true, ValidationData: metaOf(ctx).validation}
	return s.notify(ctx, c, &users.Account{Username: username}, triggers.PreAuthentication, c.lambdas().PreAuthentication, req)
}

// notify calls a trigger whose answer is only success or failure, with the
// source <name>_Authentication.
func (s *Service) notify(ctx context.Context, c *client, a *users.Account, name, arn string, req any) error {
	if arn == "" {
		return nil
	}
	ev := s.event(name+"_Authentication", c, a.Username, req, triggers.Empty{})
	return s.triggers.Call(ctx, name, arn, ev, nil)
}

// postAuthentication runs when a sign-in has succeeded, before the tokens
// are issued; an error refuses them.
func (s *Service) postAuthentication(ctx context.Context, c *client, a *users.Account) error {
	req := triggers.PostAuthenticationRequest{UserAttributes: c.accountAttrs(a), ClientMetadata: metaOf(ctx).client}
	return s.notify(ctx, c, a, triggers.PostAuthentication, c.lambdas().PostAuthentication, req)
}

// Sources of the PreTokenGeneration trigger.
const (
	tokenHosted      = "TokenGeneration_HostedAuth"
	tokenAuth        = "TokenGeneration_Authentication"
	tokenNewPassword = "TokenGeneration_NewPasswordChallenge"
	tokenRefresh     = "TokenGeneration_RefreshTokens"
	// tokenClientCredentials: V3_0 only; the event's userName is the app
	// client id (what Cognito puts there is not documented).
	tokenClientCredentials = "TokenGeneration_ClientCredentials"
)

// preTokenGeneration lets the pool's PreTokenGeneration trigger change the
// tokens about to be issued to sub, in the event version the pool asks
// for (V1_0: the ID token; V2_0 and V3_0: both tokens and the scopes).
func (s *Service) preTokenGeneration(ctx context.Context, c *client, a *users.Account, source string, sub *tokens.Subject) error {
	lc := c.lambdas()
	arn, version := lc.PreTokenGeneration, "V1_0"
	if pc := lc.PreTokenGenerationConfig; pc != nil && pc.LambdaArn != "" {
		arn, version = pc.LambdaArn, pc.LambdaVersion
	}
	if arn == "" {
		return nil
	}
	groups := sub.Groups
	if groups == nil {
		groups = []string{}
	}
	req := triggers.PreTokenRequest{UserAttributes: c.accountAttrs(a), ClientMetadata: metaOf(ctx).client,
		GroupConfiguration: triggers.GroupConfiguration{GroupsToOverride: groups, IAMRolesToOverride: []string{}}}
	if version == "V1_0" || version == "" {
		var out triggers.PreTokenResponseV1
		ev := s.event(source, c, a.Username, req, triggers.PreTokenResponseV1{ClaimsOverrideDetails: nil})
		if err := s.triggers.Call(ctx, triggers.PreTokenGeneration, arn, ev, &out); err != nil {
			return err
		}
		d := out.ClaimsOverrideDetails
		if d == nil {
			return nil
		}
		o := &tokens.Overrides{IDClaims: d.ClaimsToAddOrOverride, IDSuppress: d.ClaimsToSuppress}
		sub.Overrides = o
		return groupOverride(o, d.GroupOverrideDetails)
	}
	scopes := sub.Scopes
	if len(scopes) == 0 {
		scopes = []string{tokens.ScopeAdmin}
	}
	req.Scopes = scopes
	var out triggers.PreTokenResponseV2
	ev := s.event(source, c, a.Username, req, triggers.PreTokenResponseV2{})
	ev.Version = "2"
	if version == "V3_0" {
		ev.Version = "3"
	}
	if err := s.triggers.Call(ctx, triggers.PreTokenGeneration, arn, ev, &out); err != nil {
		return err
	}
	d := out.ClaimsAndScopeOverrideDetails
	if d == nil {
		return nil
	}
	o := &tokens.Overrides{}
	if g := d.IDTokenGeneration; g != nil {
		o.IDClaims, o.IDSuppress = g.ClaimsToAddOrOverride, g.ClaimsToSuppress
	}
	if g := d.AccessTokenGeneration; g != nil {
		o.AccessClaims, o.AccessSuppress = g.ClaimsToAddOrOverride, g.ClaimsToSuppress
		if len(g.ScopesToAdd) > 0 || len(g.ScopesToSuppress) > 0 {
			final := slices.Clone(scopes)
			for _, sc := range g.ScopesToAdd {
				if !slices.Contains(final, sc) {
					final = append(final, sc)
				}
			}
			final = slices.DeleteFunc(final, func(sc string) bool { return slices.Contains(g.ScopesToSuppress, sc) })
			o.Scopes = &final
		}
	}
	sub.Overrides = o
	return groupOverride(o, d.GroupOverrideDetails)
}

// groupOverride reads a groupOverrideDetails: absent keeps the groups,
// null or empty removes them, else its groups and roles replace them.
func groupOverride(o *tokens.Overrides, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var g triggers.GroupConfiguration
	if string(raw) != "null" {
		if err := json.Unmarshal(raw, &g); err != nil {
			return triggers.InvalidResponse()
		}
	}
	groups := g.GroupsToOverride
	if groups == nil {
		groups = []string{}
	}
	o.Groups, o.Roles = &groups, g.IAMRolesToOverride
	if g.PreferredRole != nil {
		o.PreferredRole = *g.PreferredRole
	}
	return nil
}

// migrate asks the UserMigration trigger for a user the pool does not
// have, at a sign-in with a password; nil when it gives none.
func (s *Service) migrate(ctx context.Context, c *client, username, password string) (*users.Account, error) {
	if c.lambdas().UserMigration == "" {
		return nil, nil
	}
	m := metaOf(ctx)
	return s.users.MigrateUser(ctx, c.cfg.UserPoolId, c.cfg.ClientId, username, password, m.validation, m.client)
}
