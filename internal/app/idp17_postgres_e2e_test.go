package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Two nodes on one PostgreSQL: a provider created through one is named by
// an app client and described through the other, whose sealed secret opens
// there, and both nodes hand out the same SAML signing certificate however
// they race to make it.
func TestIdentityProvidersOnTwoNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ca, cb := a.client("us-east-1", false), b.client("us-east-1", false)
	ctx := context.Background()
	pool := idp17Pool(t, ca, "two-nodes")
	must[*cognito.CreateIdentityProviderOutput](t)(ca.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: map[string]string{"MetadataFile": idp17Metadata(t, "urn:corp", "https://corp.example")},
		IdpIdentifiers: []string{"corp.example"}}))
	must[*cognito.CreateIdentityProviderOutput](t)(ca.CreateIdentityProvider(ctx, &cognito.CreateIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: map[string]string{"client_id": "g", "client_secret": "two-node-secret", "authorize_scopes": "openid"}}))
	must[*cognito.CreateUserPoolClientOutput](t)(cb.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("c"),
		SupportedIdentityProviders: []string{"Corp", "Google"}}))
	d := must[*cognito.DescribeIdentityProviderOutput](t)(cb.DescribeIdentityProvider(ctx, &cognito.DescribeIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Google")}))
	if d.IdentityProvider.ProviderDetails["client_secret"] != "two-node-secret" {
		t.Fatalf("node B reads %v", d.IdentityProvider.ProviderDetails)
	}
	if p, err := b.App.IdentityProviders().ProviderForEmail(ctx, pool, "ann@corp.example"); err != nil || p.Name != "Corp" {
		t.Fatalf("by email on node B: %v %v", p, err)
	}
	certs := make(chan string, 2)
	for _, c := range []*cognito.Client{ca, cb} {
		go func() {
			out, err := c.GetSigningCertificate(ctx, &cognito.GetSigningCertificateInput{UserPoolId: aws.String(pool)})
			if err != nil {
				certs <- "error: " + err.Error()
				return
			}
			certs <- aws.ToString(out.Certificate)
		}()
	}
	one, two := <-certs, <-certs
	if one != two || len(one) < 100 {
		t.Fatalf("the nodes hand out different signing certificates:\n%.80s\n%.80s", one, two)
	}
	_, err := cb.DeleteIdentityProvider(ctx, &cognito.DeleteIdentityProviderInput{UserPoolId: aws.String(pool), ProviderName: aws.String("Corp")})
	wantAPIError(t, err, "InvalidParameterException", "Corp")
}
