// Package domains owns Cognito's user pool domains: the rules of
// Create/Describe/Update/DeleteUserPoolDomain (prefix and custom domains,
// their uniqueness, quotas and certificate checks), the status a domain
// reports, and what the TLS edge must serve for each domain (it is the
// edge's Source).
//
// A domain's status means something: a created or updated domain stays
// CREATING or UPDATING until the edge serves the version of the domain's
// certificate the store holds (and an optional propagation delay has passed),
// then becomes ACTIVE; a deleted domain stays DELETING until the edge has
// dropped it, then disappears. Reconcile moves domains along; the operations
// run it for the domain they touch, so with no delay a change is ACTIVE by
// the time the call returns.
package domains
