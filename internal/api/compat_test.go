package api

import (
	"context"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/wire"
	"github.com/gognito/gognito/internal/wire/acm"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

func TestCompatibilityMarkdownListsEveryOperation(t *testing.T) {
	c, a := bare()
	Handle(c, "GetUser", func(context.Context, *struct{}) (*struct{}, error) { return nil, nil }).Notes("A note.")
	doc := CompatibilityMarkdown(c, a)
	for _, want := range []string{
		"## cognito-idp (`X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`)\n\n1 of 129 operations implemented.\n",
		"## acm (`X-Amz-Target: CertificateManager.<Operation>`)\n\n0 of 39 operations implemented.\n",
		"| GetUser | AccessToken | implemented | A note. |\n",
		"| SignUp | None | not yet |  |\n",
		"| AdminGetUserAuthFactors | SigV4 | not yet |  |\n",
		"| CreateAcmeEndpoint | SigV4 | not yet |  |\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q", want)
		}
	}
	for _, op := range append(append([]string{}, names(cip.Operations)...), names(acm.Operations)...) {
		if !strings.Contains(doc, "| "+op+" | ") {
			t.Errorf("the document does not list %s", op)
		}
	}
	if !strings.HasSuffix(doc, compatibilityChoices) || !strings.HasPrefix(compatibilityChoices, "## Choices where Cognito's behaviour is uncertain\n") {
		t.Error("the document does not end with the choices")
	}
}

func names(ops []wire.Operation) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.Name
	}
	return out
}
