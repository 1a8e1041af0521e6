package triggers

import (
	"encoding/json"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Trigger names, as Cognito's errors name them.
const (
	PreSignUp                   = "PreSignUp"
	PostConfirmation            = "PostConfirmation"
	PreAuthentication           = "PreAuthentication"
	PostAuthentication          = "PostAuthentication"
	PreTokenGeneration          = "PreTokenGeneration"
	CustomMessage               = "CustomMessage"
	UserMigration               = "UserMigration"
	DefineAuthChallenge         = "DefineAuthChallenge"
	CreateAuthChallenge         = "CreateAuthChallenge"
	VerifyAuthChallengeResponse = "VerifyAuthChallengeResponse"
)

// Attrs are user attributes, clientMetadata or validationData: a string map.
type Attrs map[string]string

// PreSignUpRequest is the request of PreSignUp_SignUp and
// PreSignUp_AdminCreateUser.
type PreSignUpRequest struct {
	UserAttributes Attrs `json:"userAttributes"`
	ValidationData Attrs `json:"validationData"`
	ClientMetadata Attrs `json:"clientMetadata,omitempty"`
}

// PreSignUpResponse is what PreSignUp may answer.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// UserRequest is the request of the triggers that get the user's
// attributes and the caller's clientMetadata (PostConfirmation).
type UserRequest struct {
	UserAttributes Attrs `json:"userAttributes"`
	ClientMetadata Attrs `json:"clientMetadata,omitempty"`
}

// Empty is the response of triggers that answer nothing.
type Empty struct{}

// PreAuthenticationRequest is the request of PreAuthentication.
type PreAuthenticationRequest struct {
	UserAttributes Attrs `json:"userAttributes"`
	UserNotFound   bool  `json:"userNotFound,omitempty"`
	ValidationData Attrs `json:"validationData"`
}

// PostAuthenticationRequest is the request of PostAuthentication.
type PostAuthenticationRequest struct {
	UserAttributes Attrs `json:"userAttributes"`
	NewDeviceUsed  bool  `json:"newDeviceUsed"`
	ClientMetadata Attrs `json:"clientMetadata,omitempty"`
}

// GroupConfiguration is the groups part of a PreTokenGeneration request
// and of its groupOverrideDetails.
type GroupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

// PreTokenRequest is the request of PreTokenGeneration (Scopes in V2_0
// and V3_0 only).
type PreTokenRequest struct {
	UserAttributes     Attrs              `json:"userAttributes"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	Scopes             []string           `json:"scopes,omitempty"`
	ClientMetadata     Attrs              `json:"clientMetadata,omitempty"`
}

// PreTokenResponseV1 is the V1_0 response.
type PreTokenResponseV1 struct {
	ClaimsOverrideDetails *ClaimsOverride `json:"claimsOverrideDetails"`
}

// ClaimsOverride is the V1_0 claimsOverrideDetails.
type ClaimsOverride struct {
	ClaimsToAddOrOverride map[string]any  `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string        `json:"claimsToSuppress,omitempty"`
	GroupOverrideDetails  json.RawMessage `json:"groupOverrideDetails,omitempty"`
}

// PreTokenResponseV2 is the V2_0 and V3_0 response.
type PreTokenResponseV2 struct {
	ClaimsAndScopeOverrideDetails *ClaimsAndScopeOverride `json:"claimsAndScopeOverrideDetails"`
}

// ClaimsAndScopeOverride is the V2_0/V3_0 claimsAndScopeOverrideDetails.
type ClaimsAndScopeOverride struct {
	IDTokenGeneration     *TokenGeneration `json:"idTokenGeneration,omitempty"`
	AccessTokenGeneration *TokenGeneration `json:"accessTokenGeneration,omitempty"`
	GroupOverrideDetails  json.RawMessage  `json:"groupOverrideDetails,omitempty"`
}

// TokenGeneration is what V2_0/V3_0 change in one token (scopes: the
// access token only).
type TokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress,omitempty"`
	ScopesToAdd           []string       `json:"scopesToAdd,omitempty"`
	ScopesToSuppress      []string       `json:"scopesToSuppress,omitempty"`
}

// CustomMessageRequest is the request of CustomMessage.
type CustomMessageRequest struct {
	UserAttributes    Attrs   `json:"userAttributes"`
	CodeParameter     string  `json:"codeParameter"`
	LinkParameter     string  `json:"linkParameter"`
	UsernameParameter *string `json:"usernameParameter"`
	ClientMetadata    Attrs   `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is what CustomMessage may answer.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// UserMigrationRequest is the request of UserMigration (no password for
// UserMigration_ForgotPassword).
type UserMigrationRequest struct {
	Password       string `json:"password,omitempty"`
	ValidationData Attrs  `json:"validationData"`
	ClientMetadata Attrs  `json:"clientMetadata,omitempty"`
}

// UserMigrationResponse is what UserMigration answers: the user to create.
type UserMigrationResponse struct {
	UserAttributes         Attrs    `json:"userAttributes"`
	FinalUserStatus        string   `json:"finalUserStatus,omitempty"`
	MessageAction          string   `json:"messageAction,omitempty"`
	DesiredDeliveryMediums []string `json:"desiredDeliveryMediums,omitempty"`
	ForceAliasCreation     bool     `json:"forceAliasCreation,omitempty"`
	EnableSMSMFA           bool     `json:"enableSMSMFA,omitempty"`
}

// ChallengeResult is one step of a custom authentication, as the session
// of the challenge triggers lists them.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is the request of DefineAuthChallenge.
type DefineAuthChallengeRequest struct {
	UserAttributes Attrs             `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata Attrs             `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse is what DefineAuthChallenge answers.
type DefineAuthChallengeResponse struct {
	ChallengeName      string `json:"challengeName"`
	IssueTokens        bool   `json:"issueTokens"`
	FailAuthentication bool   `json:"failAuthentication"`
}

// CreateAuthChallengeRequest is the request of CreateAuthChallenge.
type CreateAuthChallengeRequest struct {
	UserAttributes Attrs             `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata Attrs             `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is what CreateAuthChallenge answers.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  Attrs  `json:"publicChallengeParameters"`
	PrivateChallengeParameters Attrs  `json:"privateChallengeParameters"`
	ChallengeMetadata          string `json:"challengeMetadata"`
}

// VerifyAuthChallengeRequest is the request of VerifyAuthChallengeResponse.
type VerifyAuthChallengeRequest struct {
	UserAttributes             Attrs  `json:"userAttributes"`
	PrivateChallengeParameters Attrs  `json:"privateChallengeParameters"`
	ChallengeAnswer            string `json:"challengeAnswer"`
	ClientMetadata             Attrs  `json:"clientMetadata,omitempty"`
	UserNotFound               bool   `json:"userNotFound"`
}

// VerifyAuthChallengeResponseBody is what VerifyAuthChallengeResponse answers.
type VerifyAuthChallengeResponseBody struct {
	AnswerCorrect bool `json:"answerCorrect"`
}

// UserAttributes are a user's attributes as a trigger's userAttributes:
// the attributes, the user's status (cognito:user_status, when status is
// not ""), and cognito:email_alias / cognito:phone_number_alias for a
// verified email or phone number that the pool lets users sign in with
// (aliases: the pool's UsernameAttributes and AliasAttributes).
func UserAttributes(attrs []cip.AttributeType, status string, aliases []string) Attrs {
	out := Attrs{}
	for _, a := range attrs {
		out[a.Name] = a.Value
	}
	if status != "" {
		out["cognito:user_status"] = status
	}
	for _, a := range aliases {
		if (a == "email" || a == "phone_number") && out[a] != "" && out[a+"_verified"] == "true" {
			out["cognito:"+a+"_alias"] = out[a]
		}
	}
	return out
}
