package users

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// TOTP parameters, RFC 6238 as authenticator apps use them.
const (
	totpStep   = 30 * time.Second
	totpDigits = 1_000_000
	mfaCodeTTL = 3 * time.Minute
	purposeMFA = "mfa"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func totpAt(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%totpDigits)
}

// matchTOTP finds the step (now, or one step either side) a code belongs to.
func matchTOTP(secret []byte, code string, now time.Time) (int64, bool) {
	step := now.Unix() / int64(totpStep/time.Second)
	for _, s := range []int64{step, step - 1, step + 1} {
		if constantTimeEqual(totpAt(secret, s), code) {
			return s, true
		}
	}
	return 0, false
}

func (s *Service) sealTOTP(u *user, secret []byte) []byte {
	if s.sealer == nil {
		return secret
	}
	return s.sealer.Seal(secret, []byte("totp/"+u.rec.PoolID+"/"+u.rec.Key))
}

func (s *Service) openTOTP(u *user, sealed []byte) ([]byte, error) {
	if s.sealer == nil {
		return sealed, nil
	}
	return s.sealer.Open(sealed, []byte("totp/"+u.rec.PoolID+"/"+u.rec.Key))
}

// AssociateTOTP gives the user a new TOTP secret to set up (pending until
// VerifyTOTPSetup) and returns it in base32.
func (s *Service) AssociateTOTP(ctx context.Context, poolID, username string) (string, error) {
	p, u, err := s.poolUser(ctx, poolID, username)
	if err != nil {
		return "", err
	}
	secret := make([]byte, 20)
	if _, err := io.ReadFull(s.rand, secret); err != nil {
		return "", err
	}
	if _, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		u.doc.TOTPPending = s.sealTOTP(u, secret)
		return nil
	}); err != nil {
		return "", err
	}
	return b32.EncodeToString(secret), nil
}

// VerifyTOTPSetup checks a code from the pending secret and makes it the
// user's TOTP secret. enable also turns TOTP MFA on (MFA_SETUP does).
func (s *Service) VerifyTOTPSetup(ctx context.Context, poolID, username, code string, enable bool) error {
	p, u, err := s.poolUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	var fail error
	_, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		fail = nil
		if len(u.doc.TOTPPending) == 0 {
			return awserr.New("SoftwareTokenMFANotFoundException", "Software Token MFA has not been associated with the user.")
		}
		secret, err := s.openTOTP(u, u.doc.TOTPPending)
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, code, s.now())
		if !ok {
			fail = awserr.New("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
			return nil
		}
		u.doc.TOTPSecret, u.doc.TOTPPending, u.doc.TOTPVerified = u.doc.TOTPPending, nil, true
		u.doc.TOTPUsedSteps = []int64{step}
		if enable {
			u.doc.TOTPMfaEnabled = true
			u.doc.PreferredMfaKind = "SOFTWARE_TOKEN_MFA"
		}
		return nil
	})
	if err != nil {
		return err
	}
	return fail
}

// CheckTOTP checks a sign-in's TOTP code; a code is accepted once.
func (s *Service) CheckTOTP(ctx context.Context, poolID, key, code string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	var fail error
	_, err = s.save(ctx, p, key, func(u *user) error {
		fail = nil
		if !u.doc.TOTPVerified {
			return awserr.New("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the user.")
		}
		secret, err := s.openTOTP(u, u.doc.TOTPSecret)
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, code, s.now())
		if s.now().Before(u.doc.LockedUntil) {
			fail = ErrPasswordAttemptsExceeded()
			return nil
		}
		if ok && slices.Contains(u.doc.TOTPUsedSteps, step) {
			// The right code, used before: Cognito's answer (not a guess, so
			// not counted as one).
			fail = awserr.New(awserr.ExpiredCode, "Your software token has already been used once.")
			return nil
		}
		if !ok {
			fail = awserr.New("CodeMismatchException", "Invalid code received for user")
			s.countFailure(u)
			return nil
		}
		u.doc.FailedSignIns, u.doc.LockedUntil = 0, zeroTime
		u.doc.TOTPUsedSteps = append(u.doc.TOTPUsedSteps, step)
		if len(u.doc.TOTPUsedSteps) > 4 {
			u.doc.TOTPUsedSteps = u.doc.TOTPUsedSteps[len(u.doc.TOTPUsedSteps)-4:]
		}
		return nil
	})
	if err != nil {
		return err
	}
	return fail
}

// SendMFACode sends a sign-in code by SMS or email and returns where it went.
func (s *Service) SendMFACode(ctx context.Context, poolID, key, medium string) (*cip.CodeDeliveryDetailsType, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	attr := "phone_number"
	if medium == messaging.MediumEmail {
		attr = "email"
	}
	var codeValue string
	u, err := s.save(ctx, p, key, func(u *user) error {
		codeValue = s.newCode(u, purposeMFA, attr, mfaCodeTTL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, _, dest, ok := destination(u, []string{attr}, false)
	if !ok {
		return nil, awserr.New(awserr.InvalidParameter, "The user has no "+attr+" for MFA.")
	}
	subject, body := "", ""
	def, defBody, _ := messaging.DefaultTemplate(messaging.KindAuthentication, medium)
	tmpl := p.Config.SmsAuthenticationMessage
	if medium == messaging.MediumEmail || tmpl == "" {
		tmpl = defBody
	}
	if medium == messaging.MediumEmail {
		subject = def
		if m := p.Config.EmailMfa; m != nil {
			if m.Message != "" {
				tmpl = m.Message
			}
			if m.Subject != "" {
				subject = m.Subject
			}
		}
	}
	body = messaging.Render(tmpl, codeValue, u.rec.Username)
	if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindAuthentication,
		Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codeValue}); err != nil {
		return nil, err
	}
	return deliveryDetails(medium, attr, dest), nil
}

// CheckMFACode checks an SMS or email sign-in code.
func (s *Service) CheckMFACode(ctx context.Context, poolID, key, code string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	var fail error
	_, err = s.save(ctx, p, key, func(u *user) error {
		fail = nil
		if _, _, err := s.checkCode(u, purposeMFA, code); err != nil {
			fail = err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return fail
}

// SetMFAPreference applies SetUserMFAPreference / AdminSetUserMFAPreference.
func (s *Service) SetMFAPreference(ctx context.Context, poolID, username string, sms *cip.SMSMfaSettingsType, totp *cip.SoftwareTokenMfaSettingsType, email *cip.EmailMfaSettingsType) error {
	p, u, err := s.poolUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	return s.setMFAPreference(ctx, p, u.rec.Key, sms, totp, email)
}

// SelfSetMFAPreference is SetUserMFAPreference: SetMFAPreference for the
// holder of an access token.
func (s *Service) SelfSetMFAPreference(ctx context.Context, me *Self, sms *cip.SMSMfaSettingsType, totp *cip.SoftwareTokenMfaSettingsType, email *cip.EmailMfaSettingsType) error {
	return s.setMFAPreference(ctx, me.p, me.u.rec.Key, sms, totp, email)
}

func (s *Service) setMFAPreference(ctx context.Context, p *pool, key string, sms *cip.SMSMfaSettingsType, totp *cip.SoftwareTokenMfaSettingsType, email *cip.EmailMfaSettingsType) error {
	_, err := s.save(ctx, p, key, func(u *user) error {
		if totp != nil {
			enabled := totp.Enabled != nil && *totp.Enabled
			if enabled && !u.doc.TOTPVerified {
				return awserr.New(awserr.InvalidParameter, "User has not verified software token mfa")
			}
			u.doc.TOTPMfaEnabled = enabled
			if totp.PreferredMfa != nil && *totp.PreferredMfa && enabled {
				u.doc.PreferredMfaKind = "SOFTWARE_TOKEN_MFA"
			} else if u.doc.PreferredMfaKind == "SOFTWARE_TOKEN_MFA" && (!enabled || (totp.PreferredMfa != nil && !*totp.PreferredMfa)) {
				u.doc.PreferredMfaKind = ""
			}
		}
		if sms != nil {
			enabled := sms.Enabled != nil && *sms.Enabled
			if _, has := u.attr("phone_number"); enabled && !has {
				return awserr.New(awserr.InvalidParameter, "User does not have a phone number for SMS MFA.")
			}
			u.doc.SMSMfaEnabled = enabled
			if sms.PreferredMfa != nil && *sms.PreferredMfa && enabled {
				u.doc.PreferredMfaKind = "SMS_MFA"
			} else if u.doc.PreferredMfaKind == "SMS_MFA" && (!enabled || (sms.PreferredMfa != nil && !*sms.PreferredMfa)) {
				u.doc.PreferredMfaKind = ""
			}
		}
		if email != nil {
			enabled := email.Enabled != nil && *email.Enabled
			u.doc.EmailMfaEnabled = enabled
			if email.PreferredMfa != nil && *email.PreferredMfa && enabled {
				u.doc.PreferredMfaKind = "EMAIL_OTP"
			} else if u.doc.PreferredMfaKind == "EMAIL_OTP" && !enabled {
				u.doc.PreferredMfaKind = ""
			}
		}
		return nil
	})
	return err
}
