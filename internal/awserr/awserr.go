package awserr

import (
	"errors"
	"fmt"
)

// Error is an AWS error as a client sees it. It is immutable once built:
// constructors return a fresh value, so a shared error cannot be changed by
// accident.
type Error struct {
	typ     string
	message string
	status  int
	reason  string
}

// New builds an error of the given type; the HTTP status comes from the
// error table.
func New(typ, message string) *Error {
	return &Error{typ: typ, message: message, status: StatusOf(typ)}
}

// Newf is New with a format string.
func Newf(typ, format string, args ...any) *Error {
	return New(typ, fmt.Sprintf(format, args...))
}

// WithReason returns a copy carrying an InvalidParameterException reasonCode.
func (e *Error) WithReason(code string) *Error {
	c := *e
	c.reason = code
	return &c
}

func (e *Error) Error() string      { return e.typ + ": " + e.message }
func (e *Error) Type() string       { return e.typ }
func (e *Error) Message() string    { return e.message }
func (e *Error) HTTPStatus() int    { return e.status }
func (e *Error) ReasonCode() string { return e.reason }

// As reports whether err is (or wraps) an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err is an AWS error of the given type.
func Is(err error, typ string) bool {
	e, ok := As(err)
	return ok && e.typ == typ
}

// Types of errors that are not modelled as shapes in the service models but
// that the AWS JSON protocol front door answers with.
const (
	Serialization              = "SerializationException"
	UnknownOperation           = "UnknownOperationException"
	MissingAuthenticationToken = "MissingAuthenticationTokenException"
	UnrecognizedClient         = "UnrecognizedClientException"
	InvalidSignature           = "InvalidSignatureException"
	IncompleteSignature        = "IncompleteSignatureException"
	RequestEntityTooLarge      = "RequestEntityTooLargeException"
	AccessDenied               = "AccessDeniedException"
	ValidationError            = "ValidationException"
	InvalidAction              = "InvalidAction"
	NotImplemented             = "NotImplementedException"
)

// Types of errors that the Cognito model declares and that gognito uses by name.
const (
	InternalError                = "InternalErrorException"
	InvalidParameter             = "InvalidParameterException"
	ResourceNotFound             = "ResourceNotFoundException"
	NotAuthorized                = "NotAuthorizedException"
	LimitExceeded                = "LimitExceededException"
	TooManyRequests              = "TooManyRequestsException"
	ConcurrentModification       = "ConcurrentModificationException"
	ScopeDoesNotExist            = "ScopeDoesNotExistException"
	InvalidOAuthFlow             = "InvalidOAuthFlowException"
	UserPoolTagging              = "UserPoolTaggingException"
	UnsupportedOperation         = "UnsupportedOperationException"
	FeatureUnavailableInTier     = "FeatureUnavailableInTierException"
	UsernameExists               = "UsernameExistsException"
	UserNotFound                 = "UserNotFoundException"
	UserNotConfirmed             = "UserNotConfirmedException"
	GroupExists                  = "GroupExistsException"
	InvalidUserPoolConfiguration = "InvalidUserPoolConfigurationException"
)

// statusTable holds (as plain numbers, so that domain packages that build
// errors never depend on net/http) every error type gognito can answer with and the HTTP
// status AWS answers it with. Cognito answers every client error with 400
// and its service faults with 500. The completeness test checks that every
// exception shape in the service models has a row here.
var statusTable = map[string]int{
	// Protocol level. AWS's common errors give 403 for a missing token;
	// Cognito and the other AWS JSON services answer the signature errors
	// with 400 (see internal/sigv4).
	Serialization:              400,
	UnknownOperation:           400,
	MissingAuthenticationToken: 403,
	UnrecognizedClient:         400,
	InvalidSignature:           400,
	IncompleteSignature:        400,
	RequestEntityTooLarge:      413,
	ValidationError:            400,
	InvalidAction:              400,
	NotImplemented:             501,

	// Faults.
	InternalError:              500,
	"InternalServerException":  500,
	"InternalFailureException": 500,
	"ServiceUnavailable":       503,
}

// clientErrors are the modelled exception shapes of cognito-idp and acm that
// are client errors (HTTP 400).
var clientErrors = []string{
	"AccessDeniedException", "AliasExistsException", "CodeDeliveryFailureException",
	"CodeMismatchException", "ConcurrentModificationException", "DeviceKeyExistsException",
	"DuplicateProviderException", "EnableSoftwareTokenMFAException", "ExpiredCodeException",
	"FeatureUnavailableInTierException", "ForbiddenException", "GroupExistsException",
	"InvalidEmailRoleAccessPolicyException", "InvalidLambdaResponseException",
	"InvalidOAuthFlowException", "InvalidParameterException", "InvalidPasswordException",
	"InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
	"InvalidUserPoolConfigurationException", "LimitExceededException",
	"MFAMethodNotFoundException", "ManagedLoginBrandingExistsException",
	"NotAuthorizedException", "PasswordHistoryPolicyViolationException",
	"PasswordResetRequiredException", "PreconditionNotMetException",
	"RefreshTokenReuseException", "ResourceNotFoundException", "ScopeDoesNotExistException",
	"SoftwareTokenMFANotFoundException", "TermsExistsException",
	"TierChangeNotAllowedException", "TooManyFailedAttemptsException",
	"TooManyRequestsException", "UnauthorizedException", "UnexpectedLambdaException",
	"UnsupportedIdentityProviderException", "UnsupportedOperationException",
	"UnsupportedTokenTypeException", "UnsupportedUserStateException",
	"UserImportInProgressException", "UserLambdaValidationException",
	"UserNotConfirmedException", "UserNotFoundException",
	"UserPoolAddOnNotEnabledException", "UserPoolTaggingException",
	"UsernameExistsException", "WebAuthnChallengeNotFoundException",
	"WebAuthnClientMismatchException", "WebAuthnConfigurationMissingException",
	"WebAuthnCredentialNotSupportedException", "WebAuthnNotEnabledException",
	"WebAuthnOriginNotAllowedException", "WebAuthnRelyingPartyMismatchException",
	// acm
	"ConflictException", "InvalidArgsException", "InvalidArnException",
	"InvalidDomainValidationOptionsException", "InvalidParameterException",
	"InvalidStateException", "InvalidTagException", "RequestInProgressException",
	"ResourceInUseException", "TagPolicyException", "ThrottlingException",
	"TooManyTagsException", "ValidationException",
}

func init() {
	for _, t := range clientErrors {
		if _, ok := statusTable[t]; !ok {
			statusTable[t] = 400
		}
	}
}

// Known reports whether the error type has a row in the table.
func Known(typ string) bool {
	_, ok := statusTable[typ]
	return ok
}

// StatusOf is the HTTP status for an error type; unknown types are treated as
// client errors.
func StatusOf(typ string) int {
	if s, ok := statusTable[typ]; ok {
		return s
	}
	return 400
}
