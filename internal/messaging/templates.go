package messaging

// Cognito's default messages: what a user pool sends when it configures no
// template of its own. The verification, invitation and authentication
// messages keep the trailing space Cognito's have [1].
//
// Sources:
//
//   - [1] The AWS CLI's example output of `aws cognito-idp describe-user-pool`
//     for a pool created with the console defaults
//     (github.com/aws/aws-cli, awscli/examples/cognito-idp/describe-user-pool.rst):
//     EmailVerificationSubject "Your verification code",
//     EmailVerificationMessage and SmsVerificationMessage
//     "Your verification code is {####}. ", SmsAuthenticationMessage
//     "Your authentication code is {####}. ", and the InviteMessageTemplate
//     EmailSubject "Your temporary password", EmailMessage and SMSMessage
//     "Your username is {username} and temporary password is {####}. ".
//   - [2] The AWS CDK's documented defaults for UserInvitationConfig
//     (docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_cognito/UserInvitationConfig.html)
//     agree on the invitation subject and wording.
//   - [3] A password reset email Cognito sent from a pool with default
//     templates, quoted in github.com/WikiWatershed/monitor-my-watershed
//     issue #636: From no-reply@verificationemail.com, Subject "Your
//     verification code", body "Your password reset code is 039126".
//   - [4] The Cognito Developer Guide, "Configuring MFA, authentication,
//     verification and invitation messages"
//     (docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html):
//     emails from attribute-update and password-reset operations use the
//     pool's code verification template; only sign-up and resend-code use
//     the link template when the pool verifies by link.
//   - [5] EmailConfigurationType in the Cognito API Reference: "The default
//     FROM address is no-reply@verificationemail.com."
//   - [6] The console's defaults for link verification, as they appear in
//     pools created with them (for example in the VerificationMessageTemplate
//     of many public Terraform configurations): EmailSubjectByLink "Your
//     verification link", EmailMessageByLink "Please click the link below to
//     verify your email address. {##Verify Email##} ".
//   - [7] Email MFA and email OTP sign-in codes: an email Cognito sent with
//     the default template is quoted in github.com/cremich/promptz issue #117
//     ("Your authentication code is XXXXXXXX"), the same wording as the SMS
//     default [1]. Its subject is not documented anywhere we found.
const (
	// DefaultFromAddress is the sender of Cognito's own emails [5].
	DefaultFromAddress = "no-reply@verificationemail.com"

	// DefaultVerificationSubject is the subject of verification emails
	// (sign-up, resend code, attribute update and verification) [1] and of
	// password reset emails [3].
	DefaultVerificationSubject = "Your verification code"
	// DefaultVerificationMessage is the body of verification emails and SMS
	// messages [1].
	DefaultVerificationMessage = "Your verification code is {####}. "

	// DefaultVerificationByLinkSubject and DefaultVerificationByLinkMessage
	// are the link-style verification email, which Cognito sends on sign-up
	// and resend-code when the pool's DefaultEmailOption is
	// CONFIRM_WITH_LINK [4][6]. {##Verify Email##} is a link placeholder,
	// not filled by Render.
	DefaultVerificationByLinkSubject = "Your verification link"
	DefaultVerificationByLinkMessage = "Please click the link below to verify your email address. {##Verify Email##} "

	// DefaultInvitationSubject and DefaultInvitationMessage are the
	// AdminCreateUser invitation, email and SMS alike [1][2].
	DefaultInvitationSubject = "Your temporary password"
	DefaultInvitationMessage = "Your username is {username} and temporary password is {####}. "

	// DefaultForgotPasswordMessage is the password reset message of a pool
	// whose verification template is Cognito's default [3]; a pool with its
	// own verification template (EmailVerificationMessage, SmsVerificationMessage
	// or VerificationMessageTemplate) sends that instead [4]. Its email
	// subject is DefaultVerificationSubject [3].
	DefaultForgotPasswordMessage = "Your password reset code is {####}"

	// DefaultAuthenticationMessage is the MFA (and email OTP sign-in)
	// message when the pool sets no SmsAuthenticationMessage or
	// EmailMfaConfiguration.Message [1][7].
	DefaultAuthenticationMessage = "Your authentication code is {####}. "
	// DefaultAuthenticationSubject is the subject of MFA and OTP emails.
	// Cognito's is undocumented [7]: this one is gognito's choice.
	DefaultAuthenticationSubject = "Your authentication code"
)

// DefaultTemplate is Cognito's default message for a kind and medium:
// the subject (empty for SMS) and the body template, to be filled by Render.
// ok is false for an unknown kind or medium.
//
// Verification kinds answer the code template; a pool that verifies email by
// link uses DefaultVerificationByLinkSubject/Message for SignUp and
// ResendCode instead, which is the caller's choice to make.
func DefaultTemplate(kind, medium string) (subject, body string, ok bool) {
	switch medium {
	case MediumEmail, MediumSMS:
	default:
		return "", "", false
	}
	switch kind {
	case KindSignUp, KindResendCode, KindUpdateUserAttribute, KindVerifyUserAttribute:
		subject, body = DefaultVerificationSubject, DefaultVerificationMessage
	case KindAdminCreateUser:
		subject, body = DefaultInvitationSubject, DefaultInvitationMessage
	case KindForgotPassword:
		subject, body = DefaultVerificationSubject, DefaultForgotPasswordMessage
	case KindAuthentication:
		subject, body = DefaultAuthenticationSubject, DefaultAuthenticationMessage
	default:
		return "", "", false
	}
	if medium == MediumSMS {
		subject = ""
	}
	return subject, body, true
}
