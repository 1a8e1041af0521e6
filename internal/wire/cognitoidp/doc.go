// Package cognitoidp holds the wire types, shape table and operation table
// of the Amazon Cognito user pools API (cognito-idp, 2016-04-18), generated
// from the service model in internal/wire/models by internal/wire/gen.
//
// Types has one struct per structure shape (requests, responses, nested
// types and errors) and one constant per enum value; Shapes feeds
// wire.Validate; Operations lists every operation with its input, output,
// errors and how its caller is authenticated. Run go generate after
// refreshing the model; a test in internal/wire/gen fails when these files
// are stale.
package cognitoidp

//go:generate go run ../gen -model ../models/cognito-idp-2016-04-18.json -pkg cognitoidp -out .
