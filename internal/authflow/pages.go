package authflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// What the hosted pages need beyond a password check: the pool's settings
// (to draw the forms), the user operations (sign-up, codes, passwords) and
// the steps of a sign-in that does not end with the password (a new
// password, a second factor). The pages keep the sign-in in progress in a
// sealed cookie; each step here checks the user again.

// PageClient is an app client with the settings of its pool.
type PageClient struct {
	Client cip.UserPoolClientType
	Pool   cip.UserPoolType
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

// Users is the user service the pages call for the public user operations
// (SignUp, ConfirmSignUp, ForgotPassword...), as the API would.
func (s *Service) Users() *users.Service { return s.users }

// Steps of a hosted sign-in, the challenge names of the API.
const (
	StepNewPassword = "NEW_PASSWORD_REQUIRED"
	StepTOTP        = chTOTP
	StepSMS         = chSMS
	StepEmail       = chEmail
	StepSelectMFA   = chSelect
	StepSetupMFA    = chSetup
)

// PageStep is where a hosted sign-in stands after a step.
type PageStep struct {
	Account *users.Account
	// Next is "" when the user is signed in, else the step to show next
	// (one of the Step constants).
	Next string
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

// PageSignIn checks a username and password typed on a hosted page, with
// the rules of a sign-in (disabled, unconfirmed, throttled users; unknown
// users look like a wrong password), and says what comes next. A second
// factor sent by SMS or email is sent here.
func (s *Service) PageSignIn(ctx context.Context, clientID, username, password string) (*PageStep, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, username)
	if awserr.Is(err, awserr.UserNotFound) {
		// A user the pool does not have yet may come from the UserMigration trigger.
		if a, err = s.migrate(ctx, c, username, password); err != nil {
			return nil, err
		} else if a == nil {
			return nil, incorrect()
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkUsable(c, a); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, c, a); err != nil {
		return nil, err
	}
	if a, err = s.verifyPassword(ctx, a, c.passwordCheck(password)); err != nil {
		return nil, err
	}
	if err := s.checkStatusAfterPassword(a); err != nil {
		return nil, err
	}
	// The count of failures is cleared when the sign-in ends (pageDone),
	// as the API's flows do, so that wrong MFA codes after a right
	// password keep counting towards the lock.
	return s.pageNext(ctx, c, a)
}

// pageNext is what follows a step: a new password for a temporary one,
// then MFA when it applies, else the user is signed in.
func (s *Service) pageNext(ctx context.Context, c *client, a *users.Account) (*PageStep, error) {
	step := &PageStep{Account: a}
	if a.Status == users.StatusForceChangePassword {
		required, err := s.users.RequiredAttributes(ctx, c.cfg.UserPoolId, a)
		if err != nil {
			return nil, err
		}
		step.Next = StepNewPassword
		for _, r := range required {
			step.RequiredAttributes = append(step.RequiredAttributes, strings.TrimPrefix(r, "userAttributes."))
		}
		return step, nil
	}
	o, err := s.mfaChallenge(ctx, c, a)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return s.pageDone(ctx, c, a)
	}
	s.fillStep(step, o)
	return step, nil
}

func (s *Service) fillStep(step *PageStep, o *outcome) {
	step.Next = o.ChallengeName
	step.Medium, step.Destination = o.Params["CODE_DELIVERY_DELIVERY_MEDIUM"], o.Params["CODE_DELIVERY_DESTINATION"]
	var list []string
	if v := o.Params["MFAS_CAN_CHOOSE"]; v != "" {
		json.Unmarshal([]byte(v), &list)
		for _, f := range list {
			if f == "EMAIL_MFA" {
				f = chEmail
			}
			step.Choices = append(step.Choices, f)
		}
	}
	if v := o.Params["MFAS_CAN_SETUP"]; v != "" {
		json.Unmarshal([]byte(v), &step.CanSetup)
	}
}

// pageDone ends a sign-in: the count of failures is cleared.
func (s *Service) pageDone(ctx context.Context, c *client, a *users.Account) (*PageStep, error) {
	if err := s.postAuthentication(ctx, c, a); err != nil {
		return nil, err
	}
	if a.FailedSignIns > 0 {
		if err := s.users.RecordSignIn(ctx, c.cfg.UserPoolId, a.Key, true); err != nil {
			return nil, err
		}
	}
	return &PageStep{Account: a}, nil
}

// pageUser loads the client and the user of a sign-in in progress, and
// checks the user may still sign in.
func (s *Service) pageUser(ctx context.Context, clientID, username string) (*client, *users.Account, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, username)
	if awserr.Is(err, awserr.UserNotFound) {
		return nil, nil, errInvalidSession()
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkUsable(c, a); err != nil {
		return nil, nil, err
	}
	return c, a, nil
}

// PageNewPassword answers NEW_PASSWORD_REQUIRED on a page: the new
// password and the required attributes the user was missing.
func (s *Service) PageNewPassword(ctx context.Context, clientID, username, password string, attrs map[string]string) (*PageStep, error) {
	c, a, err := s.pageUser(ctx, clientID, username)
	if err != nil {
		return nil, err
	}
	if a.Status != users.StatusForceChangePassword {
		return nil, awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
	}
	if password == "" {
		return nil, missing("NEW_PASSWORD")
	}
	var list []cip.AttributeType
	for k, v := range attrs {
		if v != "" {
			list = append(list, cip.AttributeType{Name: k, Value: v})
		}
	}
	slices.SortFunc(list, func(x, y cip.AttributeType) int { return strings.Compare(x.Name, y.Name) })
	if len(c.cfg.WriteAttributes) > 0 {
		for _, at := range list {
			if !slices.Contains(c.cfg.WriteAttributes, at.Name) {
				return nil, awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
	}
	if err := s.users.CompleteNewPassword(ctx, c.cfg.UserPoolId, a.Key, password, list); err != nil {
		return nil, err
	}
	a, err = s.users.Account(ctx, c.cfg.UserPoolId, a.Username)
	if err != nil {
		return nil, err
	}
	return s.pageNext(ctx, c, a)
}

// PageMFACode checks the code of a SOFTWARE_TOKEN_MFA, SMS_MFA or
// EMAIL_OTP step.
func (s *Service) PageMFACode(ctx context.Context, clientID, username, step, code string) (*PageStep, error) {
	c, a, err := s.pageUser(ctx, clientID, username)
	if err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, awserr.New(awserr.InvalidParameter, "Enter the code.")
	}
	switch step {
	case chTOTP:
		if err := s.users.CheckTOTP(ctx, c.cfg.UserPoolId, a.Key, code); err != nil {
			return nil, err
		}
	case chSMS, chEmail:
		if err := s.users.CheckMFACode(ctx, c.cfg.UserPoolId, a.Key, code); err != nil {
			return nil, err
		}
	default:
		return nil, awserr.New(awserr.InvalidParameter, "The challenge "+step+" is not supported.")
	}
	return s.pageDone(ctx, c, a)
}

// PageSelectMFA answers SELECT_MFA_TYPE: the chosen factor starts.
func (s *Service) PageSelectMFA(ctx context.Context, clientID, username, answer string) (*PageStep, error) {
	c, a, err := s.pageUser(ctx, clientID, username)
	if err != nil {
		return nil, err
	}
	if answer == "EMAIL_MFA" {
		answer = chEmail
	}
	if !slices.Contains(factors(a), answer) {
		return nil, awserr.New(awserr.InvalidParameter, "Choose one of the offered sign-in methods.")
	}
	o, err := s.startFactor(ctx, c, a, answer)
	if err != nil {
		return nil, err
	}
	step := &PageStep{Account: a}
	s.fillStep(step, o)
	return step, nil
}

// PageAssociateTOTP starts an MFA_SETUP on a page: a new TOTP secret
// (base32) for the user's authenticator app.
func (s *Service) PageAssociateTOTP(ctx context.Context, clientID, username string) (string, error) {
	c, a, err := s.pageUser(ctx, clientID, username)
	if err != nil {
		return "", err
	}
	if !c.totp {
		return "", awserr.New(awserr.InvalidParameter, "Software token MFA is not enabled for this user pool.")
	}
	return s.users.AssociateTOTP(ctx, c.cfg.UserPoolId, a.Username)
}

// PageVerifyTOTP ends an MFA_SETUP on a page: a code from the new secret
// turns TOTP MFA on, and the user is signed in.
func (s *Service) PageVerifyTOTP(ctx context.Context, clientID, username, code string) (*PageStep, error) {
	c, a, err := s.pageUser(ctx, clientID, username)
	if err != nil {
		return nil, err
	}
	if err := s.users.VerifyTOTPSetup(ctx, c.cfg.UserPoolId, a.Username, strings.TrimSpace(code), true); err != nil {
		return nil, err
	}
	return s.pageDone(ctx, c, a)
}
