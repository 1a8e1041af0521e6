// Package sqlstore owns gognito's SQL queries: every method of store.Store
// that reads or writes records is written here once, over a small Dialect
// that says how the SQL backends differ (placeholders, row locks, the lock
// behind the custom-domain quota, boolean literals, how a driver reports a
// unique or foreign-key violation, index hints, prefix matches, IN lists).
//
// A backend (sqlite, postgres) builds a Store from its Dialect and three
// ways of running statements (the Executors it reads with and writes with
// outside a transaction, and its transaction runner), so that its own
// machinery stays on the path of every query: SQLite's cache of prepared
// statements for reads and its group commit for transactions, pgx's
// statement cache for PostgreSQL. The backend keeps what is truly its own:
// opening, migrations, Check and CheckIntegrity, LISTEN/NOTIFY, Close.
package sqlstore
