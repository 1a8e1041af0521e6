package users

import (
	"context"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Trusted entry points: the public user operations (SignUp, ConfirmSignUp,
// ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword) for a
// caller that has authenticated the app client by other means than a
// SECRET_HASH — the hosted pages, which hold the client's configuration
// and serve only its pool. They run the operations' rules, triggers and
// messages; only the SECRET_HASH is neither asked for nor checked.

// TrustedClient is an app client its caller has authenticated.
type TrustedClient struct {
	ClientID string
	// ClientMetadata goes to the triggers, as the operations' ClientMetadata.
	ClientMetadata map[string]string
}

type trustedKey struct{}

// trusted marks ctx as a call of a trusted entry point for the client.
func trusted(ctx context.Context, tc TrustedClient) context.Context {
	return context.WithValue(ctx, trustedKey{}, tc.ClientID)
}

// checkCaller checks the SECRET_HASH of a public operation, unless a
// trusted entry point of this client made the call.
func (c *client) checkCaller(ctx context.Context, username, secretHash string) error {
	if id, ok := ctx.Value(trustedKey{}).(string); ok && id == c.Config.ClientId {
		return nil
	}
	return c.checkSecretHash(username, secretHash)
}

// SignUpTrusted is SignUp for a trusted client.
func (s *Service) SignUpTrusted(ctx context.Context, tc TrustedClient, username, password string, attrs []cip.AttributeType) (*cip.SignUpResponse, error) {
	return s.SignUp(trusted(ctx, tc), &cip.SignUpRequest{ClientId: tc.ClientID, Username: username, Password: password,
		UserAttributes: attrs, ClientMetadata: tc.ClientMetadata})
}

// ConfirmSignUpTrusted is ConfirmSignUp for a trusted client.
func (s *Service) ConfirmSignUpTrusted(ctx context.Context, tc TrustedClient, username, code string) error {
	_, err := s.ConfirmSignUp(trusted(ctx, tc), &cip.ConfirmSignUpRequest{ClientId: tc.ClientID, Username: username,
		ConfirmationCode: code, ClientMetadata: tc.ClientMetadata})
	return err
}

// ResendConfirmationCodeTrusted is ResendConfirmationCode for a trusted
// client; it says where the code went.
func (s *Service) ResendConfirmationCodeTrusted(ctx context.Context, tc TrustedClient, username string) (*cip.CodeDeliveryDetailsType, error) {
	out, err := s.ResendConfirmationCode(trusted(ctx, tc), &cip.ResendConfirmationCodeRequest{ClientId: tc.ClientID, Username: username,
		ClientMetadata: tc.ClientMetadata})
	if err != nil {
		return nil, err
	}
	return out.CodeDeliveryDetails, nil
}

// ForgotPasswordTrusted is ForgotPassword for a trusted client; it says
// where the code went.
func (s *Service) ForgotPasswordTrusted(ctx context.Context, tc TrustedClient, username string) (*cip.CodeDeliveryDetailsType, error) {
	out, err := s.ForgotPassword(trusted(ctx, tc), &cip.ForgotPasswordRequest{ClientId: tc.ClientID, Username: username,
		ClientMetadata: tc.ClientMetadata})
	if err != nil {
		return nil, err
	}
	return out.CodeDeliveryDetails, nil
}

// ConfirmForgotPasswordTrusted is ConfirmForgotPassword for a trusted
// client.
func (s *Service) ConfirmForgotPasswordTrusted(ctx context.Context, tc TrustedClient, username, code, password string) error {
	_, err := s.ConfirmForgotPassword(trusted(ctx, tc), &cip.ConfirmForgotPasswordRequest{ClientId: tc.ClientID, Username: username,
		ConfirmationCode: code, Password: password, ClientMetadata: tc.ClientMetadata})
	return err
}
