package users

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

var zeroTime time.Time

// checkSecretHash enforces SECRET_HASH for clients that have a secret.
func (c *client) checkSecretHash(username, got string) error {
	if !c.Config.HasSecret() {
		return nil
	}
	if got == "" {
		return awserr.Newf(awserr.NotAuthorized, "Client %s is configured for secret but secret was not received", c.Config.ClientId)
	}
	if !c.Config.SecretHashMatches(username, got) {
		return awserr.Newf(awserr.NotAuthorized, "Unable to verify secret hash for client %s", c.Config.ClientId)
	}
	return nil
}

// errHiddenUser is clientUser's answer for an unknown user when the client
// prevents user existence errors: each operation then answers as if the
// user existed.
var errHiddenUser = errors.New("users: unknown user, hidden")

// clientUser checks the SECRET_HASH of a public operation, then resolves
// the user it names through its app client. An unknown user is Cognito's
// UserNotFoundException, or errHiddenUser when the client hides it.
func (s *Service) clientUser(ctx context.Context, clientID, username, secretHash string) (*client, *user, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, nil, err
	}
	// The SECRET_HASH is checked against the username of the request before
	// any look-up, so that its answer does not tell who exists.
	if err := c.checkCaller(ctx, username, secretHash); err != nil {
		return nil, nil, err
	}
	u, err := s.resolve(ctx, c.pool, username)
	if awserr.Is(err, awserr.UserNotFound) {
		if c.preventExistenceErrors() {
			return c, nil, errHiddenUser
		}
		return nil, nil, awserr.New(awserr.UserNotFound, "Username/client id combination not found.")
	}
	if err != nil {
		return nil, nil, err
	}
	return c, u, nil
}

// SignUp registers a user through an app client: UNCONFIRMED, with a
// confirmation code sent to the attribute the pool auto-verifies.
func (s *Service) SignUp(ctx context.Context, in *cip.SignUpRequest) (*cip.SignUpResponse, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := c.checkCaller(ctx, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	p := c.pool
	if acu := p.Config.AdminCreateUserConfig; acu != nil && acu.AllowAdminCreateUserOnly != nil && *acu.AllowAdminCreateUserOnly {
		return nil, awserr.New(awserr.NotAuthorized, "SignUp is not permitted for this user pool")
	}
	attrs := normalizeAttrs(in.UserAttributes)
	if err := c.checkWritable(attrs); err != nil {
		return nil, err
	}
	if err := refuseVerifiedFlags(attrs); err != nil {
		return nil, err
	}
	if err := p.checkAttributes(attrs, true); err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, awserr.New(awserr.InvalidParameter, "A password is required to sign up.")
	}
	u, err := s.newUser(p, in.Username, attrs, StatusUnconfirmed)
	if err != nil {
		return nil, err
	}
	if err := p.checkRequired(u.attributes()); err != nil {
		return nil, err
	}
	if err := s.setPassword(p, u, in.Password); err != nil {
		return nil, err
	}
	pre, err := s.preSignUp(ctx, p, "PreSignUp_SignUp", in.ClientId, u, in.ValidationData, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	for attr, on := range map[string]bool{"email": pre.AutoVerifyEmail, "phone_number": pre.AutoVerifyPhone} {
		if v, has := u.attr(attr); on && has && v != "" {
			u.setAttr(attr+"_verified", "true")
		}
	}
	if pre.AutoConfirmUser {
		u.rec.Status = StatusConfirmed
	}
	medium, attr, dest, ok := destination(u, p.Config.AutoVerifiedAttributes, false)
	if len(p.Config.AutoVerifiedAttributes) == 0 || pre.AutoConfirmUser {
		ok = false
	}
	var codeValue string
	if ok {
		codeValue = s.newCode(u, purposeSignUp, attr, signUpCodeValidity)
		_ = s.allowSend(u)
	}
	if err := s.insert(ctx, p, u); err != nil {
		if e, ok := awserr.As(err); ok && e.Message() == "User account already exists" {
			return nil, awserr.New(awserr.UsernameExists, "User already exists") // SignUp's wording
		}
		return nil, err
	}
	out := &cip.SignUpResponse{UserConfirmed: ptr(pre.AutoConfirmUser), UserSub: u.rec.Sub}
	if pre.AutoConfirmUser {
		// An auto-confirmed user is confirmed now: PostConfirmation fires.
		if err := s.postConfirmation(ctx, p, "PostConfirmation_ConfirmSignUp", in.ClientId, u, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	if ok {
		subject, body := p.verificationMessage(messaging.KindSignUp, medium, codeValue, u.rec.Username)
		if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindSignUp,
			Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codeValue, ClientID: in.ClientId, Meta: in.ClientMetadata}); err != nil {
			return nil, err
		}
		out.CodeDeliveryDetails = deliveryDetails(medium, attr, dest)
	}
	return out, nil
}

// ConfirmSignUp confirms a user with the code sent at sign-up; the attribute
// the code went to becomes verified.
func (s *Service) ConfirmSignUp(ctx context.Context, in *cip.ConfirmSignUpRequest) (*cip.ConfirmSignUpResponse, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if errors.Is(err, errHiddenUser) {
		return nil, errCodeMismatch()
	}
	if err != nil {
		return nil, err
	}
	p := c.pool
	force := in.ForceAliasCreation != nil && *in.ForceAliasCreation
	var codeErr error
	confirmed, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		codeErr = nil
		if u.rec.Status != StatusUnconfirmed {
			return awserr.New(awserr.NotAuthorized, "User cannot be confirmed. Current status is "+u.rec.Status)
		}
		attr, _, err := s.checkCode(u, purposeSignUp, in.ConfirmationCode)
		if err != nil {
			codeErr = err // the attempt is counted: save, then fail
			return nil
		}
		u.rec.Status = StatusConfirmed
		if attr != "" {
			u.setAttr(attr+"_verified", "true")
		}
		return nil
	})
	if err != nil && force && awserr.Is(err, "AliasExistsException") {
		if err := s.releaseAlias(ctx, p, u); err != nil {
			return nil, err
		}
		return s.ConfirmSignUp(ctx, &cip.ConfirmSignUpRequest{ClientId: in.ClientId, Username: in.Username, SecretHash: in.SecretHash,
			ConfirmationCode: in.ConfirmationCode, ClientMetadata: in.ClientMetadata})
	}
	if err != nil {
		return nil, err
	}
	if codeErr != nil {
		return nil, codeErr
	}
	if err := s.postConfirmation(ctx, p, "PostConfirmation_ConfirmSignUp", in.ClientId, confirmed, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.ConfirmSignUpResponse{}, nil
}

// releaseAlias takes a verified email/phone alias away from the user who
// holds it (ForceAliasCreation), unverifying it there.
func (s *Service) releaseAlias(ctx context.Context, p *pool, u *user) error {
	for _, a := range p.aliasAttributes() {
		v, ok := u.attr(a)
		if !ok || v == "" {
			continue
		}
		holder, err := s.store.GetUserByUnique(ctx, p.ID, "alias:"+a, p.normalize(v))
		if err != nil || holder.Key == u.rec.Key {
			continue
		}
		if _, err := s.save(ctx, p, holder.Key, func(h *user) error {
			h.setAttr(a+"_verified", "false")
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// ResendConfirmationCode sends a new sign-up code.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *cip.ResendConfirmationCodeRequest) (*cip.ResendConfirmationCodeResponse, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if errors.Is(err, errHiddenUser) {
		return &cip.ResendConfirmationCodeResponse{CodeDeliveryDetails: s.madeUpDelivery(c.pool, in.Username, c.pool.Config.AutoVerifiedAttributes)}, nil
	}
	if err != nil {
		return nil, err
	}
	p := c.pool
	if u.rec.Status != StatusUnconfirmed {
		return nil, awserr.New(awserr.InvalidParameter, "User is already confirmed.")
	}
	medium, attr, dest, ok := destination(u, p.Config.AutoVerifiedAttributes, false)
	if !ok || len(p.Config.AutoVerifiedAttributes) == 0 {
		return nil, awserr.New(awserr.InvalidParameter, "Auto verification not turned on.")
	}
	var codeValue string
	u, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		if err := s.allowSend(u); err != nil {
			return err
		}
		codeValue = s.newCode(u, purposeSignUp, attr, signUpCodeValidity)
		return nil
	})
	if err != nil {
		return nil, err
	}
	subject, body := p.verificationMessage(messaging.KindResendCode, medium, codeValue, u.rec.Username)
	if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindResendCode,
		Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codeValue, ClientID: in.ClientId, Meta: in.ClientMetadata}); err != nil {
		return nil, err
	}
	return &cip.ResendConfirmationCodeResponse{CodeDeliveryDetails: deliveryDetails(medium, attr, dest)}, nil
}

// fakeDelivery is what Cognito answers for an unknown user when the client
// prevents user existence errors: a plausible, simulated destination.
func fakeDelivery(username string) *cip.CodeDeliveryDetailsType {
	if emailRE.MatchString(username) {
		return deliveryDetails(messaging.MediumEmail, "email", username)
	}
	return deliveryDetails(messaging.MediumEmail, "email", username+"@example.com")
}

// madeUpDelivery is fakeDelivery with the shape a real user's answer has:
// the medium of the first of attrs (the pool's recovery or auto-verified
// attributes), and, unless the username is itself the address, letters
// and digits derived from the pool and username with the server's key —
// the same on every call and node, and not the username's.
func (s *Service) madeUpDelivery(p *pool, username string, attrs []string) *cip.CodeDeliveryDetailsType {
	// The attribute a real user's code would most likely go to: the first
	// of attrs the pool verifies (its users have it verified), else the
	// first of attrs.
	attr := "email"
	if len(attrs) > 0 {
		attr = attrs[0]
		for _, a := range attrs {
			if slices.Contains(p.Config.AutoVerifiedAttributes, a) {
				attr = a
				break
			}
		}
	}
	if attr != "phone_number" {
		attr = "email"
	}
	if attr == "email" && emailRE.MatchString(username) {
		return deliveryDetails(messaging.MediumEmail, "email", username)
	}
	if s.sealer == nil {
		return fakeDelivery(username)
	}
	h := s.sealer.Derive("users/made-up-delivery/" + p.ID + "/" + p.normalize(username))
	const letters = "abcdefghijklmnopqrstuvwxyz"
	if attr == "phone_number" {
		digits := make([]byte, 4)
		for i := range digits {
			digits[i] = '0' + h[i]%10
		}
		return deliveryDetails(messaging.MediumSMS, attr, "+1555555"+string(digits))
	}
	return deliveryDetails(messaging.MediumEmail, attr, string(letters[int(h[0])%len(letters)])+"@"+string(letters[int(h[1])%len(letters)])+".com")
}

// sendResetCode sends a password reset code to a verified email or phone
// number. reset puts the user in RESET_REQUIRED (AdminResetUserPassword).
func (s *Service) sendResetCode(ctx context.Context, p *pool, u *user, kind string, reset bool, clientID string, meta map[string]string) (*cip.CodeDeliveryDetailsType, error) {
	medium, attr, dest, ok := destination(u, p.recoveryAttributes(), true)
	if !ok {
		return nil, awserr.New(awserr.InvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	var codeValue string
	u, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		if err := s.allowSend(u); err != nil {
			return err
		}
		codeValue = s.newCode(u, purposeForgot, attr, forgotCodeValidity)
		if reset {
			u.rec.Status = StatusResetRequired
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	subject, body := p.verificationMessage(kind, medium, codeValue, u.rec.Username)
	if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: kind,
		Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codeValue, ClientID: clientID, Meta: meta}); err != nil {
		return nil, err
	}
	return deliveryDetails(medium, attr, dest), nil
}

// ForgotPassword sends a password reset code.
func (s *Service) ForgotPassword(ctx context.Context, in *cip.ForgotPasswordRequest) (*cip.ForgotPasswordResponse, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if errors.Is(err, errHiddenUser) || awserr.Is(err, awserr.UserNotFound) {
		// A user the pool does not have yet may come from the UserMigration trigger.
		mc, mu, merr := s.migrateForgotten(ctx, in)
		if merr != nil {
			return nil, merr
		}
		if mu != nil {
			c, u, err = mc, mu, nil
		}
	}
	if errors.Is(err, errHiddenUser) {
		s.phantomForgot(c.pool, in.Username)
		return &cip.ForgotPasswordResponse{CodeDeliveryDetails: s.madeUpDelivery(c.pool, in.Username, c.pool.recoveryAttributes())}, nil
	}
	if err != nil {
		return nil, err
	}
	p := c.pool
	if !u.rec.Enabled {
		return nil, awserr.New(awserr.NotAuthorized, "User is disabled.")
	}
	if u.rec.Status == StatusExternalProvider { // a federated user has no password here
		return nil, awserr.New(awserr.NotAuthorized, "User password cannot be reset in the current state.")
	}
	d, err := s.sendResetCode(ctx, p, u, messaging.KindForgotPassword, false, in.ClientId, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	return &cip.ForgotPasswordResponse{CodeDeliveryDetails: d}, nil
}

// migrateForgotten runs UserMigration_ForgotPassword for an unknown user.
func (s *Service) migrateForgotten(ctx context.Context, in *cip.ForgotPasswordRequest) (*client, *user, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, nil, err
	}
	if c.pool.lambdas().UserMigration == "" {
		return nil, nil, nil
	}
	if err := c.checkCaller(ctx, in.Username, in.SecretHash); err != nil {
		return nil, nil, err
	}
	u, err := s.migrate(ctx, c.pool, in.ClientId, in.Username, "", nil, in.ClientMetadata)
	return c, u, err
}

// ConfirmForgotPassword sets a new password with a reset code.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *cip.ConfirmForgotPasswordRequest) (*cip.ConfirmForgotPasswordResponse, error) {
	c, u, err := s.clientUser(ctx, in.ClientId, in.Username, in.SecretHash)
	if errors.Is(err, errHiddenUser) {
		if err := c.pool.checkPassword(in.Password); err != nil {
			return nil, err // checked before the code, as for an existing user
		}
		return nil, s.phantomConfirmForgot(c.pool, in.Username)
	}
	if err != nil {
		return nil, err
	}
	p := c.pool
	if err := p.checkPassword(in.Password); err != nil {
		return nil, err
	}
	var codeErr error
	reset, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		codeErr = nil
		if _, _, err := s.checkCode(u, purposeForgot, in.ConfirmationCode); err != nil {
			codeErr = err
			return nil
		}
		if err := s.setPassword(p, u, in.Password); err != nil {
			return err
		}
		if u.rec.Status == StatusResetRequired || u.rec.Status == StatusForceChangePassword {
			u.rec.Status = StatusConfirmed
		}
		u.doc.TempPasswordExp = zeroTime
		return nil
	})
	if err != nil {
		return nil, err
	}
	if codeErr != nil {
		return nil, codeErr
	}
	if err := s.postConfirmation(ctx, p, "PostConfirmation_ConfirmForgotPassword", in.ClientId, reset, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.ConfirmForgotPasswordResponse{}, nil
}
