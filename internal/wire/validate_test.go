package wire

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func i64(v int64) *int64 { return &v }

// testShapes is a small hand-written table modelled on cognito-idp shapes.
var testShapes = Shapes{
	"Request": {
		Name: "Request", Kind: Structure,
		Members: []Member{
			{Name: "UserPoolId", Shape: "UserPoolIdType"},
			{Name: "PoolName", Shape: "PoolNameType"},
			{Name: "Domain", Shape: "DomainType"},
			{Name: "MfaConfiguration", Shape: "MfaType"},
			{Name: "MaxResults", Shape: "QueryLimit"},
			{Name: "Size", Shape: "LongType"},
			{Name: "Enabled", Shape: "BooleanType"},
			{Name: "Password", Shape: "PasswordType"},
			{Name: "Policies", Shape: "Policies"},
			{Name: "UserAttributes", Shape: "AttributeList"},
			{Name: "ClientIds", Shape: "ClientIdList"},
			{Name: "Flows", Shape: "FlowList"},
			{Name: "Tags", Shape: "TagsType"},
			{Name: "Secrets", Shape: "SecretsType"},
			{Name: "Context", Shape: "ContextType"},
			{Name: "When", Shape: "DateType"},
			{Name: "Image", Shape: "ImageType"},
			{Name: "Extra", Shape: "DocumentType"},
		},
		Required: []string{"UserPoolId", "PoolName"},
	},
	"UserPoolIdType": {Name: "UserPoolIdType", Kind: String, Min: i64(1), Max: i64(55), Pattern: `[\w-]+_[0-9a-zA-Z]+`, Regexp: `[\w-]+_[0-9a-zA-Z]+`},
	"PoolNameType":   {Name: "PoolNameType", Kind: String, Min: i64(3), Max: i64(8)},
	"DomainType":     {Name: "DomainType", Kind: String, Min: i64(1), Max: i64(63), Pattern: `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`, Regexp: `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`},
	"MfaType":        {Name: "MfaType", Kind: String, Enum: []string{"OFF", "ON", "OPTIONAL"}},
	"QueryLimit":     {Name: "QueryLimit", Kind: Integer, Min: i64(1), Max: i64(60)},
	"LongType":       {Name: "LongType", Kind: Long, Min: i64(0)},
	"BooleanType":    {Name: "BooleanType", Kind: Boolean},
	"PasswordType":   {Name: "PasswordType", Kind: String, Min: i64(6), Max: i64(256), Pattern: `[\S]+`, Regexp: `[^\t\n\x0B\f\r ]+`, Sensitive: true},
	"Policies": {
		Name: "Policies", Kind: Structure,
		Members: []Member{{Name: "PasswordPolicy", Shape: "PasswordPolicy"}},
	},
	"PasswordPolicy": {
		Name: "PasswordPolicy", Kind: Structure,
		Members: []Member{
			{Name: "MinimumLength", Shape: "MinLength"},
			{Name: "RequireSymbols", Shape: "BooleanType"},
		},
	},
	"MinLength":     {Name: "MinLength", Kind: Integer, Min: i64(6), Max: i64(99)},
	"AttributeList": {Name: "AttributeList", Kind: List, ListMember: "AttributeType", Max: i64(3)},
	"AttributeType": {
		Name: "AttributeType", Kind: Structure,
		Members:  []Member{{Name: "Name", Shape: "AttributeNameType"}, {Name: "Value", Shape: "AttributeValueType"}},
		Required: []string{"Name"},
	},
	"AttributeNameType":  {Name: "AttributeNameType", Kind: String, Min: i64(1), Max: i64(32)},
	"AttributeValueType": {Name: "AttributeValueType", Kind: String, Max: i64(4), Sensitive: true},
	"ClientIdList":       {Name: "ClientIdList", Kind: List, ListMember: "ClientIdType", Min: i64(1), Max: i64(3)},
	"ClientIdType":       {Name: "ClientIdType", Kind: String, Min: i64(1), Max: i64(5), Pattern: `[\w+]+`, Regexp: `[\w+]+`},
	"FlowList":           {Name: "FlowList", Kind: List, ListMember: "MfaType"},
	"TagsType":           {Name: "TagsType", Kind: Map, MapKey: "TagKey", MapValue: "TagValue", Max: i64(2)},
	"TagKey":             {Name: "TagKey", Kind: String, Min: i64(1), Max: i64(3)},
	"TagValue":           {Name: "TagValue", Kind: String, Max: i64(4)},
	"SecretsType":        {Name: "SecretsType", Kind: Map, MapKey: "TagKey", MapValue: "AttributeType", Sensitive: true},
	"ContextType": {
		Name: "ContextType", Kind: Structure, Sensitive: true,
		Members: []Member{{Name: "IpAddress", Shape: "PoolNameType"}},
	},
	"DateType":     {Name: "DateType", Kind: Timestamp},
	"ImageType":    {Name: "ImageType", Kind: Blob, Max: i64(3)},
	"DocumentType": {Name: "DocumentType", Kind: Document},
}

// decode decodes a JSON body the way the API front door does.
func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}

// base is a valid request that each case extends.
const base = `"UserPoolId":"us-east-1_abc","PoolName":"pool"`

func TestValidateViolations(t *testing.T) {
	tests := []struct {
		name string
		body string
		opts *ValidateOptions
		want []string
	}{
		{"valid", `{` + base + `}`, nil, nil},
		{"valid everything", `{` + base + `,"Domain":"my-prefix","MfaConfiguration":"ON","MaxResults":60,"Size":9007199254740993,` +
			`"Enabled":false,"Password":"Secret1!","Policies":{"PasswordPolicy":{"MinimumLength":6,"RequireSymbols":true}},` +
			`"UserAttributes":[{"Name":"email","Value":"a@b"}],"ClientIds":["abc"],"Flows":["OFF","ON"],"Tags":{"k":"v"},` +
			`"Context":{"IpAddress":"1.2.3"},"When":1700000000.123,"Image":"AQID","Extra":{"any":["thing",1]}}`, nil, nil},
		{"missing required", `{}`, nil, []string{
			"Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
			"Value null at 'poolName' failed to satisfy constraint: Member must not be null",
		}},
		{"explicit null for required counts as missing", `{"UserPoolId":null,"PoolName":"pool"}`, nil, []string{
			"Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
		}},
		{"explicit null for optional is ignored", `{` + base + `,"MaxResults":null,"Policies":null,"Tags":null}`, nil, nil},
		{"unknown members ignored", `{` + base + `,"Routing":{"Failover":{}},"Bogus":[1,"x"]}`, nil, nil},
		{"too short", `{"UserPoolId":"us-east-1_abc","PoolName":"ab"}`, nil, []string{
			"Value 'ab' at 'poolName' failed to satisfy constraint: Member must have length greater than or equal to 3",
		}},
		{"too long", `{"UserPoolId":"us-east-1_abc","PoolName":"abcdefghi"}`, nil, []string{
			"Value 'abcdefghi' at 'poolName' failed to satisfy constraint: Member must have length less than or equal to 8",
		}},
		{"length counts characters not bytes", `{"UserPoolId":"us-east-1_abc","PoolName":"ééé"}`, nil, nil},
		{"pattern then length, in model order", `{"UserPoolId":"","PoolName":"ab"}`, nil, []string{
			`Value '' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`,
			"Value '' at 'userPoolId' failed to satisfy constraint: Member must have length greater than or equal to 1",
			"Value 'ab' at 'poolName' failed to satisfy constraint: Member must have length greater than or equal to 3",
		}},
		{"pattern must match the whole value", `{` + base + `,"Domain":"a b"}`, nil, []string{
			`Value 'a b' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`,
		}},
		{"pattern partial match is not enough", `{"UserPoolId":"x us-east-1_abc x","PoolName":"pool"}`, nil, []string{
			`Value 'x us-east-1_abc x' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`,
		}},
		{"pattern skipped by option", `{` + base + `,"Domain":"auth.example.com"}`,
			&ValidateOptions{SkipPattern: func(p string) bool { return p == "domain" }}, nil},
		{"skip keeps length checks", `{` + base + `,"Domain":"` + strings.Repeat("a.", 32) + `"}`,
			&ValidateOptions{SkipPattern: func(p string) bool { return p == "domain" }}, []string{
				"Value '" + strings.Repeat("a.", 32) + "' at 'domain' failed to satisfy constraint: Member must have length less than or equal to 63",
			}},
		{"enum", `{` + base + `,"MfaConfiguration":"FOO"}`, nil, []string{
			"Value 'FOO' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
		}},
		{"enum is case sensitive", `{` + base + `,"MfaConfiguration":"off"}`, nil, []string{
			"Value 'off' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
		}},
		{"range low", `{` + base + `,"MaxResults":0}`, nil, []string{
			"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
		}},
		{"range high", `{` + base + `,"MaxResults":61}`, nil, []string{
			"Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
		}},
		{"long range", `{` + base + `,"Size":-1}`, nil, []string{
			"Value '-1' at 'size' failed to satisfy constraint: Member must have value greater than or equal to 0",
		}},
		{"nested path", `{` + base + `,"Policies":{"PasswordPolicy":{"MinimumLength":5}}}`, nil, []string{
			"Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
		}},
		{"sensitive value is never echoed", `{` + base + `,"Password":"a b"}`, nil, []string{
			`Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+`,
			"Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 6",
		}},
		{"list index path", `{` + base + `,"UserAttributes":[{"Name":"email"},{"Value":"v"},{"Name":"","Value":"12345"}]}`, nil, []string{
			"Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null",
			"Value '' at 'userAttributes.3.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1",
			"Value at 'userAttributes.3.member.value' failed to satisfy constraint: Member must have length less than or equal to 4",
		}},
		{"list too long, structures not echoed", `{` + base + `,"UserAttributes":[{"Name":"a"},{"Name":"b"},{"Name":"c"},{"Name":"d"}]}`, nil, []string{
			"Value at 'userAttributes' failed to satisfy constraint: Member must have length less than or equal to 3",
		}},
		{"null list element", `{` + base + `,"UserAttributes":[null]}`, nil, []string{
			"Value null at 'userAttributes.1.member' failed to satisfy constraint: Member must not be null",
		}},
		{"empty scalar list", `{` + base + `,"ClientIds":[]}`, nil, []string{
			"Value '[]' at 'clientIds' failed to satisfy constraint: Member must have length greater than or equal to 1",
		}},
		{"scalar list too long", `{` + base + `,"ClientIds":["a","b","c","d"]}`, nil, []string{
			"Value '[a, b, c, d]' at 'clientIds' failed to satisfy constraint: Member must have length less than or equal to 3",
		}},
		{"scalar list elements reported once with every element constraint", `{` + base + `,"ClientIds":["ok","a b","toolong"]}`, nil, []string{
			`Value '[ok, a b, toolong]' at 'clientIds' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 5, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\w+]+]`,
		}},
		{"enum list", `{` + base + `,"Flows":["OFF","BAD"]}`, nil, []string{
			"Value '[OFF, BAD]' at 'flows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [OFF, ON, OPTIONAL]]",
		}},
		{"map keys and values", `{` + base + `,"Tags":{"":"v","abcd":"toolong","k":"ok"}}`, nil, []string{
			"Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2",
			"Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 3, Member must have length greater than or equal to 1]",
			"Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 4]",
		}},
		{"map of structures, sensitive map", `{` + base + `,"Secrets":{"k":{"Value":"12345"}}}`, nil, []string{
			"Value null at 'secrets.k.name' failed to satisfy constraint: Member must not be null",
			"Value at 'secrets.k.value' failed to satisfy constraint: Member must have length less than or equal to 4",
		}},
		{"sensitive structure hides nested values", `{` + base + `,"Context":{"IpAddress":"1"}}`, nil, []string{
			"Value at 'context.ipAddress' failed to satisfy constraint: Member must have length greater than or equal to 3",
		}},
		{"blob length counts decoded bytes", `{` + base + `,"Image":"AQIDBA=="}`, nil, []string{
			"Value at 'image' failed to satisfy constraint: Member must have length less than or equal to 3",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Validate(testShapes, "Request", decode(t, tt.body), tt.opts)
			if err != nil {
				t.Fatalf("Validate: unexpected error %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("violations:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestValidateTypeErrors(t *testing.T) {
	tests := []struct {
		name, body, path, msg string
	}{
		{"string for structure", `{` + base + `,"Policies":"x"}`, "policies", "Expected null"},
		{"list for structure", `{` + base + `,"Policies":[]}`, "policies", "Start of list found where not expected"},
		{"object for string", `{"UserPoolId":{},"PoolName":"pool"}`, "userPoolId", "Start of structure or map found where not expected."},
		{"number for string", `{"UserPoolId":1,"PoolName":"pool"}`, "userPoolId",
			"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"},
		{"bool for string", `{"UserPoolId":true,"PoolName":"pool"}`, "userPoolId", "class java.lang.Boolean can not be converted to an String"},
		{"string for integer", `{` + base + `,"MaxResults":"5"}`, "maxResults", "class java.lang.String can not be converted to an Integer"},
		{"float for integer", `{` + base + `,"MaxResults":1.5}`, "maxResults",
			"Value '1.5' can not be converted to an Integer: it is not a whole number"},
		{"exponent for integer", `{` + base + `,"MaxResults":1e1}`, "maxResults",
			"Value '1e1' can not be converted to an Integer: it is not a whole number"},
		{"integer out of int32 range", `{` + base + `,"MaxResults":2147483648}`, "maxResults",
			"Value '2147483648' is out of range for an Integer"},
		{"long out of int64 range", `{` + base + `,"Size":9223372036854775808}`, "size",
			"Value '9223372036854775808' is out of range for a Long"},
		{"string for boolean", `{` + base + `,"Enabled":"yes"}`, "enabled", "'YES' can not be converted to an Boolean"},
		{"number for boolean", `{` + base + `,"Enabled":1}`, "enabled",
			"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean"},
		{"string for timestamp", `{` + base + `,"When":"2024-01-01"}`, "when",
			"class java.lang.String can not be converted to milliseconds since epoch"},
		{"object for list", `{` + base + `,"ClientIds":{}}`, "clientIds", "Start of structure or map found where not expected."},
		{"string for list", `{` + base + `,"ClientIds":"abc"}`, "clientIds", "Expected list or null"},
		{"list for map", `{` + base + `,"Tags":[]}`, "tags", "Start of list found where not expected"},
		{"string for map", `{` + base + `,"Tags":"k=v"}`, "tags", "Expected map or null"},
		{"wrong element type", `{` + base + `,"ClientIds":["a",2]}`, "clientIds.2.member",
			"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"},
		{"wrong nested type", `{` + base + `,"Policies":{"PasswordPolicy":{"RequireSymbols":"true"}}}`, "policies.passwordPolicy.requireSymbols",
			"'TRUE' can not be converted to an Boolean"},
		{"wrong map value type", `{` + base + `,"Tags":{"k":1}}`, "tags.k",
			"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"},
		{"bad base64", `{` + base + `,"Image":"not base64!"}`, "image", "Value can not be converted to a Blob: it is not valid Base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Validate(testShapes, "Request", decode(t, tt.body), nil)
			var te *TypeError
			if !errors.As(err, &te) {
				t.Fatalf("Validate = %q, %v; want a *TypeError", got, err)
			}
			if te.Path != tt.path || te.Message != tt.msg {
				t.Errorf("TypeError = {%q, %q}; want {%q, %q}", te.Path, te.Message, tt.path, tt.msg)
			}
			if want := tt.msg + " (at '" + tt.path + "')"; te.Error() != want {
				t.Errorf("Error() = %q; want %q", te.Error(), want)
			}
		})
	}
}

func TestValidateTypeErrorStopsValidation(t *testing.T) {
	got, err := Validate(testShapes, "Request", decode(t, `{"PoolName":"x","MaxResults":"1"}`), nil)
	if err == nil || got != nil {
		t.Fatalf("Validate = %q, %v; want no violations and a type error", got, err)
	}
}

func TestValidateNilBodyAndBadTables(t *testing.T) {
	got, err := Validate(testShapes, "Request", nil, nil)
	if err != nil || len(got) != 2 {
		t.Errorf("nil body: got %q, %v; want the two required members", got, err)
	}
	if _, err := Validate(testShapes, "Nope", nil, nil); err == nil {
		t.Error("unknown root: want an error")
	}
	if _, err := Validate(testShapes, "PoolNameType", nil, nil); err == nil {
		t.Error("non-structure root: want an error")
	}
	broken := Shapes{
		"R":   {Name: "R", Kind: Structure, Members: []Member{{Name: "A", Shape: "Missing"}, {Name: "B", Shape: "Bad"}}},
		"Bad": {Name: "Bad", Kind: String, Pattern: "(?<!x)", Regexp: "(?<!x)"},
	}
	if _, err := Validate(broken, "R", map[string]any{"A": "x"}, nil); err == nil {
		t.Error("member of unknown shape: want an error")
	}
	_, err = Validate(broken, "R", map[string]any{"B": "x"}, nil)
	var te *TypeError
	if err == nil || errors.As(err, &te) {
		t.Errorf("uncompilable pattern: got %v; want a non-type error", err)
	}
}

func TestValidateWithoutUseNumber(t *testing.T) {
	var body map[string]any
	if err := json.Unmarshal([]byte(`{`+base+`,"MaxResults":0}`), &body); err != nil {
		t.Fatal(err)
	}
	got, err := Validate(testShapes, "Request", body, nil)
	want := []string{"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestFormatViolations(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"A"}, "1 validation error detected: A"},
		{[]string{"A", "B", "C"}, "3 validation errors detected: A; B; C"},
	}
	for _, tt := range tests {
		if got := FormatViolations(tt.in); got != tt.want {
			t.Errorf("FormatViolations(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	s := testShapes["DomainType"]
	for value, want := range map[string]bool{"myprefix": true, "a": true, "-a": false, "auth.example.com": false, "": false} {
		got, err := s.MatchPattern(value)
		if err != nil || got != want {
			t.Errorf("MatchPattern(%q) = %v, %v; want %v", value, got, err, want)
		}
	}
	if ok, err := testShapes["PoolNameType"].MatchPattern("anything at all"); !ok || err != nil {
		t.Errorf("shape without pattern: got %v, %v; want a match", ok, err)
	}
}

func TestKindAndAuthStrings(t *testing.T) {
	if String.String() != "string" || Map.String() != "map" || Kind(0).String() != "Kind(0)" {
		t.Errorf("Kind strings: %s %s %s", String, Map, Kind(0))
	}
	for a, want := range map[AuthKind]string{AuthSigV4: "SigV4", AuthAccessToken: "AccessToken", AuthNone: "None", 9: "AuthKind(9)"} {
		if a.String() != want {
			t.Errorf("AuthKind(%d).String() = %q; want %q", a, a.String(), want)
		}
	}
}
