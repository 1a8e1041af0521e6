package users

import (
	"context"
	"errors"
	"slices"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// destination picks where a code for the user goes: the email when the
// pool prefers it (or only it is available), else the phone number.
// attrs limits the candidates (nil: email, then phone_number); verified
// requires the attribute to be verified (account recovery).
func destination(u *user, attrs []string, verified bool) (medium, attr, dest string, ok bool) {
	if attrs == nil {
		attrs = []string{"email", "phone_number"}
	}
	for _, a := range attrs {
		v, has := u.attr(a)
		if !has || v == "" || (verified && !u.verified(a)) {
			continue
		}
		if a == "email" {
			return messaging.MediumEmail, a, v, true
		}
		return messaging.MediumSMS, a, v, true
	}
	return "", "", "", false
}

func deliveryDetails(medium, attr, dest string) *cip.CodeDeliveryDetailsType {
	masked := maskPhone(dest)
	if medium == messaging.MediumEmail {
		masked = maskEmail(dest)
	}
	return &cip.CodeDeliveryDetailsType{Destination: masked, DeliveryMedium: medium, AttributeName: attr}
}

// verificationMessage renders the pool's verification template (used for
// sign-up, resend, attribute verification and password reset codes).
func (p *pool) verificationMessage(kind, medium, codeValue, username string) (subject, body string) {
	defSubject, defBody, _ := messaging.DefaultTemplate(kind, medium)
	t := p.Config.VerificationMessageTemplate
	if t == nil {
		t = &userpool.VerificationMessageTemplate{}
	}
	if medium == messaging.MediumSMS {
		tmpl := t.SmsMessage
		if tmpl == "" {
			tmpl = p.Config.SmsVerificationMessage
		}
		if tmpl == "" {
			tmpl = defBody
		}
		return "", messaging.Render(tmpl, codeValue, username)
	}
	subject, tmpl := t.EmailSubject, t.EmailMessage
	if subject == "" {
		subject = p.Config.EmailVerificationSubject
	}
	if tmpl == "" {
		tmpl = p.Config.EmailVerificationMessage
	}
	if subject == "" {
		subject = defSubject
	}
	if tmpl == "" {
		tmpl = defBody
	}
	return messaging.Render(subject, codeValue, username), messaging.Render(tmpl, codeValue, username)
}

// inviteMessage renders the pool's invitation template for AdminCreateUser.
func (p *pool) inviteMessage(medium, password, username string) (subject, body string) {
	var t userpool.MessageTemplate
	if c := p.Config.AdminCreateUserConfig; c != nil && c.InviteMessageTemplate != nil {
		t = *c.InviteMessageTemplate
	}
	if medium == messaging.MediumSMS {
		tmpl := t.SMSMessage
		if tmpl == "" {
			tmpl = messaging.DefaultInvitationMessage
		}
		return "", messaging.Render(tmpl, password, username)
	}
	subject, tmpl := t.EmailSubject, t.EmailMessage
	if subject == "" {
		subject = messaging.DefaultInvitationSubject
	}
	if tmpl == "" {
		tmpl = messaging.DefaultInvitationMessage
	}
	return messaging.Render(subject, password, username), messaging.Render(tmpl, password, username)
}

// send delivers a message; a delivery failure is Cognito's
// CodeDeliveryFailureException.
func (s *Service) send(ctx context.Context, m messaging.Message) error {
	if s.sender == nil {
		return nil
	}
	err := s.sender.Send(ctx, m)
	if errors.Is(err, messaging.ErrDeliveryFailed) {
		return awserr.New("CodeDeliveryFailureException", "Unable to deliver the message: "+m.Medium+" delivery failed.")
	}
	return err
}

// recoveryAttributes are the verified attributes a password reset code may
// go to, in the pool's AccountRecoverySetting order.
func (p *pool) recoveryAttributes() []string {
	ar := p.Config.AccountRecoverySetting
	if ar == nil || len(ar.RecoveryMechanisms) == 0 {
		return []string{"phone_number", "email"} // legacy: SMS preferred over email
	}
	ms := slices.Clone(ar.RecoveryMechanisms)
	slices.SortFunc(ms, func(a, b userpool.RecoveryOption) int { return int(*a.Priority - *b.Priority) })
	var out []string
	for _, m := range ms {
		switch m.Name {
		case "verified_email":
			out = append(out, "email")
		case "verified_phone_number":
			out = append(out, "phone_number")
		}
	}
	return out
}
