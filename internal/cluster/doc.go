// Package cluster is how the nodes of one shared database (PostgreSQL) hear
// of each other: a node announces a change on a topic ("certificate",
// "domain", "userpool", ...) with a key, and every other node's subscribers
// to that topic are called with the key, so caches follow a change made
// elsewhere at once instead of at their next periodic re-read. A key of ""
// means messages may have been missed (a lost connection): the subscriber
// re-reads everything of its topic.
//
// Each node also records a heartbeat in the store's key-value space
// ("nodes/<id>"), carrying what the node reports of itself (the serving
// package reports which version of each host name its TLS edge serves), so
// that a node can ask whether every other live node has caught up with a
// change, and its Region (--region), from which the serving package tells
// which Regions are live for failover routing. A node silent for the node
// timeout (NodeTimeout unless SetNodeTimeout) counts as gone; its record
// expires after RecordLifetime.
//
// On a store that is not shared (SQLite) a node is alone: Announce does
// nothing and Run returns at once.
//
// The package owns the announcement format (node id, topic, key) and the
// node records; it takes the time from a clock.Clock and never imports
// net/http.
package cluster
