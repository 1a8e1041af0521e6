// Package sqlrows owns what the SQL backends (sqlite, postgres) share: the
// column lists of the tables both schemas define alike and the functions that
// scan their rows into store records, and the invariants both integrity checks
// verify. Queries stay in each backend, since
// their placeholders and conflict clauses differ.
package sqlrows
