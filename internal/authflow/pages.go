package authflow

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// The hosted pages' entry points. A page signs a user in with the same
// registered parts as the API: the password is USER_PASSWORD_AUTH's first
// step, and each later step is the registered challenge's Respond, with
// the Session the API would carry (the pages keep it in their sealed
// cookie). The pages have authenticated the client (they hold its
// configuration), so no SECRET_HASH is asked, and the client's
// ExplicitAuthFlows do not apply (as on Cognito's hosted UI). A sign-in
// that completes gives the page the user; the OAuth endpoints issue its
// tokens (hosted.go).

// PageClient is an app client with the settings of its pool: the loader's
// shared views, not to be changed.
type PageClient struct {
	Client *userpool.Client
	Pool   *userpool.Pool
	// TOTP is true when the pool allows software-token MFA.
	TOTP bool
}

// PageClient returns an app client and its pool's settings.
func (s *Service) PageClient(ctx context.Context, clientID string) (*PageClient, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return &PageClient{Client: c.cfg, Pool: c.pool, TOTP: c.totp}, nil
}

// Users is the user service, whose trusted entry points (SignUpTrusted,
// ForgotPasswordTrusted...) the pages call for the self-service flows.
func (s *Service) Users() *users.Service { return s.users }

// Steps of a hosted sign-in: the challenge names of the API.
const (
	StepNewPassword = chNewPassword
	StepTOTP        = chTOTP
	StepSMS         = chSMS
	StepEmail       = chEmail
	StepSelectMFA   = chSelect
	StepSetupMFA    = chSetup
)

// PageStep is where a hosted sign-in stands after a step.
type PageStep struct {
	// Username is the user's (internal) username.
	Username string
	// Next is "" when the user is signed in, else the step to show next
	// (one of the Step constants), and Session the challenge's session, to
	// answer it with.
	Next, Session string
	// RequiredAttributes (NEW_PASSWORD_REQUIRED) are the required
	// attributes the user has no value for, by name.
	RequiredAttributes []string
	// Medium and Destination (SMS_MFA, EMAIL_OTP) say where the code went,
	// masked.
	Medium, Destination string
	// Choices (SELECT_MFA_TYPE) are the factors the user may pick, as
	// step names; CanSetup (MFA_SETUP) the factors the pool offers.
	Choices, CanSetup []string
}

// PageRestart reports an error of a sign-in step after which the sign-in
// must start again from the password: the session is no longer valid, the
// user may not sign in any more (disabled, or locked after too many wrong
// codes), or the code sent can no longer be used.
func PageRestart(err error) bool {
	e, ok := awserr.As(err)
	if !ok {
		return false
	}
	switch e.Type() {
	case awserr.NotAuthorized, awserr.LimitExceeded, "ExpiredCodeException", awserr.UserNotFound:
		return true
	}
	return false
}

// pageAttempt is a step of the pages for a client: trusted (the client
// carries no secret, so no SECRET_HASH is asked).
func (s *Service) pageAttempt(ctx context.Context, clientID string, params map[string]string, session string) (*attempt, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return &attempt{c: c.asTrusted(), params: params, session: session, page: true}, nil
}

// PageSignIn checks a username and password typed on a hosted page, as
// USER_PASSWORD_AUTH does (disabled and throttled users, the
// PreAuthentication and UserMigration triggers; an unknown user is a wrong
// password), and says what comes next. A second factor sent by SMS or
// email is sent here.
func (s *Service) PageSignIn(ctx context.Context, clientID, username, password string) (*PageStep, error) {
	at, err := s.pageAttempt(ctx, clientID, map[string]string{"USERNAME": username, "PASSWORD": password}, "")
	if err != nil {
		return nil, err
	}
	o, err := s.start(ctx, at, "USER_PASSWORD_AUTH", Public)
	if awserr.Is(err, awserr.UserNotFound) {
		return nil, incorrect() // the pages never say whether a user exists
	}
	if err != nil {
		return nil, err
	}
	return pageStep(o), nil
}

// PageRespond answers the challenge a hosted sign-in is at (a Step
// constant) with the challenge's answers, as RespondToAuthChallenge does.
func (s *Service) PageRespond(ctx context.Context, clientID, challenge string, answers map[string]string, session string) (*PageStep, error) {
	at, err := s.pageAttempt(ctx, clientID, answers, session)
	if err != nil {
		return nil, err
	}
	o, err := s.respond(ctx, at, challenge)
	if awserr.Is(err, awserr.UserNotFound) {
		return nil, errInvalidSession() // deleted meanwhile: the sign-in starts again
	}
	if err != nil {
		return nil, err
	}
	return pageStep(o), nil
}

// PageAssociateTOTP starts the set-up of an authenticator app at an
// MFA_SETUP step, as AssociateSoftwareToken with the Session does: the new
// TOTP secret (base32), and the session to verify it with.
func (s *Service) PageAssociateTOTP(ctx context.Context, clientID, session string) (secret, next string, err error) {
	if err := s.pageSession(ctx, clientID, session); err != nil {
		return "", "", err
	}
	out, err := s.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenRequest{Session: session})
	if awserr.Is(err, awserr.UserNotFound) {
		return "", "", errInvalidSession()
	}
	if err != nil {
		return "", "", err
	}
	return out.SecretCode, out.Session, nil
}

// PageVerifyTOTP ends an MFA_SETUP step: a code from the new secret turns
// TOTP MFA on (VerifySoftwareToken), and MFA_SETUP is answered with the
// session that gives.
func (s *Service) PageVerifyTOTP(ctx context.Context, clientID, session, code string) (*PageStep, error) {
	if err := s.pageSession(ctx, clientID, session); err != nil {
		return nil, err
	}
	out, err := s.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenRequest{Session: session, UserCode: strings.TrimSpace(code)})
	if awserr.Is(err, awserr.UserNotFound) {
		return nil, errInvalidSession()
	}
	if err != nil {
		return nil, err
	}
	return s.PageRespond(ctx, clientID, chSetup, map[string]string{}, out.Session)
}

// pageSession checks that a session is the client's.
func (s *Service) pageSession(ctx context.Context, clientID, session string) error {
	ses, err := s.peekSession(session)
	if err != nil {
		return err
	}
	if ses.ClientID != clientID {
		return awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	return nil
}

// pageStep reads an outcome as the pages show it.
func pageStep(o *outcome) *PageStep {
	if o.signedIn != nil {
		return &PageStep{Username: o.signedIn.Username}
	}
	p := o.Params
	step := &PageStep{Username: p["USER_ID_FOR_SRP"], Next: o.ChallengeName, Session: o.Session,
		Medium: p["CODE_DELIVERY_DELIVERY_MEDIUM"], Destination: p["CODE_DELIVERY_DESTINATION"]}
	var list []string
	if v := p["requiredAttributes"]; v != "" {
		json.Unmarshal([]byte(v), &list)
		for _, r := range list {
			step.RequiredAttributes = append(step.RequiredAttributes, strings.TrimPrefix(r, "userAttributes."))
		}
	}
	if v := p["MFAS_CAN_CHOOSE"]; v != "" {
		list = nil
		json.Unmarshal([]byte(v), &list)
		for _, f := range list {
			if f == "EMAIL_MFA" {
				f = chEmail
			}
			step.Choices = append(step.Choices, f)
		}
	}
	if v := p["MFAS_CAN_SETUP"]; v != "" {
		json.Unmarshal([]byte(v), &step.CanSetup)
	}
	return step
}
