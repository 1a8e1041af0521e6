package userpool

import (
	"context"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/wire"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

func wireTime(t time.Time) *wire.Time { return wire.NewTime(t) }

// poolSettings are the settings CreateUserPool and UpdateUserPool share.
// UpdateUserPool replaces all of them: a setting left out returns to its
// default, as in Cognito.
type poolSettings struct {
	Policies                    *cip.UserPoolPolicyType
	DeletionProtection          string
	LambdaConfig                *cip.LambdaConfigType
	AutoVerifiedAttributes      []string
	SmsVerificationMessage      string
	EmailVerificationMessage    string
	EmailVerificationSubject    string
	VerificationMessageTemplate *cip.VerificationMessageTemplateType
	SmsAuthenticationMessage    string
	MfaConfiguration            string
	UserAttributeUpdateSettings *cip.UserAttributeUpdateSettingsType
	DeviceConfiguration         *cip.DeviceConfigurationType
	EmailConfiguration          *cip.EmailConfigurationType
	SmsConfiguration            *cip.SmsConfigurationType
	AdminCreateUserConfig       *cip.AdminCreateUserConfigType
	UserPoolAddOns              *cip.UserPoolAddOnsType
	AccountRecoverySetting      *cip.AccountRecoverySettingType
}

// checkLambdaConfig refuses a trigger whose ARN is not a Lambda function's
// (partition, Region, account and function name as Lambda names them): the
// model's pattern would let a host name through as the Region, and the
// Region names the endpoint a trigger is invoked at.
func checkLambdaConfig(lc *cip.LambdaConfigType) error {
	if lc == nil {
		return nil
	}
	arns := []struct{ name, arn string }{
		{"PreSignUp", lc.PreSignUp}, {"CustomMessage", lc.CustomMessage}, {"PostConfirmation", lc.PostConfirmation},
		{"PreAuthentication", lc.PreAuthentication}, {"PostAuthentication", lc.PostAuthentication},
		{"DefineAuthChallenge", lc.DefineAuthChallenge}, {"CreateAuthChallenge", lc.CreateAuthChallenge},
		{"VerifyAuthChallengeResponse", lc.VerifyAuthChallengeResponse}, {"PreTokenGeneration", lc.PreTokenGeneration},
		{"UserMigration", lc.UserMigration},
	}
	if c := lc.PreTokenGenerationConfig; c != nil {
		arns = append(arns, struct{ name, arn string }{"PreTokenGenerationConfig.LambdaArn", c.LambdaArn})
	}
	if c := lc.CustomSMSSender; c != nil {
		arns = append(arns, struct{ name, arn string }{"CustomSMSSender.LambdaArn", c.LambdaArn})
	}
	if c := lc.CustomEmailSender; c != nil {
		arns = append(arns, struct{ name, arn string }{"CustomEmailSender.LambdaArn", c.LambdaArn})
	}
	if c := lc.InboundFederation; c != nil {
		arns = append(arns, struct{ name, arn string }{"InboundFederation.LambdaArn", c.LambdaArn})
	}
	for _, a := range arns {
		if a.arn == "" {
			continue
		}
		if _, err := triggers.ParseFunctionARN(a.arn); err != nil {
			return awserr.Newf(awserr.InvalidParameter, "Invalid Lambda function ARN %s for %s.", a.arn, a.name)
		}
	}
	return nil
}

// apply validates the settings and writes them, with defaults, into p.
func (ps poolSettings) apply(p *cip.UserPoolType) error {
	pol := &cip.UserPoolPolicyType{}
	if ps.Policies != nil {
		*pol = *ps.Policies
	}
	if pol.PasswordPolicy == nil {
		pol.PasswordPolicy = &cip.PasswordPolicyType{RequireUppercase: ptr(true), RequireLowercase: ptr(true), RequireNumbers: ptr(true), RequireSymbols: ptr(true)}
	} else {
		pp := *pol.PasswordPolicy
		for _, b := range []**bool{&pp.RequireUppercase, &pp.RequireLowercase, &pp.RequireNumbers, &pp.RequireSymbols} {
			if *b == nil {
				*b = ptr(false)
			}
		}
		pol.PasswordPolicy = &pp
	}
	if pol.PasswordPolicy.MinimumLength == nil {
		pol.PasswordPolicy.MinimumLength = ptr(int32(8))
	}
	if pol.PasswordPolicy.TemporaryPasswordValidityDays == nil {
		pol.PasswordPolicy.TemporaryPasswordValidityDays = ptr(int32(7))
	}
	if pol.SignInPolicy == nil || len(pol.SignInPolicy.AllowedFirstAuthFactors) == 0 {
		pol.SignInPolicy = &cip.SignInPolicyType{AllowedFirstAuthFactors: []string{"PASSWORD"}}
	} else if !slices.Contains(pol.SignInPolicy.AllowedFirstAuthFactors, "PASSWORD") {
		return awserr.New(awserr.InvalidParameter, "PASSWORD must be one of the AllowedFirstAuthFactors.")
	}
	p.Policies = pol

	p.DeletionProtection = ps.DeletionProtection
	if p.DeletionProtection == "" {
		p.DeletionProtection = "INACTIVE"
	}
	if err := checkLambdaConfig(ps.LambdaConfig); err != nil {
		return err
	}
	p.LambdaConfig = ps.LambdaConfig
	if p.LambdaConfig == nil {
		p.LambdaConfig = &cip.LambdaConfigType{}
	}
	p.AutoVerifiedAttributes = ps.AutoVerifiedAttributes
	if s := ps.UserAttributeUpdateSettings; s != nil {
		for _, a := range s.AttributesRequireVerificationBeforeUpdate {
			if !slices.Contains(ps.AutoVerifiedAttributes, a) {
				return awserr.New(awserr.InvalidParameter, "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
			}
		}
	}
	p.UserAttributeUpdateSettings = ps.UserAttributeUpdateSettings
	if p.UserAttributeUpdateSettings == nil {
		p.UserAttributeUpdateSettings = &cip.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []string{}}
	}
	p.SmsVerificationMessage = ps.SmsVerificationMessage
	p.EmailVerificationMessage = ps.EmailVerificationMessage
	p.EmailVerificationSubject = ps.EmailVerificationSubject
	p.SmsAuthenticationMessage = ps.SmsAuthenticationMessage

	vmt := &cip.VerificationMessageTemplateType{}
	if ps.VerificationMessageTemplate != nil {
		*vmt = *ps.VerificationMessageTemplate
	}
	// The legacy top-level messages and the template mirror each other.
	if vmt.EmailMessage == "" {
		vmt.EmailMessage = ps.EmailVerificationMessage
	}
	if vmt.EmailSubject == "" {
		vmt.EmailSubject = ps.EmailVerificationSubject
	}
	if vmt.SmsMessage == "" {
		vmt.SmsMessage = ps.SmsVerificationMessage
	}
	if p.EmailVerificationMessage == "" {
		p.EmailVerificationMessage = vmt.EmailMessage
	}
	if p.EmailVerificationSubject == "" {
		p.EmailVerificationSubject = vmt.EmailSubject
	}
	if p.SmsVerificationMessage == "" {
		p.SmsVerificationMessage = vmt.SmsMessage
	}
	if vmt.DefaultEmailOption == "" {
		vmt.DefaultEmailOption = "CONFIRM_WITH_CODE"
	}
	p.VerificationMessageTemplate = vmt

	p.MfaConfiguration = ps.MfaConfiguration
	if p.MfaConfiguration == "" {
		p.MfaConfiguration = "OFF"
	}
	p.DeviceConfiguration = ps.DeviceConfiguration
	p.EmailConfiguration = ps.EmailConfiguration
	if p.EmailConfiguration == nil {
		p.EmailConfiguration = &cip.EmailConfigurationType{}
	}
	if p.EmailConfiguration.EmailSendingAccount == "" {
		p.EmailConfiguration.EmailSendingAccount = "COGNITO_DEFAULT"
	}
	if p.EmailConfiguration.EmailSendingAccount == "DEVELOPER" && p.EmailConfiguration.SourceArn == "" {
		return awserr.New(awserr.InvalidParameter, "SourceArn must be provided when EmailSendingAccount is DEVELOPER.")
	}
	p.SmsConfiguration = ps.SmsConfiguration

	acu := &cip.AdminCreateUserConfigType{}
	if ps.AdminCreateUserConfig != nil {
		*acu = *ps.AdminCreateUserConfig
	}
	if acu.AllowAdminCreateUserOnly == nil {
		acu.AllowAdminCreateUserOnly = ptr(false)
	}
	if acu.UnusedAccountValidityDays == nil {
		acu.UnusedAccountValidityDays = pol.PasswordPolicy.TemporaryPasswordValidityDays
	}
	p.AdminCreateUserConfig = acu
	p.UserPoolAddOns = ps.UserPoolAddOns
	p.AccountRecoverySetting = ps.AccountRecoverySetting
	if ar := ps.AccountRecoverySetting; ar != nil {
		seen := map[string]bool{}
		for _, m := range ar.RecoveryMechanisms {
			if seen[m.Name] {
				return awserr.New(awserr.InvalidParameter, "Duplicate recovery mechanism names are not allowed.")
			}
			seen[m.Name] = true
		}
		if seen["admin_only"] && len(seen) > 1 {
			return awserr.New(awserr.InvalidParameter, "admin_only cannot be combined with other recovery mechanisms.")
		}
	}
	return nil
}

func checkTier(tier string, p *cip.UserPoolType) error {
	if tier != "LITE" {
		return nil
	}
	if a := p.UserPoolAddOns; a != nil && a.AdvancedSecurityMode != "" && a.AdvancedSecurityMode != "OFF" {
		return awserr.New(awserr.FeatureUnavailableInTier, "Threat protection requires the PLUS feature plan.")
	}
	return nil
}

// CreateUserPool creates a pool with Cognito's defaults for whatever the
// request leaves out.
func (s *Service) CreateUserPool(ctx context.Context, in *cip.CreateUserPoolRequest) (*cip.CreateUserPoolResponse, error) {
	if len(in.AliasAttributes) > 0 && len(in.UsernameAttributes) > 0 {
		return nil, awserr.New(awserr.InvalidParameter, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	if len(in.UserPoolTags) > MaxTagsPerResource {
		return nil, awserr.Newf(awserr.UserPoolTagging, "A resource can have at most %d tags.", MaxTagsPerResource)
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	now := s.now()
	id := s.newPoolID(s.requestRegion(ctx))
	p := cip.UserPoolType{
		Id:                     id,
		Name:                   in.PoolName,
		CreationDate:           wireTime(now),
		LastModifiedDate:       wireTime(now),
		SchemaAttributes:       schema,
		AliasAttributes:        in.AliasAttributes,
		UsernameAttributes:     in.UsernameAttributes,
		UsernameConfiguration:  in.UsernameConfiguration,
		EstimatedNumberOfUsers: ptr(int32(0)),
		Arn:                    s.poolARN(id),
		UserPoolTier:           in.UserPoolTier,
		UserPoolTags:           in.UserPoolTags,
	}
	if p.UserPoolTier == "" {
		p.UserPoolTier = "ESSENTIALS"
	}
	if p.UserPoolTags == nil {
		p.UserPoolTags = map[string]string{}
	}
	settings := settingsOf[poolSettings](in)
	if err := settings.apply(&p); err != nil {
		return nil, err
	}
	if err := applyIssuerAndKeys(&p, in.IssuerConfiguration, in.KeyConfiguration); err != nil {
		return nil, err
	}
	if err := checkMfaConfiguration(p.MfaConfiguration, &p, nil, nil); err != nil {
		return nil, err
	}
	if err := checkTier(p.UserPoolTier, &p); err != nil {
		return nil, err
	}
	n, err := s.store.CountUserPools(ctx)
	if err != nil {
		return nil, err
	}
	if n >= MaxUserPools {
		return nil, awserr.Newf(awserr.LimitExceeded, "The account has reached its limit of %d user pools.", MaxUserPools)
	}
	if err := s.store.CreateUserPool(ctx, store.UserPool{ID: id, Name: p.Name, CreatedAt: now, UpdatedAt: now, Version: 1, Doc: encodePoolDoc(poolFromState(&poolState{Pool: p}))}); err != nil {
		return nil, err
	}
	s.changed(poolKey(id))
	return &cip.CreateUserPoolResponse{UserPool: &p}, nil
}

// DescribeUserPool returns the pool.
func (s *Service) DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolRequest) (*cip.DescribeUserPoolResponse, error) {
	d, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	domains, err := s.store.ListDomainsByPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountUsers(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	d.Pool.EstimatedNumberOfUsers = ptr(int32(n))
	withIssuerAndKeyDefaults(&d.Pool)
	for _, dom := range domains {
		if dom.Custom {
			d.Pool.CustomDomain = dom.Name
		} else {
			d.Pool.Domain = dom.Name
		}
	}
	return &cip.DescribeUserPoolResponse{UserPool: &d.Pool}, nil
}

// ListUserPools pages through the pools.
func (s *Service) ListUserPools(ctx context.Context, in *cip.ListUserPoolsRequest) (*cip.ListUserPoolsResponse, error) {
	after, err := pagetoken.Decode("pools", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(int32Or(in.MaxResults, 60))
	recs, err := s.store.ListUserPools(ctx, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolsResponse{UserPools: []cip.UserPoolDescriptionType{}}
	recs, out.NextToken = pagetoken.Trim("pools", recs, limit, func(r store.UserPool) string { return r.ID })
	for _, rec := range recs {
		p, err := decodePoolDoc(rec.ID, rec.Doc)
		if err != nil {
			return nil, err
		}
		w := p.Wire()
		out.UserPools = append(out.UserPools, cip.UserPoolDescriptionType{
			Id: w.Id, Name: w.Name, LambdaConfig: w.LambdaConfig,
			CreationDate: w.CreationDate, LastModifiedDate: w.LastModifiedDate,
			ReplicaRegions: p.ReplicaRegions(),
		})
	}
	return out, nil
}

// UpdateUserPool replaces the pool's updatable settings. As in Cognito,
// settings the request leaves out return to their defaults; the schema,
// username settings and tier stay (the tier changes only when given).
func (s *Service) UpdateUserPool(ctx context.Context, in *cip.UpdateUserPoolRequest) (*cip.UpdateUserPoolResponse, error) {
	if len(in.UserPoolTags) > MaxTagsPerResource {
		return nil, awserr.Newf(awserr.UserPoolTagging, "A resource can have at most %d tags.", MaxTagsPerResource)
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		p := d.Pool
		settings := settingsOf[poolSettings](in)
		if err := settings.apply(&p); err != nil {
			return err
		}
		if in.PoolName != "" {
			p.Name = in.PoolName
		}
		if in.UserPoolTags != nil {
			p.UserPoolTags = in.UserPoolTags
		}
		if in.UserPoolTier != "" {
			p.UserPoolTier = in.UserPoolTier
		}
		if err := applyIssuerAndKeys(&p, in.IssuerConfiguration, in.KeyConfiguration); err != nil {
			return err
		}
		if err := checkMfaConfiguration(p.MfaConfiguration, &p, d.SoftwareTokenMfa, d.EmailMfa); err != nil {
			return err
		}
		if err := checkTier(p.UserPoolTier, &p); err != nil {
			return err
		}
		d.Pool = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserPoolResponse{}, nil
}

// DeleteUserPool deletes a pool and everything in it, unless deletion
// protection is active or a domain is still configured.
func (s *Service) DeleteUserPool(ctx context.Context, in *cip.DeleteUserPoolRequest) (*struct{}, error) {
	d, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if d.Pool.DeletionProtection == "ACTIVE" {
		return nil, awserr.New(awserr.InvalidParameter, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	}
	if len(d.Replicas) > 0 {
		return nil, awserr.Newf(awserr.InvalidParameter, "User pool %s has replicas in other Regions; delete them first.", in.UserPoolId)
	}
	// The store refuses to delete a pool that still has a domain (store.ErrInUse).
	err = s.store.DeleteUserPool(ctx, in.UserPoolId)
	s.changed(poolKey(in.UserPoolId))
	if err != nil {
		return nil, poolError(err, in.UserPoolId)
	}
	return &struct{}{}, nil
}

// AddCustomAttributes appends custom attributes to the pool's schema.
func (s *Service) AddCustomAttributes(ctx context.Context, in *cip.AddCustomAttributesRequest) (*cip.AddCustomAttributesResponse, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolState) error {
		for _, a := range in.CustomAttributes {
			c, err := customAttribute(a)
			if err != nil {
				return err
			}
			if HasAttribute(d.Pool.SchemaAttributes, c.Name) {
				return awserr.Newf(awserr.InvalidParameter, "Existing attribute already has name %s.", c.Name)
			}
			d.Pool.SchemaAttributes = append(d.Pool.SchemaAttributes, c)
		}
		if countCustom(d.Pool.SchemaAttributes) > MaxCustomAttributes {
			return awserr.Newf(awserr.LimitExceeded, "A user pool can have at most %d custom attributes.", MaxCustomAttributes)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AddCustomAttributesResponse{}, nil
}
