// Package postgres is the PostgreSQL store backend (pgx/v5, pgxpool).
//
// It owns its schema: the embedded migrations/*.sql (PostgreSQL dialect,
// millisecond BIGINT timestamps and BYTEA documents like the SQLite backend,
// text keys in COLLATE "C" so listings and cursors order bytewise), recorded
// in schema_migrations and applied by Open under a PostgreSQL advisory lock so
// that several nodes starting at once apply each migration exactly once. The
// schema lives in the first schema of the connection's search_path.
//
// Semantics match the SQLite backend and are checked by storetest.
package postgres
