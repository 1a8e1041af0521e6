// Package triggers owns a user pool's Lambda triggers as Cognito calls
// them: the events (their trigger sources, versions and request and
// response shapes), the call of a trigger through an Invoker with
// Cognito's 5 second timeout, and Cognito's errors for a trigger that
// fails: UserLambdaValidationException for an error the function returns,
// UnexpectedLambdaException when it cannot be invoked or times out, and
// InvalidLambdaResponseException for an answer that is not an event.
//
// The domain packages (users, authflow, tokens) decide when a trigger fires
// and what its response changes; the Invoker that reaches the function
// (the AWS Lambda Invoke API) lives in package lambda.
package triggers
