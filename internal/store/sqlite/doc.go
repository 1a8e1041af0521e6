// Package sqlite is the embedded store backend: one SQLite file through the
// pure-Go modernc.org/sqlite driver (no cgo), in WAL mode with durable
// commits (synchronous=FULL). Writes go through a single connection so they
// never fight over the write lock; reads use a pool. Migrations are embedded
// and applied at Open.
package sqlite
