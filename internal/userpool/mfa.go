package userpool

import (
	"context"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// checkMfaConfiguration refuses MFA ON or OPTIONAL when no factor is
// available: SMS needs an SMS configuration, TOTP must be enabled, email MFA
// must be configured.
func checkMfaConfiguration(mfa string, p *cip.UserPoolType, totp *cip.SoftwareTokenMfaConfigType, email *cip.EmailMfaConfigType) error {
	if mfa == "" || mfa == "OFF" {
		return nil
	}
	if p.SmsConfiguration != nil || (totp != nil && totp.Enabled != nil && *totp.Enabled) || email != nil {
		return nil
	}
	return awserr.New(awserr.InvalidParameter, "Invalid MFA configuration given, can't turn off all MFAs and set MFA configuration to ON or OPTIONAL.")
}

func mfaView(d *poolState) (sms *cip.SmsMfaConfigType, totp *cip.SoftwareTokenMfaConfigType, web *cip.WebAuthnConfigurationType) {
	if d.Pool.SmsConfiguration != nil || d.Pool.SmsAuthenticationMessage != "" {
		sms = &cip.SmsMfaConfigType{SmsAuthenticationMessage: d.Pool.SmsAuthenticationMessage, SmsConfiguration: d.Pool.SmsConfiguration}
	}
	totp = d.SoftwareTokenMfa
	if totp == nil {
		totp = &cip.SoftwareTokenMfaConfigType{Enabled: ptr(false)}
	}
	web = d.WebAuthn
	if web == nil {
		web = &cip.WebAuthnConfigurationType{UserVerification: "preferred"}
	}
	return sms, totp, web
}

// GetUserPoolMfaConfig returns the pool's MFA settings.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *cip.GetUserPoolMfaConfigRequest) (*cip.GetUserPoolMfaConfigResponse, error) {
	d, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	sms, totp, web := mfaView(d)
	return &cip.GetUserPoolMfaConfigResponse{
		MfaConfiguration: d.Pool.MfaConfiguration, SmsMfaConfiguration: sms,
		SoftwareTokenMfaConfiguration: totp, EmailMfaConfiguration: d.EmailMfa, WebAuthnConfiguration: web,
	}, nil
}

// SetUserPoolMfaConfig changes the pool's MFA settings. Factors the request
// names are replaced; MfaConfiguration stays as it was when left out.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *cip.SetUserPoolMfaConfigRequest) (*cip.SetUserPoolMfaConfigResponse, error) {
	d, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		if in.SmsMfaConfiguration != nil {
			d.Pool.SmsAuthenticationMessage = in.SmsMfaConfiguration.SmsAuthenticationMessage
			d.Pool.SmsConfiguration = in.SmsMfaConfiguration.SmsConfiguration
		}
		if in.SoftwareTokenMfaConfiguration != nil {
			d.SoftwareTokenMfa = in.SoftwareTokenMfaConfiguration
		}
		if in.EmailMfaConfiguration != nil {
			if d.Pool.UserPoolTier == "LITE" {
				return awserr.New(awserr.FeatureUnavailableInTier, "Email MFA requires the ESSENTIALS or PLUS feature plan.")
			}
			if ec := d.Pool.EmailConfiguration; ec == nil || ec.EmailSendingAccount != "DEVELOPER" {
				return awserr.New(awserr.InvalidParameter, "Email MFA requires the user pool to send email with Amazon SES (EmailSendingAccount DEVELOPER).")
			}
			d.EmailMfa = in.EmailMfaConfiguration
		}
		if in.WebAuthnConfiguration != nil {
			w := *in.WebAuthnConfiguration
			if w.UserVerification == "" {
				w.UserVerification = "preferred"
			}
			d.WebAuthn = &w
		}
		if in.MfaConfiguration != "" {
			d.Pool.MfaConfiguration = in.MfaConfiguration
		}
		return checkMfaConfiguration(d.Pool.MfaConfiguration, &d.Pool, d.SoftwareTokenMfa, d.EmailMfa)
	})
	if err != nil {
		return nil, err
	}
	sms, totp, web := mfaView(d)
	return &cip.SetUserPoolMfaConfigResponse{
		MfaConfiguration: d.Pool.MfaConfiguration, SmsMfaConfiguration: sms,
		SoftwareTokenMfaConfiguration: totp, EmailMfaConfiguration: d.EmailMfa, WebAuthnConfiguration: web,
	}, nil
}
