package app_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/srp"
)

// Lambda triggers, end to end: the server calls a Lambda-Invoke-compatible
// HTTP server that the test starts on loopback. The server records every
// event it receives and answers as the test's handlers say.

// lambdaEvent is one invocation the fake Lambda received.
type lambdaEvent struct {
	Function string         // the function name in the path (the ARN)
	Header   http.Header    // the request's headers
	Event    map[string]any // the event
}

// lambdaHandler answers an event: the response section, or a function error.
type lambdaHandler func(ev map[string]any) (response any, err error)

// fakeLambda is a server of the Lambda Invoke API.
type fakeLambda struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	events   []lambdaEvent
	handlers map[string]lambdaHandler // by function name
	raw      map[string]string        // functions that answer this body as is
	slow     map[string]time.Duration // functions that take this long
}

func newFakeLambda(t *testing.T) *fakeLambda {
	fl := &fakeLambda{t: t, handlers: map[string]lambdaHandler{}, raw: map[string]string{}, slow: map[string]time.Duration{}}
	fl.srv = httptest.NewServer(http.HandlerFunc(fl.serve))
	t.Cleanup(fl.srv.Close)
	return fl
}

// arn is the ARN of a function of the fake.
func lambdaARN(name string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + name }

func (fl *fakeLambda) handle(name string, h lambdaHandler) string {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.handlers[name] = h
	return lambdaARN(name)
}

// answerRaw makes a function answer body as is; slowDown makes it take d.
func (fl *fakeLambda) answerRaw(name, body string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.raw[name] = body
}

func (fl *fakeLambda) slowDown(name string, d time.Duration) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.slow[name] = d
}

func (fl *fakeLambda) serve(w http.ResponseWriter, r *http.Request) {
	fn, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	fn, ok2 := strings.CutSuffix(fn, "/invocations")
	if r.Method != http.MethodPost || !ok || !ok2 {
		http.Error(w, "not the Invoke API", http.StatusNotFound)
		return
	}
	arn, _ := url.PathUnescape(fn)
	name := arn[strings.LastIndex(arn, ":")+1:]
	body, _ := io.ReadAll(r.Body)
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	fl.mu.Lock()
	fl.events = append(fl.events, lambdaEvent{Function: arn, Header: r.Header.Clone(), Event: ev})
	h, raw, slow := fl.handlers[name], fl.raw[name], fl.slow[name]
	fl.mu.Unlock()
	if slow > 0 {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case raw != "":
		io.WriteString(w, raw)
	case h == nil:
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"Type":"User","message":"Function not found: `+arn+`"}`)
	default:
		resp, err := h(ev)
		if err != nil {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			json.NewEncoder(w).Encode(map[string]any{"errorType": "Error", "errorMessage": err.Error()})
			return
		}
		if resp != nil {
			ev["response"] = resp
		}
		json.NewEncoder(w).Encode(ev)
	}
}

// received lists the events of a trigger source, in order.
func (fl *fakeLambda) received(source string) []lambdaEvent {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	var out []lambdaEvent
	for _, e := range fl.events {
		if e.Event["triggerSource"] == source {
			out = append(out, e)
		}
	}
	return out
}

// only is the one event of a source since the last reset; the test fails
// when there is none or more.
func (fl *fakeLambda) only(source string) map[string]any {
	fl.t.Helper()
	evs := fl.received(source)
	if len(evs) != 1 {
		fl.t.Fatalf("%d %s events, want 1", len(evs), source)
	}
	return evs[0].Event
}

func (fl *fakeLambda) reset() {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.events = nil
}

// startLambdaServer runs a server whose triggers reach fl, signing with
// test credentials, with Cognito's trigger timeout.
func startLambdaServer(t *testing.T, fl *fakeLambda) *testServer {
	return startLambdaServerWith(t, fl, 0)
}

// startLambdaServerWith is startLambdaServer with another trigger timeout.
func startLambdaServerWith(t *testing.T, fl *fakeLambda, timeout time.Duration) *testServer {
	return startServerWith(t, t.TempDir(), func(c *config.Config) {
		c.LambdaEndpoint = fl.srv.URL
		c.LambdaAccessKeyID, c.LambdaSecretAccessKey = "AKIDLAMBDATEST", "lambda-secret"
		if timeout > 0 {
			c.LambdaTimeout = timeout
		}
	})
}

// path reads a value in an event by its keys.
func path(ev map[string]any, keys ...string) any {
	var v any = ev
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// wantCommon checks an event's common parameters.
func wantCommon(t *testing.T, ev map[string]any, version, poolID, clientID, username string) {
	t.Helper()
	if ev["version"] != version || ev["region"] != "us-east-1" || ev["userPoolId"] != poolID || ev["userName"] != username ||
		path(ev, "callerContext", "clientId") != clientID || path(ev, "callerContext", "awsSdkVersion") == nil {
		t.Fatalf("common parameters of %v: %v", ev["triggerSource"], ev)
	}
}

func TestLambdaSignUpTriggers(t *testing.T) {
	fl := newFakeLambda(t)
	pre := fl.handle("preSignUp", func(ev map[string]any) (any, error) {
		email, _ := path(ev, "request", "userAttributes", "email").(string)
		if strings.HasSuffix(email, "@blocked.example") {
			return nil, errors.New("Domain not allowed")
		}
		auto := strings.HasPrefix(ev["userName"].(string), "auto")
		return map[string]any{"autoConfirmUser": auto, "autoVerifyEmail": auto, "autoVerifyPhone": false}, nil
	})
	post := fl.handle("postConfirmation", func(map[string]any) (any, error) { return nil, nil })
	msg := fl.handle("customMessage", func(ev map[string]any) (any, error) {
		code := path(ev, "request", "codeParameter").(string)
		return map[string]any{"emailSubject": "Welcome " + ev["userName"].(string), "emailMessage": "Your code, from the trigger: " + code, "smsMessage": nil}, nil
	})
	ts := startLambdaServer(t, fl)
	f := newAuthFixtureOn(t, ts, &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		LambdaConfig: &types.LambdaConfigType{PreSignUp: &pre, PostConfirmation: &post, CustomMessage: &msg}}, nil)
	ctx := context.Background()
	clientID := *f.client.ClientId

	out := must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: &clientID, Username: aws.String("ann"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "ann@example.com"), ValidationData: attrs("invite", "abc"), ClientMetadata: map[string]string{"from": "test"}}))
	if out.UserConfirmed || out.CodeDeliveryDetails == nil {
		t.Fatalf("SignUp %+v", out)
	}
	got := fl.received("PreSignUp_SignUp")
	if len(got) != 1 {
		t.Fatalf("%d PreSignUp events", len(got))
	}
	ev := got[0].Event
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if path(ev, "request", "userAttributes", "email") != "ann@example.com" || path(ev, "request", "validationData", "invite") != "abc" ||
		path(ev, "request", "clientMetadata", "from") != "test" || path(ev, "response", "autoConfirmUser") != false {
		t.Fatalf("PreSignUp event %v", ev)
	}
	// The Invoke API call: the function's ARN in the path, synchronous, signed.
	h := got[0].Header
	if got[0].Function != pre || h.Get("X-Amz-Invocation-Type") != "RequestResponse" ||
		!strings.HasPrefix(h.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDLAMBDATEST/") ||
		!strings.Contains(h.Get("Authorization"), "/us-east-1/lambda/aws4_request") || h.Get("X-Amz-Date") == "" {
		t.Fatalf("Invoke request %s %v", got[0].Function, h)
	}
	// CustomMessage wrote the code's message.
	ev = fl.only("CustomMessage_SignUp")
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if path(ev, "request", "codeParameter") != "{####}" || path(ev, "request", "userAttributes", "email") != "ann@example.com" ||
		path(ev, "request", "clientMetadata", "from") != "test" {
		t.Fatalf("CustomMessage event %v", ev)
	}
	code := ts.lastCode(t, f.poolID, "ann")
	msgs := ts.outbox(t, f.poolID, "ann")
	if last := msgs[len(msgs)-1]; last.Subject != "Welcome ann" || last.Body != "Your code, from the trigger: "+code {
		t.Fatalf("message %+v", last)
	}
	if len(fl.received("PostConfirmation_ConfirmSignUp")) != 0 {
		t.Fatal("PostConfirmation before the user is confirmed")
	}
	must[*cognito.ConfirmSignUpOutput](t)(f.c.ConfirmSignUp(ctx, &cognito.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("ann"),
		ConfirmationCode: &code, ClientMetadata: map[string]string{"step": "confirm"}}))
	ev = fl.only("PostConfirmation_ConfirmSignUp")
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if path(ev, "request", "userAttributes", "cognito:user_status") != "CONFIRMED" || path(ev, "request", "userAttributes", "email_verified") != "true" ||
		path(ev, "request", "userAttributes", "sub") == nil || path(ev, "request", "clientMetadata", "step") != "confirm" {
		t.Fatalf("PostConfirmation event %v", ev)
	}

	// autoConfirmUser and autoVerifyEmail: confirmed at once, no code sent;
	// PostConfirmation fires at sign-up.
	fl.reset()
	out = must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: &clientID, Username: aws.String("auto1"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "auto1@example.com")}))
	if !out.UserConfirmed || out.CodeDeliveryDetails != nil {
		t.Fatalf("auto-confirmed SignUp %+v", out)
	}
	u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("auto1")}))
	if u.UserStatus != types.UserStatusTypeConfirmed || attrOf(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("auto-confirmed user %s %v", u.UserStatus, u.UserAttributes)
	}
	fl.only("PostConfirmation_ConfirmSignUp")
	if len(fl.received("CustomMessage_SignUp")) != 0 {
		t.Fatal("a code message for an auto-confirmed user")
	}
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("auto1", "Passw0rd!"))

	// An error the function returns refuses the sign-up.
	_, err := f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: &clientID, Username: aws.String("eve"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "eve@blocked.example")})
	wantAPIError(t, err, "UserLambdaValidationException", "PreSignUp failed with error Domain not allowed.")
	_, err = f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("eve")})
	wantAPIError(t, err, "UserNotFoundException", "")

	// AdminCreateUser: PreSignUp_AdminCreateUser (its answer changes
	// nothing), CustomMessage_AdminCreateUser with the username parameter.
	fl.reset()
	created := must[*cognito.AdminCreateUserOutput](t)(f.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &f.poolID, Username: aws.String("auto2"),
		UserAttributes: attrs("email", "auto2@example.com"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}}))
	if created.User.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("AdminCreateUser status %s", created.User.UserStatus)
	}
	wantCommon(t, fl.only("PreSignUp_AdminCreateUser"), "1", f.poolID, "CLIENT_ID_NOT_APPLICABLE", "auto2")
	if ev := fl.only("CustomMessage_AdminCreateUser"); path(ev, "request", "usernameParameter") != "{username}" {
		t.Fatalf("CustomMessage_AdminCreateUser %v", ev)
	}

	// The other code messages: a resent sign-up code, a changed email, an
	// attribute verification code.
	fl.reset()
	must[*cognito.SignUpOutput](t)(f.c.SignUp(ctx, &cognito.SignUpInput{ClientId: &clientID, Username: aws.String("bob"), Password: aws.String("Passw0rd!"),
		UserAttributes: attrs("email", "bob@example.com")}))
	must[*cognito.ResendConfirmationCodeOutput](t)(f.c.ResendConfirmationCode(ctx, &cognito.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("bob")}))
	fl.only("CustomMessage_ResendCode")
	must[*cognito.AdminUpdateUserAttributesOutput](t)(f.c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: &f.poolID,
		Username: aws.String("auto1"), UserAttributes: attrs("email", "auto1@example.org")}))
	if ev := fl.only("CustomMessage_UpdateUserAttribute"); path(ev, "request", "userAttributes", "email") != "auto1@example.org" ||
		path(ev, "callerContext", "clientId") != "CLIENT_ID_NOT_APPLICABLE" {
		t.Fatalf("CustomMessage_UpdateUserAttribute %v", ev)
	}
	signedIn := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("auto1", "Passw0rd!"))
	must[*cognito.GetUserAttributeVerificationCodeOutput](t)(f.c.GetUserAttributeVerificationCode(ctx, &cognito.GetUserAttributeVerificationCodeInput{
		AccessToken: signedIn.AuthenticationResult.AccessToken, AttributeName: aws.String("email"), ClientMetadata: map[string]string{"via": "app"}}))
	if ev := fl.only("CustomMessage_VerifyUserAttribute"); path(ev, "callerContext", "clientId") != clientID || path(ev, "request", "clientMetadata", "via") != "app" {
		t.Fatalf("CustomMessage_VerifyUserAttribute %v", ev)
	}
	if msgs := ts.outbox(t, f.poolID, "auto1"); !strings.HasPrefix(msgs[len(msgs)-1].Body, "Your code, from the trigger: ") {
		t.Fatalf("attribute verification message %+v", msgs[len(msgs)-1])
	}

	// Forgot password: CustomMessage_ForgotPassword, then
	// PostConfirmation_ConfirmForgotPassword.
	fl.reset()
	must[*cognito.ForgotPasswordOutput](t)(f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("ann")}))
	fl.only("CustomMessage_ForgotPassword")
	must[*cognito.ConfirmForgotPasswordOutput](t)(f.c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: &clientID,
		Username: aws.String("ann"), ConfirmationCode: aws.String(ts.lastCode(t, f.poolID, "ann")), Password: aws.String("N3w-Passw0rd!")}))
	fl.only("PostConfirmation_ConfirmForgotPassword")
}

func TestLambdaAuthTriggers(t *testing.T) {
	fl := newFakeLambda(t)
	preAuth := fl.handle("preAuth", func(ev map[string]any) (any, error) {
		if ev["userName"] == "mallory" {
			return nil, errors.New("You shall not pass")
		}
		return nil, nil
	})
	postAuth := fl.handle("postAuth", func(map[string]any) (any, error) { return nil, nil })
	preToken := fl.handle("preToken", func(ev map[string]any) (any, error) {
		return map[string]any{"claimsOverrideDetails": map[string]any{
			"claimsToAddOrOverride": map[string]any{"tenant": "acme", "sub": "forged"},
			"claimsToSuppress":      []string{"email"},
			"groupOverrideDetails":  map[string]any{"groupsToOverride": []string{"admins"}, "iamRolesToOverride": []string{"arn:aws:iam::123456789012:role/admin"}, "preferredRole": "arn:aws:iam::123456789012:role/admin"},
		}}, nil
	})
	f := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		PreAuthentication: &preAuth, PostAuthentication: &postAuth, PreTokenGeneration: &preToken}}, nil)
	ctx := context.Background()
	clientID := *f.client.ClientId
	f.confirmedUser(t, "ann", "Passw0rd!", "email", "ann@example.com")
	f.confirmedUser(t, "mallory", "Passw0rd!")
	must[*cognito.CreateGroupOutput](t)(f.c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: &f.poolID, GroupName: aws.String("readers")}))
	must[*cognito.AdminAddUserToGroupOutput](t)(f.c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: &f.poolID, Username: aws.String("ann"), GroupName: aws.String("readers")}))

	out := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"}, ClientMetadata: map[string]string{"device": "phone"}}))
	ev := fl.only("PreAuthentication_Authentication")
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if path(ev, "request", "userAttributes", "email") != "ann@example.com" || path(ev, "request", "validationData", "device") != "phone" {
		t.Fatalf("PreAuthentication event %v", ev)
	}
	ev = fl.only("PostAuthentication_Authentication")
	if path(ev, "request", "newDeviceUsed") != false || path(ev, "request", "userAttributes", "cognito:user_status") != "CONFIRMED" {
		t.Fatalf("PostAuthentication event %v", ev)
	}
	ev = fl.only("TokenGeneration_Authentication")
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if groups, _ := path(ev, "request", "groupConfiguration", "groupsToOverride").([]any); len(groups) != 1 || groups[0] != "readers" {
		t.Fatalf("PreTokenGeneration event %v", ev)
	}
	id := f.verifyJWT(t, *out.AuthenticationResult.IdToken)
	access := f.verifyJWT(t, *out.AuthenticationResult.AccessToken)
	if id["tenant"] != "acme" || id["email"] != nil || id["sub"] == "forged" || access["tenant"] != nil {
		t.Fatalf("ID token claims %v", id)
	}
	if g, _ := id["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" || id["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/admin" {
		t.Fatalf("group override in the ID token: %v", id)
	}
	if g, _ := access["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" {
		t.Fatalf("group override in the access token: %v", access)
	}

	// Refresh: TokenGeneration_RefreshTokens, not the authentication triggers.
	fl.reset()
	ref := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken}}))
	fl.only("TokenGeneration_RefreshTokens")
	if len(fl.received("PreAuthentication_Authentication"))+len(fl.received("PostAuthentication_Authentication")) != 0 {
		t.Fatal("authentication triggers on a refresh")
	}
	if f.verifyJWT(t, *ref.AuthenticationResult.IdToken)["tenant"] != "acme" {
		t.Fatal("refreshed ID token without the trigger's claim")
	}

	// PreAuthentication refuses a user, before the password is checked and
	// on SRP too.
	_, err := f.passwordAuth("mallory", "Passw0rd!")
	wantAPIError(t, err, "UserLambdaValidationException", "PreAuthentication failed with error You shall not pass.")
	cl, _ := srp.NewClient(rand.Reader, f.poolID)
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "mallory", "SRP_A": cl.AHex()}})
	wantAPIError(t, err, "UserLambdaValidationException", "PreAuthentication failed with error You shall not pass.")

	// A client that hides unknown users: PreAuthentication runs with
	// userNotFound, and the answer is the usual one.
	hiding := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("hiding"), ExplicitAuthFlows: allFlows, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})).UserPoolClient
	fl.reset()
	_, err = f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: hiding.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "nobody", "PASSWORD": "Passw0rd!"}})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if ev := fl.only("PreAuthentication_Authentication"); path(ev, "request", "userNotFound") != true || ev["userName"] != "nobody" {
		t.Fatalf("PreAuthentication for an unknown user %v", ev)
	}
}

func TestLambdaPreTokenGenerationV2(t *testing.T) {
	for version, want := range map[types.PreTokenGenerationLambdaVersionType]string{
		types.PreTokenGenerationLambdaVersionTypeV20: "2", types.PreTokenGenerationLambdaVersionTypeV30: "3"} {
		t.Run(string(version), func(t *testing.T) { testPreTokenV2(t, version, want) })
	}
}

// testPreTokenV2 checks a V2_0 or V3_0 PreTokenGeneration trigger: both
// tokens, claims of any JSON type, scopes, groups removed.
func testPreTokenV2(t *testing.T, version types.PreTokenGenerationLambdaVersionType, eventVersion string) {
	fl := newFakeLambda(t)
	preToken := fl.handle("preTokenV2", func(ev map[string]any) (any, error) {
		return map[string]any{"claimsAndScopeOverrideDetails": map[string]any{
			"idTokenGeneration":     map[string]any{"claimsToAddOrOverride": map[string]any{"plan": map[string]any{"tier": "gold", "seats": 5}}, "claimsToSuppress": []string{"email"}},
			"accessTokenGeneration": map[string]any{"claimsToAddOrOverride": map[string]any{"tenant": "acme"}, "scopesToAdd": []string{"api/read"}, "scopesToSuppress": []string{"aws.cognito.signin.user.admin"}},
			"groupOverrideDetails":  nil,
		}}, nil
	})
	f := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: &preToken, LambdaVersion: version}}}, nil)
	ctx := context.Background()
	f.confirmedUser(t, "ann", "Passw0rd!", "email", "ann@example.com")
	must[*cognito.CreateGroupOutput](t)(f.c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: &f.poolID, GroupName: aws.String("readers")}))
	must[*cognito.AdminAddUserToGroupOutput](t)(f.c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: &f.poolID, Username: aws.String("ann"), GroupName: aws.String("readers")}))
	out := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("ann", "Passw0rd!"))
	ev := fl.only("TokenGeneration_Authentication")
	wantCommon(t, ev, eventVersion, f.poolID, *f.client.ClientId, "ann")
	if sc, _ := path(ev, "request", "scopes").([]any); len(sc) != 1 || sc[0] != "aws.cognito.signin.user.admin" {
		t.Fatalf("V2 event scopes %v", ev)
	}
	id := f.verifyJWT(t, *out.AuthenticationResult.IdToken)
	access := f.verifyJWT(t, *out.AuthenticationResult.AccessToken)
	if plan, _ := id["plan"].(map[string]any); plan["tier"] != "gold" || id["email"] != nil || id["cognito:groups"] != nil {
		t.Fatalf("V2 ID token %v", id)
	}
	if access["tenant"] != "acme" || access["scope"] != "api/read" || access["cognito:groups"] != nil {
		t.Fatalf("V2 access token %v", access)
	}
	// Without aws.cognito.signin.user.admin the token no longer works at the API.
	_, err := f.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token does not have required scopes")
}

func TestLambdaErrors(t *testing.T) {
	fl := newFakeLambda(t)
	preAuth := fl.handle("preAuth", func(map[string]any) (any, error) { return nil, nil })
	fl.slowDown("preAuth", 10*time.Second) // beyond the server's trigger timeout (1 s)
	customMessage := lambdaARN("missing")  // no such function
	postAuth := lambdaARN("garbage")
	fl.answerRaw("garbage", "this is not an event")
	f := newAuthFixtureOn(t, startLambdaServerWith(t, fl, time.Second), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		CustomMessage: &customMessage, PreAuthentication: &preAuth, PostAuthentication: &postAuth}}, nil)
	ctx := context.Background()
	f.confirmedUser(t, "ann", "Passw0rd!", "email", "ann@example.com", "email_verified", "true")
	_, err := f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: f.client.ClientId, Username: aws.String("ann")})
	wantAPIError(t, err, "UnexpectedLambdaException", "CustomMessage invocation failed due to error ResourceNotFoundException.")
	_, err = f.passwordAuth("ann", "Passw0rd!")
	wantAPIError(t, err, "UnexpectedLambdaException", "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.")
	fl.slowDown("preAuth", 0)
	_, err = f.passwordAuth("ann", "Passw0rd!")
	wantAPIError(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
}

func TestLambdaUserMigration(t *testing.T) {
	fl := newFakeLambda(t)
	migrate := fl.handle("migrate", func(ev map[string]any) (any, error) {
		legacy := map[string]string{"legacy": "Old-pass1", "legacy2": ""}
		want, known := legacy[ev["userName"].(string)]
		if !known {
			return nil, errors.New("User not found")
		}
		if ev["triggerSource"] == "UserMigration_Authentication" && path(ev, "request", "password") != want {
			return nil, errors.New("Bad password")
		}
		name := ev["userName"].(string)
		return map[string]any{"userAttributes": map[string]string{"email": name + "@example.com", "email_verified": "true"},
			"finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS"}, nil
	})
	ts := startLambdaServer(t, fl)
	f := newAuthFixtureOn(t, ts, &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{UserMigration: &migrate}}, nil)
	ctx := context.Background()
	clientID := *f.client.ClientId

	_, err := f.passwordAuth("legacy", "wrong-pass1")
	wantAPIError(t, err, "UserLambdaValidationException", "UserMigration failed with error Bad password.")
	_, err = f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("legacy")})
	wantAPIError(t, err, "UserNotFoundException", "")

	fl.reset()
	out := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "legacy", "PASSWORD": "Old-pass1"}, ClientMetadata: map[string]string{"app": "web"}}))
	ev := fl.only("UserMigration_Authentication")
	wantCommon(t, ev, "1", f.poolID, clientID, "legacy")
	if path(ev, "request", "password") != "Old-pass1" || path(ev, "request", "validationData", "app") != "web" {
		t.Fatalf("UserMigration event %v", ev)
	}
	if f.verifyJWT(t, *out.AuthenticationResult.IdToken)["email"] != "legacy@example.com" {
		t.Fatal("the migrated user's tokens lack its attributes")
	}
	u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("legacy")}))
	if u.UserStatus != types.UserStatusTypeConfirmed || attrOf(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("migrated user %s %v", u.UserStatus, u.UserAttributes)
	}
	// From now on the user signs in as any other, SRP included; the
	// trigger is not asked again.
	fl.reset()
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("legacy", "Old-pass1"))
	srpSignIn(t, f, "legacy", "Old-pass1")
	if len(fl.received("UserMigration_Authentication")) != 0 {
		t.Fatal("the trigger was asked for a user the pool has")
	}

	// Forgot password: the user is created in RESET_REQUIRED and gets a code.
	fl.reset()
	d := must[*cognito.ForgotPasswordOutput](t)(f.c.ForgotPassword(ctx, &cognito.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("legacy2")}))
	if ev := fl.only("UserMigration_ForgotPassword"); path(ev, "request", "password") != nil {
		t.Fatalf("UserMigration_ForgotPassword event %v", ev)
	}
	if d.CodeDeliveryDetails == nil || d.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("ForgotPassword %+v", d)
	}
	u = must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(ctx, &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("legacy2")}))
	if u.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("user migrated at forgot-password: %s", u.UserStatus)
	}
	must[*cognito.ConfirmForgotPasswordOutput](t)(f.c.ConfirmForgotPassword(ctx, &cognito.ConfirmForgotPasswordInput{ClientId: &clientID,
		Username: aws.String("legacy2"), ConfirmationCode: aws.String(ts.lastCode(t, f.poolID, "legacy2")), Password: aws.String("N3w-Passw0rd!")}))
	must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("legacy2", "N3w-Passw0rd!"))
}

// srpSignIn signs in with USER_SRP_AUTH and fails the test if it does not end with tokens.
func srpSignIn(t *testing.T, f *authFixture, username, password string) {
	t.Helper()
	ctx := context.Background()
	cl, _ := srp.NewClient(rand.Reader, f.poolID)
	start := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: f.client.ClientId, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": username, "SRP_A": cl.AHex()}}))
	out := respondSRP(t, f, cl, start.ChallengeParameters, password, nil)
	if out.AuthenticationResult == nil {
		t.Fatalf("SRP sign-in: %+v", out)
	}
}

// respondSRP answers a PASSWORD_VERIFIER challenge.
func respondSRP(t *testing.T, f *authFixture, cl *srp.Client, p map[string]string, password string, session *string) *cognito.RespondToAuthChallengeOutput {
	t.Helper()
	user := p["USER_ID_FOR_SRP"]
	sig, stamp, err := cl.Respond(user, password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return must[*cognito.RespondToAuthChallengeOutput](t)(f.c.RespondToAuthChallenge(context.Background(), &cognito.RespondToAuthChallengeInput{
		ClientId: f.client.ClientId, ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: session,
		ChallengeResponses: map[string]string{"USERNAME": user, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": stamp}}))
}

// quizTriggers are the custom challenge triggers of a classic sample: an
// optional password first (SRP_A), then the question "2+2?"; three wrong
// answers fail the sign-in.
func quizTriggers(fl *fakeLambda) (define, create, verify string) {
	define = fl.handle("define", func(ev map[string]any) (any, error) {
		steps, _ := path(ev, "request", "session").([]any)
		wrong := 0
		for _, s := range steps {
			st := s.(map[string]any)
			if st["challengeName"] == "CUSTOM_CHALLENGE" && st["challengeResult"] == false {
				wrong++
			}
		}
		var last map[string]any
		if len(steps) > 0 {
			last = steps[len(steps)-1].(map[string]any)
		}
		switch {
		case last != nil && last["challengeName"] == "SRP_A":
			return map[string]any{"challengeName": "PASSWORD_VERIFIER", "issueTokens": false, "failAuthentication": false}, nil
		case last != nil && last["challengeName"] == "CUSTOM_CHALLENGE" && last["challengeResult"] == true:
			return map[string]any{"issueTokens": true, "failAuthentication": false}, nil
		case wrong >= 3:
			return map[string]any{"issueTokens": false, "failAuthentication": true}, nil
		}
		return map[string]any{"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false}, nil
	})
	create = fl.handle("create", func(ev map[string]any) (any, error) {
		return map[string]any{"publicChallengeParameters": map[string]string{"question": "2+2?"},
			"privateChallengeParameters": map[string]string{"answer": "4"}, "challengeMetadata": "QUESTION-1"}, nil
	})
	verify = fl.handle("verify", func(ev map[string]any) (any, error) {
		return map[string]any{"answerCorrect": path(ev, "request", "challengeAnswer") == path(ev, "request", "privateChallengeParameters", "answer")}, nil
	})
	return define, create, verify
}

func TestLambdaCustomAuth(t *testing.T) {
	fl := newFakeLambda(t)
	define, create, verify := quizTriggers(fl)
	f := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		DefineAuthChallenge: &define, CreateAuthChallenge: &create, VerifyAuthChallengeResponse: &verify}},
		&cognito.CreateUserPoolClientInput{ExplicitAuthFlows: append([]types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth}, allFlows...)})
	ctx := context.Background()
	clientID := *f.client.ClientId
	f.confirmedUser(t, "ann", "Passw0rd!", "email", "ann@example.com")
	answer := func(session *string, a string) *cognito.RespondToAuthChallengeOutput {
		t.Helper()
		return must[*cognito.RespondToAuthChallengeOutput](t)(f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: &clientID,
			ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session, ChallengeResponses: map[string]string{"USERNAME": "ann", "ANSWER": a},
			ClientMetadata: map[string]string{"k": "v"}}))
	}

	start := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ann"}}))
	if start.ChallengeName != types.ChallengeNameTypeCustomChallenge || start.ChallengeParameters["question"] != "2+2?" ||
		start.ChallengeParameters["USERNAME"] != "ann" || start.ChallengeParameters["answer"] != "" || start.Session == nil {
		t.Fatalf("CUSTOM_AUTH start %+v", start)
	}
	ev := fl.only("DefineAuthChallenge_Authentication")
	wantCommon(t, ev, "1", f.poolID, clientID, "ann")
	if s, ok := path(ev, "request", "session").([]any); !ok || len(s) != 0 {
		t.Fatalf("first DefineAuthChallenge %v", ev)
	}
	if ev := fl.only("CreateAuthChallenge_Authentication"); path(ev, "request", "challengeName") != "CUSTOM_CHALLENGE" {
		t.Fatalf("CreateAuthChallenge %v", ev)
	}
	// A wrong answer: another challenge, the first one's failure listed.
	fl.reset()
	next := answer(start.Session, "5")
	if next.ChallengeName != types.ChallengeNameTypeCustomChallenge || next.AuthenticationResult != nil {
		t.Fatalf("after a wrong answer %+v", next)
	}
	ev = fl.only("VerifyAuthChallengeResponse_Authentication")
	if path(ev, "request", "challengeAnswer") != "5" || path(ev, "request", "privateChallengeParameters", "answer") != "4" ||
		path(ev, "request", "clientMetadata", "k") != "v" {
		t.Fatalf("VerifyAuthChallengeResponse %v", ev)
	}
	s, _ := path(fl.only("DefineAuthChallenge_Authentication"), "request", "session").([]any)
	if len(s) != 1 || s[0].(map[string]any)["challengeResult"] != false || s[0].(map[string]any)["challengeMetadata"] != "QUESTION-1" {
		t.Fatalf("session after a wrong answer %v", s)
	}
	// The right answer: tokens.
	done := answer(next.Session, "4")
	if done.AuthenticationResult == nil || f.verifyJWT(t, *done.AuthenticationResult.IdToken)["cognito:username"] != "ann" {
		t.Fatalf("after the right answer %+v", done)
	}
	// Three wrong answers fail the sign-in.
	cur := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ann"}})).Session
	cur = answer(cur, "1").Session
	cur = answer(cur, "2").Session
	_, err := f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: cur, ChallengeResponses: map[string]string{"USERNAME": "ann", "ANSWER": "3"}})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// With SRP_A: the password first (PASSWORD_VERIFIER), then the question.
	fl.reset()
	cl, _ := srp.NewClient(rand.Reader, f.poolID)
	srpStart := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ann", "SRP_A": cl.AHex(), "CHALLENGE_NAME": "SRP_A"}}))
	if srpStart.ChallengeName != types.ChallengeNameTypePasswordVerifier || srpStart.ChallengeParameters["SRP_B"] == "" {
		t.Fatalf("CUSTOM_AUTH with SRP_A %+v", srpStart)
	}
	if s, _ := path(fl.only("DefineAuthChallenge_Authentication"), "request", "session").([]any); len(s) != 1 || s[0].(map[string]any)["challengeName"] != "SRP_A" {
		t.Fatalf("session with SRP_A %v", s)
	}
	fl.reset()
	q := respondSRP(t, f, cl, srpStart.ChallengeParameters, "Passw0rd!", srpStart.Session)
	if q.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("after the password %+v", q)
	}
	s, _ = path(fl.only("DefineAuthChallenge_Authentication"), "request", "session").([]any)
	if len(s) != 2 || s[1].(map[string]any)["challengeName"] != "PASSWORD_VERIFIER" || s[1].(map[string]any)["challengeResult"] != true {
		t.Fatalf("session after the password %v", s)
	}
	if answer(q.Session, "4").AuthenticationResult == nil {
		t.Fatal("no tokens after password and answer")
	}

	// A client that hides unknown users: the triggers run with
	// userNotFound, and even the right answer signs nobody in.
	hiding := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID,
		ClientName: aws.String("hiding"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})).UserPoolClient
	fl.reset()
	ghost := must[*cognito.InitiateAuthOutput](t)(f.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: hiding.ClientId, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ghost"}}))
	if ghost.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("CUSTOM_AUTH for an unknown user %+v", ghost)
	}
	if ev := fl.only("DefineAuthChallenge_Authentication"); path(ev, "request", "userNotFound") != true || ev["userName"] != "ghost" {
		t.Fatalf("DefineAuthChallenge for an unknown user %v", ev)
	}
	_, err = f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: hiding.ClientId, ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: ghost.Session, ChallengeResponses: map[string]string{"USERNAME": "ghost", "ANSWER": "4"}})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if ev := fl.only("VerifyAuthChallengeResponse_Authentication"); path(ev, "request", "userNotFound") != true {
		t.Fatalf("VerifyAuthChallengeResponse for an unknown user %v", ev)
	}
}

// TestLambdaHostedPages: the triggers fire from the hosted pages as from
// the API: sign-up (PreSignUp auto-confirms; PostConfirmation), sign-in
// (Pre/PostAuthentication) and the tokens (TokenGeneration_HostedAuth,
// with the trigger's claim in the ID token).
func TestLambdaHostedPages(t *testing.T) {
	fl := newFakeLambda(t)
	pre := fl.handle("preSignUp", func(map[string]any) (any, error) {
		return map[string]any{"autoConfirmUser": true, "autoVerifyEmail": true}, nil
	})
	post := fl.handle("postConfirmation", func(map[string]any) (any, error) { return nil, nil })
	preAuth := fl.handle("preAuth", func(ev map[string]any) (any, error) {
		if ev["userName"] == "blocked" {
			return nil, errors.New("Blocked")
		}
		return nil, nil
	})
	postAuth := fl.handle("postAuth", func(map[string]any) (any, error) { return nil, nil })
	preToken := fl.handle("preToken", func(map[string]any) (any, error) {
		return map[string]any{"claimsOverrideDetails": map[string]any{"claimsToAddOrOverride": map[string]string{"tenant": "acme"}}}, nil
	})
	migrate := fl.handle("migrate", func(ev map[string]any) (any, error) {
		if ev["userName"] != "legacy" || path(ev, "request", "password") != "Old-pass1" {
			return nil, errors.New("Bad credentials")
		}
		return map[string]any{"userAttributes": map[string]string{"email": "legacy@example.com", "email_verified": "true"}}, nil
	})
	af := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		LambdaConfig: &types.LambdaConfigType{PreSignUp: &pre, PostConfirmation: &post, PreAuthentication: &preAuth, PostAuthentication: &postAuth,
			PreTokenGeneration: &preToken, UserMigration: &migrate}}, nil)
	f := newPagesFixtureFor(t, af, false)
	b := newPageBrowser(t, f)
	verifier := oauth2.GenerateVerifier()
	b.authorize(verifier, "s1")
	b.get(b.link("Sign up"))
	a := b.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}, "email": {"dora@example.com"}})
	wantPage(t, b.follow(a, "/login"), 200, "Your account is ready. You can sign in now.") // auto-confirmed: no code to enter
	clientID := *f.client.ClientId
	wantCommon(t, fl.only("PreSignUp_SignUp"), "1", f.poolID, clientID, "dora")
	if ev := fl.only("PostConfirmation_ConfirmSignUp"); path(ev, "request", "userAttributes", "email_verified") != "true" {
		t.Fatalf("PostConfirmation from the page %v", ev)
	}
	u := must[*cognito.AdminGetUserOutput](t)(f.c.AdminGetUser(context.Background(), &cognito.AdminGetUserInput{UserPoolId: &f.poolID, Username: aws.String("dora")}))
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("auto-confirmed on the page: %s", u.UserStatus)
	}

	fl.reset()
	b2 := newPageBrowser(t, f)
	b2.authorize(verifier, "s2")
	claims := b2.signedIn(b2.submit(0, url.Values{"username": {"dora"}, "password": {"Passw0rd!"}}), verifier, "s2")
	wantCommon(t, fl.only("PreAuthentication_Authentication"), "1", f.poolID, clientID, "dora")
	fl.only("PostAuthentication_Authentication")
	wantCommon(t, fl.only("TokenGeneration_HostedAuth"), "1", f.poolID, clientID, "dora")
	if claims["tenant"] != "acme" || claims["cognito:username"] != "dora" {
		t.Fatalf("hosted ID token %v", claims)
	}

	// A trigger's refusal is shown on the page.
	f.confirmedUser(t, "blocked", "Passw0rd!")
	b3 := newPageBrowser(t, f)
	b3.authorize(verifier, "s3")
	wantPageError(t, b3.submit(0, url.Values{"username": {"blocked"}, "password": {"Passw0rd!"}}), "PreAuthentication failed with error Blocked.")

	// A user of the old directory signs in on the page: migrated, then signed in.
	fl.reset()
	b4 := newPageBrowser(t, f)
	b4.authorize(verifier, "s4")
	claims = b4.signedIn(b4.submit(0, url.Values{"username": {"legacy"}, "password": {"Old-pass1"}}), verifier, "s4")
	wantCommon(t, fl.only("UserMigration_Authentication"), "1", f.poolID, clientID, "legacy")
	if claims["email"] != "legacy@example.com" || claims["tenant"] != "acme" {
		t.Fatalf("migrated user's ID token %v", claims)
	}
}

// TestLambdaMFACode: CustomMessage_Authentication writes the SMS MFA
// code's message, and PostAuthentication waits for the second factor and
// gets RespondToAuthChallenge's ClientMetadata.
func TestLambdaMFACode(t *testing.T) {
	fl := newFakeLambda(t)
	msg := fl.handle("customMessage", func(ev map[string]any) (any, error) {
		return map[string]any{"smsMessage": "Sign-in code " + path(ev, "request", "codeParameter").(string) + " (trigger)"}, nil
	})
	postAuth := fl.handle("postAuth", func(map[string]any) (any, error) { return nil, nil })
	pool := mfaPool("")
	pool.LambdaConfig = &types.LambdaConfigType{CustomMessage: &msg, PostAuthentication: &postAuth}
	ts := startLambdaServer(t, fl)
	f := newAuthFixtureOn(t, ts, pool, nil)
	enableMFA(t, f, types.UserPoolMfaTypeOptional)
	ctx := context.Background()
	f.confirmedUser(t, "sue", "Passw0rd!", "phone_number", "+15555550199", "phone_number_verified", "true")
	must[*cognito.AdminSetUserMFAPreferenceOutput](t)(f.c.AdminSetUserMFAPreference(ctx, &cognito.AdminSetUserMFAPreferenceInput{UserPoolId: &f.poolID, Username: aws.String("sue"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}))
	start := must[*cognito.InitiateAuthOutput](t)(f.passwordAuth("sue", "Passw0rd!"))
	if start.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("SMS_MFA challenge %+v", start)
	}
	wantCommon(t, fl.only("CustomMessage_Authentication"), "1", f.poolID, *f.client.ClientId, "sue")
	code := ts.lastCode(t, f.poolID, "sue")
	if msgs := ts.outbox(t, f.poolID, "sue"); msgs[0].Body != "Sign-in code "+code+" (trigger)" {
		t.Fatalf("SMS MFA message %+v", msgs[0])
	}
	if len(fl.received("PostAuthentication_Authentication")) != 0 {
		t.Fatal("PostAuthentication before the second factor")
	}
	out := must[*cognito.RespondToAuthChallengeOutput](t)(f.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: f.client.ClientId,
		ChallengeName: types.ChallengeNameTypeSmsMfa, Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "sue", "SMS_MFA_CODE": code},
		ClientMetadata: map[string]string{"step": "mfa"}}))
	if out.AuthenticationResult == nil {
		t.Fatalf("after the SMS code %+v", out)
	}
	if ev := fl.only("PostAuthentication_Authentication"); path(ev, "request", "clientMetadata", "step") != "mfa" {
		t.Fatalf("PostAuthentication after MFA %v", ev)
	}
}

// TestNodeCustomAuth: amazon-cognito-identity-js, unchanged, signs in with
// CUSTOM_AUTH (after its SRP password step, and without a password) against
// the triggers of quizTriggers (test/node/customauth.test.mjs).
func TestNodeCustomAuth(t *testing.T) {
	node := nodeRuntime(t)
	fl := newFakeLambda(t)
	define, create, verify := quizTriggers(fl)
	f := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		DefineAuthChallenge: &define, CreateAuthChallenge: &create, VerifyAuthChallengeResponse: &verify}},
		&cognito.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth}})
	password := nodeTestPassword(t)
	f.confirmedUser(t, "carol", password)
	env := append(awsEnv(t), "NO_COLOR=1", "GOGNITO_ENDPOINT="+f.ts.URL, "GOGNITO_REGION=us-east-1", "GOGNITO_POOL_ID="+f.poolID,
		"GOGNITO_CLIENT_ID="+*f.client.ClientId, "GOGNITO_ISSUER="+f.ts.URL+"/"+f.poolID, "GOGNITO_USER=carol", "GOGNITO_PASSWORD="+password)
	runNodeTests(t, node, "customauth.test.mjs", env, 3)
	if len(fl.received("VerifyAuthChallengeResponse_Authentication")) != 6 {
		t.Fatalf("%d answers checked, want 6", len(fl.received("VerifyAuthChallengeResponse_Authentication")))
	}
}

// TestLambdaPreTokenClientCredentials: a V3_0 PreTokenGeneration trigger
// changes the access token of the client_credentials grant
// (TokenGeneration_ClientCredentials), with the request's
// aws_client_metadata.
func TestLambdaPreTokenClientCredentials(t *testing.T) {
	fl := newFakeLambda(t)
	preToken := fl.handle("preTokenV3", func(ev map[string]any) (any, error) {
		return map[string]any{"claimsAndScopeOverrideDetails": map[string]any{
			"accessTokenGeneration": map[string]any{"claimsToAddOrOverride": map[string]any{"tenant": path(ev, "request", "clientMetadata", "tenant")}},
			"idTokenGeneration":     map[string]any{"claimsToAddOrOverride": map[string]any{"ignored": "yes"}},
		}}, nil
	})
	af := newAuthFixtureOn(t, startLambdaServer(t, fl), &cognito.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
		PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: &preToken, LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV30}}}, nil)
	f := newPagesFixtureFor(t, af, false)
	ctx := context.Background()
	must[*cognito.CreateResourceServerOutput](t)(f.c.CreateResourceServer(ctx, &cognito.CreateResourceServerInput{UserPoolId: &f.poolID, Identifier: aws.String("api"), Name: aws.String("api"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}))
	m2m := must[*cognito.CreateUserPoolClientOutput](t)(f.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("m2m"),
		GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"api/read"}})).UserPoolClient
	hc := hostClient(f.ts, f.roots, nil)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {*m2m.ClientId}, "client_secret": {*m2m.ClientSecret}, "scope": {"api/read"},
		"aws_client_metadata": {`{"tenant":"acme"}`}}
	status, out := postToken(t, hc, f.base, form)
	if status != 200 || out["access_token"] == nil {
		t.Fatalf("client_credentials: %d %v", status, out)
	}
	ev := fl.only("TokenGeneration_ClientCredentials")
	wantCommon(t, ev, "3", f.poolID, *m2m.ClientId, *m2m.ClientId)
	if sc, _ := path(ev, "request", "scopes").([]any); len(sc) != 1 || sc[0] != "api/read" {
		t.Fatalf("TokenGeneration_ClientCredentials event %v", ev)
	}
	claims := f.verifyJWT(t, out["access_token"].(string))
	if claims["tenant"] != "acme" || claims["ignored"] != nil || claims["scope"] != "api/read" || claims["sub"] != *m2m.ClientId {
		t.Fatalf("machine token claims %v", claims)
	}
	form.Set("aws_client_metadata", "not json")
	if status, out := postToken(t, hc, f.base, form); status != 400 || out["error"] != "invalid_request" {
		t.Fatalf("unreadable aws_client_metadata: %d %v", status, out)
	}
}

// postToken posts a form to a domain's /oauth2/token and reads the JSON answer.
func postToken(t *testing.T, hc *http.Client, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := hc.PostForm(base+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
