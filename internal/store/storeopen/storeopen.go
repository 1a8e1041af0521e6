package storeopen

import (
	"context"
	"strings"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/postgres"
	"github.com/gognito/gognito/internal/store/sqlite"
)

// IsPostgres tells whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLitePath is the file an SQLite DSN names ("sqlite://" is optional).
func SQLitePath(dsn string) string { return strings.TrimPrefix(dsn, "sqlite://") }

// Open opens the store dsn names and applies pending migrations. path is the
// SQLite file, "" for PostgreSQL.
func Open(ctx context.Context, dsn string) (st store.Store, path string, err error) {
	if IsPostgres(dsn) {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, "", err
		}
		return st, "", nil
	}
	path = SQLitePath(dsn)
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", err
	}
	return s, path, nil
}

// OpenReadOnly opens the store dsn names to check it: an SQLite file must
// exist and is only read; a PostgreSQL database is opened as by Open.
func OpenReadOnly(ctx context.Context, dsn string) (store.Store, error) {
	if IsPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.OpenReadOnly(ctx, SQLitePath(dsn))
}
