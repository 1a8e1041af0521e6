package users_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// The users' and groups' documents as the code of d67635e wrote them (the
// fixture userpool's migration test reads too) read as they did, and keep
// their shape when they change.
func TestStoredDocumentsOfBefore(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("../userpool/testdata/docs-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		SealingKey string `json:"sealing_key"`
		Records    struct {
			Pool  store.UserPool `json:"pool"`
			User  store.User     `json:"user"`
			Group store.Group    `json:"group"`
		} `json:"records"`
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	key, _ := hex.DecodeString(f.SealingKey)
	sealer, _ := secrets.NewSealer(key)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := f.Records
	for _, err := range []error{st.CreateUserPool(ctx, r.Pool), st.CreateUser(ctx, r.User), st.CreateGroup(ctx, r.Group), st.AddUserToGroup(ctx, r.Pool.ID, r.Group.Name, r.User.Key)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	svc := users.New(st, users.Options{Pools: userpool.New(st, userpool.Options{Sealer: sealer}), Sealer: sealer})
	same := func(what string, got any, want json.RawMessage) {
		t.Helper()
		g, _ := json.Marshal(got)
		var gm, wm any
		json.Unmarshal(g, &gm)
		json.Unmarshal(want, &wm)
		if !reflect.DeepEqual(gm, wm) {
			t.Errorf("%s:\n got  %s\n want %s", what, g, want)
		}
	}
	user, err := svc.AdminGetUser(ctx, &cip.AdminGetUserRequest{UserPoolId: r.Pool.ID, Username: "ANN"})
	if err != nil {
		t.Fatal(err)
	}
	same("AdminGetUser", user, f.Answers["AdminGetUser"])
	group, err := svc.GetGroup(ctx, &cip.GetGroupRequest{UserPoolId: r.Pool.ID, GroupName: "admins"})
	if err != nil {
		t.Fatal(err)
	}
	same("GetGroup", group, f.Answers["GetGroup"])

	// Changed, they keep the keys they had.
	if _, err := svc.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesRequest{UserPoolId: r.Pool.ID, Username: "ann",
		UserAttributes: []cip.AttributeType{{Name: "custom:tier", Value: "silver"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateGroup(ctx, &cip.UpdateGroupRequest{UserPoolId: r.Pool.ID, GroupName: "admins", Description: "The admins"}); err != nil {
		t.Fatal(err)
	}
	u, _ := st.GetUser(ctx, r.Pool.ID, "ann")
	g, _ := st.GetGroup(ctx, r.Pool.ID, "admins")
	for _, want := range [][]byte{[]byte(`{"Name":"custom:tier","Value":"silver"}`), []byte(`"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]`)} {
		if !bytes.Contains(u.Doc, want) {
			t.Errorf("user document %s lacks %s", u.Doc, want)
		}
	}
	if !bytes.Contains(g.Doc, []byte(`"Description":"The admins","RoleArn":"arn:aws:iam::123456789012:role/admin","Precedence":5`)) {
		t.Errorf("group document %s", g.Doc)
	}
	group, err = svc.GetGroup(ctx, &cip.GetGroupRequest{UserPoolId: r.Pool.ID, GroupName: "admins"})
	if err != nil || group.Group.Description != "The admins" || *group.Group.Precedence != 5 || !group.Group.CreationDate.Time.Equal(r.Group.CreatedAt) ||
		!group.Group.LastModifiedDate.Time.After(r.Group.UpdatedAt) {
		t.Fatalf("group after the change: %+v %v", group, err)
	}
}
