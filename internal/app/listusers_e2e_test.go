package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestListUsersFilters(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("filters")})).UserPool
	people := []struct{ user, email, phone, name, given, family, preferred string }{
		{"anna", "anna@example.com", "+15550000001", "Anna Smith", "Anna", "Smith", "annie"},
		{"andrew", "andrew@example.org", "+15550000002", "Andrew Smithers", "Andrew", "Smithers", "andy"},
		{"bella", "bella@example.com", "+44550000003", "Bella Jones", "Bella", "Jones", "bee"},
	}
	subs := map[string]string{}
	for _, p := range people {
		u := must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(p.user),
			MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String("Temp-Passw0rd"),
			UserAttributes: attrs("email", p.email, "phone_number", p.phone, "name", p.name, "given_name", p.given, "family_name", p.family, "preferred_username", p.preferred)})).User
		subs[p.user] = attrOf(u.Attributes, "sub")
	}
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("bella"), Password: aws.String("Perm-Passw0rd"), Permanent: true}))
	must[*cognito.AdminDisableUserOutput](t)(c.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: pool.Id, Username: aws.String("andrew")}))

	list := func(filter string) []string {
		t.Helper()
		out := must[*cognito.ListUsersOutput](t)(c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Filter: aws.String(filter)}))
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		return names
	}
	cases := []struct {
		filter string
		want   string
	}{
		{`username = "anna"`, "[anna]"},
		{`username ^= "an"`, "[andrew anna]"},
		{`email = "bella@example.com"`, "[bella]"},
		{`email ^= "an"`, "[andrew anna]"},
		{`phone_number = "+15550000002"`, "[andrew]"},
		{`phone_number ^= "+1555"`, "[anna andrew]"},
		{`name = "Bella Jones"`, "[bella]"},
		{`name ^= "An"`, "[andrew anna]"},
		{`given_name = "Anna"`, "[anna]"},
		{`given_name ^= "B"`, "[bella]"},
		{`family_name = "Smith"`, "[anna]"},
		{`family_name ^= "Smith"`, "[anna andrew]"},
		{`preferred_username = "andy"`, "[andrew]"},
		{`preferred_username ^= "a"`, "[andrew anna]"},
		{`cognito:user_status = "CONFIRMED"`, "[bella]"},
		{`cognito:user_status ^= "FORCE"`, "[andrew anna]"},
		{`status = "Disabled"`, "[andrew]"},
		{`status ^= "Ena"`, "[anna bella]"},
		{`sub = "` + subs["bella"] + `"`, "[bella]"},
		{`sub ^= "` + subs["anna"][:8] + `"`, "[anna]"},
		{`email = "nobody@example.com"`, "[]"},
		{`  email   =   "anna@example.com"  `, "[anna]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(list(tc.filter)); got != tc.want {
			t.Errorf("filter %s: got %s, want %s", tc.filter, got, tc.want)
		}
	}
	for _, bad := range []string{`email == "x"`, `email = x`, `email = "x`, `custom:tier = "gold"`, `email_verified = "true"`} {
		_, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Filter: aws.String(bad)})
		wantAPIError(t, err, "InvalidParameterException", "")
	}
	// AttributesToGet.
	out := must[*cognito.ListUsersOutput](t)(c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Filter: aws.String(`username = "anna"`), AttributesToGet: []string{"email"}}))
	if len(out.Users) != 1 || len(out.Users[0].Attributes) != 1 || attrOf(out.Users[0].Attributes, "email") != "anna@example.com" || out.Users[0].UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("AttributesToGet: %+v", out.Users)
	}
	_, err := c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, AttributesToGet: []string{"nonexistent"}})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: pool.Id, Limit: aws.Int32(61)})
	wantAPIError(t, err, "InvalidParameterException", "less than or equal to 60")
}

// TestListUsersPaging pages through 1,000 users without loss or repetition,
// unfiltered and filtered.
func TestListUsersPaging(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("thousand")})).UserPool
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			domain := "example.com"
			if i%4 == 0 {
				domain = "quarter.org"
			}
			_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(fmt.Sprintf("user%04d", i)),
				MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: aws.String("Temp-Passw0rd"),
				UserAttributes: attrs("email", fmt.Sprintf("u%04d@%s", i, domain))})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	page := func(filter *string, limit int32) int {
		seen := map[string]bool{}
		pg := cognito.NewListUsersPaginator(c, &cognito.ListUsersInput{UserPoolId: pool.Id, Filter: filter, Limit: aws.Int32(limit)})
		for pg.HasMorePages() {
			out := must[*cognito.ListUsersOutput](t)(pg.NextPage(ctx))
			if len(out.Users) > int(limit) {
				t.Fatalf("page of %d > %d", len(out.Users), limit)
			}
			for _, u := range out.Users {
				if seen[*u.Username] {
					t.Fatalf("%s listed twice", *u.Username)
				}
				seen[*u.Username] = true
			}
		}
		return len(seen)
	}
	if got := page(nil, 60); got != n {
		t.Fatalf("listed %d users, want %d", got, n)
	}
	if got := page(aws.String(`email ^= "u0"`), 37); got != n {
		t.Fatalf("listed %d users by email prefix, want %d", got, n)
	}
	if got := page(aws.String(`email = "u0400@quarter.org"`), 60); got != 1 {
		t.Fatalf("listed %d users by exact email, want 1", got)
	}
	if got := page(aws.String(`cognito:user_status = "FORCE_CHANGE_PASSWORD"`), 60); got != n {
		t.Fatalf("listed %d users by status, want %d", got, n)
	}
}

func TestGroups(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true)
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("groups")})).UserPool
	g := must[*cognito.CreateGroupOutput](t)(c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins"),
		Description: aws.String("Administrators"), Precedence: aws.Int32(1), RoleArn: aws.String("arn:aws:iam::000000000000:role/admin")})).Group
	if aws.ToString(g.GroupName) != "admins" || aws.ToInt32(g.Precedence) != 1 || g.CreationDate == nil || aws.ToString(g.UserPoolId) != *pool.Id {
		t.Fatalf("create group %+v", g)
	}
	_, err := c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins")})
	wantAPIError(t, err, "GroupExistsException", "A group with the name already exists.")
	_, err = raw.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: pool.Id})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'groupName'")
	_, err = c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: aws.String("us-east-1_nothere00"), GroupName: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	for _, n := range []string{"readers", "writers"} {
		must[*cognito.CreateGroupOutput](t)(c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: pool.Id, GroupName: aws.String(n)}))
	}
	got := must[*cognito.GetGroupOutput](t)(c.GetGroup(ctx, &cognito.GetGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins")})).Group
	if aws.ToString(got.Description) != "Administrators" {
		t.Fatalf("get group %+v", got)
	}
	_, err = c.GetGroup(ctx, &cognito.GetGroupInput{UserPoolId: pool.Id, GroupName: aws.String("nothing")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")

	up := must[*cognito.UpdateGroupOutput](t)(c.UpdateGroup(ctx, &cognito.UpdateGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins"), Description: aws.String("Admins")})).Group
	if aws.ToString(up.Description) != "Admins" || aws.ToInt32(up.Precedence) != 1 {
		t.Fatalf("update group %+v", up)
	}
	_, err = c.UpdateGroup(ctx, &cognito.UpdateGroupInput{UserPoolId: pool.Id, GroupName: aws.String("nothing")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	l := must[*cognito.ListGroupsOutput](t)(c.ListGroups(ctx, &cognito.ListGroupsInput{UserPoolId: pool.Id, Limit: aws.Int32(2)}))
	if len(l.Groups) != 2 || l.NextToken == nil {
		t.Fatalf("list groups page 1 %+v", l)
	}
	l2 := must[*cognito.ListGroupsOutput](t)(c.ListGroups(ctx, &cognito.ListGroupsInput{UserPoolId: pool.Id, Limit: aws.Int32(2), NextToken: l.NextToken}))
	if len(l2.Groups) != 1 || l2.NextToken != nil {
		t.Fatalf("list groups page 2 %+v", l2)
	}

	for _, u := range []string{"ann", "ben"} {
		must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress}))
	}
	for _, m := range [][2]string{{"admins", "ann"}, {"readers", "ann"}, {"readers", "ben"}, {"readers", "ben"}} {
		must[*cognito.AdminAddUserToGroupOutput](t)(c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: pool.Id, GroupName: aws.String(m[0]), Username: aws.String(m[1])}))
	}
	_, err = c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: pool.Id, GroupName: aws.String("nothing"), Username: aws.String("ann")})
	wantAPIError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins"), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	ug := must[*cognito.AdminListGroupsForUserOutput](t)(c.AdminListGroupsForUser(ctx, &cognito.AdminListGroupsForUserInput{UserPoolId: pool.Id, Username: aws.String("ann")}))
	if len(ug.Groups) != 2 || aws.ToString(ug.Groups[0].GroupName) != "admins" {
		t.Fatalf("groups for ann %+v", ug.Groups)
	}
	_, err = c.AdminListGroupsForUser(ctx, &cognito.AdminListGroupsForUserInput{UserPoolId: pool.Id, Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")
	members := must[*cognito.ListUsersInGroupOutput](t)(c.ListUsersInGroup(ctx, &cognito.ListUsersInGroupInput{UserPoolId: pool.Id, GroupName: aws.String("readers"), Limit: aws.Int32(1)}))
	if len(members.Users) != 1 || members.NextToken == nil {
		t.Fatalf("members page 1 %+v", members)
	}
	members2 := must[*cognito.ListUsersInGroupOutput](t)(c.ListUsersInGroup(ctx, &cognito.ListUsersInGroupInput{UserPoolId: pool.Id, GroupName: aws.String("readers"), Limit: aws.Int32(1), NextToken: members.NextToken}))
	if len(members2.Users) != 1 || *members2.Users[0].Username == *members.Users[0].Username {
		t.Fatalf("members page 2 %+v", members2)
	}
	_, err = c.ListUsersInGroup(ctx, &cognito.ListUsersInGroupInput{UserPoolId: pool.Id, GroupName: aws.String("nothing")})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	must[*cognito.AdminRemoveUserFromGroupOutput](t)(c.AdminRemoveUserFromGroup(ctx, &cognito.AdminRemoveUserFromGroupInput{UserPoolId: pool.Id, GroupName: aws.String("readers"), Username: aws.String("ann")}))
	ug = must[*cognito.AdminListGroupsForUserOutput](t)(c.AdminListGroupsForUser(ctx, &cognito.AdminListGroupsForUserInput{UserPoolId: pool.Id, Username: aws.String("ann")}))
	if len(ug.Groups) != 1 {
		t.Fatalf("after removal %+v", ug.Groups)
	}
	_, err = c.AdminRemoveUserFromGroup(ctx, &cognito.AdminRemoveUserFromGroupInput{UserPoolId: pool.Id, GroupName: aws.String("readers"), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "")

	must[*cognito.DeleteGroupOutput](t)(c.DeleteGroup(ctx, &cognito.DeleteGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins")}))
	_, err = c.DeleteGroup(ctx, &cognito.DeleteGroupInput{UserPoolId: pool.Id, GroupName: aws.String("admins")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	ug = must[*cognito.AdminListGroupsForUserOutput](t)(c.AdminListGroupsForUser(ctx, &cognito.AdminListGroupsForUserInput{UserPoolId: pool.Id, Username: aws.String("ann")}))
	if len(ug.Groups) != 0 {
		t.Fatalf("a deleted group is still listed %+v", ug.Groups)
	}
}
