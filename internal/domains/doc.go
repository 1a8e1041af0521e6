// Package domains owns Cognito's user pool domains: the rules of
// Create/Describe/Update/DeleteUserPoolDomain (prefix and custom domains,
// their uniqueness, quotas and certificate checks), the stored document of a
// domain (store.Domain.Doc: managed login version, generation, pending
// change) and the status a domain reports.
//
// A domain's status means something: a created or updated domain stays
// CREATING or UPDATING until what it serves (the version of its certificate
// the store holds) is served everywhere, then becomes ACTIVE; a deleted
// domain stays DELETING until no node serves it, then disappears. The
// package announces every stored change to its Announcer (the serving
// package) with what it just computed: the domain as stored (Domain) and the
// certificate it checked or issued, so nothing is read back. The announcer
// judges when a change is served (Settled); this package writes the
// outcome (Settle), being the only one that writes its documents. The
// serving package re-reads domains through Load, EachServed and Pending.
//
// A custom domain's Routing.Failover (routing.go) is kept in its document
// and carried to the serving layer in Domain.Failover; the secondary Region
// must hold a replica of the pool (Pools.PoolReplicaRegions).
//
// Store errors become Cognito's errors in one place (domainError). The
// package takes the time from a clock.Clock and never imports net/http or
// a transport.
package domains
