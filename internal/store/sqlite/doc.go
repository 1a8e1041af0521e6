// Package sqlite is the embedded store backend: one SQLite file through the
// pure-Go modernc.org/sqlite driver (no cgo), in WAL mode with durable
// commits (synchronous=FULL).
//
// The record methods are sqlstore's, over this package's dialect. What is
// SQLite's own stays here: opening the file, the embedded migrations, the
// single writer connection whose transactions share commits (group commit,
// groupcommit.go), the reading connections with their cache of prepared
// statements (stmtcache.go), and the integrity check (PRAGMA
// integrity_check and foreign_key_check). The shared queries run on these:
// reads on the cached statements, one-statement writes on the writer,
// transactions through the group commit.
package sqlite
