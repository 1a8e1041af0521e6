package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/certs/certtest"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/edge/edgetest"
)

// replicaPool makes a pool in us-east-1 with a password client and a
// confirmed user.
func replicaPool(t *testing.T, c *cognito.Client) (poolID, clientID string) {
	t.Helper()
	ctx := context.Background()
	pool := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("replicated")}))
	poolID = *pool.UserPool.Id
	cl := must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}))
	clientID = *cl.UserPoolClient.ClientId
	must[*cognito.AdminCreateUserOutput](t)(c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.AdminSetUserPasswordOutput](t)(c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), Password: aws.String("Passw0rd!x"), Permanent: true}))
	return poolID, clientID
}

func passwordSignIn(c *cognito.Client, clientID string) (*cognito.InitiateAuthOutput, error) {
	return c.InitiateAuth(context.Background(), &cognito.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!x"}})
}

func TestUserPoolReplicas(t *testing.T) {
	// This node is in us-west-2 (--region): unsigned requests (sign-in,
	// sign-up, the access-token operations) are us-west-2's; signed ones are
	// the Region their signature names.
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.Region = "us-west-2" })
	ctx := context.Background()
	east := ts.client("us-east-1", false)
	west := ts.client("us-west-2", false)
	raw := ts.client("us-east-1", true)
	poolID, clientID := replicaPool(t, east)

	// Create, and its errors.
	out := must[*cognito.CreateUserPoolReplicaOutput](t)(east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{
		UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), UserPoolTags: map[string]string{"team": "id"}}))
	r := out.UserPoolReplica
	if aws.ToString(r.RegionName) != "us-west-2" || r.Role != types.ReplicaRoleTypeSecondary || r.Status != types.ReplicaStatusTypeCreating ||
		aws.ToString(r.UserPoolArn) != "arn:aws:cognito-idp:us-west-2:"+accountOf(t, east, poolID)+":userpool/"+poolID {
		t.Fatalf("created replica: %+v", *r)
	}
	// The replica's tags are its own, kept in either Region.
	must[*cognito.TagResourceOutput](t)(west.TagResource(ctx, &cognito.TagResourceInput{ResourceArn: r.UserPoolArn, Tags: map[string]string{"region": "west"}}))
	if tags := must[*cognito.ListTagsForResourceOutput](t)(east.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: r.UserPoolArn})).Tags; len(tags) != 2 || tags["team"] != "id" || tags["region"] != "west" {
		t.Fatalf("replica tags %v", tags)
	}
	must[*cognito.UntagResourceOutput](t)(west.UntagResource(ctx, &cognito.UntagResourceInput{ResourceArn: r.UserPoolArn, TagKeys: []string{"team"}}))
	pd := must[*cognito.DescribeUserPoolOutput](t)(east.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).UserPool
	if poolTags := must[*cognito.ListTagsForResourceOutput](t)(east.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: pd.Arn})).Tags; len(poolTags) != 0 {
		t.Fatalf("the pool's tags changed with its replica's: %v", poolTags)
	}
	if tags := must[*cognito.ListTagsForResourceOutput](t)(west.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: r.UserPoolArn})).Tags; len(tags) != 1 || tags["region"] != "west" {
		t.Fatalf("replica tags after untag %v", tags)
	}
	_, err := east.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: aws.String(strings.Replace(*r.UserPoolArn, "us-west-2", "eu-west-1", 1))})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	_, err = east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-east-1")})
	wantAPIError(t, err, "InvalidParameterException", "another Region")
	_, err = east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "InvalidParameterException", "already has a replica in us-west-2")
	_, err = east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("eu-west-1")})
	wantAPIError(t, err, "LimitExceededException", "")
	_, err = raw.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("mars-base")})
	wantAPIError(t, err, "InvalidParameterException", "not a valid Region")
	_, err = east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String("us-east-1_nothere00"), RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	lite := must[*cognito.CreateUserPoolOutput](t)(east.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("lite"), UserPoolTier: types.UserPoolTierTypeLite}))
	_, err = east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: lite.UserPool.Id, RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "FeatureUnavailableInTierException", "")

	// List, and the pool's ReplicaRegions.
	list := must[*cognito.ListUserPoolReplicasOutput](t)(west.ListUserPoolReplicas(ctx, &cognito.ListUserPoolReplicasInput{UserPoolId: aws.String(poolID)}))
	if len(list.UserPoolReplicas) != 2 || list.NextToken != nil ||
		aws.ToString(list.UserPoolReplicas[0].RegionName) != "us-east-1" || list.UserPoolReplicas[0].Role != types.ReplicaRoleTypePrimary || list.UserPoolReplicas[0].Status != types.ReplicaStatusTypeActive ||
		aws.ToString(list.UserPoolReplicas[1].RegionName) != "us-west-2" || list.UserPoolReplicas[1].Role != types.ReplicaRoleTypeSecondary || list.UserPoolReplicas[1].Status != types.ReplicaStatusTypeInactive {
		t.Fatalf("replicas: %+v", list.UserPoolReplicas)
	}
	_, err = east.ListUserPoolReplicas(ctx, &cognito.ListUserPoolReplicasInput{UserPoolId: aws.String(poolID), NextToken: aws.String("bm9wZQ")})
	wantAPIError(t, err, "InvalidParameterException", "pagination token")
	_, err = east.ListUserPoolReplicas(ctx, &cognito.ListUserPoolReplicasInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	pools := must[*cognito.ListUserPoolsOutput](t)(east.ListUserPools(ctx, &cognito.ListUserPoolsInput{MaxResults: aws.Int32(60)}))
	for _, p := range pools.UserPools {
		want := []string(nil)
		if *p.Id == poolID {
			want = []string{"us-west-2"}
		}
		if !slices.Equal(p.ReplicaRegions, want) {
			t.Fatalf("pool %s ReplicaRegions %v, want %v", *p.Id, p.ReplicaRegions, want)
		}
	}

	// An INACTIVE replica takes administrator requests, not end users'.
	must[*cognito.DescribeUserPoolOutput](t)(west.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: aws.String(poolID)}))
	_, err = passwordSignIn(west, clientID)
	wantAPIError(t, err, "OperationNotEnabledException", "INACTIVE")

	// Update: activate (callable in either Region), and its errors.
	up := must[*cognito.UpdateUserPoolReplicaOutput](t)(west.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{
		UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeActive}))
	if up.UserPoolReplica.Status != types.ReplicaStatusTypeActive || up.UserPoolReplica.Role != types.ReplicaRoleTypeSecondary {
		t.Fatalf("updated replica: %+v", *up.UserPoolReplica)
	}
	_, err = east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-east-1"), Status: types.UpdateReplicaStatusTypeInactive})
	wantAPIError(t, err, "InvalidParameterException", "always ACTIVE")
	_, err = east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("eu-west-1"), Status: types.UpdateReplicaStatusTypeActive})
	wantAPIError(t, err, "ResourceNotFoundException", "no replica in eu-west-1")
	_, err = raw.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: "DELETING"})
	wantAPIError(t, err, "InvalidParameterException", "")

	// ACTIVE SECONDARY: sign-in and reads work, tokens from either Region
	// verify in both, writes are refused.
	westAuth := must[*cognito.InitiateAuthOutput](t)(passwordSignIn(west, clientID))
	eastAuth := must[*cognito.AdminInitiateAuthOutput](t)(east.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!x"}}))
	for _, c := range []*cognito.Client{east, west} {
		for _, tok := range []*string{westAuth.AuthenticationResult.AccessToken, eastAuth.AuthenticationResult.AccessToken} {
			u := must[*cognito.GetUserOutput](t)(c.GetUser(ctx, &cognito.GetUserInput{AccessToken: tok}))
			if aws.ToString(u.Username) != "alice" {
				t.Fatalf("GetUser: %v", aws.ToString(u.Username))
			}
		}
	}
	must[*cognito.InitiateAuthOutput](t)(west.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *eastAuth.AuthenticationResult.RefreshToken}}))
	must[*cognito.AdminGetUserOutput](t)(west.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")}))
	_, err = west.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob")})
	wantAPIError(t, err, "OperationNotEnabledException", "SECONDARY")
	_, err = west.SignUp(ctx, &cognito.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("carol"), Password: aws.String("Passw0rd!x")})
	wantAPIError(t, err, "OperationNotEnabledException", "SECONDARY")
	_, err = west.ChangePassword(ctx, &cognito.ChangePasswordInput{AccessToken: westAuth.AuthenticationResult.AccessToken, PreviousPassword: aws.String("Passw0rd!x"), ProposedPassword: aws.String("Passw0rd!y")})
	wantAPIError(t, err, "OperationNotEnabledException", "SECONDARY")
	_, err = west.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String(poolID)})
	wantAPIError(t, err, "OperationNotEnabledException", "primary Region us-east-1")
	_, err = west.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "OperationNotEnabledException", "")
	// The primary Region changes the directory as ever.
	must[*cognito.AdminCreateUserOutput](t)(east.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress}))

	// Delete: INACTIVE replicas only; a pool with replicas is not deleted.
	_, err = east.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "InvalidParameterException", "only an INACTIVE replica")
	_, err = east.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: aws.String(poolID)})
	wantAPIError(t, err, "InvalidParameterException", "replicas")
	_, err = east.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-east-1")})
	wantAPIError(t, err, "InvalidParameterException", "cannot be deleted")
	must[*cognito.UpdateUserPoolReplicaOutput](t)(east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{
		UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeInactive}))
	del := must[*cognito.DeleteUserPoolReplicaOutput](t)(east.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")}))
	if del.UserPoolReplica.Status != types.ReplicaStatusTypeDeleting || aws.ToString(del.UserPoolReplica.RegionName) != "us-west-2" {
		t.Fatalf("deleted replica: %+v", *del.UserPoolReplica)
	}
	_, err = east.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	list = must[*cognito.ListUserPoolReplicasOutput](t)(east.ListUserPoolReplicas(ctx, &cognito.ListUserPoolReplicasInput{UserPoolId: aws.String(poolID)}))
	if len(list.UserPoolReplicas) != 1 || list.UserPoolReplicas[0].Role != types.ReplicaRoleTypePrimary {
		t.Fatalf("replicas after delete: %+v", list.UserPoolReplicas)
	}
	// Without a replica there, us-west-2 requests are served as before.
	must[*cognito.AdminCreateUserOutput](t)(west.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("carol"), MessageAction: types.MessageActionTypeSuppress}))
	must[*cognito.DeleteUserPoolOutput](t)(east.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: aws.String(poolID)}))
}

// accountOf is the account of a pool's ARN.
func accountOf(t *testing.T, c *cognito.Client, poolID string) string {
	t.Helper()
	p := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(context.Background(), &cognito.DescribeUserPoolInput{UserPoolId: aws.String(poolID)}))
	arn := aws.ToString(p.UserPool.Arn) // arn:aws:cognito-idp:<region>:<account>:userpool/<id>
	return strings.SplitN(arn, ":", 6)[4]
}

// TestDomainFailoverRouting: Routing.Failover on the domain operations,
// and which Region's edge serves the domain. This node is in us-west-2,
// alone (SQLite): the pool's Region, us-east-1, has no live node, so the
// domain routed to us-west-2 is served here; without failover it is
// served here too (every node serves a domain without routing).
func TestDomainFailoverRouting(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.Region = "us-west-2" })
	ctx := context.Background()
	east := ts.client("us-east-1", false)
	west := ts.client("us-west-2", false)
	ca := certtest.NewCA(t)
	now := time.Now()
	const host = "login.example.test"
	arn := importCert(t, ts.acmClient("us-east-1"), ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	poolID, _ := replicaPool(t, east)
	failover := func(region, check string) *types.RoutingType {
		return &types.RoutingType{Failover: &types.FailoverType{SecondaryRegion: aws.String(region), PrimaryRoute53HealthCheckId: aws.String(check)}}
	}
	cdc := &types.CustomDomainConfigType{CertificateArn: aws.String(arn)}

	// Errors: the pool has no replica yet; prefix domains take no routing.
	_, err := east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: cdc, Routing: failover("us-west-2", "primary-east")})
	wantAPIError(t, err, "InvalidParameterException", "has no replica in us-west-2")
	must[*cognito.CreateUserPoolReplicaOutput](t)(east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")}))
	must[*cognito.UpdateUserPoolReplicaOutput](t)(east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeActive}))
	_, err = east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("failprefix"), UserPoolId: aws.String(poolID), Routing: failover("us-west-2", "primary-east")})
	wantAPIError(t, err, "InvalidParameterException", "custom domains only")
	_, err = east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: cdc, Routing: failover("us-east-1", "primary-east")})
	wantAPIError(t, err, "InvalidParameterException", "must differ")
	_, err = east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: cdc, Routing: failover("eu-west-1", "primary-east")})
	wantAPIError(t, err, "InvalidParameterException", "has no replica in eu-west-1")
	// The secondary Region does not change domains.
	_, err = west.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc})
	wantAPIError(t, err, "OperationNotEnabledException", "SECONDARY")

	out := must[*cognito.CreateUserPoolDomainOutput](t)(east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: cdc, Routing: failover("us-west-2", "primary-east")}))
	wantRouting := func(r *types.RoutingType, region, check string) {
		t.Helper()
		if region == "" {
			if r != nil {
				t.Fatalf("routing %+v, want none", r.Failover)
			}
			return
		}
		if r == nil || r.Failover == nil || aws.ToString(r.Failover.SecondaryRegion) != region || aws.ToString(r.Failover.PrimaryRoute53HealthCheckId) != check {
			t.Fatalf("routing %+v, want %s/%s", r, region, check)
		}
	}
	wantRouting(out.Routing, "us-west-2", "primary-east")
	d := describeDomain(t, east, host)
	wantRouting(d.Routing, "us-west-2", "primary-east")
	if d.Status != types.DomainStatusTypeActive {
		t.Fatalf("status %s", d.Status)
	}
	// us-east-1 has no live node: this us-west-2 node's edge serves it.
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, ca.Pool()); err != nil {
		t.Fatalf("failed-over domain not served by the secondary Region's edge: %v", err)
	}

	// Update: without Routing it is kept; Routing without Failover removes it.
	up := must[*cognito.UpdateUserPoolDomainOutput](t)(east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc}))
	wantRouting(up.Routing, "us-west-2", "primary-east")
	_, err = east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc, Routing: failover("eu-west-1", "x")})
	wantAPIError(t, err, "InvalidParameterException", "has no replica in eu-west-1")
	_, err = east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String("nothere.example.test"), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc, Routing: failover("eu-west-1", "x")})
	wantAPIError(t, err, "InvalidParameterException", "No such domain or user pool exists.")
	up = must[*cognito.UpdateUserPoolDomainOutput](t)(east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc, Routing: &types.RoutingType{}}))
	wantRouting(up.Routing, "", "")
	wantRouting(describeDomain(t, east, host).Routing, "", "")
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, ca.Pool()); err != nil {
		t.Fatalf("domain without routing not served: %v", err)
	}
	up = must[*cognito.UpdateUserPoolDomainOutput](t)(east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID), CustomDomainConfig: cdc, Routing: failover("us-west-2", "hc-2")}))
	wantRouting(up.Routing, "us-west-2", "hc-2")
	wantRouting(describeDomain(t, east, host).Routing, "us-west-2", "hc-2")
}

// TestFailoverDomainNotServedElsewhere: a node of a third Region does not
// serve a domain routed between two others.
func TestFailoverDomainNotServedElsewhere(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.Region = "eu-west-1" })
	ctx := context.Background()
	east := ts.client("us-east-1", false)
	ca := certtest.NewCA(t)
	now := time.Now()
	const host = "login.example.test"
	arn := importCert(t, ts.acmClient("us-east-1"), ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	poolID, _ := replicaPool(t, east)
	must[*cognito.CreateUserPoolReplicaOutput](t)(east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")}))
	must[*cognito.CreateUserPoolDomainOutput](t)(east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(arn)},
		Routing:            &types.RoutingType{Failover: &types.FailoverType{SecondaryRegion: aws.String("us-west-2"), PrimaryRoute53HealthCheckId: aws.String("hc")}}}))
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, ca.Pool()); err == nil {
		t.Fatal("an eu-west-1 node serves a domain routed between us-east-1 and us-west-2")
	}
	// Without the routing, every node serves it.
	must[*cognito.UpdateUserPoolDomainOutput](t)(east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(arn)}, Routing: &types.RoutingType{}}))
	if _, err := edgetest.Handshake(ts.EdgeAddr, host, ca.Pool()); err != nil {
		t.Fatalf("domain without routing not served: %v", err)
	}
}

// TestSecondaryHostedPagesSignInOnly: the hosted pages of a SECONDARY
// replica (this us-west-2 node, a failed-over domain of a us-east-1 pool)
// sign users in but offer no sign-up or password recovery, and refuse
// those pages; once the replica is gone, they are offered again.
func TestSecondaryHostedPagesSignInOnly(t *testing.T) {
	ts := startServerWith(t, t.TempDir(), func(c *config.Config) { c.Region = "us-west-2" })
	ctx := context.Background()
	east := ts.client("us-east-1", false)
	ca := certtest.NewCA(t)
	now := time.Now()
	const host = "login.example.test"
	const cb = "https://app.example.test/cb"
	arn := importCert(t, ts.acmClient("us-east-1"), ca, []string{host}, now.Add(-time.Hour), now.Add(48*time.Hour))
	poolID, _ := replicaPool(t, east)
	web := must[*cognito.CreateUserPoolClientOutput](t)(east.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{cb}, SupportedIdentityProviders: []string{"COGNITO"}})).UserPoolClient
	must[*cognito.CreateUserPoolReplicaOutput](t)(east.CreateUserPoolReplica(ctx, &cognito.CreateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")}))
	must[*cognito.UpdateUserPoolReplicaOutput](t)(east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeActive}))
	must[*cognito.CreateUserPoolDomainOutput](t)(east.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(arn)},
		Routing:            &types.RoutingType{Failover: &types.FailoverType{SecondaryRegion: aws.String("us-west-2"), PrimaryRoute53HealthCheckId: aws.String("hc")}}}))

	query := url.Values{"client_id": {*web.ClientId}, "response_type": {"code"}, "redirect_uri": {cb}, "scope": {"openid"}}.Encode()
	page := func(path string) (int, string) {
		hc := hostClient(ts, ca.Pool(), nil)
		resp, err := hc.Get("https://" + host + path + "?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := page("/login")
	if status != http.StatusOK || strings.Contains(body, "Sign up") || strings.Contains(body, "Forgot your password?") {
		t.Fatalf("secondary login page %d offers more than sign-in: %s", status, body)
	}
	for _, p := range []string{"/signup", "/forgotPassword", "/confirmForgotPassword", "/confirmUser"} {
		if status, body := page(p); status != http.StatusBadRequest || !strings.Contains(body, "not available in this Region") {
			t.Fatalf("secondary %s: %d %s", p, status, body)
		}
	}
	jar, _ := cookiejar.New(nil)
	back := signInWithBrowser(t, hostClient(ts, ca.Pool(), jar), "https://"+host+"/oauth2/authorize?"+query, "alice", "Passw0rd!x")
	if back.Query().Get("code") == "" || !strings.HasPrefix(back.String(), cb) {
		t.Fatalf("sign-in on the secondary's pages went to %s", back)
	}

	// An INACTIVE replica serves no end user, sign-in included.
	must[*cognito.UpdateUserPoolReplicaOutput](t)(east.UpdateUserPoolReplica(ctx, &cognito.UpdateUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2"), Status: types.UpdateReplicaStatusTypeInactive}))
	for _, p := range []string{"/login", "/oauth2/authorize"} {
		if status, body := page(p); status != http.StatusBadRequest || !strings.Contains(body, "not active") {
			t.Fatalf("INACTIVE secondary %s: %d %s", p, status, body)
		}
	}

	// Without the replica (and the routing), the pages offer everything again.
	must[*cognito.UpdateUserPoolDomainOutput](t)(east.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: aws.String(poolID),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(arn)}, Routing: &types.RoutingType{}}))
	must[*cognito.DeleteUserPoolReplicaOutput](t)(east.DeleteUserPoolReplica(ctx, &cognito.DeleteUserPoolReplicaInput{UserPoolId: aws.String(poolID), RegionName: aws.String("us-west-2")}))
	status, body = page("/login")
	if status != http.StatusOK || !strings.Contains(body, "Sign up") || !strings.Contains(body, "Forgot your password?") {
		t.Fatalf("login page without a replica %d: %s", status, body)
	}
	if status, _ := page("/signup"); status != http.StatusOK {
		t.Fatalf("sign-up page without a replica: %d", status)
	}
}
