// Package userpool owns Cognito's rules for user pools and the settings that
// hang off them: app clients, resource servers, custom attributes, tags and
// the pool's MFA configuration. Its methods take and return the generated
// cognito-idp wire types (they are Cognito's own vocabulary) and report
// failures as *awserr.Error values with Cognito's types and messages. It
// never imports net/http; ids, secrets and timestamps come from an injected
// random source and clock.
package userpool
