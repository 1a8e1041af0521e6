// Package sqlrows owns what the SQL backends know alike of their rows: the
// column lists of the tables both schemas define alike, the functions that
// scan those rows into store records, and the invariants both integrity
// checks verify. The queries themselves are sqlstore's.
package sqlrows
