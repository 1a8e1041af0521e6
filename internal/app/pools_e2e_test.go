package app_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var (
	poolIDRE   = regexp.MustCompile(`^us-east-1_[0-9A-Za-z]{9}$`)
	clientIDRE = regexp.MustCompile(`^[0-9a-z]{26}$`)
	secretRE   = regexp.MustCompile(`^[0-9a-z]{51}$`)
)

func TestUserPoolLifecycle(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true)

	before := time.Now().Add(-time.Second)
	out := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{
		PoolName:               aws.String("demo"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name: aws.String("tenant"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("64")},
		}},
		UserPoolTags: map[string]string{"env": "test"},
	}))
	p := out.UserPool
	if !poolIDRE.MatchString(aws.ToString(p.Id)) {
		t.Fatalf("pool id %q is not <region>_<9 alphanumerics>", aws.ToString(p.Id))
	}
	if want := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + *p.Id; aws.ToString(p.Arn) != want {
		t.Fatalf("arn %q, want %q", aws.ToString(p.Arn), want)
	}
	if p.CreationDate == nil || p.CreationDate.Before(before) || p.CreationDate.After(time.Now().Add(time.Second)) {
		t.Fatalf("creation date %v", p.CreationDate)
	}
	pp := p.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 8 || !pp.RequireLowercase || !pp.RequireUppercase || !pp.RequireNumbers || !pp.RequireSymbols || pp.TemporaryPasswordValidityDays != 7 {
		t.Fatalf("default password policy: %+v", pp)
	}
	if p.MfaConfiguration != types.UserPoolMfaTypeOff || p.DeletionProtection != types.DeletionProtectionTypeInactive || p.UserPoolTier != types.UserPoolTierTypeEssentials {
		t.Fatalf("defaults: mfa %s, deletion %s, tier %s", p.MfaConfiguration, p.DeletionProtection, p.UserPoolTier)
	}
	if p.AdminCreateUserConfig == nil || p.AdminCreateUserConfig.AllowAdminCreateUserOnly || p.AdminCreateUserConfig.UnusedAccountValidityDays != 7 {
		t.Fatalf("AdminCreateUserConfig %+v", p.AdminCreateUserConfig)
	}
	if p.VerificationMessageTemplate == nil || p.VerificationMessageTemplate.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithCode {
		t.Fatalf("VerificationMessageTemplate %+v", p.VerificationMessageTemplate)
	}
	if p.EmailConfiguration == nil || p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault {
		t.Fatalf("EmailConfiguration %+v", p.EmailConfiguration)
	}
	names := map[string]types.SchemaAttributeType{}
	for _, a := range p.SchemaAttributes {
		names[aws.ToString(a.Name)] = a
	}
	for _, n := range []string{"sub", "email", "email_verified", "phone_number", "updated_at", "custom:tenant"} {
		if _, ok := names[n]; !ok {
			t.Fatalf("schema lacks %s", n)
		}
	}
	if len(p.SchemaAttributes) != 21 {
		t.Fatalf("schema has %d attributes, want 20 standard + 1 custom", len(p.SchemaAttributes))
	}
	if sub := names["sub"]; aws.ToBool(sub.Mutable) || !aws.ToBool(sub.Required) {
		t.Fatalf("sub must be required and immutable: %+v", sub)
	}
	if aws.ToString(names["custom:tenant"].StringAttributeConstraints.MaxLength) != "64" {
		t.Fatalf("custom attribute constraints lost")
	}
	if p.EstimatedNumberOfUsers != 0 || p.UserPoolTags["env"] != "test" {
		t.Fatalf("users %d tags %v", p.EstimatedNumberOfUsers, p.UserPoolTags)
	}

	// Describe returns what Create returned.
	d := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id}))
	if aws.ToString(d.UserPool.Name) != "demo" || len(d.UserPool.SchemaAttributes) != 21 || !d.UserPool.CreationDate.Equal(*p.CreationDate) {
		t.Fatalf("describe: %+v", d.UserPool)
	}
	_, err := c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	_, err = raw.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")

	// Create errors.
	_, err = raw.CreateUserPool(ctx, &cognito.CreateUserPoolInput{})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'poolName' failed to satisfy constraint: Member must not be null")
	_, err = c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("x"), MfaConfiguration: types.UserPoolMfaType("SOMETIMES")})
	wantAPIError(t, err, "InvalidParameterException", "Member must satisfy enum value set: [OFF, ON, OPTIONAL]")
	_, err = c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("x"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}, UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	wantAPIError(t, err, "InvalidParameterException", "Only one of the aliasAttributes or usernameAttributes")
	_, err = c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("x"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("must"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}}})
	wantAPIError(t, err, "InvalidParameterException", "Required custom attributes are not supported currently.")
	_, err = c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("x"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(5)}}})
	wantAPIError(t, err, "InvalidParameterException", "Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6")

	// Update replaces the settings; left-out settings return to defaults.
	must[*cognito.UpdateUserPoolOutput](t)(c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{
		UserPoolId:         p.Id,
		DeletionProtection: types.DeletionProtectionTypeActive,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(12), RequireNumbers: true,
		}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	}))
	d = must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id}))
	pp = d.UserPool.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 12 || !pp.RequireNumbers || pp.RequireSymbols || d.UserPool.DeletionProtection != types.DeletionProtectionTypeActive {
		t.Fatalf("after update: %+v %s", pp, d.UserPool.DeletionProtection)
	}
	if len(d.UserPool.SchemaAttributes) != 21 || aws.ToString(d.UserPool.Name) != "demo" || !d.UserPool.LastModifiedDate.After(*p.CreationDate) && !d.UserPool.LastModifiedDate.Equal(*p.CreationDate) {
		t.Fatalf("update must keep schema and name")
	}
	_, err = c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "does not exist")
	_, err = c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: p.Id,
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber}}})
	wantAPIError(t, err, "InvalidParameterException", "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")

	// Deletion protection is honoured.
	_, err = c.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: p.Id})
	wantAPIError(t, err, "InvalidParameterException", "deletion protection is activated")
	must[*cognito.UpdateUserPoolOutput](t)(c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: p.Id, DeletionProtection: types.DeletionProtectionTypeInactive}))
	must[*cognito.DeleteUserPoolOutput](t)(c.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: p.Id}))
	_, err = c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.DeleteUserPool(ctx, &cognito.DeleteUserPoolInput{UserPoolId: p.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

func TestListUserPoolsPaging(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	want := map[string]bool{}
	for i := range 7 {
		o := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("p" + string(rune('a'+i)))}))
		want[*o.UserPool.Id] = true
	}
	seen := map[string]bool{}
	pages := 0
	pg := cognito.NewListUserPoolsPaginator(c, &cognito.ListUserPoolsInput{MaxResults: aws.Int32(3)})
	for pg.HasMorePages() {
		page := must[*cognito.ListUserPoolsOutput](t)(pg.NextPage(ctx))
		pages++
		if len(page.UserPools) > 3 {
			t.Fatalf("page of %d", len(page.UserPools))
		}
		for _, p := range page.UserPools {
			if seen[*p.Id] {
				t.Fatalf("%s listed twice", *p.Id)
			}
			seen[*p.Id] = true
			if p.Name == nil || p.CreationDate == nil || p.LastModifiedDate == nil {
				t.Fatalf("incomplete description %+v", p)
			}
		}
	}
	if len(seen) != 7 || pages != 3 {
		t.Fatalf("saw %d pools in %d pages", len(seen), pages)
	}
	_, err := c.ListUserPools(ctx, &cognito.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantAPIError(t, err, "InvalidParameterException", "Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
	_, err = ts.client("us-east-1", true).ListUserPools(ctx, &cognito.ListUserPoolsInput{})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'maxResults'")
	_, err = c.ListUserPools(ctx, &cognito.ListUserPoolsInput{MaxResults: aws.Int32(3), NextToken: aws.String("garbage!")})
	wantAPIError(t, err, "InvalidParameterException", "")
}

func TestRegionFromCredentialScope(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	eu := ts.client("eu-west-1", false)
	o := must[*cognito.CreateUserPoolOutput](t)(eu.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("eu")}))
	if !regexp.MustCompile(`^eu-west-1_[0-9A-Za-z]{9}$`).MatchString(*o.UserPool.Id) {
		t.Fatalf("pool id %s not in the signed region", *o.UserPool.Id)
	}
	if want := "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/" + *o.UserPool.Id; *o.UserPool.Arn != want {
		t.Fatalf("arn %s", *o.UserPool.Arn)
	}
	// Found by id whatever the region of the request.
	us := ts.client("us-east-1", false)
	d := must[*cognito.DescribeUserPoolOutput](t)(us.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: o.UserPool.Id}))
	if *d.UserPool.Name != "eu" {
		t.Fatal("wrong pool")
	}
}

func TestCustomAttributesAndMfaConfig(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	p := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("attrs")})).UserPool

	must[*cognito.AddCustomAttributesOutput](t)(c.AddCustomAttributes(ctx, &cognito.AddCustomAttributesInput{
		UserPoolId: p.Id,
		CustomAttributes: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
			{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber, NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("0"), MaxValue: aws.String("10")}},
		},
	}))
	d := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id}))
	found := 0
	for _, a := range d.UserPool.SchemaAttributes {
		switch aws.ToString(a.Name) {
		case "custom:plan":
			found++
		case "custom:level":
			if a.AttributeDataType != types.AttributeDataTypeNumber || aws.ToString(a.NumberAttributeConstraints.MaxValue) != "10" {
				t.Fatalf("custom:level %+v", a)
			}
			found++
		}
	}
	if found != 2 {
		t.Fatalf("custom attributes not added: %d", found)
	}
	_, err := c.AddCustomAttributes(ctx, &cognito.AddCustomAttributesInput{UserPoolId: p.Id,
		CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString}}})
	wantAPIError(t, err, "InvalidParameterException", "Existing attribute already has name custom:plan.")
	_, err = c.AddCustomAttributes(ctx, &cognito.AddCustomAttributesInput{UserPoolId: aws.String("us-east-1_nothere00"),
		CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("x")}}})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = ts.client("us-east-1", true).AddCustomAttributes(ctx, &cognito.AddCustomAttributesInput{UserPoolId: p.Id})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'customAttributes'")

	m := must[*cognito.GetUserPoolMfaConfigOutput](t)(c.GetUserPoolMfaConfig(ctx, &cognito.GetUserPoolMfaConfigInput{UserPoolId: p.Id}))
	if m.MfaConfiguration != types.UserPoolMfaTypeOff || m.SoftwareTokenMfaConfiguration == nil || m.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("default MFA config %+v", m)
	}
	_, err = c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{UserPoolId: p.Id, MfaConfiguration: types.UserPoolMfaTypeOn})
	wantAPIError(t, err, "InvalidParameterException", "")
	sm := must[*cognito.SetUserPoolMfaConfigOutput](t)(c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{
		UserPoolId: p.Id, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	}))
	if sm.MfaConfiguration != types.UserPoolMfaTypeOptional || !sm.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("set MFA: %+v", sm)
	}
	m = must[*cognito.GetUserPoolMfaConfigOutput](t)(c.GetUserPoolMfaConfig(ctx, &cognito.GetUserPoolMfaConfigInput{UserPoolId: p.Id}))
	if m.MfaConfiguration != types.UserPoolMfaTypeOptional || !m.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("get after set: %+v", m)
	}
	d = must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id}))
	if d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOptional {
		t.Fatalf("pool MFA %s", d.UserPool.MfaConfiguration)
	}
	_, err = c.SetUserPoolMfaConfig(ctx, &cognito.SetUserPoolMfaConfigInput{UserPoolId: p.Id, MfaConfiguration: types.UserPoolMfaType("MAYBE")})
	wantAPIError(t, err, "InvalidParameterException", "enum value set")
	_, err = c.GetUserPoolMfaConfig(ctx, &cognito.GetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "")
}

func TestTags(t *testing.T) {
	ts := startServer(t, t.TempDir())
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	p := must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("tags"), UserPoolTags: map[string]string{"a": "1"}})).UserPool
	must[*cognito.TagResourceOutput](t)(c.TagResource(ctx, &cognito.TagResourceInput{ResourceArn: p.Arn, Tags: map[string]string{"b": "2", "a": "3"}}))
	l := must[*cognito.ListTagsForResourceOutput](t)(c.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: p.Arn}))
	if len(l.Tags) != 2 || l.Tags["a"] != "3" || l.Tags["b"] != "2" {
		t.Fatalf("tags %v", l.Tags)
	}
	must[*cognito.UntagResourceOutput](t)(c.UntagResource(ctx, &cognito.UntagResourceInput{ResourceArn: p.Arn, TagKeys: []string{"a"}}))
	l = must[*cognito.ListTagsForResourceOutput](t)(c.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: p.Arn}))
	if len(l.Tags) != 1 || l.Tags["b"] != "2" {
		t.Fatalf("tags after untag %v", l.Tags)
	}
	d := must[*cognito.DescribeUserPoolOutput](t)(c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: p.Id}))
	if len(d.UserPool.UserPoolTags) != 1 {
		t.Fatalf("describe tags %v", d.UserPool.UserPoolTags)
	}
	missing := "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nothere00"
	_, err := c.TagResource(ctx, &cognito.TagResourceInput{ResourceArn: &missing, Tags: map[string]string{"x": "y"}})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = c.ListTagsForResource(ctx, &cognito.ListTagsForResourceInput{ResourceArn: &missing})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = ts.client("us-east-1", true).UntagResource(ctx, &cognito.UntagResourceInput{ResourceArn: p.Arn})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'tagKeys'")
	big := map[string]string{}
	for i := range 51 {
		big[string(rune('A'+i/26))+string(rune('a'+i%26))] = "v"
	}
	_, err = c.TagResource(ctx, &cognito.TagResourceInput{ResourceArn: p.Arn, Tags: big})
	wantAPIError(t, err, "UserPoolTaggingException", "")
}
