// Package acm holds the wire types, shape table and operation table of AWS
// Certificate Manager (acm, 2015-12-08), generated from the service model in
// internal/wire/models by internal/wire/gen. gognito serves ACM so that a
// custom user pool domain can name a certificate by its ARN.
//
// Run go generate after refreshing the model; a test in internal/wire/gen
// fails when these files are stale.
package acm

//go:generate go run ../gen -model ../models/acm-2015-12-08.json -pkg acm -out .
