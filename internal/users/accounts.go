package users

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Account is a user as the authentication flows and the access-token
// operations see it.
type Account struct {
	PoolID     string
	Key        string
	Username   string // the internal username (USER_ID_FOR_SRP)
	Sub        string
	Status     string
	Enabled    bool
	Attributes []cip.AttributeType
	Salt       string
	Verifier   string
	// TempPasswordExpired is true for a FORCE_CHANGE_PASSWORD user whose
	// temporary password is too old.
	TempPasswordExpired bool
	LockedUntil         time.Time
	FailedSignIns       int
	SignedOutAt         time.Time
	MFA                 MFASettings
}

// MFASettings are a user's MFA choices.
type MFASettings struct {
	SMSEnabled, TOTPEnabled, EmailEnabled bool
	TOTPVerified                          bool
	Preferred                             string // SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP or ""
}

func (s *Service) account(u *user) *Account {
	a := &Account{PoolID: u.rec.PoolID, Key: u.rec.Key, Username: u.rec.Username, Sub: u.rec.Sub, Status: u.rec.Status,
		Enabled: u.rec.Enabled, Attributes: u.attributes(), Salt: u.doc.Salt, Verifier: u.doc.Verifier,
		LockedUntil: u.doc.LockedUntil, FailedSignIns: u.doc.FailedSignIns, SignedOutAt: u.doc.SignedOutAt,
		MFA: MFASettings{SMSEnabled: u.doc.SMSMfaEnabled, TOTPEnabled: u.doc.TOTPMfaEnabled, EmailEnabled: u.doc.EmailMfaEnabled,
			TOTPVerified: u.doc.TOTPVerified, Preferred: u.doc.PreferredMfaKind}}
	if u.rec.Status == StatusForceChangePassword && !u.doc.TempPasswordExp.IsZero() && s.now().After(u.doc.TempPasswordExp) {
		a.TempPasswordExpired = true
	}
	return a
}

// Account finds a user by username or alias.
func (s *Service) Account(ctx context.Context, poolID, name string) (*Account, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	u, err := s.resolve(ctx, p, name)
	if err != nil {
		return nil, err
	}
	return s.account(u), nil
}

// Attribute is the value of an account attribute.
func (a *Account) Attribute(name string) (string, bool) {
	for _, at := range a.Attributes {
		if at.Name == name {
			return at.Value, true
		}
	}
	return "", false
}

// Sign-in throttling, as Cognito's: after a few wrong passwords in a row
// the user is locked for a time that doubles with each further failure.
const (
	freeFailures = 5
	maxLockout   = 15 * time.Minute
)

// ErrPasswordAttemptsExceeded is Cognito's answer while a user is locked.
func ErrPasswordAttemptsExceeded() error {
	return awserr.New(awserr.NotAuthorized, "Password attempts exceeded")
}

// Throttled refuses a sign-in while the user is locked out.
func (s *Service) Throttled(a *Account) error {
	if s.now().Before(a.LockedUntil) {
		return ErrPasswordAttemptsExceeded()
	}
	return nil
}

// RecordSignIn counts a wrong password (locking the user after too many)
// or clears the count after a right one. The count is in the store, so
// every node sees it.
func (s *Service) RecordSignIn(ctx context.Context, poolID, key string, ok bool) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	_, err = s.save(ctx, p, key, func(u *user) error {
		if ok {
			u.doc.FailedSignIns, u.doc.LockedUntil = 0, zeroTime
			return nil
		}
		s.countFailure(u)
		return nil
	})
	return err
}

// countFailure counts a failed sign-in step (password or MFA code) and
// locks the user after too many in a row.
func (s *Service) countFailure(u *user) {
	u.doc.FailedSignIns++
	if n := u.doc.FailedSignIns - freeFailures; n >= 0 {
		lock := time.Second << min(n, 10)
		u.doc.LockedUntil = s.now().Add(min(lock, maxLockout))
	}
}

// CompleteNewPassword answers NEW_PASSWORD_REQUIRED: it sets the new
// password and the required attributes the user supplies, and confirms the
// user.
func (s *Service) CompleteNewPassword(ctx context.Context, poolID, key, password string, attrs []cip.AttributeType) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	attrs = normalizeAttrs(attrs)
	if err := p.checkAttributes(attrs, false); err != nil {
		return err
	}
	_, err = s.save(ctx, p, key, func(u *user) error {
		if u.rec.Status != StatusForceChangePassword {
			return awserr.New(awserr.NotAuthorized, "Invalid session for the user.")
		}
		for _, a := range attrs {
			u.setAttr(a.Name, a.Value)
		}
		if err := p.checkRequired(u.attributes()); err != nil {
			return err
		}
		if err := s.setPassword(p, u, password); err != nil {
			return err
		}
		u.rec.Status = StatusConfirmed
		u.doc.TempPasswordExp = zeroTime
		return nil
	})
	return err
}

// RequiredAttributes are the names of required schema attributes the
// account has no value for (NEW_PASSWORD_REQUIRED asks for them).
func (s *Service) RequiredAttributes(ctx context.Context, poolID string, a *Account) ([]string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, def := range p.Config.SchemaAttributes {
		if def.Required != nil && *def.Required && def.Name != "sub" {
			if v, ok := a.Attribute(def.Name); !ok || v == "" {
				out = append(out, "userAttributes."+def.Name)
			}
		}
	}
	return out, nil
}

// SignOutEverywhere makes every token issued to the user so far unusable.
func (s *Service) SignOutEverywhere(ctx context.Context, poolID, key string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	return s.signOut(ctx, p, key)
}

func (s *Service) signOut(ctx context.Context, p *pool, key string) error {
	_, err := s.save(ctx, p, key, func(u *user) error {
		u.doc.SignedOutAt = s.stamp()
		return nil
	})
	return err
}

// SignedOutAfter is when the user (by internal username) last signed out
// everywhere; a deleted user counts as signed out now.
func (s *Service) SignedOutAfter(ctx context.Context, poolID, username string) (time.Time, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return s.now(), nil
	}
	u, err := s.resolve(ctx, p, username)
	if awserr.Is(err, awserr.UserNotFound) {
		return s.now().Add(time.Hour), nil
	}
	if err != nil {
		return time.Time{}, err
	}
	if !u.rec.Enabled {
		return s.now().Add(time.Hour), nil
	}
	return u.doc.SignedOutAt, nil
}

// ---- operations on the caller's own account (access-token operations) ----

// Token is what a signature-checked access token says about its user.
type Token struct {
	PoolID   string
	Username string // the internal username
	// IssuedAt is when the token was issued: exactly when IssuedExact (a
	// clock.Stamp, ordered with the sign-outs), else in whole seconds.
	IssuedAt    time.Time
	IssuedExact bool
}

// Self is the holder of an access token, read once by Caller: the
// operations on the caller's own account work on it instead of reading the
// user again.
type Self struct {
	*Account
	p *pool
	u *user
}

func errTokenRevoked() error {
	return awserr.New(awserr.NotAuthorized, "Access Token has been revoked")
}

// Caller reads the user of an access token whose signature, expiry and
// revocation have been checked, and refuses the token when the user no
// longer exists, is disabled, or signed out everywhere after the token was
// issued: exactly, for a token that carries its instant (see
// signedOutBefore). The user is read from the
// store on every call, so a GlobalSignOut made on any node counts at once.
// The caller still compares the token's sub with Self.Sub: a token of a
// deleted and re-created user of the same name is not the new user's.
func (s *Service) Caller(ctx context.Context, t Token) (*Self, error) {
	p, err := s.loadPool(ctx, t.PoolID)
	if err != nil {
		return nil, errTokenRevoked()
	}
	u, err := s.resolve(ctx, p, t.Username)
	if awserr.Is(err, awserr.UserNotFound) {
		return nil, errTokenRevoked()
	}
	if err != nil {
		return nil, err
	}
	if !u.rec.Enabled {
		return nil, errTokenRevoked()
	}
	if signedOutBefore(u.doc.SignedOutAt, t) {
		return nil, errTokenRevoked()
	}
	return &Self{Account: s.account(u), p: p, u: u}, nil
}

// signedOutBefore reports whether a sign-out at out refuses the token t.
// Sign-outs and tokens are stamped with clock.Stamp, so a token issued
// before the sign-out, even within the same clock tick, has an earlier
// instant and one issued after it a later one. A token that carries its
// issue time in whole seconds only (issued before tokens carried the
// exact instant) keeps the second's rule: refused when issued in an
// earlier second.
func signedOutBefore(out time.Time, t Token) bool {
	if out.IsZero() {
		return false
	}
	if t.IssuedExact {
		return !t.IssuedAt.After(out)
	}
	return t.IssuedAt.Unix() < out.Unix()
}

// SelfGetUser is GetUser for the holder of an access token.
func (s *Service) SelfGetUser(me *Self) *cip.GetUserResponse {
	a := me.Account
	return &cip.GetUserResponse{Username: a.Username, UserAttributes: a.Attributes, PreferredMfaSetting: a.MFA.Preferred, UserMFASettingList: a.MFA.List()}
}

// SelfUpdateAttributes is UpdateUserAttributes.
func (s *Service) SelfUpdateAttributes(ctx context.Context, me *Self, attrs []cip.AttributeType) ([]cip.CodeDeliveryDetailsType, error) {
	_, details, err := s.updateAttributes(ctx, me.p, me.u.rec.Key, attrs, false)
	if err != nil {
		return nil, err
	}
	out := []cip.CodeDeliveryDetailsType{}
	for _, d := range details {
		out = append(out, *d)
	}
	return out, nil
}

// SelfDeleteAttributes is DeleteUserAttributes.
func (s *Service) SelfDeleteAttributes(ctx context.Context, me *Self, names []string) error {
	return s.deleteAttributes(ctx, me.p, me.u.rec.Key, names)
}

// SelfDelete is DeleteUser.
func (s *Service) SelfDelete(ctx context.Context, me *Self) error {
	if err := s.store.DeleteUser(ctx, me.p.ID, me.u.rec.Key); err != nil {
		return userError(err)
	}
	return nil
}

// SelfChangePassword is ChangePassword: the previous password must match.
func (s *Service) SelfChangePassword(ctx context.Context, me *Self, previous, proposed string) error {
	p, u := me.p, me.u
	if err := s.Throttled(me.Account); err != nil {
		return err
	}
	if !u.checkPassword(p.ID, previous) {
		_ = s.RecordSignIn(ctx, p.ID, u.rec.Key, false)
		return awserr.New(awserr.NotAuthorized, "Incorrect username or password.")
	}
	_, err := s.save(ctx, p, u.rec.Key, func(u *user) error { return s.setPassword(p, u, proposed) })
	return err
}

// SelfAttributeCode is GetUserAttributeVerificationCode.
func (s *Service) SelfAttributeCode(ctx context.Context, me *Self, attr string) (*cip.CodeDeliveryDetailsType, error) {
	p, u := me.p, me.u
	if attr != "email" && attr != "phone_number" {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid attribute name specified: "+attr)
	}
	medium, _, dest, ok := destination(u, []string{attr}, false)
	if !ok {
		return nil, awserr.New(awserr.InvalidParameter, "User does not have a "+attr+" to verify.")
	}
	var codeValue string
	u, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		if err := s.allowSend(u); err != nil {
			return err
		}
		codeValue = s.newCode(u, purposeVerify(attr), attr, verifyCodeValidity)
		u.doc.Codes[purposeVerify(attr)].Value = dest
		return nil
	})
	if err != nil {
		return nil, err
	}
	subject, body := p.verificationMessage(messaging.KindVerifyUserAttribute, medium, codeValue, u.rec.Username)
	if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindVerifyUserAttribute,
		Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codeValue}); err != nil {
		return nil, err
	}
	return deliveryDetails(medium, attr, dest), nil
}

// SelfVerifyAttribute is VerifyUserAttribute.
func (s *Service) SelfVerifyAttribute(ctx context.Context, me *Self, attr, code string) error {
	var codeErr error
	_, err := s.save(ctx, me.p, me.u.rec.Key, func(u *user) error {
		codeErr = nil
		sent := u.doc.Codes[purposeVerify(attr)]
		if _, _, err := s.checkCode(u, purposeVerify(attr), code); err != nil {
			codeErr = err
			return nil
		}
		if cur, _ := u.attr(attr); sent != nil && sent.Value != "" && sent.Value != cur {
			codeErr = errExpiredCode() // the code went to another value
			return nil
		}
		u.setAttr(attr+"_verified", "true")
		return nil
	})
	if err != nil {
		return err
	}
	return codeErr
}

// SelfSetSettings is SetUserSettings (the legacy MFAOptions).
func (s *Service) SelfSetSettings(ctx context.Context, me *Self, opts []cip.MFAOptionType) error {
	if err := checkMFAOptions(opts); err != nil {
		return err
	}
	return s.setMFAOptions(ctx, me.p, me.u.rec.Key, opts)
}

// SelfSignOut is GlobalSignOut: every token issued to the caller so far
// stops working.
func (s *Service) SelfSignOut(ctx context.Context, me *Self) error {
	return s.signOut(ctx, me.p, me.u.rec.Key)
}

// List is the user's enabled factors, as UserMFASettingList shows them.
func (m MFASettings) List() []string {
	var out []string
	if m.SMSEnabled {
		out = append(out, "SMS_MFA")
	}
	if m.TOTPEnabled {
		out = append(out, "SOFTWARE_TOKEN_MFA")
	}
	if m.EmailEnabled {
		out = append(out, "EMAIL_OTP")
	}
	return out
}

func (u *user) mfaList() []string {
	return MFASettings{SMSEnabled: u.doc.SMSMfaEnabled, TOTPEnabled: u.doc.TOTPMfaEnabled, EmailEnabled: u.doc.EmailMfaEnabled}.List()
}
