package cognitoidp

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/wire"
)

// TestLoggingRedactsSensitiveMembers logs requests and responses through
// both slog handlers, as pointers and as values, and finds none of their
// sensitive values (at any depth: nested structures, lists, maps) but every
// other member that is set.
func TestLoggingRedactsSensitiveMembers(t *testing.T) {
	secrets := []string{"Passw0rd!secret", "temp-PW-123", "alice-the-user", "alice@example.com", "eyJaccess", "eyJrefresh", "eyJid", "sess-ion-value", "client-id-123", "SRP-A-VALUE", "123456", "idp-client-secret", "apple-private-key"}
	values := []any{
		&AdminCreateUserRequest{
			UserPoolId: "us-east-1_pool", Username: "alice-the-user", TemporaryPassword: "temp-PW-123",
			UserAttributes: []AttributeType{{Name: "email", Value: "alice@example.com"}},
			MessageAction:  "SUPPRESS", ClientMetadata: map[string]string{"origin": "tests"},
		},
		InitiateAuthRequest{
			AuthFlow: "USER_PASSWORD_AUTH", ClientId: "client-id-123",
			AuthParameters: map[string]string{"USERNAME": "alice-the-user", "PASSWORD": "Passw0rd!secret", "SRP_A": "SRP-A-VALUE"},
		},
		&CreateIdentityProviderRequest{UserPoolId: "us-east-1_pool", ProviderName: "Google", ProviderType: "Google",
			ProviderDetails: map[string]string{"client_id": "google-client", "client_secret": "idp-client-secret", "private_key": "apple-private-key"}},
		&RespondToAuthChallengeRequest{ChallengeName: "SMS_MFA", Session: "sess-ion-value", ChallengeResponses: map[string]string{"SMS_MFA_CODE": "123456"}},
		&InitiateAuthResponse{AuthenticationResult: &AuthenticationResultType{AccessToken: "eyJaccess", RefreshToken: "eyJrefresh", IdToken: "eyJid", ExpiresIn: new(int32(3600)), TokenType: "Bearer"}},
		&ListUsersResponse{Users: []UserType{{Username: "alice-the-user", Attributes: []AttributeType{{Name: "email", Value: "alice@example.com"}}, UserCreateDate: wire.NewTime(time.Unix(1700000000, 0)), Enabled: new(true)}}},
	}
	visible := []string{"google-client", "us-east-1_pool", "email", "SUPPRESS", "tests", "USER_PASSWORD_AUTH", "SMS_MFA", "3600", "Bearer", "2023-11-14", "[REDACTED]"}
	var out bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&out, nil), slog.NewTextHandler(&out, nil)} {
		log := slog.New(h)
		for _, v := range values {
			log.Info("request", "input", v)
		}
	}
	logged := out.String()
	for _, s := range secrets {
		if strings.Contains(logged, s) {
			t.Errorf("the log shows the sensitive value %q:\n%s", s, logged)
		}
	}
	for _, s := range visible {
		if !strings.Contains(logged, s) {
			t.Errorf("the log lacks %q:\n%s", s, logged)
		}
	}
	// A nil pointer logs without a crash or a leak.
	out.Reset()
	slog.New(slog.NewJSONHandler(&out, nil)).Info("nil", "input", (*InitiateAuthRequest)(nil))
	if strings.Contains(out.String(), "Passw0rd") {
		t.Error(out.String())
	}
	// Every struct type of the package logs this way: a type without the
	// method would print all its fields with fmt.
	for _, v := range values {
		if _, ok := v.(slog.LogValuer); !ok {
			t.Errorf("%T is not a slog.LogValuer", v)
		}
	}
	if got := fmt.Sprint(wire.LogValue(CreateUserPoolClientResponse{UserPoolClient: &UserPoolClientType{ClientSecret: "cs-secret", ClientName: "web"}})); strings.Contains(got, "cs-secret") || !strings.Contains(got, "web") {
		t.Errorf("nested client secret: %s", got)
	}
}
