// Package userpool owns Cognito's rules for user pools and the settings that
// hang off them: app clients, resource servers, custom attributes, tags and
// the pool's MFA configuration. Its operations take and return the generated
// cognito-idp wire types (they are Cognito's own vocabulary) and report
// failures as *awserr.Error values with Cognito's types and messages. It
// never imports net/http; ids, secrets and timestamps come from an injected
// random source and clock.
//
// It owns the stored documents of pools, app clients and resource servers
// (docs.go: types of its own, not the wire types; the documents of the
// wire-shaped version 1 are still read, and rewritten by their next
// change), and it is the one loader of pools and app clients (loader.go):
// Pool and Client hand out shared read-only views, decoded once and the
// client's secrets opened once, kept until a change made through this node
// drops them or another node announces one (Options.Announce, Invalidate).
// Other packages declare the narrow interface they need of it, and check
// a client's secrets only through Client.HasSecret, SecretMatches and
// SecretHashMatches (up to two active secrets, clientsecrets.go).
//
// A pool's replicas in other Regions (replicas.go) live in its document: the
// Region of the pool's ID is the PRIMARY, a replica's Region is SECONDARY
// (Pool.ReplicaIn). All Regions share one store, so a replica is the
// permission for another Region's nodes and requests to serve the pool with
// the SECONDARY role's restrictions, which the composition root applies
// (app/replicas.go) before the operations run.
package userpool
