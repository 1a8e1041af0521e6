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
package store
