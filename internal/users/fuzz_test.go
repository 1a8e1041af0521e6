package users

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
)

// renderFilter writes a query back in the ListUsers filter language,
// escaping the two characters the quoted value cannot hold as they are.
func renderFilter(q *store.UserQuery) string {
	op := "="
	if q.Prefix {
		op = "^="
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return q.Attribute + " " + op + ` "` + r.Replace(q.Value) + `"`
}

// FuzzParseFilter holds ParseFilter to its contract on any string: a
// blank filter is no filter; anything else is either a query on a
// searchable attribute or an InvalidParameterException with one of
// Cognito's two messages; and a parsed filter, written out again, parses
// to the same query. The second half goes the other way: a query built
// from a searchable attribute and any value survives rendering and parsing.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`email = "a@example.com"`,
		`email ^= "a"`,
		`username = "olga"`,
		`  phone_number^="+1555"  `,
		`cognito:user_status = "UNCONFIRMED"`,
		`status = "Enabled"`,
		`sub = "0b6c3f9e-1b7a-4d1e-9f3a-2c7d5e8f1a2b"`,
		`family_name = "O\"Brien \\ Sons"`,
		`name = ""`,
		`given_name = "\`,
		`custom:tier = "gold"`,
		`email = a@example.com`,
		`email == "x"`,
		`email = "x" and name = "y"`,
		"email = \"line\\\nbreak\"",
		"",
		"   ",
	} {
		f.Add(s, uint8(0), "value", false)
	}
	f.Add(`preferred_username ^= "é"`, uint8(3), "\"quoted\" \\ and é", true)
	f.Add("", uint8(9), "\xff\xfe", false)

	f.Fuzz(func(t *testing.T, filter string, attr uint8, value string, prefix bool) {
		q, err := ParseFilter(filter)
		switch {
		case strings.TrimSpace(filter) == "":
			if q != nil || err != nil {
				t.Fatalf("blank filter %q: %+v, %v", filter, q, err)
			}
		case err != nil:
			ae, ok := awserr.As(err)
			if !ok || ae.Type() != awserr.InvalidParameter || q != nil {
				t.Fatalf("filter %q: %+v, %v (want InvalidParameterException)", filter, q, err)
			}
			if m := ae.Message(); m != "Error while parsing filter." && !strings.HasPrefix(m, "Invalid search attribute: ") {
				t.Fatalf("filter %q: unexpected message %q", filter, m)
			}
		default:
			if q == nil || !slices.Contains(searchable, q.Attribute) {
				t.Fatalf("filter %q: %+v", filter, q)
			}
			checkRoundTrip(t, q)
		}

		// Any value on any searchable attribute can be asked for. Filters
		// arrive in JSON, so hold the value to valid UTF-8 the way ranging
		// over it does.
		built := &store.UserQuery{Attribute: searchable[int(attr)%len(searchable)], Value: string([]rune(value)), Prefix: prefix}
		checkRoundTrip(t, built)
	})
}

func checkRoundTrip(t *testing.T, q *store.UserQuery) {
	t.Helper()
	text := renderFilter(q)
	again, err := ParseFilter(text)
	if err != nil {
		t.Fatalf("%+v rendered as %q does not parse: %v", q, text, err)
	}
	if !reflect.DeepEqual(again, q) {
		t.Fatalf("%+v rendered as %q parses as %+v", q, text, again)
	}
}
