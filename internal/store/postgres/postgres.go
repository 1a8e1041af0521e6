package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
	"github.com/gognito/gognito/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_lock key serialising migrations
// (an arbitrary constant: "gognito" in ASCII).
const migrationLock int64 = 0x676f676e69746f

// Store is the PostgreSQL backend: the queries of sqlstore, run on a pgx
// connection pool.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a libpq keyword/value string
// or a postgres:// URL) and applies pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	s.Store = sqlstore.New(dialect, executor{pool}, executor{pool}, s.runTx)
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even if ctx is done.
		uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, migrationLock); err != nil {
			// The session may be broken; dropping it releases the lock.
			conn.Conn().Close(uctx)
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := path.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: bad name", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			// No arguments: the simple protocol runs a multi-statement script.
			if _, err := tx.Exec(ctx, string(body), pgx.QueryExecModeSimpleProtocol); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, time.Now().Unix())
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	return nil
}

// Check runs a cheap query that needs the schema.
func (s *Store) Check(ctx context.Context) error {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("postgres: check: %w", err)
	}
	if n == 0 {
		return errors.New("postgres: check: no migrations applied")
	}
	return nil
}

// CheckIntegrity verifies gognito's invariants in one snapshot and, where
// the amcheck extension is installed in the database, every B-tree index of
// gognito's tables against its table (bt_index_check with heapallindexed: a
// row missing from an index, or an index entry for no row, is reported).
// PostgreSQL checksums its own pages as it reads them; a damaged page fails
// the check's reads.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	var problems []string
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		broken, err := sqlrows.CheckInvariants(ctx, func(ctx context.Context, q string) ([]string, error) { return queryStrings(ctx, tx, q) })
		problems = append(problems, broken...)
		if err != nil {
			return err
		}
		var schema string
		err = tx.QueryRow(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck'`).Scan(&schema)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		indexes, err := queryStrings(ctx, tx, `SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			JOIN pg_am a ON a.oid = c.relam WHERE c.relnamespace = current_schema()::regnamespace AND a.amname = 'btree' ORDER BY 1`)
		if err != nil {
			return err
		}
		for _, ix := range indexes {
			// A finding is an error of this statement: a savepoint keeps the
			// transaction usable for the next index.
			if err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
				_, err := sp.Exec(ctx, `SELECT `+pgx.Identifier{schema, "bt_index_check"}.Sanitize()+`($1::regclass, true)`, ix)
				return err
			}); err != nil {
				switch code, _ := pgCode(err); code {
				case "XX001", "XX002": // data_corrupted, index_corrupted
					problems = append(problems, "amcheck "+ix+": "+err.Error())
				case "42501": // amcheck is installed but not granted to us
					return nil
				default:
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return &store.IntegrityError{Problems: problems}
	}
	return nil
}

// queryStrings runs q and returns the first column of every row.
func queryStrings(ctx context.Context, tx pgx.Tx, q string) ([]string, error) {
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var v *string
		err := r.Scan(&v)
		if v == nil {
			return "", err
		}
		return *v, err
	})
}

// Close closes the connection pool. Every write has committed by the time
// its call returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
