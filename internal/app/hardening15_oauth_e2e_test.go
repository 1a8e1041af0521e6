package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestRedirectURLSchemesRefused (issue 15 item 14): callback and logout URLs
// (and the DefaultRedirectURI) with a scheme a browser runs or reads locally
// (javascript:, data:, file:, ...) are refused on create and on update;
// Cognito's own rules still hold: HTTPS, http only for localhost, and app
// schemes such as myapp://callback.
func TestRedirectURLSchemesRefused(t *testing.T) {
	f := newAuthFixture(t, nil, nil)
	ctx := context.Background()
	create := func(callbacks, logouts []string, def string) error {
		in := &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("c"),
			AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: callbacks, LogoutURLs: logouts, SupportedIdentityProviders: []string{"COGNITO"}}
		if def != "" {
			in.DefaultRedirectURI = &def
		}
		_, err := f.c.CreateUserPoolClient(ctx, in)
		return err
	}
	update := func(callbacks, logouts []string, def string) error {
		in := &cognito.UpdateUserPoolClientInput{UserPoolId: &f.poolID, ClientId: f.client.ClientId,
			AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: callbacks, LogoutURLs: logouts, SupportedIdentityProviders: []string{"COGNITO"}}
		if def != "" {
			in.DefaultRedirectURI = &def
		}
		_, err := f.c.UpdateUserPoolClient(ctx, in)
		return err
	}
	good := "https://app.example.com/cb"
	bad := []string{
		"javascript:alert(document.cookie)",
		"JavaScript://example.com/%0aalert(1)",
		"data:text/html,<script>alert(1)</script>",
		"file:///etc/passwd",
		"vbscript:msgbox(1)",
		"blob:https://app.example.com/uuid",
		"about:blank",
		"http://app.example.com/cb", // plain HTTP only for localhost
	}
	for _, u := range bad {
		for name, op := range map[string]func([]string, []string, string) error{"create": create, "update": update} {
			if err := op([]string{u}, nil, ""); err == nil {
				t.Errorf("%s accepts callback URL %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
			if err := op([]string{good}, []string{u}, ""); err == nil {
				t.Errorf("%s accepts logout URL %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
			if err := op([]string{good}, nil, u); err == nil {
				t.Errorf("%s accepts DefaultRedirectURI %s", name, u)
			} else {
				wantAPIError(t, err, "InvalidParameterException", "")
			}
		}
	}
	for _, u := range []string{good, "http://localhost:3000/cb", "http://127.0.0.1/cb", "myapp://callback", "com.example.app:/oauth"} {
		if err := create([]string{u}, []string{u}, u); err != nil {
			t.Errorf("create refuses %s: %v", u, err)
		}
		if err := update([]string{u}, []string{u}, u); err != nil {
			t.Errorf("update refuses %s: %v", u, err)
		}
	}
}
