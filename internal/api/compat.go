package api

import (
	_ "embed"
	"fmt"
	"strings"
)

// compatibilityChoices records what gognito chose where Cognito's behaviour
// is undocumented or uncertain; it closes docs/compatibility.md.
//
//go:embed compatibility_choices.md
var compatibilityChoices string

// CompatibilityMarkdown renders docs/compatibility.md from the operation
// tables of the services (which operations each model has, which have a
// handler, their notes), so it cannot drift from what the server does.
// `make docs` writes it through internal/app's TestCompatibilityDocIsCurrent,
// which passes the app's services.
func CompatibilityMarkdown(services ...*Service) string {
	var b strings.Builder
	b.WriteString("# Compatibility\n\n")
	b.WriteString("<!-- Generated from the operation tables by `make docs`; a test fails when it is stale. Do not edit by hand. -->\n\n")
	b.WriteString("What gognito implements of each AWS API it speaks. *Caller* is how the operation's caller is\n")
	b.WriteString("authenticated in AWS: `SigV4` (IAM-signed), `AccessToken` (a user's access token), `None` (public).\n")
	b.WriteString("Every operation answers: one not built yet validates its input and then returns a well-formed\n")
	b.WriteString("`UnsupportedOperationException` that names it.\n\n")
	for _, svc := range services {
		ops := svc.Operations()
		done := 0
		for _, o := range ops {
			if o.Implemented {
				done++
			}
		}
		fmt.Fprintf(&b, "## %s (`X-Amz-Target: %s.<Operation>`)\n\n", svc.Name, svc.Prefix)
		fmt.Fprintf(&b, "%d of %d operations implemented.\n\n", done, len(ops))
		b.WriteString("| Operation | Caller | State | Notes |\n|---|---|---|---|\n")
		for _, o := range ops {
			state := "not yet"
			if o.Implemented {
				state = "implemented"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", o.Name, o.Auth, state, o.Notes)
		}
		b.WriteString("\n")
	}
	b.WriteString(compatibilityChoices)
	return b.String()
}
