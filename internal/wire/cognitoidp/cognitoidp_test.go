package cognitoidp

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/wire"
)

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

// customDomain exempts the domain from DomainType's prefix-only pattern when
// the request carries CustomDomainConfig, as the API layer does.
func customDomain(body map[string]any) *wire.ValidateOptions {
	if body["CustomDomainConfig"] == nil {
		return nil
	}
	return &wire.ValidateOptions{SkipPattern: func(path string) bool { return path == "domain" }}
}

func TestValidateRealRequests(t *testing.T) {
	tests := []struct {
		name, shape, body, want string
	}{
		{"CreateUserPool without a name", "CreateUserPoolRequest", `{}`,
			"1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"},
		{"CreateUserPool with a bad MFA setting", "CreateUserPoolRequest", `{"PoolName":"x","MfaConfiguration":"FOO"}`,
			"1 validation error detected: Value 'FOO' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"},
		{"CreateUserPool with a short password policy", "CreateUserPoolRequest",
			`{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":5}}}`,
			"1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"CreateUserPool valid", "CreateUserPoolRequest",
			`{"PoolName":"my pool","MfaConfiguration":"OPTIONAL","UsernameAttributes":["email"],"Schema":[{"Name":"tier","AttributeDataType":"String"}],"UserPoolTags":{"env":"dev"}}`,
			""},
		{"SignUp with an empty client id and a bad attribute", "SignUpRequest",
			`{"ClientId":"","Username":"bob","Password":"Passw0rd!","UserAttributes":[{"Name":"email","Value":"b@example.com"},{"Value":"x"}]}`,
			"3 validation errors detected: " +
				`Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+]+; ` +
				"Value at 'clientId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null"},
		{"ConfirmForgotPassword with blanks", "ConfirmForgotPasswordRequest",
			`{"ClientId":"abc","Username":"bob","ConfirmationCode":"","Password":""}`,
			"3 validation errors detected: " +
				`Value '' at 'confirmationCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+; ` +
				"Value '' at 'confirmationCode' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				`Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+`},
		{"ListUsers with a bad limit", "ListUsersRequest", `{"UserPoolId":"us-east-1_abc","Limit":61}`,
			"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"CreateUserPoolDomain with a custom domain", "CreateUserPoolDomainRequest",
			`{"Domain":"auth.example.com","UserPoolId":"us-east-1_abc","CustomDomainConfig":{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc"}}`,
			""},
		{"CreateUserPoolDomain with a dotted prefix", "CreateUserPoolDomainRequest",
			`{"Domain":"auth.example.com","UserPoolId":"us-east-1_abc"}`,
			`1 validation error detected: Value 'auth.example.com' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`},
		{"AdminUpdateUserAttributes never echoes attribute values", "AdminUpdateUserAttributesRequest",
			`{"UserPoolId":"us-east-1_abc","Username":"bob","UserAttributes":[{"Name":"custom:x","Value":"` + strings.Repeat("v", 2049) + `"}]}`,
			"1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := decode(t, tt.body)
			v, err := wire.Validate(Shapes, tt.shape, body, customDomain(body))
			if err != nil {
				t.Fatal(err)
			}
			if got := wire.FormatViolations(v); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestValidateTypeError(t *testing.T) {
	_, err := wire.Validate(Shapes, "CreateUserPoolRequest", decode(t, `{"PoolName":"x","Policies":"strict"}`), nil)
	var te *wire.TypeError
	if !errors.As(err, &te) || te.Path != "policies" {
		t.Fatalf("got %v; want a *wire.TypeError at policies", err)
	}
}

func TestCreateUserPoolRequestRoundTrip(t *testing.T) {
	in := CreateUserPoolRequest{
		PoolName:               "my pool",
		MfaConfiguration:       UserPoolMfaTypeOptional,
		AutoVerifiedAttributes: []string{VerifiedAttributeTypeEmail},
		UsernameAttributes:     []string{UsernameAttributeTypeEmail},
		Policies: &UserPoolPolicyType{PasswordPolicy: &PasswordPolicyType{
			MinimumLength:    new(int32(8)),
			RequireSymbols:   new(false),
			RequireUppercase: new(true),
		}},
		Schema: []SchemaAttributeType{{
			Name:                       "tier",
			AttributeDataType:          AttributeDataTypeString,
			Mutable:                    new(true),
			StringAttributeConstraints: &StringAttributeConstraintsType{MinLength: "1", MaxLength: "10"},
		}},
		UserPoolTags: map[string]string{"env": "dev"},
		LambdaConfig: &LambdaConfigType{PreSignUp: "arn:aws:lambda:us-east-1:123456789012:function:f"},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"PoolName":"my pool"`, `"MinimumLength":8`, `"RequireSymbols":false`, `"MfaConfiguration":"OPTIONAL"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	if strings.Contains(string(b), "DeletionProtection") {
		t.Errorf("%s: unset members must be omitted", b)
	}
	var out CreateUserPoolRequest
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	// What the generated struct marshals, the validator accepts.
	v, err := wire.Validate(Shapes, "CreateUserPoolRequest", decode(t, string(b)), nil)
	if err != nil || len(v) > 0 {
		t.Errorf("Validate(marshalled request) = %q, %v", v, err)
	}
}

func TestTimestampsTravelAsEpochSeconds(t *testing.T) {
	u := UserType{Username: "bob", UserCreateDate: wire.NewTime(time.UnixMilli(1700000000123))}
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Username":"bob","UserCreateDate":1700000000.123}`; string(b) != want {
		t.Errorf("got %s; want %s", b, want)
	}
}

func TestTables(t *testing.T) {
	if len(Shapes) != 629 || len(Operations) != 129 {
		t.Fatalf("%d shapes, %d operations; want 629 and 129", len(Shapes), len(Operations))
	}
	if TargetPrefix != "AWSCognitoIdentityProviderService" || APIVersion != "2016-04-18" {
		t.Errorf("TargetPrefix %q, APIVersion %q", TargetPrefix, APIVersion)
	}
	if !slices.IsSortedFunc(Operations, func(a, b wire.Operation) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Operations are not sorted by name")
	}
	resolve := func(what, name string) {
		if _, ok := Shapes[name]; !ok {
			t.Errorf("%s refers to unknown shape %q", what, name)
		}
	}
	for name, s := range Shapes {
		if s.Name != name {
			t.Errorf("Shapes[%q].Name = %q", name, s.Name)
		}
		for _, m := range s.Members {
			resolve(name+"."+m.Name, m.Shape)
		}
		if s.Kind == wire.List {
			resolve(name, s.ListMember)
		}
		if s.Kind == wire.Map {
			resolve(name, s.MapKey)
			resolve(name, s.MapValue)
		}
		if s.Pattern != "" {
			if s.Regexp == "" {
				t.Errorf("%s: pattern not checked", name)
			} else if _, err := s.MatchPattern(""); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	auth := map[string]wire.AuthKind{}
	for _, op := range Operations {
		auth[op.Name] = op.Auth
		resolve(op.Name, op.Input)
		for _, e := range op.Errors {
			resolve(op.Name, e)
			if !Shapes[e].Exception {
				t.Errorf("%s: error %s is not an exception shape", op.Name, e)
			}
		}
	}
	for name, want := range map[string]wire.AuthKind{
		"GetUser": wire.AuthAccessToken, "ChangePassword": wire.AuthAccessToken, "GlobalSignOut": wire.AuthAccessToken,
		"SignUp": wire.AuthNone, "InitiateAuth": wire.AuthNone, "CreateUserPool": wire.AuthSigV4,
	} {
		if auth[name] != want {
			t.Errorf("%s: Auth %s; want %s", name, auth[name], want)
		}
	}
	if ExplicitAuthFlowsTypeAllowUserSrpAuth != "ALLOW_USER_SRP_AUTH" || VerifiedAttributeTypeEmail != "email" {
		t.Error("enum constants")
	}
}
