// Package store owns gognito's persistence contract: the record types, the
// Store interface every backend implements, and the sentinel errors
// (ErrNotFound, ErrAlreadyExists, ErrConflict) callers check with errors.Is.
//
// Records keep the columns a backend must index or constrain (ids, names,
// owning pool, timestamps, a version) as typed fields, and the rest of an
// aggregate's Cognito description as an opaque JSON document (Doc) owned by
// the domain package that writes it. Backends never interpret Doc, so adding
// a setting to a pool or a client needs no migration.
//
// Read-modify-write is atomic through updater functions: the backend reads
// the record, calls fn, and writes the result in one transaction, bumping
// Version. The conformance suite in storetest holds every backend to this
// contract.
//
// The SQL backends are layered:
//
//   - store (this package): the contract.
//   - sqlstore: every record method, written once over a Dialect and the
//     Executors a backend runs statements on.
//   - sqlrows: the column lists and row scanners, and the invariants the
//     integrity checks verify.
//   - sqlite, postgres: a Dialect each and what is the backend's own
//     (opening, migrations, SQLite's group commit and statement cache,
//     PostgreSQL's LISTEN/NOTIFY, the storage's own integrity checks).
//   - storeopen: picks the backend a DSN names.
//   - storetest: the conformance, concurrency, migration and integrity
//     suites, and the benchmark, that every backend runs.
package store
