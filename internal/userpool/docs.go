package userpool

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"time"

	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/wire"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// The stored documents of pools and app clients (store.UserPool.Doc and
// store.AppClient.Doc) are the types of this file: gognito's own, with
// their own JSON keys, so that the saved schema does not follow the AWS
// model. Their members carry the Go names of the Cognito settings they
// keep, and the conversion to and from the wire types (toWire, fromWire)
// goes member by member by those names. Members the wire types have and
// these do not are Cognito's computed ones (EstimatedNumberOfUsers, the
// domains, the statuses); TestStoredDocsKeepEveryWireMember holds that.
//
// The same types are the read-only views the loader hands out (Pool,
// Client): the other packages read a pool's settings here.
//
// Documents written before this shape (version 1: {"Pool": UserPoolType,
// "SoftwareTokenMfa": ..., "EmailMfa": ..., "WebAuthn": ...} for a pool, a
// UserPoolClientType for a client) have no "v" key; they are read as they
// are and rewritten in this shape by the next change of the pool or
// client (see decodePoolDoc).

// poolDocVersion and clientDocVersion are the versions of the documents
// this code writes. A client's version 3 keeps its secrets as a list
// (client_secrets), each sealed on its own; 2 and 1 kept one
// (client_secret), read as a list of that one.
const (
	poolDocVersion   = 2
	clientDocVersion = 3
)

// Pool is a user pool's configuration: its stored document, and the
// read-only view Pool(ctx, id) returns (shared: never change one).
type Pool struct {
	Id                          string                       `json:"id,omitzero"`
	Name                        string                       `json:"name,omitzero"`
	Arn                         string                       `json:"arn,omitzero"`
	CreationDate                time.Time                    `json:"creation_date,omitzero"`
	LastModifiedDate            time.Time                    `json:"last_modified_date,omitzero"`
	UserPoolTier                string                       `json:"user_pool_tier,omitzero"`
	UserPoolTags                map[string]string            `json:"user_pool_tags,omitzero"`
	Policies                    *UserPoolPolicy              `json:"policies,omitzero"`
	DeletionProtection          string                       `json:"deletion_protection,omitzero"`
	LambdaConfig                *LambdaConfig                `json:"lambda_config,omitzero"`
	SchemaAttributes            []SchemaAttribute            `json:"schema_attributes,omitzero"`
	AutoVerifiedAttributes      []string                     `json:"auto_verified_attributes,omitzero"`
	AliasAttributes             []string                     `json:"alias_attributes,omitzero"`
	UsernameAttributes          []string                     `json:"username_attributes,omitzero"`
	UsernameConfiguration       *UsernameConfiguration       `json:"username_configuration,omitzero"`
	SmsVerificationMessage      string                       `json:"sms_verification_message,omitzero"`
	EmailVerificationMessage    string                       `json:"email_verification_message,omitzero"`
	EmailVerificationSubject    string                       `json:"email_verification_subject,omitzero"`
	VerificationMessageTemplate *VerificationMessageTemplate `json:"verification_message_template,omitzero"`
	SmsAuthenticationMessage    string                       `json:"sms_authentication_message,omitzero"`
	UserAttributeUpdateSettings *UserAttributeUpdateSettings `json:"user_attribute_update_settings,omitzero"`
	MfaConfiguration            string                       `json:"mfa_configuration,omitzero"`
	DeviceConfiguration         *DeviceConfiguration         `json:"device_configuration,omitzero"`
	EmailConfiguration          *EmailConfiguration          `json:"email_configuration,omitzero"`
	SmsConfiguration            *SmsConfiguration            `json:"sms_configuration,omitzero"`
	AdminCreateUserConfig       *AdminCreateUserConfig       `json:"admin_create_user_config,omitzero"`
	UserPoolAddOns              *UserPoolAddOns              `json:"user_pool_add_ons,omitzero"`
	AccountRecoverySetting      *AccountRecoverySetting      `json:"account_recovery_setting,omitzero"`
	KeyConfiguration            *KeyConfiguration            `json:"key_configuration,omitzero"`
	IssuerConfiguration         *IssuerConfiguration         `json:"issuer_configuration,omitzero"`

	// The MFA factors' settings (GetUserPoolMfaConfig), which the pool
	// description does not show.
	SoftwareTokenMfa *SoftwareTokenMfaConfig `json:"software_token_mfa,omitzero"`
	EmailMfa         *EmailMfaConfig         `json:"email_mfa,omitzero"`
	WebAuthn         *WebAuthnConfiguration  `json:"web_authn,omitzero"`

	// Replicas are the pool's secondary replicas in other Regions (the
	// primary is the Region of the pool's ID); see replicas.go.
	Replicas []Replica `json:"replicas,omitzero"`

	wire *poolState // the wire form, filled in once by the loader
}

// Client is an app client's configuration: its stored document (the
// secrets sealed) and the read-only view Client(ctx, id) returns (the
// secrets in the clear; shared: never change one). Other packages check a
// secret with HasSecret, SecretMatches and SecretHashMatches, which take
// every active secret.
type Client struct {
	UserPoolId string `json:"user_pool_id,omitzero"`
	ClientName string `json:"client_name,omitzero"`
	ClientId   string `json:"client_id,omitzero"`
	// ClientSecret is what DescribeUserPoolClient shows: the secret made
	// with the client while it is active (see shownSecret). Documents of
	// version 1 and 2 kept the client's one secret here; version 3 keeps
	// the secrets in the list.
	ClientSecret                             string                  `json:"client_secret,omitzero"`
	CreationDate                             time.Time               `json:"creation_date,omitzero"`
	LastModifiedDate                         time.Time               `json:"last_modified_date,omitzero"`
	RefreshTokenValidity                     *int32                  `json:"refresh_token_validity,omitzero"`
	AccessTokenValidity                      *int32                  `json:"access_token_validity,omitzero"`
	IdTokenValidity                          *int32                  `json:"id_token_validity,omitzero"`
	TokenValidityUnits                       *TokenValidityUnits     `json:"token_validity_units,omitzero"`
	ReadAttributes                           []string                `json:"read_attributes,omitzero"`
	WriteAttributes                          []string                `json:"write_attributes,omitzero"`
	ExplicitAuthFlows                        []string                `json:"explicit_auth_flows,omitzero"`
	SupportedIdentityProviders               []string                `json:"supported_identity_providers,omitzero"`
	CallbackURLs                             []string                `json:"callback_urls,omitzero"`
	LogoutURLs                               []string                `json:"logout_urls,omitzero"`
	DefaultRedirectURI                       string                  `json:"default_redirect_uri,omitzero"`
	AllowedOAuthFlows                        []string                `json:"allowed_oauth_flows,omitzero"`
	AllowedOAuthScopes                       []string                `json:"allowed_oauth_scopes,omitzero"`
	AllowedOAuthFlowsUserPoolClient          *bool                   `json:"allowed_oauth_flows_user_pool_client,omitzero"`
	AnalyticsConfiguration                   *AnalyticsConfiguration `json:"analytics_configuration,omitzero"`
	PreventUserExistenceErrors               string                  `json:"prevent_user_existence_errors,omitzero"`
	EnableTokenRevocation                    *bool                   `json:"enable_token_revocation,omitzero"`
	EnablePropagateAdditionalUserContextData *bool                   `json:"enable_propagate_additional_user_context_data,omitzero"`
	AuthSessionValidity                      *int32                  `json:"auth_session_validity,omitzero"`
	RefreshTokenRotation                     *RefreshTokenRotation   `json:"refresh_token_rotation,omitzero"`

	secrets []clientSecret          // the active secrets, oldest first: sealed in a document, open in a view
	wire    *cip.UserPoolClientType // the wire form, filled in once by the loader
}

// clientSecret is one of a client's secrets (at most MaxClientSecrets).
type clientSecret struct {
	Id         string    `json:"id"`
	Value      string    `json:"value"` // sealed in the document, bound to the client and Id
	CreateDate time.Time `json:"create_date"`
	// Shown marks the secret made with the client, which
	// DescribeUserPoolClient shows while it is active.
	Shown bool `json:"shown,omitzero"`

	legacy bool // read from a version 1 or 2 document: sealed for the client alone
}

// LogValue keeps the value out of logs.
func (s clientSecret) LogValue() slog.Value { return slog.StringValue(s.Id) }

// LogValue keeps the secrets out of logs.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("UserPoolId", c.UserPoolId), slog.String("ClientName", c.ClientName))
}

// HasSecret reports whether the client has a secret (a confidential
// client): requests must then prove they know one of its secrets.
func (c *Client) HasSecret() bool { return len(c.secrets) > 0 }

// SecretMatches reports whether plain is one of the client's active
// secrets. Every secret is compared, each in constant time over digests
// of equal length, so the answer's timing tells nothing of which matched
// or of the secrets' lengths.
func (c *Client) SecretMatches(plain string) bool {
	got := sha256.Sum256([]byte(plain))
	ok := 0
	for _, sec := range c.secrets {
		want := sha256.Sum256([]byte(sec.Value))
		ok |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	return ok == 1
}

// SecretHashMatches reports whether got is the SECRET_HASH of username
// under one of the client's active secrets (each one is checked).
func (c *Client) SecretHashMatches(username, got string) bool {
	ok := false
	for _, sec := range c.secrets {
		if srp.CheckSecretHash(sec.Value, username, c.ClientId, got) {
			ok = true
		}
	}
	return ok
}

// shownSecret is the value DescribeUserPoolClient shows: the secret made
// with the client, "" once it was deleted (a secret added later is never
// shown, as in Cognito).
func shownSecret(secrets []clientSecret) string {
	for _, sec := range secrets {
		if sec.Shown {
			return sec.Value
		}
	}
	return ""
}

// secretID is a client secret's id, "<client id>--<creation time in epoch
// milliseconds>" (Cognito's documented form).
func secretID(clientID string, ms int64) string { return fmt.Sprintf("%s--%d", clientID, ms) }

// secretOwner is what a client secret's sealed value is bound to: the
// client and the secret's id.
func secretOwner(clientID, id string) string { return secrets.ClientSecretOwner(clientID) + "/" + id }

// UserPoolPolicy is the stored form of UserPoolPolicyType.
type UserPoolPolicy struct {
	PasswordPolicy *PasswordPolicy `json:"password_policy,omitzero"`
	SignInPolicy   *SignInPolicy   `json:"sign_in_policy,omitzero"`
}

// LambdaConfig is the stored form of LambdaConfigType.
type LambdaConfig struct {
	PreSignUp                   string               `json:"pre_sign_up,omitzero"`
	CustomMessage               string               `json:"custom_message,omitzero"`
	PostConfirmation            string               `json:"post_confirmation,omitzero"`
	PreAuthentication           string               `json:"pre_authentication,omitzero"`
	PostAuthentication          string               `json:"post_authentication,omitzero"`
	DefineAuthChallenge         string               `json:"define_auth_challenge,omitzero"`
	CreateAuthChallenge         string               `json:"create_auth_challenge,omitzero"`
	VerifyAuthChallengeResponse string               `json:"verify_auth_challenge_response,omitzero"`
	PreTokenGeneration          string               `json:"pre_token_generation,omitzero"`
	UserMigration               string               `json:"user_migration,omitzero"`
	PreTokenGenerationConfig    *LambdaVersionConfig `json:"pre_token_generation_config,omitzero"`
	CustomSMSSender             *LambdaVersionConfig `json:"custom_sms_sender,omitzero"`
	CustomEmailSender           *LambdaVersionConfig `json:"custom_email_sender,omitzero"`
	KMSKeyID                    string               `json:"kms_key_id,omitzero"`
	InboundFederation           *LambdaVersionConfig `json:"inbound_federation,omitzero"`
}

// SchemaAttribute is the stored form of SchemaAttributeType.
type SchemaAttribute struct {
	Name                       string                      `json:"name,omitzero"`
	AttributeDataType          string                      `json:"attribute_data_type,omitzero"`
	DeveloperOnlyAttribute     *bool                       `json:"developer_only_attribute,omitzero"`
	Mutable                    *bool                       `json:"mutable,omitzero"`
	Required                   *bool                       `json:"required,omitzero"`
	NumberAttributeConstraints *NumberAttributeConstraints `json:"number_attribute_constraints,omitzero"`
	StringAttributeConstraints *StringAttributeConstraints `json:"string_attribute_constraints,omitzero"`
}

// VerificationMessageTemplate is the stored form of VerificationMessageTemplateType.
type VerificationMessageTemplate struct {
	SmsMessage         string `json:"sms_message,omitzero"`
	EmailMessage       string `json:"email_message,omitzero"`
	EmailSubject       string `json:"email_subject,omitzero"`
	EmailMessageByLink string `json:"email_message_by_link,omitzero"`
	EmailSubjectByLink string `json:"email_subject_by_link,omitzero"`
	DefaultEmailOption string `json:"default_email_option,omitzero"`
}

// UserAttributeUpdateSettings is the stored form of UserAttributeUpdateSettingsType.
type UserAttributeUpdateSettings struct {
	AttributesRequireVerificationBeforeUpdate []string `json:"attributes_require_verification_before_update,omitzero"`
}

// DeviceConfiguration is the stored form of DeviceConfigurationType.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     *bool `json:"challenge_required_on_new_device,omitzero"`
	DeviceOnlyRememberedOnUserPrompt *bool `json:"device_only_remembered_on_user_prompt,omitzero"`
}

// EmailConfiguration is the stored form of EmailConfigurationType.
type EmailConfiguration struct {
	SourceArn           string `json:"source_arn,omitzero"`
	ReplyToEmailAddress string `json:"reply_to_email_address,omitzero"`
	EmailSendingAccount string `json:"email_sending_account,omitzero"`
	From                string `json:"from,omitzero"`
	ConfigurationSet    string `json:"configuration_set,omitzero"`
}

// SmsConfiguration is the stored form of SmsConfigurationType.
type SmsConfiguration struct {
	SnsCallerArn string                `json:"sns_caller_arn,omitzero"`
	ExternalId   string                `json:"external_id,omitzero"`
	SnsRegion    string                `json:"sns_region,omitzero"`
	EumsSms      *EumsSmsConfiguration `json:"eums_sms,omitzero"`
}

// EumsSmsConfiguration is the stored form of EumsSmsConfigurationType (SMS
// through AWS End User Messaging, 2026 models).
type EumsSmsConfiguration struct {
	CallerArn            string `json:"caller_arn,omitzero"`
	ExternalId           string `json:"external_id,omitzero"`
	OriginationIdentity  string `json:"origination_identity,omitzero"`
	ConfigurationSetName string `json:"configuration_set_name,omitzero"`
	InEntityId           string `json:"in_entity_id,omitzero"`
	InTemplateId         string `json:"in_template_id,omitzero"`
	Region               string `json:"region,omitzero"`
}

// KeyConfiguration is the stored form of KeyConfigurationType (2026 models).
type KeyConfiguration struct {
	KeyType   string `json:"key_type,omitzero"`
	KmsKeyArn string `json:"kms_key_arn,omitzero"`
}

// IssuerConfiguration is the stored form of IssuerConfigurationType (2026
// models).
type IssuerConfiguration struct {
	Type string `json:"type,omitzero"`
}

// AdminCreateUserConfig is the stored form of AdminCreateUserConfigType.
type AdminCreateUserConfig struct {
	AllowAdminCreateUserOnly  *bool            `json:"allow_admin_create_user_only,omitzero"`
	UnusedAccountValidityDays *int32           `json:"unused_account_validity_days,omitzero"`
	InviteMessageTemplate     *MessageTemplate `json:"invite_message_template,omitzero"`
}

// UserPoolAddOns is the stored form of UserPoolAddOnsType.
type UserPoolAddOns struct {
	AdvancedSecurityMode            string                           `json:"advanced_security_mode,omitzero"`
	AdvancedSecurityAdditionalFlows *AdvancedSecurityAdditionalFlows `json:"advanced_security_additional_flows,omitzero"`
}

// UsernameConfiguration is the stored form of UsernameConfigurationType.
type UsernameConfiguration struct {
	CaseSensitive *bool `json:"case_sensitive,omitzero"`
}

// AccountRecoverySetting is the stored form of AccountRecoverySettingType.
type AccountRecoverySetting struct {
	RecoveryMechanisms []RecoveryOption `json:"recovery_mechanisms,omitzero"`
}

// TokenValidityUnits is the stored form of TokenValidityUnitsType.
type TokenValidityUnits struct {
	AccessToken  string `json:"access_token,omitzero"`
	IdToken      string `json:"id_token,omitzero"`
	RefreshToken string `json:"refresh_token,omitzero"`
}

// AnalyticsConfiguration is the stored form of AnalyticsConfigurationType.
type AnalyticsConfiguration struct {
	ApplicationId  string `json:"application_id,omitzero"`
	ApplicationArn string `json:"application_arn,omitzero"`
	RoleArn        string `json:"role_arn,omitzero"`
	ExternalId     string `json:"external_id,omitzero"`
	UserDataShared *bool  `json:"user_data_shared,omitzero"`
}

// RefreshTokenRotation is the stored form of RefreshTokenRotationType.
type RefreshTokenRotation struct {
	Feature                 string `json:"feature,omitzero"`
	RetryGracePeriodSeconds *int32 `json:"retry_grace_period_seconds,omitzero"`
}

// PasswordPolicy is the stored form of PasswordPolicyType.
type PasswordPolicy struct {
	MinimumLength                 *int32 `json:"minimum_length,omitzero"`
	RequireUppercase              *bool  `json:"require_uppercase,omitzero"`
	RequireLowercase              *bool  `json:"require_lowercase,omitzero"`
	RequireNumbers                *bool  `json:"require_numbers,omitzero"`
	RequireSymbols                *bool  `json:"require_symbols,omitzero"`
	PasswordHistorySize           *int32 `json:"password_history_size,omitzero"`
	TemporaryPasswordValidityDays *int32 `json:"temporary_password_validity_days,omitzero"`
}

// SignInPolicy is the stored form of SignInPolicyType.
type SignInPolicy struct {
	AllowedFirstAuthFactors []string `json:"allowed_first_auth_factors,omitzero"`
}

// NumberAttributeConstraints is the stored form of NumberAttributeConstraintsType.
type NumberAttributeConstraints struct {
	MinValue string `json:"min_value,omitzero"`
	MaxValue string `json:"max_value,omitzero"`
}

// StringAttributeConstraints is the stored form of StringAttributeConstraintsType.
type StringAttributeConstraints struct {
	MinLength string `json:"min_length,omitzero"`
	MaxLength string `json:"max_length,omitzero"`
}

// MessageTemplate is the stored form of MessageTemplateType.
type MessageTemplate struct {
	SMSMessage   string `json:"sms_message,omitzero"`
	EmailMessage string `json:"email_message,omitzero"`
	EmailSubject string `json:"email_subject,omitzero"`
}

// AdvancedSecurityAdditionalFlows is the stored form of AdvancedSecurityAdditionalFlowsType.
type AdvancedSecurityAdditionalFlows struct {
	CustomAuthMode string `json:"custom_auth_mode,omitzero"`
}

// RecoveryOption is the stored form of RecoveryOptionType.
type RecoveryOption struct {
	Priority *int32 `json:"priority,omitzero"`
	Name     string `json:"name,omitzero"`
}

// LambdaVersionConfig is the stored form of a versioned trigger
// (PreTokenGenerationVersionConfigType, CustomSMSLambdaVersionConfigType,
// CustomEmailLambdaVersionConfigType, InboundFederationLambdaType).
type LambdaVersionConfig struct {
	LambdaVersion string `json:"lambda_version,omitzero"`
	LambdaArn     string `json:"lambda_arn,omitzero"`
}

// SoftwareTokenMfaConfig is the stored form of SoftwareTokenMfaConfigType.
type SoftwareTokenMfaConfig struct {
	Enabled *bool `json:"enabled,omitzero"`
}

// EmailMfaConfig is the stored form of EmailMfaConfigType.
type EmailMfaConfig struct {
	Message string `json:"message,omitzero"`
	Subject string `json:"subject,omitzero"`
}

// WebAuthnConfiguration is the stored form of WebAuthnConfigurationType.
type WebAuthnConfiguration struct {
	RelyingPartyId      string `json:"relying_party_id,omitzero"`
	UserVerification    string `json:"user_verification,omitzero"`
	FactorConfiguration string `json:"factor_configuration,omitzero"`
}

// poolState is a pool as the rules of this package work on it: the wire
// types (Cognito's vocabulary). It is never stored as it is.
type poolState struct {
	Pool             cip.UserPoolType
	SoftwareTokenMfa *cip.SoftwareTokenMfaConfigType
	EmailMfa         *cip.EmailMfaConfigType
	WebAuthn         *cip.WebAuthnConfigurationType
	Replicas         []Replica
}

// legacyPoolDoc is a pool's document as version 1 wrote it.
type legacyPoolDoc struct {
	Pool             cip.UserPoolType                `json:"Pool"`
	SoftwareTokenMfa *cip.SoftwareTokenMfaConfigType `json:"SoftwareTokenMfa,omitempty"`
	EmailMfa         *cip.EmailMfaConfigType         `json:"EmailMfa,omitempty"`
	WebAuthn         *cip.WebAuthnConfigurationType  `json:"WebAuthn,omitempty"`
}

// storedPool and storedClient are the documents: the configuration and the
// version of its shape.
type storedPool struct {
	V int `json:"v"`
	Pool
}

type storedClient struct {
	V int `json:"v"`
	Client
	Secrets []clientSecret `json:"client_secrets,omitzero"`
}

// docVersionOf is the shape version of a stored document (1: no "v"),
// refused when newer than max.
func docVersionOf(b []byte, max int) (int, error) {
	var v struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return 0, err
	}
	if v.V == 0 {
		return 1, nil
	}
	if v.V > max {
		return 0, fmt.Errorf("document version %d is newer than this server's (%d)", v.V, max)
	}
	return v.V, nil
}

// decodePoolDoc reads a pool's stored document, of either shape.
func decodePoolDoc(id string, b []byte) (*Pool, error) {
	v, err := docVersionOf(b, poolDocVersion)
	if err != nil {
		return nil, fmt.Errorf("userpool: decoding pool %s: %w", id, err)
	}
	if v == 1 {
		var old legacyPoolDoc
		if err := json.Unmarshal(b, &old); err != nil {
			return nil, fmt.Errorf("userpool: decoding pool %s: %w", id, err)
		}
		p := poolFromState(&poolState{Pool: old.Pool, SoftwareTokenMfa: old.SoftwareTokenMfa, EmailMfa: old.EmailMfa, WebAuthn: old.WebAuthn})
		p.Id = id
		return p, nil
	}
	var d storedPool
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("userpool: decoding pool %s: %w", id, err)
	}
	d.Pool.Id = id
	return &d.Pool, nil
}

func encodePoolDoc(p *Pool) []byte { return encode(storedPool{V: poolDocVersion, Pool: *p}) }

// decodeClientDoc reads a client's stored document, of any shape; its
// secrets stay sealed. The one secret of a version 1 or 2 document (or of
// any document without a list) is read as the client's first secret, made
// with the client: its id comes from the client's creation date.
func decodeClientDoc(id string, b []byte) (*Client, error) {
	v, err := docVersionOf(b, clientDocVersion)
	if err != nil {
		return nil, fmt.Errorf("userpool: decoding app client %s: %w", id, err)
	}
	var c *Client
	if v == 1 {
		var old cip.UserPoolClientType
		if err := json.Unmarshal(b, &old); err != nil {
			return nil, fmt.Errorf("userpool: decoding app client %s: %w", id, err)
		}
		c = clientFromWire(&old)
	} else {
		var d storedClient
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("userpool: decoding app client %s: %w", id, err)
		}
		c = &d.Client
		c.secrets = d.Secrets
	}
	if len(c.secrets) == 0 && c.ClientSecret != "" {
		c.secrets = []clientSecret{{Id: secretID(c.ClientId, c.CreationDate.UnixMilli()), Value: c.ClientSecret,
			CreateDate: c.CreationDate, Shown: true, legacy: true}}
	}
	return c, nil
}

// encodeClientDoc is a client's document; c's secrets must be sealed.
func encodeClientDoc(c *Client) []byte {
	return encode(storedClient{V: clientDocVersion, Client: *c, Secrets: c.secrets})
}

// sealClient and openClient seal and open a client's secrets, each bound
// to the client and its id (a nil sealer keeps them as they are, for tests
// of this package alone). The sealed document keeps the secrets in the
// list only.
func sealClient(s *secrets.Sealer, c *Client) *Client {
	out := *c
	out.wire = nil
	out.secrets = make([]clientSecret, len(c.secrets))
	for i, sec := range c.secrets {
		if s != nil {
			sec.Value = s.SealString(sec.Value, secretOwner(c.ClientId, sec.Id))
		}
		sec.legacy = false
		out.secrets[i] = sec
	}
	if len(out.secrets) > 0 {
		out.ClientSecret = ""
	}
	return &out
}

func openClient(s *secrets.Sealer, c *Client) error {
	open := make([]clientSecret, len(c.secrets))
	for i, sec := range c.secrets {
		if s != nil {
			owner := secretOwner(c.ClientId, sec.Id)
			if sec.legacy {
				owner = secrets.ClientSecretOwner(c.ClientId)
			}
			v, err := s.OpenString(sec.Value, owner)
			if err != nil {
				return fmt.Errorf("userpool: app client %s secret %s: %w", c.ClientId, sec.Id, err)
			}
			sec.Value = v
		}
		open[i] = sec
	}
	c.secrets = open
	c.ClientSecret = shownSecret(open)
	return nil
}

// Wire is the pool in the wire form. Its slices, maps and pointers are
// shared with the view: read-only.
func (p *Pool) Wire() cip.UserPoolType {
	if p.wire != nil {
		return p.wire.Pool
	}
	return p.state().Pool
}

// state is the pool in the form the rules work on (a fresh copy).
func (p *Pool) state() *poolState {
	var st poolState
	convert(reflect.ValueOf(&st.Pool).Elem(), reflect.ValueOf(p).Elem())
	convertPtr(&st.SoftwareTokenMfa, p.SoftwareTokenMfa)
	convertPtr(&st.EmailMfa, p.EmailMfa)
	convertPtr(&st.WebAuthn, p.WebAuthn)
	st.Replicas = slices.Clone(p.Replicas)
	return &st
}

// TOTPEnabled reports whether the pool allows software-token MFA.
func (p *Pool) TOTPEnabled() bool {
	return p.SoftwareTokenMfa != nil && p.SoftwareTokenMfa.Enabled != nil && *p.SoftwareTokenMfa.Enabled
}

func poolFromState(st *poolState) *Pool {
	var p Pool
	convert(reflect.ValueOf(&p).Elem(), reflect.ValueOf(&st.Pool).Elem())
	convertPtr(&p.SoftwareTokenMfa, st.SoftwareTokenMfa)
	convertPtr(&p.EmailMfa, st.EmailMfa)
	convertPtr(&p.WebAuthn, st.WebAuthn)
	p.Replicas = slices.Clone(st.Replicas)
	return &p
}

// Wire is the client in the wire form, its secret in the clear. Its
// slices and pointers are shared with the view: read-only.
func (c *Client) Wire() cip.UserPoolClientType {
	if c.wire != nil {
		return *c.wire
	}
	var w cip.UserPoolClientType
	convert(reflect.ValueOf(&w).Elem(), reflect.ValueOf(c).Elem())
	return w
}

func clientFromWire(w *cip.UserPoolClientType) *Client {
	var c Client
	convert(reflect.ValueOf(&c).Elem(), reflect.ValueOf(w).Elem())
	return &c
}

func convertPtr[D, S any](dst **D, src *S) {
	if src == nil {
		*dst = nil
		return
	}
	*dst = new(D)
	convert(reflect.ValueOf(*dst).Elem(), reflect.ValueOf(src).Elem())
}

var (
	wireTimeType = reflect.TypeOf(wire.Time{})
	timeType     = reflect.TypeOf(time.Time{})
)

// convert deep-copies src into dst, structs member by member by Go name:
// members dst lacks are left out, members src lacks stay zero. A *wire.Time
// and a time.Time convert into each other (nil is the zero time).
func convert(dst, src reflect.Value) {
	switch {
	case dst.Type() == src.Type() && (dst.Type() == timeType || dst.Type() == wireTimeType):
		dst.Set(src)
		return
	case dst.Type() == timeType && src.Type() == reflect.PointerTo(wireTimeType):
		if !src.IsNil() {
			dst.Set(reflect.ValueOf(src.Elem().Interface().(wire.Time).Time.UTC()))
		}
		return
	case src.Type() == timeType && dst.Type() == reflect.PointerTo(wireTimeType):
		if t := src.Interface().(time.Time); !t.IsZero() {
			dst.Set(reflect.ValueOf(wire.NewTime(t)))
		}
		return
	}
	switch dst.Kind() {
	case reflect.Struct:
		st := src.Type()
		for i := range st.NumField() {
			f := st.Field(i)
			if !f.IsExported() {
				continue
			}
			if d := dst.FieldByName(f.Name); d.IsValid() && d.CanSet() {
				convert(d, src.Field(i))
			}
		}
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		v := reflect.New(dst.Type().Elem())
		convert(v.Elem(), src.Elem())
		dst.Set(v)
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		v := reflect.MakeSlice(dst.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			convert(v.Index(i), src.Index(i))
		}
		dst.Set(v)
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		v := reflect.MakeMapWithSize(dst.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k, e := reflect.New(dst.Type().Key()).Elem(), reflect.New(dst.Type().Elem()).Elem()
			convert(k, it.Key())
			convert(e, it.Value())
			v.SetMapIndex(k, e)
		}
		dst.Set(v)
	default:
		dst.Set(src.Convert(dst.Type()))
	}
}
