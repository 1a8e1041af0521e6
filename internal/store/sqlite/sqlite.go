package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
	"github.com/gognito/gognito/internal/store/sqlstore"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite backend: the queries of sqlstore, run on the
// readers' prepared statements, the single writer, and its group commit.
type Store struct {
	*sqlstore.Store
	w       *sql.DB  // the single writer connection
	r       *readers // readers, with prepared statements
	path    string
	commits *committer // runs the write transactions (inTx)
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create data directory: %w", err)
		}
	}
	if err := makePrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	wq := url.Values{}
	for k, v := range q {
		wq[k] = slices.Clone(v)
	}
	wq.Set("_txlock", "immediate")
	// Page caches: 8 MiB for the writer; 1 MiB for each of the 8 readers,
	// which would otherwise each fill 8 MiB with copies of the same pages
	// (the operating system caches the file for all of them): random
	// lookups in a pool of 100,000 users took the process past 160 MB, and
	// with 2 MiB each the peak of make bench-compare was still 103 MB (the
	// Go heap was 36 MB of it; the rest SQLite's caches and the binary).
	wq.Add("_pragma", "cache_size(-8192)")
	q.Add("_pragma", "cache_size(-1024)")
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8) // database/sql keeps 2 by default: the others were reopened (pragmas and all) on every burst
	s := &Store{w: w, r: newReaders(r), path: path}
	s.Store = sqlstore.New(dialect, executor{s.r}, executor{s.w}, s.runTx)
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.startCommitter()
	return s, nil
}

// makePrivate creates the database file 0600 when it does not exist, before
// SQLite does (SQLite would create it 0644, less the umask, whatever the
// directory's mode), and takes group and others' permissions off a database,
// -wal and -shm file that an earlier version left readable. SQLite creates
// the -wal and -shm files with the database file's mode.
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	f.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(name, perm&^0o077); err != nil {
				return fmt.Errorf("sqlite: %s has mode %04o and cannot be made private: %w", name, perm, err)
			}
		}
	}
	return nil
}

// OpenReadOnly opens an existing database file for reading only: no
// migration, no write, no checkpoint on Close (gognito check uses it beside
// a running server, or on the files a crashed one left). Only the read
// methods and CheckIntegrity may be called.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(2)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{r: newReaders(r), path: path}
	s.Store = sqlstore.New(dialect, executor{s.r}, nil, s.runTx)
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: bad name", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			tx.Rollback()
			return err
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, time.Now().Unix()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
	}
	return nil
}

// Check is the cheap probe: the database answers and has its schema.
func (s *Store) Check(ctx context.Context) error {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: check: %w", err)
	}
	if n == 0 {
		return errors.New("sqlite: check: no migrations applied")
	}
	return nil
}

// CheckIntegrity runs PRAGMA integrity_check (every page, every index
// against its table), PRAGMA foreign_key_check, and gognito's invariants.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	defer conn.Close()
	var problems []string
	lines, err := queryStrings(ctx, conn, `PRAGMA integrity_check(100)`)
	if err != nil {
		// A damaged file may fail the check itself (SQLITE_CORRUPT,
		// SQLITE_NOTADB): that is a finding, not a failure to check.
		if isCorrupt(err) {
			return &store.IntegrityError{Problems: []string{"integrity_check: " + err.Error()}}
		}
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		for _, l := range lines {
			problems = append(problems, "integrity_check: "+l)
		}
	}
	rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("sqlite: foreign key check: %w", err)
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int64
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: foreign key check: %w", err)
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %d names a missing %s", table, rowid.Int64, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: foreign key check: %w", err)
	}
	broken, err := sqlrows.CheckInvariants(ctx, func(ctx context.Context, q string) ([]string, error) { return queryStrings(ctx, conn, q) })
	problems = append(problems, broken...)
	if err != nil && !isCorrupt(err) {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return &store.IntegrityError{Problems: problems}
	}
	return nil
}

// queryStrings runs q and returns the first column of every row.
func queryStrings(ctx context.Context, conn *sql.Conn, q string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return out, err
		}
		out = append(out, v.String)
	}
	return out, rows.Err()
}

func isCorrupt(err error) bool {
	var e *sqlitedrv.Error
	if errors.As(err, &e) {
		c := e.Code() & 0xff
		return c == sqlite3.SQLITE_CORRUPT || c == sqlite3.SQLITE_NOTADB
	}
	return false
}

// Close checkpoints the WAL and closes the database.
func (s *Store) Close() error {
	var errs []error
	s.stopCommitter()
	if s.w != nil {
		_, _ = s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		errs = append(errs, s.w.Close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	return errors.Join(errs...)
}
