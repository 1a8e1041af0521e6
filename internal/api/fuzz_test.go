package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/wire/acm"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// echo registers a handler that answers with the decoded request itself.
func echo[In any](s *Service, name string) {
	Handle(s, name, func(_ context.Context, in *In) (*In, error) { return in, nil })
}

// fuzzOps are the operations FuzzDecodeRequest sends bodies to: nested
// structures, lists, maps, integers, booleans, enums, sensitive strings and
// Base64 blobs between them.
var fuzzOps = []struct {
	target string
	typ    reflect.Type
}{
	{cip.TargetPrefix + ".CreateUserPool", reflect.TypeFor[cip.CreateUserPoolRequest]()},
	{cip.TargetPrefix + ".AdminCreateUser", reflect.TypeFor[cip.AdminCreateUserRequest]()},
	{cip.TargetPrefix + ".InitiateAuth", reflect.TypeFor[cip.InitiateAuthRequest]()},
	{cip.TargetPrefix + ".ListUsers", reflect.TypeFor[cip.ListUsersRequest]()},
	{cip.TargetPrefix + ".CreateUserPoolClient", reflect.TypeFor[cip.CreateUserPoolClientRequest]()},
	{acm.TargetPrefix + ".ImportCertificate", reflect.TypeFor[acm.ImportCertificateRequest]()},
}

// FuzzDecodeRequest sends arbitrary bodies through the front door's
// decoding and model validation to handlers that echo the typed request.
// Properties: decodeObject accepts exactly the bodies that are one valid
// JSON object; the answer is 200 or a 400 SerializationException or the
// service's validation error, well formed; and what is accepted decodes,
// re-encodes and decodes again to the same request (the generated types
// round-trip).
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []struct {
		op   uint8
		body string
	}{
		{0, `{"PoolName":"fuzz","Policies":{"PasswordPolicy":{"MinimumLength":8,"RequireSymbols":true}},"Schema":[{"Name":"tier","AttributeDataType":"String","Mutable":true,"StringAttributeConstraints":{"MaxLength":"10"}}],"UserPoolTags":{"team":"id"}}`},
		{0, `{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":5.0}}}`},
		{0, `{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":1e400}}}`},
		{1, `{"UserPoolId":"us-east-1_AbC123","Username":"olga","UserAttributes":[{"Name":"email","Value":"o@example.com"}],"MessageAction":"SUPPRESS","DesiredDeliveryMediums":["EMAIL"],"ClientMetadata":{"k":"v"}}`},
		{1, `{"UserPoolId":"us-east-1_AbC123","Username":"\u0000","ForceAliasCreation":"yes"}`},
		{2, `{"AuthFlow":"USER_SRP_AUTH","ClientId":"1example23456789","AuthParameters":{"USERNAME":"u","SRP_A":"abc"}}`},
		{2, `{"AuthFlow":"USER_SRP_AUTH","ClientId":"1example23456789","AuthParameters":{"USERNAME":null}}`},
		{3, `{"UserPoolId":"us-east-1_AbC123","Filter":"email ^= \"a\"","Limit":60,"AttributesToGet":["email"]}`},
		{3, `{"UserPoolId":"us-east-1_AbC123","Limit":-1}`},
		{4, `{"UserPoolId":"us-east-1_AbC123","ClientName":"web","GenerateSecret":true,"AccessTokenValidity":60,"TokenValidityUnits":{"AccessToken":"minutes"},"AllowedOAuthFlows":["code"],"CallbackURLs":["https://example.com/cb"]}`},
		{5, `{"Certificate":"LS0tLS1CRUdJTg==","PrivateKey":"AAAA","Tags":[{"Key":"a","Value":"b"}]}`},
		{5, `{"Certificate":"not base64!"}`},
		{0, `{"PoolName":"a"} {}`},
		{0, `[]`},
		{0, `{"PoolName":"a",}`},
		{0, ``},
		{0, `  `},
		{0, `null`},
		{0, `{"PoolName":"\ud800"}`},
	} {
		f.Add(s.op, []byte(s.body))
	}
	cipSvc := NewService("cognito-idp", cip.TargetPrefix, cip.Shapes, cip.Operations)
	echo[cip.CreateUserPoolRequest](cipSvc, "CreateUserPool")
	echo[cip.AdminCreateUserRequest](cipSvc, "AdminCreateUser")
	echo[cip.InitiateAuthRequest](cipSvc, "InitiateAuth")
	echo[cip.ListUsersRequest](cipSvc, "ListUsers")
	echo[cip.CreateUserPoolClientRequest](cipSvc, "CreateUserPoolClient")
	acmSvc := NewService("acm", acm.TargetPrefix, acm.Shapes, acm.Operations)
	acmSvc.ValidationError = awserr.ValidationError
	echo[acm.ImportCertificateRequest](acmSvc, "ImportCertificate")
	srv := NewServer(Options{}, cipSvc, acmSvc)

	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		// decodeObject's verdict against encoding/json's.
		_, err := decodeObject(body)
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		if want := json.Valid(body) && len(trimmed) > 0 && trimmed[0] == '{'; (err == nil) != want {
			t.Fatalf("decodeObject(%q) = %v; one JSON object: %v", body, err, want)
		}
		if err != nil {
			if ae, ok := awserr.As(err); !ok || ae.Type() != awserr.Serialization {
				t.Fatalf("decodeObject(%q) = %v, want a SerializationException", body, err)
			}
		}

		o := fuzzOps[int(op)%len(fuzzOps)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", o.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			first := reflect.New(o.typ)
			if err := json.Unmarshal(rec.Body.Bytes(), first.Interface()); err != nil {
				t.Fatalf("echo of %q does not decode: %v", body, err)
			}
			again, err := json.Marshal(first.Interface())
			if err != nil {
				t.Fatal(err)
			}
			second := reflect.New(o.typ)
			if err := json.Unmarshal(again, second.Interface()); err != nil || !reflect.DeepEqual(first.Interface(), second.Interface()) {
				t.Fatalf("%s does not round-trip: %s then %s (%v)", o.typ, rec.Body.Bytes(), again, err)
			}
		case http.StatusBadRequest:
			var m map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatalf("error body %q: %v", rec.Body.Bytes(), err)
			}
			typ, _ := m["__type"].(string)
			msg, _ := m["message"].(string)
			if typ != awserr.Serialization && typ != awserr.InvalidParameter && typ != awserr.ValidationError || msg == "" || rec.Header().Get("x-amzn-ErrorType") != typ {
				t.Fatalf("malformed refusal of %q: %s %v", body, rec.Header().Get("x-amzn-ErrorType"), m)
			}
			// An empty body stands for {}; anything else that is not one
			// JSON object is a SerializationException.
			if err != nil && len(bytes.TrimSpace(body)) > 0 && typ != awserr.Serialization {
				t.Fatalf("body %q is not one JSON object but was refused with %s", body, typ)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.Bytes())
		}
	})
}
