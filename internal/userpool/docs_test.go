package userpool

import (
	"reflect"
	"testing"
	"time"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// computedMembers are the members of the wire types that are not settings:
// Cognito computes them when it answers, so the stored documents do not
// keep them.
var computedMembers = map[string]bool{
	"UserPoolType.Status": true, "UserPoolType.EstimatedNumberOfUsers": true, "UserPoolType.Domain": true,
	"UserPoolType.CustomDomain": true, "UserPoolType.SmsConfigurationFailure": true, "UserPoolType.EmailConfigurationFailure": true,
}

// Every member of the wire types a pool or a client is made of has a place
// in the stored documents (or is computed): a member the models add is not
// silently dropped on the way to the store. When this fails after a model
// update, add the member to the document types of docs.go.
func TestStoredDocsKeepEveryWireMember(t *testing.T) {
	for _, pair := range [][2]any{
		{cip.UserPoolType{}, Pool{}}, {cip.UserPoolClientType{}, Client{}},
		{cip.SoftwareTokenMfaConfigType{}, SoftwareTokenMfaConfig{}}, {cip.EmailMfaConfigType{}, EmailMfaConfig{}},
		{cip.WebAuthnConfigurationType{}, WebAuthnConfiguration{}},
	} {
		sameMembers(t, reflect.TypeOf(pair[0]), reflect.TypeOf(pair[1]))
	}
}

func sameMembers(t *testing.T, w, d reflect.Type) {
	t.Helper()
	if w == reflect.PointerTo(wireTimeType) {
		return // a time.Time in the documents
	}
	for w.Kind() == reflect.Pointer || w.Kind() == reflect.Slice || w.Kind() == reflect.Map {
		w, d = w.Elem(), d.Elem()
	}
	if w.Kind() != reflect.Struct || w == wireTimeType {
		return
	}
	for i := range w.NumField() {
		f := w.Field(i)
		if computedMembers[w.Name()+"."+f.Name] {
			continue
		}
		df, ok := d.FieldByName(f.Name)
		if !ok {
			t.Errorf("%s.%s has no place in the stored %s", w.Name(), f.Name, d.Name())
			continue
		}
		if df.Tag.Get("json") == "" || df.Tag.Get("json") == f.Tag.Get("json") {
			t.Errorf("%s.%s: the stored member needs a key of its own", d.Name(), df.Name)
		}
		sameMembers(t, f.Type, df.Type)
	}
}

// A pool and a client go to their stored form and back unchanged.
func TestStoredFormsRoundTrip(t *testing.T) {
	st := &poolState{
		Pool: cip.UserPoolType{Id: "eu-west-1_X", Name: "p", Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{MinimumLength: ptr(int32(9))}},
			LambdaConfig:     &cip.LambdaConfigType{PreSignUp: "arn:a", CustomEmailSender: &cip.CustomEmailLambdaVersionConfigType{LambdaArn: "arn:e", LambdaVersion: "V1_0"}},
			SchemaAttributes: []cip.SchemaAttributeType{{Name: "custom:x", NumberAttributeConstraints: &cip.NumberAttributeConstraintsType{MinValue: "1"}}},
			UserPoolTags:     map[string]string{"k": "v"}, CreationDate: wireTime(testTime), LastModifiedDate: wireTime(testTime)},
		SoftwareTokenMfa: &cip.SoftwareTokenMfaConfigType{Enabled: ptr(false)},
		EmailMfa:         &cip.EmailMfaConfigType{Subject: "s"},
	}
	p, err := decodePoolDoc("eu-west-1_X", encodePoolDoc(poolFromState(st)))
	if err != nil {
		t.Fatal(err)
	}
	if back := p.state(); !reflect.DeepEqual(back, st) {
		t.Fatalf("pool round trip:\n got  %+v\n want %+v", back, st)
	}
	c := &cip.UserPoolClientType{ClientId: "c", UserPoolId: "eu-west-1_X", ClientSecret: "s", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"},
		TokenValidityUnits: &cip.TokenValidityUnitsType{AccessToken: "minutes"}, AllowedOAuthFlowsUserPoolClient: ptr(false), CreationDate: wireTime(testTime)}
	got, err := decodeClientDoc("c", encodeClientDoc(clientFromWire(c)))
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Wire(); !reflect.DeepEqual(&w, c) {
		t.Fatalf("client round trip:\n got  %+v\n want %+v", w, *c)
	}
}

var testTime = mustTime("2026-05-06T07:08:09.123Z")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
