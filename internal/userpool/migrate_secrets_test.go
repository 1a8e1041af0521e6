package userpool_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/userpool"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// asVersion2 rewrites a client's stored document as the code before
// secret rotation stored it: {"v":2, ..., "client_secret": <the one secret
// sealed for the client alone>}, no list.
func asVersion2(t *testing.T, st store.Store, sealer *secrets.Sealer, clientID, secret string) {
	t.Helper()
	must[store.AppClient](t)(st.UpdateAppClient(context.Background(), clientID, func(r *store.AppClient) error {
		var m map[string]any
		if err := json.Unmarshal(r.Doc, &m); err != nil {
			return err
		}
		delete(m, "client_secrets")
		m["v"] = 2
		m["client_secret"] = sealer.SealString(secret, secrets.ClientSecretOwner(clientID))
		r.Doc, _ = json.Marshal(m)
		return nil
	}))
}

// A client stored by version 2 (one sealed client_secret) loads with that
// secret as its first, shown, secret (id from its creation date); adding a
// second rewrites it as version 3, both secrets sealed each with its own
// binding, and a restart reads it back; deleting the first leaves the
// description without a ClientSecret and the first secret refused.
func TestVersion2ClientSecretReadAndRewritten(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sealer := testSealer(t)
	s := userpool.New(st, userpool.Options{Sealer: sealer})
	pool := must[*cip.CreateUserPoolResponse](t)(s.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})).UserPool
	cl := must[*cip.CreateUserPoolClientResponse](t)(s.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: pool.Id, ClientName: "c",
		GenerateSecret: ptr(true)})).UserPoolClient
	first := cl.ClientSecret
	asVersion2(t, st, sealer, cl.ClientId, first)
	if doc := must[store.AppClient](t)(st.GetAppClient(ctx, cl.ClientId)).Doc; !bytes.HasPrefix(doc, []byte(`{`)) || bytes.Contains(doc, []byte("client_secrets")) || bytes.Contains(doc, []byte(first)) {
		t.Fatalf("version 2 document: %s", doc)
	}

	s = userpool.New(st, userpool.Options{Sealer: sealer}) // a restart on the old document
	c := must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
	if !c.HasSecret() || !c.SecretMatches(first) || c.SecretMatches(first[1:]) || c.ClientSecret != first ||
		!c.SecretHashMatches("ann", srp.SecretHash(first, "ann", cl.ClientId)) || c.SecretHashMatches("bob", srp.SecretHash(first, "ann", cl.ClientId)) {
		t.Fatalf("the version 2 client's secret: %+v", c)
	}
	list := must[*cip.ListUserPoolClientSecretsResponse](t)(s.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsRequest{UserPoolId: pool.Id, ClientId: cl.ClientId}))
	wantID := fmt.Sprintf("%s--%d", cl.ClientId, cl.CreationDate.Time.UnixMilli())
	if len(list.ClientSecrets) != 1 || list.ClientSecrets[0].ClientSecretId != wantID || list.ClientSecrets[0].ClientSecretValue != "" ||
		!list.ClientSecrets[0].ClientSecretCreateDate.Time.Equal(cl.CreationDate.Time) {
		t.Fatalf("the version 2 client's secrets: %+v (want id %s)", list.ClientSecrets, wantID)
	}

	added := must[*cip.AddUserPoolClientSecretResponse](t)(s.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId})).ClientSecretDescriptor
	second := added.ClientSecretValue
	doc := must[store.AppClient](t)(st.GetAppClient(ctx, cl.ClientId)).Doc
	if !bytes.HasPrefix(doc, []byte(`{"v":3,`)) || bytes.Count(doc, []byte(`"value":"sealed:`)) != 2 || bytes.Contains(doc, []byte(`"client_secret":`)) ||
		bytes.Contains(doc, []byte(first)) || bytes.Contains(doc, []byte(second)) {
		t.Fatalf("the rewritten document: %s", doc)
	}
	s = userpool.New(st, userpool.Options{Sealer: sealer})
	c = must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
	if !c.SecretMatches(first) || !c.SecretMatches(second) || c.ClientSecret != first {
		t.Fatalf("after a restart on version 3: shown %q", c.ClientSecret)
	}

	// Each sealed value is bound to its secret's id: swapped, they do not open.
	swapped := must[store.AppClient](t)(st.GetAppClient(ctx, cl.ClientId))
	var m map[string]any
	json.Unmarshal(swapped.Doc, &m)
	list2 := m["client_secrets"].([]any)
	a, b := list2[0].(map[string]any), list2[1].(map[string]any)
	a["value"], b["value"] = b["value"], a["value"]
	swapped.Doc, _ = json.Marshal(m)
	other := openStore(t)
	must[struct{}](t)(struct{}{}, other.CreateUserPool(ctx, must[store.UserPool](t)(st.GetUserPool(ctx, pool.Id))))
	must[struct{}](t)(struct{}{}, other.CreateAppClient(ctx, swapped))
	if _, err := userpool.New(other, userpool.Options{Sealer: sealer}).Client(ctx, cl.ClientId); err == nil {
		t.Fatal("secrets sealed for other ids opened")
	}

	must[*cip.DeleteUserPoolClientSecretResponse](t)(s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecretId: wantID}))
	c = must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
	d := must[*cip.DescribeUserPoolClientResponse](t)(s.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientRequest{UserPoolId: pool.Id, ClientId: cl.ClientId})).UserPoolClient
	if !c.HasSecret() || c.SecretMatches(first) || !c.SecretMatches(second) || d.ClientSecret != "" {
		t.Fatalf("after deleting the first secret: described %q", d.ClientSecret)
	}
	// The client stays confidential: settings that need a secret remain allowed.
	must[*cip.UpdateUserPoolClientResponse](t)(s.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientRequest{UserPoolId: pool.Id, ClientId: cl.ClientId,
		EnablePropagateAdditionalUserContextData: ptr(true)}))
	c = must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
	if !c.SecretMatches(second) || c.SecretMatches(first) {
		t.Fatal("an update changed the secrets")
	}
}

// The rules of the three operations, on the service alone.
func TestClientSecretRules(t *testing.T) {
	ctx := context.Background()
	var ann announcements
	s := userpool.New(openStore(t), userpool.Options{Sealer: testSealer(t), Announce: ann.add})
	pool := must[*cip.CreateUserPoolResponse](t)(s.CreateUserPool(ctx, &cip.CreateUserPoolRequest{PoolName: "p"})).UserPool
	cl := must[*cip.CreateUserPoolClientResponse](t)(s.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: pool.Id, ClientName: "c",
		ClientSecret: "given-secret-of-twenty-four-plus"})).UserPoolClient
	public := must[*cip.CreateUserPoolClientResponse](t)(s.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: pool.Id, ClientName: "pub"})).UserPoolClient
	ann.take()

	_, err := s.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: public.ClientId})
	wantErr(t, err, awserr.InvalidParameter, "does not have a client secret")
	if l := must[*cip.ListUserPoolClientSecretsResponse](t)(s.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsRequest{UserPoolId: pool.Id, ClientId: public.ClientId})); l.ClientSecrets == nil || len(l.ClientSecrets) != 0 {
		t.Fatalf("a public client's secrets: %+v", l)
	}

	// A given value is not returned; two adds in the same millisecond get distinct ids.
	given := must[*cip.AddUserPoolClientSecretResponse](t)(s.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId,
		ClientSecret: "another_given_secret_value_42"})).ClientSecretDescriptor
	if given.ClientSecretValue != "" || !strings.HasPrefix(given.ClientSecretId, cl.ClientId+"--") || given.ClientSecretCreateDate == nil {
		t.Fatalf("added: %+v", given)
	}
	if got := ann.take(); !slices.Equal(got, []string{"client/" + cl.ClientId}) {
		t.Fatalf("announced %v", got)
	}
	_, err = s.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId})
	wantErr(t, err, awserr.LimitExceeded, "limit of 2 client secrets")

	list := must[*cip.ListUserPoolClientSecretsResponse](t)(s.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsRequest{UserPoolId: pool.Id, ClientId: cl.ClientId})).ClientSecrets
	if len(list) != 2 || list[1].ClientSecretId != given.ClientSecretId || list[0].ClientSecretId >= list[1].ClientSecretId {
		t.Fatalf("listed %+v", list)
	}
	_, err = s.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsRequest{UserPoolId: pool.Id, ClientId: cl.ClientId, NextToken: "bm90LWEtdG9rZW4"})
	wantErr(t, err, awserr.InvalidParameter, "")

	_, err = s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecretId: cl.ClientId + "--1"})
	wantErr(t, err, awserr.ResourceNotFound, "Client secret "+cl.ClientId+"--1 does not exist")
	_, err = s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: public.ClientId, ClientSecretId: list[0].ClientSecretId})
	wantErr(t, err, awserr.ResourceNotFound, "")
	_, err = s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: "us-east-1_nothere1", ClientId: cl.ClientId, ClientSecretId: list[0].ClientSecretId})
	wantErr(t, err, awserr.ResourceNotFound, "User pool us-east-1_nothere1 does not exist.")
	must[*cip.DeleteUserPoolClientSecretResponse](t)(s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecretId: list[1].ClientSecretId}))
	_, err = s.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretRequest{UserPoolId: pool.Id, ClientId: cl.ClientId, ClientSecretId: list[0].ClientSecretId})
	wantErr(t, err, awserr.InvalidParameter, "last client secret")
	c := must[*userpool.Client](t)(s.Client(ctx, cl.ClientId))
	if !c.SecretMatches("given-secret-of-twenty-four-plus") || c.SecretMatches("another_given_secret_value_42") {
		t.Fatal("the secrets after the deletion")
	}
}

func wantErr(t *testing.T, err error, typ, msg string) {
	t.Helper()
	if e, ok := awserr.As(err); !ok || e.Type() != typ || !strings.Contains(e.Message(), msg) {
		t.Fatalf("got %v, want %s containing %q", err, typ, msg)
	}
}
