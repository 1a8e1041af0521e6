package authflow

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Challenge names of the MFA steps.
const (
	chTOTP      = "SOFTWARE_TOKEN_MFA"
	chSMS       = "SMS_MFA"
	chEmail     = "EMAIL_OTP"
	chSelect    = "SELECT_MFA_TYPE"
	chSetup     = "MFA_SETUP"
	chSetupDone = "MFA_SETUP_VERIFIED" // session after VerifySoftwareToken
	mfaOff      = "OFF"
	mfaRequired = "ON"
)

// factors lists the second factors a user has turned on.
func factors(a *users.Account) []string {
	var out []string
	if a.MFA.TOTPEnabled && a.MFA.TOTPVerified {
		out = append(out, chTOTP)
	}
	if _, has := a.Attribute("phone_number"); a.MFA.SMSEnabled && has {
		out = append(out, chSMS)
	}
	if _, has := a.Attribute("email"); a.MFA.EmailEnabled && has {
		out = append(out, chEmail)
	}
	return out
}

func jsonList(v []string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mfaChallenge decides whether a sign-in needs a second factor, as the
// pool's MfaConfiguration and the user's settings say, and starts it. nil,
// nil means none is needed.
func (s *Service) mfaChallenge(ctx context.Context, c *client, a *users.Account) (*outcome, error) {
	mode := c.pool.MfaConfiguration
	if mode == "" || mode == mfaOff {
		return nil, nil
	}
	fs := factors(a)
	switch {
	case len(fs) == 0 && mode == mfaRequired:
		// Only what can be set up here: a software token.
		var can []string
		if c.totp {
			can = append(can, chTOTP)
		}
		if len(can) == 0 {
			return nil, awserr.New(awserr.InvalidUserPoolConfiguration, "MFA is required but no MFA method can be set up for the user.")
		}
		return &outcome{ChallengeName: chSetup, Session: s.newSession(c, a, chSetup),
			Params: map[string]string{"MFAS_CAN_SETUP": jsonList(can), "USER_ID_FOR_SRP": a.Username}}, nil
	case len(fs) == 0:
		return nil, nil
	case len(fs) > 1 && !slices.Contains(fs, a.MFA.Preferred):
		choose := make([]string, 0, len(fs))
		for _, f := range fs {
			if f == chEmail {
				f = "EMAIL_MFA"
			}
			choose = append(choose, f)
		}
		return &outcome{ChallengeName: chSelect, Session: s.newSession(c, a, chSelect),
			Params: map[string]string{"MFAS_CAN_CHOOSE": jsonList(choose), "USER_ID_FOR_SRP": a.Username}}, nil
	}
	f := fs[0]
	if slices.Contains(fs, a.MFA.Preferred) {
		f = a.MFA.Preferred
	}
	return s.startFactor(ctx, c, a, f)
}

func (s *Service) startFactor(ctx context.Context, c *client, a *users.Account, f string) (*outcome, error) {
	switch f {
	case chTOTP:
		return &outcome{ChallengeName: chTOTP, Session: s.newSession(c, a, chTOTP), Params: map[string]string{"USER_ID_FOR_SRP": a.Username}}, nil
	case chSMS, chEmail:
		medium := messaging.MediumSMS
		if f == chEmail {
			medium = messaging.MediumEmail
		}
		d, err := s.users.SendMFACode(users.WithCaller(ctx, c.cfg.ClientId, metaOf(ctx).client), c.cfg.UserPoolId, a.Key, medium)
		if err != nil {
			return nil, err
		}
		return &outcome{ChallengeName: f, Session: s.newSession(c, a, f), Params: map[string]string{
			"CODE_DELIVERY_DELIVERY_MEDIUM": d.DeliveryMedium, "CODE_DELIVERY_DESTINATION": d.Destination, "USER_ID_FOR_SRP": a.Username}}, nil
	}
	return nil, awserr.New(awserr.InvalidParameter, "Unsupported MFA type "+f)
}

// mfaUser opens the session of an MFA challenge (sessionChallenge, the
// challenge it was sealed for) and loads its user, checking the
// SECRET_HASH and that the user may still sign in.
func (s *Service) mfaUser(ctx context.Context, at *attempt, sessionChallenge string) (*users.Account, error) {
	c, resp := at.c, at.params
	ses, err := s.openSession(c, at.session, sessionChallenge)
	if err != nil {
		return nil, err
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
	return a, nil
}

// codeMFA answers SMS_MFA or EMAIL_OTP: the code sent (its answer is param).
func (s *Service) codeMFA(ctx context.Context, at *attempt, name, param string) (*outcome, error) {
	a, err := s.mfaUser(ctx, at, name)
	if err != nil {
		return nil, err
	}
	if at.params[param] == "" {
		return nil, missing(param)
	}
	if err := s.users.CheckMFACode(ctx, at.c.cfg.UserPoolId, a.Key, at.params[param]); err != nil {
		return nil, err
	}
	return s.issue(ctx, at, a, time.Time{})
}

// userOf finds the user of an AccessToken or of an MFA_SETUP Session.
func (s *Service) userOf(ctx context.Context, accessToken, rawSession string) (poolID, username string, c *client, err error) {
	if accessToken != "" {
		claims, _, err := s.caller(ctx, accessToken)
		if err != nil {
			return "", "", nil, err
		}
		return claims.PoolID, claims.Username, nil, nil
	}
	if rawSession == "" {
		return "", "", nil, awserr.New(awserr.InvalidParameter, "Either AccessToken or Session is required.")
	}
	ses, err := s.peekSession(rawSession)
	if err != nil {
		return "", "", nil, err
	}
	c, err = s.loadClient(ctx, ses.ClientID)
	if err != nil {
		return "", "", nil, err
	}
	if _, err := s.openSession(c, rawSession, chSetup); err != nil {
		return "", "", nil, err
	}
	return ses.PoolID, ses.Username, c, nil
}

// AssociateSoftwareToken gives the user a TOTP secret to add to an
// authenticator app.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *cip.AssociateSoftwareTokenRequest) (*cip.AssociateSoftwareTokenResponse, error) {
	poolID, username, c, err := s.userOf(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	secret, err := s.users.AssociateTOTP(ctx, poolID, username)
	if err != nil {
		return nil, err
	}
	out := &cip.AssociateSoftwareTokenResponse{SecretCode: secret}
	if c != nil {
		a, err := s.users.Account(ctx, poolID, username)
		if err != nil {
			return nil, err
		}
		out.Session = s.newSession(c, a, chSetup)
	}
	return out, nil
}

// VerifySoftwareToken checks a code from the new TOTP secret.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *cip.VerifySoftwareTokenRequest) (*cip.VerifySoftwareTokenResponse, error) {
	poolID, username, c, err := s.userOf(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if err := s.users.VerifyTOTPSetup(ctx, poolID, username, in.UserCode, c != nil); err != nil {
		return nil, err
	}
	out := &cip.VerifySoftwareTokenResponse{Status: "SUCCESS"}
	if c != nil {
		a, err := s.users.Account(ctx, poolID, username)
		if err != nil {
			return nil, err
		}
		out.Session = s.newSession(c, a, chSetupDone)
	}
	return out, nil
}

// SetUserMFAPreference sets the caller's MFA factors.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *cip.SetUserMFAPreferenceRequest) (*cip.SetUserMFAPreferenceResponse, error) {
	_, me, err := s.caller(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.users.SelfSetMFAPreference(ctx, me, in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings); err != nil {
		return nil, err
	}
	return &cip.SetUserMFAPreferenceResponse{}, nil
}

// AdminSetUserMFAPreference sets a user's MFA factors.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *cip.AdminSetUserMFAPreferenceRequest) (*cip.AdminSetUserMFAPreferenceResponse, error) {
	if err := s.users.SetMFAPreference(ctx, in.UserPoolId, in.Username, in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings); err != nil {
		return nil, err
	}
	return &cip.AdminSetUserMFAPreferenceResponse{}, nil
}
