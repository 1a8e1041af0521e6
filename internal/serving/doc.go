// Package serving sits between the user pool domains, the certificates and
// the TLS edge. Domains and certificates announce their changes to it with
// what they just computed (the domain as stored, the certificate material
// just checked or issued), so nothing is read back; serving turns them into
// ready sites (host name, certificate and key, pool, managed login version,
// TLS security policy) and pushes them to the edge and, through the cluster,
// to the other nodes.
//
// It also owns the reconciler that settles a domain's change: a created or
// updated domain becomes ACTIVE only once the edge of this node, and of every
// other live node, serves the version of the domain's certificate the store
// holds (and the propagation delay has passed); a deleted domain goes once no
// node serves it any more. The operations settle the domain they touch at
// once when they can; Run settles the rest, re-reads everything periodically
// as a safety net, and follows what other nodes announce.
//
// Announcements may arrive out of order (a request that checked a
// certificate before it was re-imported announces after the re-import):
// serving never replaces a domain's newer generation with an older one, nor
// a certificate's newer version with an older one. What it re-reads from
// the store (a remote change, the periodic sync) replaces what it serves. A
// site whose certificate cannot be loaded keeps the last good certificate.
//
// A domain with failover routing (Routing.Failover) is served only by the
// nodes of one Region: its pool's while that Region has a live node (the
// heartbeats carry each node's Region; this node counts itself), else the
// secondary Region's (failover.go). What stands for Route 53's health check
// is that liveness; Run re-reads it every HealthInterval and re-syncs when
// it changes. Settling such a domain counts the nodes of that Region only.
//
// The package owns no stored document: it reads domains and certificates
// through the narrow interfaces it declares, which the domains and certs
// packages implement. It never imports net/http or the edge: the edge, a
// transport, implements the Edge interface declared here and serves Site.
package serving
