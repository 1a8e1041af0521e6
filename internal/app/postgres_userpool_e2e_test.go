package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// TestPoolChangeObeyedOnAnotherNode: each node keeps the pools and app
// clients it loaded; a change made through node A (an app client's
// ExplicitAuthFlows, a pool's password policy) is obeyed by node B as soon
// as A's announcement arrives (LISTEN/NOTIFY), long before B's cache would
// expire on its own.
func TestPoolChangeObeyedOnAnotherNode(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	ca, cb := a.client("us-east-1", false), b.client("us-east-1", false)
	pool := must[*cognito.CreateUserPoolOutput](t)(ca.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("shared")})).UserPool
	client := must[*cognito.CreateUserPoolClientOutput](t)(ca.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: pool.Id, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).UserPoolClient
	must[*cognito.AdminCreateUserOutput](t)(ca.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String("ann"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(ca.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("ann"), Password: aws.String("Passw0rd!x"), Permanent: true}))

	signIn := func() error {
		_, err := cb.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: client.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!x"}})
		return err
	}
	// B loads the client (and keeps it): the flow is not allowed.
	for range 2 {
		wantAPIError(t, signIn(), "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	}
	must[*cognito.UpdateUserPoolClientOutput](t)(ca.UpdateUserPoolClient(ctx, &cognito.UpdateUserPoolClientInput{UserPoolId: pool.Id, ClientId: client.ClientId,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))
	changed := time.Now()
	waitFor(t, 10*time.Second, "node B to allow USER_PASSWORD_AUTH", func() (bool, error) {
		err := signIn()
		return err == nil, err
	})
	t.Logf("node B obeyed the client's new flows %v after A answered (a sign-in included)", time.Since(changed).Round(time.Millisecond))

	// The pool's password policy: B checks a new password against it.
	setPassword := func(pw string) error {
		_, err := cb.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String("ann"), Password: aws.String(pw), Permanent: true})
		return err
	}
	if err := setPassword("Passw0rd!y"); err != nil { // B loads the pool (and keeps it)
		t.Fatal(err)
	}
	must[*cognito.UpdateUserPoolOutput](t)(ca.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: pool.Id,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(16)}}}))
	changed = time.Now()
	waitFor(t, 10*time.Second, "node B to refuse a password shorter than the new minimum", func() (bool, error) {
		err := setPassword("Passw0rd!z")
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "InvalidPasswordException" {
			return true, nil
		}
		return false, err
	})
	t.Logf("node B obeyed the pool's new password policy %v after A answered", time.Since(changed).Round(time.Millisecond))
	if err := setPassword("a-long-enough-passphrase"); err != nil {
		t.Fatalf("a password of the new policy on B: %v", err)
	}
}
