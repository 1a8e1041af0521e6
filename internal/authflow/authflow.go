package authflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Options configure the service.
type Options struct {
	// Store keeps the key of the made-up SRP verifiers of unknown users.
	Store  store.Values
	Users  *users.Service
	Tokens *tokens.Service
	Sealer *secrets.Sealer
	// Clock tells the time of sessions and SRP timestamps (the system
	// clock when nil).
	Clock clock.Clock
	Rand  io.Reader
	// Triggers calls the pool's Lambda triggers.
	Triggers *triggers.Service
}

// Service implements the authentication operations.
type Service struct {
	st       store.Values
	users    *users.Service
	tokens   *tokens.Service
	sealer   *secrets.Sealer
	clock    clock.Clock
	rand     io.Reader
	triggers *triggers.Service
	parts    registry
	fakeKey  atomic.Pointer[[]byte] // fakeUserKey, once read
}

// New builds the service.
func New(o Options) *Service {
	s := &Service{st: o.Store, users: o.Users, tokens: o.Tokens, sealer: o.Sealer, clock: clock.Or(o.Clock), rand: o.Rand, triggers: o.Triggers}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.register()
	return s
}

func (s *Service) now() time.Time { return s.clock.Now() }

// client is the app client of a request, with its pool: the loader's
// views (package userpool), shared with every other request, so never
// changed.
type client struct {
	cfg  *userpool.Client
	pool *userpool.Pool
	totp bool // the pool allows software-token MFA
	// trusted is a client its caller has authenticated already (the hosted
	// pages, the token endpoint): no SECRET_HASH is asked of it.
	trusted bool
}

func (s *Service) loadClient(ctx context.Context, clientID string) (*client, error) {
	c, p, err := s.users.AppClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return &client{cfg: c, pool: p, totp: p.TOTPEnabled()}, nil
}

// asTrusted is the client for a caller that has authenticated it.
func (c *client) asTrusted() *client {
	t := *c
	t.trusted = true
	return &t
}

// needsSecret reports whether a request must prove it knows one of the
// client's secrets (it has some, and the client is not trusted); the
// client's SecretMatches and SecretHashMatches check every active secret.
func (c *client) needsSecret() bool { return !c.trusted && c.cfg.HasSecret() }

func (c *client) preventExistence() bool { return c.cfg.PreventUserExistenceErrors == "ENABLED" }

func (c *client) checkSecretHash(got string, names ...string) error {
	if !c.needsSecret() {
		return nil
	}
	if got == "" {
		return awserr.Newf(awserr.NotAuthorized, "Client %s is configured for secret but secret was not received", c.cfg.ClientId)
	}
	for _, n := range names {
		if n != "" && c.cfg.SecretHashMatches(n, got) {
			return nil
		}
	}
	return awserr.Newf(awserr.NotAuthorized, "Unable to verify secret hash for client %s", c.cfg.ClientId)
}

func incorrect() error { return awserr.New(awserr.NotAuthorized, "Incorrect username or password.") }

func missing(p string) error {
	return awserr.New(awserr.InvalidParameter, "Missing required parameter "+p)
}

// findUser resolves the user a flow names, hiding whether it exists when
// the client asks for it.
func (s *Service) findUser(ctx context.Context, c *client, username string) (*users.Account, error) {
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, username)
	if awserr.Is(err, awserr.UserNotFound) {
		if c.preventExistence() {
			return nil, incorrect()
		}
		return nil, awserr.New(awserr.UserNotFound, "User does not exist.")
	}
	return a, err
}

// verifyPassword runs a proof of the user's password (check) through the
// users service, which takes one attempt at a time per user and counts the
// wrong ones. It returns the account as read for the check.
func (s *Service) verifyPassword(ctx context.Context, a *users.Account, check func(*users.Account) bool) (*users.Account, error) {
	fresh, ok, err := s.users.VerifyPassword(ctx, a, check)
	switch {
	case awserr.Is(err, awserr.UserNotFound):
		return nil, incorrect() // deleted meanwhile
	case err != nil:
		return nil, err
	case !ok:
		return nil, incorrect()
	}
	return fresh, nil
}

// passwordCheck is the check of a plain password against an account.
func (c *client) passwordCheck(password string) func(*users.Account) bool {
	return func(a *users.Account) bool {
		return srp.CheckPassword(srp.PoolName(c.cfg.UserPoolId), a.Username, password, a.Salt, a.Verifier)
	}
}

// checkUsable refuses users that may not sign in.
func (s *Service) checkUsable(c *client, a *users.Account) error {
	if !a.Enabled {
		return awserr.New(awserr.NotAuthorized, "User is disabled.")
	}
	return s.users.Throttled(a)
}

func (s *Service) checkStatusAfterPassword(a *users.Account) error {
	switch a.Status {
	case users.StatusUnconfirmed:
		return awserr.New(awserr.UserNotConfirmed, "User is not confirmed.")
	case users.StatusResetRequired:
		return awserr.New("PasswordResetRequiredException", "Password reset required for the user")
	}
	if a.TempPasswordExpired {
		return awserr.New(awserr.NotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	return nil
}

// ---- sessions ----

// session is what a challenge Session carries, sealed.
type session struct {
	PoolID    string    `json:"p"`
	ClientID  string    `json:"c"`
	Username  string    `json:"u"`
	Challenge string    `json:"ch"`
	Expires   time.Time `json:"e"`
	AuthTime  time.Time `json:"a"`
	Nonce     string    `json:"n"`
	// A custom authentication: the challenges so far, and the current
	// challenge's private parameters and metadata (CreateAuthChallenge's).
	Custom   []triggers.ChallengeResult `json:"cu,omitempty"`
	Private  triggers.Attrs             `json:"pp,omitempty"`
	Metadata string                     `json:"cm,omitempty"`
	NotFound bool                       `json:"nf,omitempty"` // an unknown user, hidden from the client
}

const sessionAAD = "gognito auth session v1"

func (s *Service) sessionValidity(c *client) time.Duration {
	m := int32(3)
	if c.cfg.AuthSessionValidity != nil {
		m = *c.cfg.AuthSessionValidity
	}
	return time.Duration(m) * time.Minute
}

func (s *Service) newSession(c *client, a *users.Account, challenge string) string {
	return s.sealSession(c, session{Username: a.Username, Challenge: challenge})
}

// sealSession completes a session (pool, client, expiry, nonce) and seals it.
func (s *Service) sealSession(c *client, ses session) string {
	var nonce [8]byte
	io.ReadFull(s.rand, nonce[:])
	ses.PoolID, ses.ClientID = c.cfg.UserPoolId, c.cfg.ClientId
	ses.Expires, ses.Nonce = s.now().Add(s.sessionValidity(c)), base64.RawURLEncoding.EncodeToString(nonce[:])
	b, _ := json.Marshal(ses)
	return base64.RawURLEncoding.EncodeToString(s.sealer.Seal(b, []byte(sessionAAD)))
}

func errInvalidSession() error {
	return awserr.New(awserr.NotAuthorized, "Invalid session for the user, session is expired.")
}

// peekSession opens a session without checking its client or challenge.
func (s *Service) peekSession(raw string) (*session, error) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	plain, err := s.sealer.Open(b, []byte(sessionAAD))
	if err != nil {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	var ses session
	if err := json.Unmarshal(plain, &ses); err != nil {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	return &ses, nil
}

func (s *Service) openSession(c *client, raw, challenge string) (*session, error) {
	ses, err := s.peekSession(raw)
	if err != nil {
		return nil, err
	}
	if ses.ClientID != c.cfg.ClientId || ses.Challenge != challenge {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	if s.now().After(ses.Expires) {
		return nil, errInvalidSession()
	}
	return ses, nil
}

// ---- results ----

// complete is what follows a verified password: a new password when the
// user has a temporary one, MFA when it applies, else tokens.
func (s *Service) complete(ctx context.Context, at *attempt, a *users.Account) (*outcome, error) {
	c := at.c
	if a.Status == users.StatusForceChangePassword {
		attrs := map[string]string{}
		for _, at := range a.Attributes {
			if at.Name != "sub" {
				attrs[at.Name] = at.Value
			}
		}
		required, err := s.users.RequiredAttributes(ctx, c.cfg.UserPoolId, a)
		if err != nil {
			return nil, err
		}
		if required == nil {
			required = []string{}
		}
		ua, _ := json.Marshal(attrs)
		ra, _ := json.Marshal(required)
		return &outcome{ChallengeName: chNewPassword, Session: s.newSession(c, a, chNewPassword),
			Params: map[string]string{"USER_ID_FOR_SRP": a.Username, "requiredAttributes": string(ra), "userAttributes": string(ua)}}, nil
	}
	if o, err := s.mfaChallenge(ctx, c, a); o != nil || err != nil {
		return o, err
	}
	return s.issue(ctx, at, a, time.Time{})
}

// issue signs the tokens of a completed authentication (the hosted pages
// get the user instead: their OAuth endpoints issue the tokens).
func (s *Service) issue(ctx context.Context, at *attempt, a *users.Account, authTime time.Time) (*outcome, error) {
	c := at.c
	if a.FailedSignIns > 0 { // only a sign-in after failures writes: clearing the count
		if err := s.users.RecordSignIn(ctx, c.cfg.UserPoolId, a.Key, true); err != nil {
			return nil, err
		}
	}
	if err := s.postAuthentication(ctx, c, a); err != nil {
		return nil, err
	}
	if at.page {
		return &outcome{signedIn: a}, nil
	}
	sub, err := s.subject(ctx, c, a)
	if err != nil {
		return nil, err
	}
	sub.AuthTime = authTime
	source := tokenAuth
	if metaOf(ctx).newPassword {
		source = tokenNewPassword
	}
	if err := s.preTokenGeneration(ctx, c, a, source, &sub); err != nil {
		return nil, err
	}
	access, id, refresh := c.cfg.TokenValidity()
	t, err := s.tokens.Issue(ctx, sub, tokens.Validity{Access: access, ID: id, Refresh: refresh}, true)
	if err != nil {
		return nil, err
	}
	return &outcome{Result: &cip.AuthenticationResultType{AccessToken: t.AccessToken, IdToken: t.IDToken, RefreshToken: t.RefreshToken,
		ExpiresIn: &t.ExpiresIn, TokenType: "Bearer"}}, nil
}

// mayRead tells whether the client may read an attribute: those of its
// ReadAttributes (all when it lists none), never a developer-only one.
// The ID token, userInfo and GetUser show only these (and sub).
func (c *client) mayRead(name string) bool {
	if strings.HasPrefix(name, "dev:") {
		return false
	}
	return len(c.cfg.ReadAttributes) == 0 || slices.Contains(c.cfg.ReadAttributes, name)
}

// subject is what the tokens say about the user, limited to what the
// client may read.
func (s *Service) subject(ctx context.Context, c *client, a *users.Account) (tokens.Subject, error) {
	groups, err := s.users.GroupNames(ctx, c.cfg.UserPoolId, a.Key)
	if err != nil {
		return tokens.Subject{}, err
	}
	attrs := map[string]string{}
	for _, at := range a.Attributes {
		if c.mayRead(at.Name) {
			attrs[at.Name] = at.Value
		}
	}
	return tokens.Subject{PoolID: c.cfg.UserPoolId, ClientID: c.cfg.ClientId, Username: a.Username, Sub: a.Sub, Groups: groups, Attributes: attrs}, nil
}

// beforeCredentials checks what a sign-in checks of a known user before its
// password or challenge answers: the SECRET_HASH, that the user may sign
// in and is confirmed (refused before the password, as Cognito does), and
// the PreAuthentication trigger. The hosted pages refuse an unconfirmed
// user after its password instead (to send it a new code).
func (s *Service) beforeCredentials(ctx context.Context, at *attempt, a *users.Account, secretHash, username string) error {
	c := at.c
	if err := c.checkSecretHash(secretHash, username, a.Username); err != nil {
		return err
	}
	if err := s.checkUsable(c, a); err != nil {
		return err
	}
	if a.Status == users.StatusUnconfirmed && !at.page {
		return awserr.New(awserr.UserNotConfirmed, "User is not confirmed.")
	}
	return s.preAuthentication(ctx, c, a)
}

// ---- operations ----

// InitiateAuth starts a sign-in through an app client.
func (s *Service) InitiateAuth(ctx context.Context, in *cip.InitiateAuthRequest) (*cip.InitiateAuthResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withMeta(ctx, requestMeta{validation: in.ClientMetadata})
	o, err := s.start(ctx, &attempt{c: c, params: in.AuthParameters}, in.AuthFlow, Public)
	if err != nil {
		return nil, err
	}
	return &cip.InitiateAuthResponse{AuthenticationResult: o.Result, ChallengeName: o.ChallengeName, ChallengeParameters: o.params(), Session: o.Session}, nil
}

// AdminInitiateAuth starts a sign-in on a server (IAM-authorized).
func (s *Service) AdminInitiateAuth(ctx context.Context, in *cip.AdminInitiateAuthRequest) (*cip.AdminInitiateAuthResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.cfg.UserPoolId != in.UserPoolId {
		return nil, awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", in.ClientId)
	}
	ctx = withMeta(ctx, requestMeta{validation: in.ClientMetadata})
	o, err := s.start(ctx, &attempt{c: c, params: in.AuthParameters}, in.AuthFlow, Admin)
	if err != nil {
		return nil, err
	}
	return &cip.AdminInitiateAuthResponse{AuthenticationResult: o.Result, ChallengeName: o.ChallengeName, ChallengeParameters: o.params(), Session: o.Session}, nil
}

// RespondToAuthChallenge answers a challenge through an app client.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *cip.RespondToAuthChallengeRequest) (*cip.RespondToAuthChallengeResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withMeta(ctx, requestMeta{client: in.ClientMetadata})
	o, err := s.respond(ctx, &attempt{c: c, params: in.ChallengeResponses, session: in.Session}, in.ChallengeName)
	if err != nil {
		return nil, err
	}
	return &cip.RespondToAuthChallengeResponse{AuthenticationResult: o.Result, ChallengeName: o.ChallengeName, ChallengeParameters: o.params(), Session: o.Session}, nil
}

// AdminRespondToAuthChallenge answers a challenge on a server.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *cip.AdminRespondToAuthChallengeRequest) (*cip.AdminRespondToAuthChallengeResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.cfg.UserPoolId != in.UserPoolId {
		return nil, awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", in.ClientId)
	}
	ctx = withMeta(ctx, requestMeta{client: in.ClientMetadata})
	o, err := s.respond(ctx, &attempt{c: c, params: in.ChallengeResponses, session: in.Session}, in.ChallengeName)
	if err != nil {
		return nil, err
	}
	return &cip.AdminRespondToAuthChallengeResponse{AuthenticationResult: o.Result, ChallengeName: o.ChallengeName, ChallengeParameters: o.params(), Session: o.Session}, nil
}

func decodeSegment(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}
