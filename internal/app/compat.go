package app

import (
	"fmt"
	"strings"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/wire"
)

// compatibilityChoices records what gognito chose where Cognito's behaviour
// is undocumented or uncertain. It is part of the generated
// docs/compatibility.md.
const compatibilityChoices = `## Choices where Cognito's behaviour is uncertain

- **Unimplemented operations** answer HTTP 400 ` + "`UnsupportedOperationException`" + ` with the message
  "gognito does not implement <Operation> yet." after the request has passed validation, so an SDK
  surfaces a typed, non-retryable error that names the operation.
- **Request-rate quotas** are off unless ` + "`--rate-limits`" + ` sets them (` + "`cognito`" + ` for Cognito's
  defaults per category). Over its category's rate, a request is refused before it changes anything with
  HTTP 400 ` + "`TooManyRequestsException`" + ` "Rate exceeded"; buckets are per node and Region and hold
  one second's worth. Not modelled: the 5 RPS per-pool cap of single UserPoolResource*/Client*
  operations, the per-user 10 reads/writes a second, and RespondToAuthChallenge's separate allowance.
  A user pool domain over its ` + "`HostedUI`" + ` rate answers HTTP 429 with Retry-After.
- **Oversized bodies** (over ` + "`--max-body-bytes`" + `, 1 MiB by default) answer HTTP 413
  ` + "`RequestEntityTooLargeException`" + ` without reading the body whole.
- **Validation messages** follow AWS's form: ` + "`1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null`" + `;
  paths use lower-camel member names, list elements ` + "`<list>.<n>.member`" + `; values of sensitive
  members are never echoed. A value of the wrong JSON type is a ` + "`SerializationException`" + `.
- **Regions**: a request's Region is the one in its SigV4 credential scope, else ` + "`--region`" + `.
  New pools take that Region in their id and ARN; pools are found by id whatever the Region.
- **UpdateUserPool / UpdateUserPoolClient** replace every updatable setting: settings left out
  return to their defaults, as Cognito documents. The pool's schema, username settings and tags
  (unless given) are kept; the pool's name and tier change only when given.
- **Defaults of a new pool**: password policy 8 characters with all four character classes and a
  7-day temporary password, SignInPolicy PASSWORD, MfaConfiguration OFF, DeletionProtection
  INACTIVE, UserPoolTier ESSENTIALS, EmailSendingAccount COGNITO_DEFAULT, DefaultEmailOption
  CONFIRM_WITH_CODE, the 20 standard attributes.
- **Defaults of a new app client**: ExplicitAuthFlows ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH,
  ALLOW_CUSTOM_AUTH; refresh tokens 30 days; access and ID tokens 1 hour (no explicit value is
  shown); AuthSessionValidity 3 minutes; EnableTokenRevocation true; PreventUserExistenceErrors
  LEGACY (the service model's documented default).
- **MFA ON or OPTIONAL** with no factor available (no SMS configuration, TOTP not enabled, no
  email MFA) is refused with InvalidParameterException.
- **SupportedIdentityProviders** accepts only COGNITO until federation is built.
- **Tagging** works on user pools; ARNs of other resources are refused.
- **Pagination tokens** are opaque; a token from another listing is refused with
  InvalidParameterException.

### Request signing (SigV4)

- Checked only when access keys are configured (` + "`--credentials-file`" + `, ` + "`GOGNITO_CREDENTIALS`" + `;
  ` + "`--auth`" + `); without them any signature, or none, is accepted, on a loopback API listener only
  (unless ` + "`--allow-unsigned-remote`" + `). With keys, every operation whose *Caller* is ` + "`SigV4`" + ` below
  needs a valid signature; ` + "`AccessToken`" + ` and ` + "`None`" + ` operations are served unsigned, and a
  signature on them is not checked (Cognito does not use IAM for them).
- Errors: no ` + "`Authorization`" + ` header ` + "`MissingAuthenticationTokenException`" + ` "Missing Authentication Token"
  with HTTP 403 (AWS's common errors give 403; whether Cognito answers 400 as some JSON services do
  is uncertain); an unknown access key ` + "`UnrecognizedClientException`" + ` "The security token included in
  the request is invalid."; a wrong signature (or a body or signed header changed after signing)
  ` + "`InvalidSignatureException`" + ` "The request signature we calculated does not match ..."; a request
  time more than 5 minutes off ` + "`InvalidSignatureException`" + ` "Signature expired: <t> is now earlier
  than <now-5m> (<now> - 5 min.)" or "Signature not yet current: <t> is still later than <now+5m>
  (<now> + 5 min.)"; a scope for another service, an invalid Region or terminator, or a scope date that
  is not the request's, ` + "`InvalidSignatureException`" + ` in AWS's words; a malformed ` + "`Authorization`" + `
  header, a missing date or an unsupported algorithm ` + "`IncompleteSignatureException`" + `. All but the first
  answer HTTP 400, as Cognito does. The message for a credential that is not 5 slash-separated parts
  is gognito's own wording.
- The body is always hashed: ` + "`X-Amz-Content-Sha256`" + `, when signed, must hold the body's SHA-256
  (` + "`UNSIGNED-PAYLOAD`" + ` is refused). ` + "`X-Amz-Security-Token`" + ` may be present and signed; its value is not
  checked (gognito has no STS). Query-string (presigned) authentication and SigV4a are not
  accepted. Any syntactically valid Region is accepted in the scope (gognito serves every Region).
- The signature is checked after the operation is found and the body read (within
  ` + "`--max-body-bytes`" + `), before the body is decoded or validated: an unknown operation answers
  ` + "`UnknownOperationException`" + ` and an unsupported Content-Type ` + "`SerializationException`" + ` even unsigned.

### User pool domains

- A domain is custom exactly when the request carries ` + "`CustomDomainConfig`" + `. The ` + "`DomainType`" + `
  pattern is applied to prefixes only, with Cognito's "invalid character" message; the model's
  63-character limit is kept for custom domains too (Cognito's own limit there is uncertain).
- A second custom domain on a pool, like a second prefix, is refused with "User pool already
  has a domain configured."; a custom domain another pool uses with "Domain already associated
  with another user pool." (Cognito's wording for this case is not documented).
- ` + "`ManagedLoginVersion`" + ` defaults to 1. ` + "`CloudFrontDomain`" + ` / ` + "`CloudFrontDistribution`" + ` is ` + "`d`" + ` + 13
  characters derived from the domain name (stable across updates and restarts, suffix set by
  ` + "`--cloudfront-suffix`" + `); ` + "`S3Bucket`" + ` follows Cognito's ` + "`aws-cognito-prod-<airport>-assets`" + ` naming;
  ` + "`Version`" + ` is the YYYYMMDDhhmmss of the last change.
- Status: CREATING/UPDATING until the HTTPS edge serves the domain's current certificate (and
  ` + "`--domain-propagation-delay`" + ` has passed), then ACTIVE; DELETING until the edge has dropped it,
  then the domain is gone (Describe answers ` + "`{\"DomainDescription\":{}}`" + `). With no delay a change
  is ACTIVE when the call returns. FAILED and ConcurrentModificationException are never produced.
- The parent-domain A-record check is off unless ` + "`--check-parent-dns`" + ` is set (local use has no
  public DNS). Custom domains per Region: 4, changed with ` + "`--custom-domain-quota`" + `.
- Prefix domains are served at ` + "`<prefix>.auth.<region>.<base-domain>`" + ` (` + "`--base-domain`" + `, default
  ` + "`localhost`" + `) with a wildcard certificate from the local CA, and on the API listener by Host.
  Until the hosted pages exist, ` + "`GET /`" + ` on a domain answers a small page naming its pool.

### Users and sign-in

- DesiredDeliveryMediums defaults to SMS, as in Cognito; messages go to the outbox whatever the
  medium (SMS is only ever delivered there), and email also through SMTP when configured.
- Codes are 6 digits, kept hashed: sign-up and attribute codes live 24 hours, reset codes 1
  hour, MFA codes 3 minutes; 5 wrong codes in a row answer LimitExceededException; 5 code
  deliveries per user and hour.
- After 5 wrong passwords in a row a user is locked for 1 s, doubling with each further failure
  up to 15 minutes ("Password attempts exceeded"); the count is in the store.
- Refresh tokens are opaque (sealed) strings, not Cognito's JWE; GlobalSignOut refuses every
  token issued before it (access tokens at Cognito's operations, refresh tokens everywhere).
- The issuer is ` + "`<public URL>/<pool id>`" + ` (` + "`--public-url`" + `); JWKS and discovery live under it.
- UserAttributeUpdateSettings (keeping the old email until the new one is verified) is not
  applied: a changed email is unverified at once and gets a code.
- USER_AUTH (choice-based sign-in) and devices are not built.

### Lambda triggers

- The pool's ` + "`LambdaConfig`" + ` functions are called through the AWS Lambda Invoke API
  (` + "`POST /2015-03-31/functions/<ARN>/invocations`" + `, RequestResponse) at ` + "`--lambda-endpoint`" + `
  (` + "`sam local start-lambda`" + `, LocalStack, any server of that API; default: AWS's endpoint of the
  ARN's Region), SigV4-signed (service ` + "`lambda`" + `) when ` + "`--lambda-access-key-id`" + ` and
  ` + "`--lambda-secret-access-key`" + ` are set. A trigger gets 5 seconds (` + "`--lambda-timeout`" + `). Functions
  are invoked by ARN, or by name with ` + "`--lambda-invoke-by-name`" + ` (` + "`sam local start-lambda`" + ` knows
  functions by name only).
- Errors as Cognito's: an error the function returns is UserLambdaValidationException
  "<Trigger> failed with error <message>."; a function that cannot be invoked or times out is
  UnexpectedLambdaException "<Trigger> invocation failed due to error <cause>."; an answer that is
  not an event is InvalidLambdaResponseException "Unrecognizable lambda output".
- Events carry Cognito's common parameters (version, triggerSource, region, userPoolId,
  userName, callerContext with clientId, or CLIENT_ID_NOT_APPLICABLE for administrative
  operations; awsSdkVersion is always ` + "`aws-sdk-unknown-unknown`" + `). userAttributes carry
  cognito:user_status and, for a verified email or phone number the pool signs in with,
  cognito:email_alias / cognito:phone_number_alias. InitiateAuth's ClientMetadata
  reaches PreAuthentication and UserMigration as validationData; RespondToAuthChallenge's and the
  other operations' reach the triggers as clientMetadata. The hosted pages fire the same triggers
  as the API (they pass no ClientMetadata).
- Trigger sources and their state:
  - PreSignUp_SignUp: built (autoConfirmUser, autoVerifyEmail, autoVerifyPhone; an
    auto-confirmed user gets PostConfirmation at sign-up). PreSignUp_AdminCreateUser: built (its
    answer changes nothing, as in Cognito). PreSignUp_ExternalProvider: not built (no federation).
  - PostConfirmation_ConfirmSignUp (ConfirmSignUp, AdminConfirmSignUp, auto-confirmation) and
    PostConfirmation_ConfirmForgotPassword: built; the user stays confirmed when the trigger fails.
  - PreAuthentication_Authentication: built (password, SRP, CUSTOM_AUTH and hosted sign-in; before
    the password is checked; with userNotFound for an unknown user that the client hides). PostAuthentication_Authentication: built (before tokens are issued;
    newDeviceUsed is always false).
  - TokenGeneration_Authentication, _NewPasswordChallenge, _RefreshTokens and _HostedAuth: built,
    in V1_0 (ID token claims, groupOverrideDetails) and V2_0/V3_0 (both tokens, claims of any JSON
    type, scopesToAdd/scopesToSuppress, group overrides); protected claims (sub, iss, exp,
    token_use, cognito:username, scope...) are left as they are. iamRolesToOverride and
    preferredRole of the request are always empty (group role ARNs are not sent).
  - TokenGeneration_ClientCredentials: built for V3_0 at the token endpoint's client_credentials
    grant (access token claims and scopes; ` + "`aws_client_metadata`" + ` as clientMetadata); the event's
    userName is the app client id (Cognito's value there is not documented). GetClientToken is
    not built. TokenGeneration_AuthenticateDevice: not built (no devices).
  - CustomMessage_SignUp, _ResendCode, _ForgotPassword, _AdminCreateUser (with
    usernameParameter), _UpdateUserAttribute, _VerifyUserAttribute and _Authentication (SMS and
    email MFA codes): built; a message without the ` + "`{####}`" + ` placeholder is ignored and the pool's
    own message goes. linkParameter is always empty (links are not customised).
  - UserMigration_Authentication (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and the hosted
    sign-in; not USER_SRP_AUTH, as in Cognito) and UserMigration_ForgotPassword: built. The user is
    created with the trigger's userAttributes, the password given (not held to the pool's policy)
    and finalUserStatus (CONFIRMED or RESET_REQUIRED; RESET_REQUIRED from forgot-password);
    enableSMSMFA is kept; messageAction, desiredDeliveryMediums and forceAliasCreation are
    ignored (no welcome message is sent).
  - DefineAuthChallenge_Authentication, CreateAuthChallenge_Authentication and
    VerifyAuthChallengeResponse_Authentication: built. CUSTOM_AUTH (InitiateAuth and
    AdminInitiateAuth) needs all three; with SRP_A in AuthParameters the session starts with
    SRP_A and DefineAuthChallenge may ask for PASSWORD_VERIFIER first. The challenges so far travel
    sealed in the Session; the number of challenges is bounded only by the session's validity
    (AuthSessionValidity). MFA after a custom sign-in is not asked for. For an unknown user a
    client that prevents user existence errors runs the triggers with userNotFound (no answer
    signs in); other clients answer UserNotFoundException at once.
  - CustomSMSSender, CustomEmailSender and InboundFederation: not built (messages go to the outbox
    and SMTP).

### The hosted pages and OAuth endpoints on a domain

- Served on prefix domains (HTTP by Host on the API listener, and HTTPS on the edge) and custom
  domains (HTTPS): ` + "`/oauth2/authorize`" + ` (code and implicit, PKCE S256 only, state, nonce,
  scopes filtered to the client's), ` + "`/login`" + ` with its steps (new password, TOTP, SMS/email
  code, factor choice, authenticator set-up), ` + "`/signup`" + `, ` + "`/confirm`" + `, ` + "`/confirmUser`" + `,
  ` + "`/resendcode`" + `, ` + "`/forgotPassword`" + `, ` + "`/confirmForgotPassword`" + `, ` + "`/oauth2/token`" + `
  (authorization_code with PKCE, single-use codes valid 5 minutes; refresh_token keeping the
  granted scopes; client_credentials with resource-server scopes; client_secret_basic and
  client_secret_post), ` + "`/oauth2/userInfo`" + ` (needs openid), ` + "`/oauth2/revoke`" + `, ` + "`/logout`" + `.
- Pages are server-rendered without JavaScript; every form carries a double-submit CSRF token;
  the session cookie lasts one hour; a pending multi-step sign-in lasts AuthSessionValidity.
- Discovery advertises the domain's endpoints (the custom domain's when the pool has both), with
  the edge's port when it is not 443.
- Not yet: federation (identity_provider other than COGNITO), managed login branding (v2 styles).

### Hosted UI (classic) branding

- SetUICustomization needs a domain on the pool. ClientId ` + "`ALL`" + ` (or none) is the pool's default; a
  client with settings of its own never falls back to it; a request with neither CSS nor ImageFile
  removes the setting (as Terraform's delete does), and the client falls back to ALL again.
  GetUICustomization answers the settings that apply (ClientId ` + "`ALL`" + ` when they are the pool's),
  or only UserPoolId and ClientId when none is set.
- CSS: only Cognito's class names, one per selector (the 13 of the original list and the 5 of the
  current one), each with the properties Cognito documents for it and those of its CSS template,
  with values of the documented kinds (colours, px heights, % widths, label font-weight 100-900,
  border widths 1-100px, solid or none). No at-rules, url(), quotes, escapes, markup or JavaScript.
  A refused CSS answers InvalidParameterException "Invalid CSS (line N): ...".
- The logo: PNG or JPEG (magic bytes, and it must decode), at most 100 KB; served at ImageUrl,
  ` + "`<public URL>/_gognito/ui/<pool>/<client|ALL>/logo.png|jpg`" + ` (Cognito's is a CloudFront URL),
  and at the same path by each domain of the pool, where the hosted pages load it from: an HTTPS
  page loads it over HTTPS, and the pages' CSP allows images from their own origin only. CSS and
  logo are set together.
- CSSVersion is the YYYYMMDDhhmmss of the change, moved on by a second when two changes fall in
  the same second. The pages embed the CSS re-serialised from its checked rules.

### Certificates (ACM)

- Importing a certificate that is not yet valid or already expired is refused, as in ACM;
  a certificate that expires later reports EXPIRED and is refused by the domain operations.
- Certificates are looked up by ARN within the request's Region and account: an ARN of another
  Region answers ResourceNotFoundException. The user pool domain operations look the ARN up
  wherever it is, and refuse one outside us-east-1 with the InvalidViewerCertificate message.
- A request that fails the model's constraints answers ` + "`ValidationException`" + ` on the ACM API
  (` + "`InvalidParameterException`" + ` on cognito-idp), as the two services do.
- Certificates the local CA issues (RequestCertificate) are valid 395 days and renewed under the
  same ARN 60 days before they expire (` + "`--issued-cert-validity`" + `, ` + "`--issued-cert-renew-before`" + `);
  the domains that use them follow without a Cognito call.
- Private keys are sealed with AES-256-GCM under ` + "`<data-dir>/secret.key`" + ` (created with mode 0600).

### Storage and multiple nodes

- SQLite (the default, one node) and PostgreSQL (` + "`--database postgres://...`" + `) hold the same data
  and pass the same conformance suite (internal/store/storetest).
- Nodes sharing one PostgreSQL database must share ` + "`--secret-key-file`" + ` and ` + "`--public-url`" + `
  (the tokens' issuer). A node whose key cannot open the database's sealed marker refuses to start.
- A domain created, changed or deleted, or a certificate imported or renewed, through one node
  is announced to the others over PostgreSQL LISTEN/NOTIFY, and their TLS edges reload it at once
  (tens of milliseconds in the tests); every edge also re-reads all domains every 30 seconds, and
  at once after its listening connection was lost. Rotated signing keys are picked up when a
  token with an unknown key id arrives, if this node last read them more than 5 seconds before
  (so made-up key ids cannot make every verification re-read them).
- Each node records what its edge serves every second (and at once after applying another
  node's change). A changed domain turns ACTIVE, and a deleted one disappears, only when every
  live node serves it (or no longer does); a node silent for 10 seconds counts as dead and holds
  nothing back, and a node that stops cleanly removes its record.
`

// CompatibilityMarkdown renders docs/compatibility.md from the operation
// tables, so it cannot drift from what the server does.
func CompatibilityMarkdown(services ...*api.Service) string {
	var b strings.Builder
	b.WriteString("# Compatibility\n\n")
	b.WriteString("<!-- Generated from the operation tables by `make docs`; a test fails when it is stale. Do not edit by hand. -->\n\n")
	b.WriteString("What gognito implements of each AWS API it speaks. *Caller* is how the operation's caller is\n")
	b.WriteString("authenticated in AWS: `SigV4` (IAM-signed), `AccessToken` (a user's access token), `None` (public).\n")
	b.WriteString("Every operation answers: one not built yet validates its input and then returns a well-formed\n")
	b.WriteString("`UnsupportedOperationException` that names it.\n\n")
	for _, svc := range services {
		ops := svc.Operations()
		done := 0
		for _, o := range ops {
			if o.Implemented {
				done++
			}
		}
		fmt.Fprintf(&b, "## %s (`X-Amz-Target: %s.<Operation>`)\n\n", svc.Name, svc.Prefix)
		fmt.Fprintf(&b, "%d of %d operations implemented.\n\n", done, len(ops))
		b.WriteString("| Operation | Caller | State | Notes |\n|---|---|---|---|\n")
		for _, o := range ops {
			state := "not yet"
			if o.Implemented {
				state = "implemented"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", o.Name, authName(o.Auth), state, o.Notes)
		}
		b.WriteString("\n")
	}
	b.WriteString(compatibilityChoices)
	return b.String()
}

func authName(a wire.AuthKind) string { return a.String() }

// CompatibilityDoc renders the document for this app's services.
func (a *App) CompatibilityDoc() string { return CompatibilityMarkdown(a.cognito, a.acm) }
