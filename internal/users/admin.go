package users

import (
	"context"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/triggers"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// AdminCreateUser creates a user with a temporary password (given or
// generated), in FORCE_CHANGE_PASSWORD, and sends the invitation unless the
// request suppresses it. MessageAction RESEND sends it again to an existing
// user.
func (s *Service) AdminCreateUser(ctx context.Context, in *cip.AdminCreateUserRequest) (*cip.AdminCreateUserResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	attrs := normalizeAttrs(in.UserAttributes)
	if err := p.checkAttributes(attrs, true); err != nil {
		return nil, err
	}
	temp := in.TemporaryPassword
	if temp == "" {
		temp = s.generatePassword(p)
	} else if err := p.checkPassword(temp); err != nil {
		return nil, err
	}
	mediums := in.DesiredDeliveryMediums
	if len(mediums) == 0 {
		mediums = []string{messaging.MediumSMS}
	}

	var u *user
	if in.MessageAction == "RESEND" {
		existing, err := s.resolve(ctx, p, in.Username)
		if err != nil {
			return nil, err
		}
		if existing.rec.Status != StatusForceChangePassword {
			return nil, awserr.New("UnsupportedUserStateException", "Resend not possible. "+existing.rec.Username+" status is not FORCE_CHANGE_PASSWORD.")
		}
		u, err = s.save(ctx, p, existing.rec.Key, func(u *user) error {
			if err := s.setPassword(p, u, temp); err != nil {
				return err
			}
			u.doc.TempPasswordExp = s.now().Add(p.tempPasswordValidity())
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		u, err = s.newUser(p, in.Username, attrs, StatusForceChangePassword)
		if err != nil {
			return nil, err
		}
		if err := p.checkRequired(u.attributes()); err != nil {
			return nil, err
		}
		if err := s.setPassword(p, u, temp); err != nil {
			return nil, err
		}
		u.doc.TempPasswordExp = s.now().Add(p.tempPasswordValidity())
		// PreSignUp_AdminCreateUser may refuse the user; its answer changes nothing.
		if _, err := s.preSignUp(ctx, p, "PreSignUp_AdminCreateUser", triggers.NoClient, u, in.ValidationData, in.ClientMetadata); err != nil {
			return nil, err
		}
		if err := s.insert(ctx, p, u); err != nil {
			return nil, err
		}
	}
	if in.MessageAction != "SUPPRESS" {
		for _, m := range mediums {
			attr := "phone_number"
			if m == messaging.MediumEmail {
				attr = "email"
			}
			dest, ok := u.attr(attr)
			if !ok || dest == "" {
				continue
			}
			subject, body := p.inviteMessage(m, temp, u.rec.Username)
			if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindAdminCreateUser,
				Medium: m, Destination: dest, Subject: subject, Body: body}, Code: temp, ClientID: triggers.NoClient, Meta: in.ClientMetadata}); err != nil {
				return nil, err
			}
		}
		// Cognito creates the user even when it has nowhere to send the invitation.
	}
	out := u.userType(u.attributes())
	return &cip.AdminCreateUserResponse{User: &out}, nil
}

// AdminGetUser returns a user by username or alias.
func (s *Service) AdminGetUser(ctx context.Context, in *cip.AdminGetUserRequest) (*cip.AdminGetUserResponse, error) {
	_, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return &cip.AdminGetUserResponse{
		Username: u.rec.Username, UserAttributes: u.attributes(), UserCreateDate: wireTime(u.rec.CreatedAt),
		UserLastModifiedDate: wireTime(u.rec.UpdatedAt), Enabled: ptr(u.rec.Enabled), UserStatus: u.rec.Status,
		MFAOptions: u.mfaOptions(), PreferredMfaSetting: u.doc.PreferredMfaKind, UserMFASettingList: u.mfaList(),
	}, nil
}

// AdminConfirmSignUp confirms an unconfirmed user.
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *cip.AdminConfirmSignUpRequest) (*cip.AdminConfirmSignUpResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	u, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		if u.rec.Status != StatusUnconfirmed {
			return awserr.New(awserr.NotAuthorized, "User cannot be confirmed. Current status is "+u.rec.Status)
		}
		u.rec.Status = StatusConfirmed
		delete(u.doc.Codes, purposeSignUp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, "PostConfirmation_ConfirmSignUp", triggers.NoClient, u, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.AdminConfirmSignUpResponse{}, nil
}

// updateAttributes applies attribute changes: changing an email or phone
// number unverifies it (unless the request verifies it too) and, when the
// pool auto-verifies it, sends a code.
func (s *Service) updateAttributes(ctx context.Context, p *pool, key string, attrs []cip.AttributeType, admin bool) (*user, []*cip.CodeDeliveryDetailsType, error) {
	attrs = normalizeAttrs(attrs)
	if err := p.checkAttributes(attrs, false); err != nil {
		return nil, nil, err
	}
	var toVerify []string
	var codes = map[string]string{}
	u, err := s.save(ctx, p, key, func(u *user) error {
		toVerify, codes = nil, map[string]string{}
		given := map[string]bool{}
		for _, a := range attrs {
			given[a.Name] = true
		}
		for _, a := range attrs {
			if !admin && strings.HasSuffix(a.Name, "_verified") {
				// Only an administrator marks an attribute verified; users verify with a code.
				return awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
		for _, a := range attrs {
			old, had := u.attr(a.Name)
			u.setAttr(a.Name, a.Value)
			if (a.Name == "email" || a.Name == "phone_number") && (!had || old != a.Value) {
				delete(u.doc.Codes, purposeVerify(a.Name)) // a code sent to the old value proves nothing now
				if given[a.Name+"_verified"] {
					continue
				}
				u.setAttr(a.Name+"_verified", "false")
				if p.autoVerifies(a.Name) && a.Value != "" {
					toVerify = append(toVerify, a.Name)
				}
			}
		}
		for _, a := range toVerify {
			codes[a] = s.newCode(u, purposeVerify(a), a, verifyCodeValidity)
			v, _ := u.attr(a)
			u.doc.Codes[purposeVerify(a)].Value = v
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var details []*cip.CodeDeliveryDetailsType
	for _, a := range toVerify {
		medium, attr, dest, _ := destination(u, []string{a}, false)
		subject, body := p.verificationMessage(messaging.KindUpdateUserAttribute, medium, codes[a], u.rec.Username)
		if err := s.sendCode(ctx, p, u, codeMessage{Message: messaging.Message{PoolID: p.ID, Username: u.rec.Username, Kind: messaging.KindUpdateUserAttribute,
			Medium: medium, Destination: dest, Subject: subject, Body: body}, Code: codes[a]}); err != nil {
			return nil, nil, err
		}
		details = append(details, deliveryDetails(medium, attr, dest))
	}
	return u, details, nil
}

// AdminUpdateUserAttributes changes a user's attributes.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *cip.AdminUpdateUserAttributesRequest) (*cip.AdminUpdateUserAttributesResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	ctx = WithCaller(ctx, triggers.NoClient, in.ClientMetadata)
	if _, _, err := s.updateAttributes(ctx, p, u.rec.Key, in.UserAttributes, true); err != nil {
		return nil, err
	}
	return &cip.AdminUpdateUserAttributesResponse{}, nil
}

// deleteAttributes removes attributes; required and immutable ones stay.
func (s *Service) deleteAttributes(ctx context.Context, p *pool, key string, names []string) error {
	var sp schemaProblems
	for _, n := range names {
		def := p.schemaAttr(n)
		switch {
		case def == nil:
			sp.add(n, "Attribute does not exist in the schema.")
		case n == "sub" || (def.Required != nil && *def.Required):
			sp.add(n, "The attribute is required")
		case def.Mutable != nil && !*def.Mutable:
			sp.add(n, "Attribute cannot be updated. (changing an immutable attribute)")
		}
	}
	if err := sp.err(); err != nil {
		return err
	}
	_, err := s.save(ctx, p, key, func(u *user) error {
		for _, n := range names {
			u.deleteAttr(n)
			if n == "email" || n == "phone_number" {
				u.deleteAttr(n + "_verified")
			}
		}
		return nil
	})
	return err
}

// AdminDeleteUserAttributes removes attributes of a user.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *cip.AdminDeleteUserAttributesRequest) (*cip.AdminDeleteUserAttributesResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.deleteAttributes(ctx, p, u.rec.Key, in.UserAttributeNames); err != nil {
		return nil, err
	}
	return &cip.AdminDeleteUserAttributesResponse{}, nil
}

// AdminDeleteUser deletes a user.
func (s *Service) AdminDeleteUser(ctx context.Context, in *cip.AdminDeleteUserRequest) (*struct{}, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteUser(ctx, p.ID, u.rec.Key); err != nil {
		return nil, userError(err)
	}
	return &struct{}{}, nil
}

func (s *Service) setEnabled(ctx context.Context, poolID, username string, enabled bool) error {
	p, u, err := s.poolUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	_, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		u.rec.Enabled = enabled
		if !enabled {
			u.doc.SignedOutAt = s.stamp() // tokens from before stay dead after a re-enable
		}
		return nil
	})
	return err
}

// AdminDisableUser disables a user.
func (s *Service) AdminDisableUser(ctx context.Context, in *cip.AdminDisableUserRequest) (*cip.AdminDisableUserResponse, error) {
	if err := s.setEnabled(ctx, in.UserPoolId, in.Username, false); err != nil {
		return nil, err
	}
	return &cip.AdminDisableUserResponse{}, nil
}

// AdminEnableUser enables a user.
func (s *Service) AdminEnableUser(ctx context.Context, in *cip.AdminEnableUserRequest) (*cip.AdminEnableUserResponse, error) {
	if err := s.setEnabled(ctx, in.UserPoolId, in.Username, true); err != nil {
		return nil, err
	}
	return &cip.AdminEnableUserResponse{}, nil
}

// AdminSetUserPassword sets a permanent password (status CONFIRMED) or a
// temporary one (FORCE_CHANGE_PASSWORD).
func (s *Service) AdminSetUserPassword(ctx context.Context, in *cip.AdminSetUserPasswordRequest) (*cip.AdminSetUserPasswordResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	permanent := in.Permanent != nil && *in.Permanent
	_, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		if err := s.setPassword(p, u, in.Password); err != nil {
			return err
		}
		delete(u.doc.Codes, purposeForgot)
		if permanent {
			u.rec.Status = StatusConfirmed
			u.doc.TempPasswordExp = zeroTime
		} else {
			u.rec.Status = StatusForceChangePassword
			u.doc.TempPasswordExp = s.now().Add(p.tempPasswordValidity())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminSetUserPasswordResponse{}, nil
}

// AdminResetUserPassword puts a user in RESET_REQUIRED and sends a reset
// code to a verified email or phone number.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *cip.AdminResetUserPasswordRequest) (*cip.AdminResetUserPasswordResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if _, err := s.sendResetCode(ctx, p, u, messaging.KindForgotPassword, true, triggers.NoClient, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.AdminResetUserPasswordResponse{}, nil
}

// AdminSetUserSettings sets the legacy MFAOptions of a user.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *cip.AdminSetUserSettingsRequest) (*cip.AdminSetUserSettingsResponse, error) {
	p, u, err := s.poolUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := checkMFAOptions(in.MFAOptions); err != nil {
		return nil, err
	}
	if err := s.setMFAOptions(ctx, p, u.rec.Key, in.MFAOptions); err != nil {
		return nil, err
	}
	return &cip.AdminSetUserSettingsResponse{}, nil
}

// checkMFAOptions refuses legacy MFAOptions Cognito refuses.
func checkMFAOptions(opts []cip.MFAOptionType) error {
	for _, o := range opts {
		if o.DeliveryMedium == messaging.MediumSMS && o.AttributeName != "phone_number" {
			return awserr.New(awserr.InvalidParameter, "Invalid MFA option: SMS needs the attribute phone_number.")
		}
		if o.DeliveryMedium == messaging.MediumEmail {
			return awserr.New(awserr.InvalidParameter, "Invalid MFA option: only SMS is supported by MFAOptions.")
		}
	}
	return nil
}

func (s *Service) setMFAOptions(ctx context.Context, p *pool, key string, opts []cip.MFAOptionType) error {
	_, err := s.save(ctx, p, key, func(u *user) error {
		u.doc.MFAOptions = toMFAOptions(opts)
		return nil
	})
	return err
}
