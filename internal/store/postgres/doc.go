// Package postgres is the PostgreSQL store backend (pgx/v5, pgxpool).
//
// It owns its schema: the embedded migrations/*.sql (PostgreSQL dialect,
// millisecond BIGINT timestamps and BYTEA documents like the SQLite backend,
// text keys in COLLATE "C" so listings and cursors order bytewise), recorded
// in schema_migrations and applied by Open under a PostgreSQL advisory lock so
// that several nodes starting at once apply each migration exactly once. The
// schema lives in the first schema of the connection's search_path.
//
// The record methods are sqlstore's, over this package's dialect ($n
// placeholders, FOR UPDATE, the advisory lock behind the custom-domain
// quota, SQLSTATE-based constraint errors), run on the pool (pgx caches
// each statement per connection). What is PostgreSQL's own stays here:
// opening, migrations, LISTEN/NOTIFY between nodes (notify.go) and the
// integrity check (amcheck where installed).
//
// Semantics match the SQLite backend and are checked by storetest.
package postgres
