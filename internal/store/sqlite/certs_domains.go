package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// ---- certificates ----

func (s *Store) CreateCertificate(ctx context.Context, c store.Certificate) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO certificates (`+sqlrows.CertCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ARN, c.Region, c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), c.Doc, c.SealedKey)
	if isUnique(err) {
		return fmt.Errorf("certificate %s: %w", c.ARN, store.ErrAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create certificate: %w", err)
	}
	return nil
}

func getCert(ctx context.Context, q querier, arn string) (store.Certificate, error) {
	c, err := sqlrows.ScanCert(q.QueryRowContext(ctx, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("certificate %s: %w", arn, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: get certificate: %w", err)
	}
	return c, nil
}

func (s *Store) GetCertificate(ctx context.Context, arn string) (store.Certificate, error) {
	return getCert(ctx, s.r, arn)
}

func (s *Store) listCerts(ctx context.Context, q string, args ...any) ([]store.Certificate, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list certificates: %w", err)
	}
	defer rows.Close()
	var out []store.Certificate
	for rows.Next() {
		c, err := sqlrows.ScanCert(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list certificates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) ListCertificates(ctx context.Context, region string, page store.Page) ([]store.Certificate, error) {
	return s.listCerts(ctx, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE region = ? AND arn > ? ORDER BY arn LIMIT ?`, region, page.After, limitOf(page))
}

func (s *Store) ListExpiringCertificates(ctx context.Context, typ string, before time.Time) ([]store.Certificate, error) {
	return s.listCerts(ctx, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE type = ? AND not_after < ? ORDER BY arn`, typ, ms(before))
}

func (s *Store) UpdateCertificate(ctx context.Context, arn string, fn func(*store.Certificate) error) (store.Certificate, error) {
	var out store.Certificate
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := getCert(ctx, tx, arn)
		if err != nil {
			return err
		}
		region := c.Region
		if err := fn(&c); err != nil {
			return err
		}
		c.ARN, c.Region = arn, region
		c.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET domain_name = ?, status = ?, type = ?, not_after = ?, updated_at = ?, version = ?, doc = ?, sealed_key = ? WHERE arn = ?`,
			c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.UpdatedAt), c.Version, c.Doc, c.SealedKey, arn); err != nil {
			return fmt.Errorf("sqlite: update certificate: %w", err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteCertificate(ctx context.Context, arn string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM certificates WHERE arn = ?`, arn)
	if isForeignKey(err) {
		return fmt.Errorf("certificate %s: %w", arn, store.ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete certificate: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("certificate %s: %w", arn, store.ErrNotFound)
	}
	return nil
}

// ---- domains ----

func scanDomain(r scanner) (store.Domain, error) {
	var d store.Domain
	var custom int
	var arn sql.NullString
	var cr, up int64
	if err := r.Scan(&d.Key, &d.Name, &d.PoolID, &d.Region, &custom, &arn, &d.Status, &cr, &up, &d.Version, &d.Doc); err != nil {
		return d, err
	}
	d.Custom, d.CertificateARN = custom != 0, arn.String
	d.CreatedAt, d.UpdatedAt = fromMS(cr), fromMS(up)
	return d, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Store) CreateDomain(ctx context.Context, d store.Domain) error {
	return s.createDomain(ctx, d, -1)
}

// CreateCustomDomain counts and inserts in one write transaction; the
// single writer connection (BEGIN IMMEDIATE) serialises them.
func (s *Store) CreateCustomDomain(ctx context.Context, d store.Domain, quota int) error {
	d.Custom = true
	return s.createDomain(ctx, d, max(quota, 0))
}

// createDomain inserts d; quota >= 0 caps the custom domains of d's Region.
func (s *Store) createDomain(ctx context.Context, d store.Domain, quota int) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_pools WHERE id = ?`, d.PoolID).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: create domain: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("user pool %s: %w", d.PoolID, store.ErrNotFound)
		}
		if quota >= 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM domains WHERE custom = 1 AND region = ?`, d.Region).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: create domain: %w", err)
			}
			if n >= quota {
				return fmt.Errorf("custom domains in %s: %w", d.Region, store.ErrQuotaExceeded)
			}
		}
		if d.CertificateARN != "" {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE arn = ?`, d.CertificateARN).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: create domain: %w", err)
			}
			if n == 0 {
				return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO domains (`+sqlrows.DomainCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Key, d.Name, d.PoolID, d.Region, boolInt(d.Custom), sqlrows.Nullable(d.CertificateARN), d.Status,
			ms(d.CreatedAt), ms(d.UpdatedAt), max(d.Version, 1), d.Doc)
		if isUnique(err) {
			return fmt.Errorf("domain %s: %w", d.Key, store.ErrAlreadyExists)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create domain: %w", err)
		}
		return nil
	})
}

func getDomain(ctx context.Context, q querier, key string) (store.Domain, error) {
	d, err := scanDomain(q.QueryRowContext(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("domain %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("sqlite: get domain: %w", err)
	}
	return d, nil
}

func (s *Store) GetDomain(ctx context.Context, key string) (store.Domain, error) {
	return getDomain(ctx, s.r, key)
}

func (s *Store) listDomains(ctx context.Context, q string, args ...any) ([]store.Domain, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list domains: %w", err)
	}
	defer rows.Close()
	var out []store.Domain
	for rows.Next() {
		d, err := scanDomain(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list domains: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Store) ListDomains(ctx context.Context, page store.Page) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key > ? ORDER BY key LIMIT ?`, page.After, limitOf(page))
}

func (s *Store) ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE pool_id = ? ORDER BY key`, poolID)
}

func (s *Store) ListDomainsByCertificate(ctx context.Context, arn string) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE cert_arn = ? ORDER BY key`, arn)
}

func (s *Store) ListPendingDomains(ctx context.Context) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE status <> 'ACTIVE' ORDER BY key`)
}

func (s *Store) CountCustomDomains(ctx context.Context, region string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM domains WHERE custom = 1 AND region = ?`, region).Scan(&n)
	return n, err
}

func (s *Store) UpdateDomain(ctx context.Context, key string, fn func(*store.Domain) error) (store.Domain, error) {
	var out store.Domain
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		d, err := getDomain(ctx, tx, key)
		if err != nil {
			return err
		}
		keep := d
		if err := fn(&d); err != nil {
			return err
		}
		d.Key, d.Name, d.PoolID, d.Region, d.Custom = keep.Key, keep.Name, keep.PoolID, keep.Region, keep.Custom
		d.Version++
		if d.CertificateARN != "" && d.CertificateARN != keep.CertificateARN {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE arn = ?`, d.CertificateARN).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: update domain: %w", err)
			}
			if n == 0 {
				return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE domains SET cert_arn = ?, status = ?, updated_at = ?, version = ?, doc = ? WHERE key = ?`,
			sqlrows.Nullable(d.CertificateARN), d.Status, ms(d.UpdatedAt), d.Version, d.Doc, key); err != nil {
			return fmt.Errorf("sqlite: update domain: %w", err)
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDomain(ctx context.Context, key string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM domains WHERE key = ?`, key)
	if err != nil {
		return fmt.Errorf("sqlite: delete domain: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("domain %s: %w", key, store.ErrNotFound)
	}
	return nil
}

// ---- values ----

func (s *Store) GetValue(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("value %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get value: %w", err)
	}
	return v, nil
}

func (s *Store) PutValueIfAbsent(ctx context.Context, key string, v []byte) ([]byte, error) {
	return s.PutValueIfAbsentUntil(ctx, key, v, time.Time{})
}

func (s *Store) PutValueIfAbsentUntil(ctx context.Context, key string, v []byte, expires time.Time) ([]byte, error) {
	var out []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			key, v, time.Now().UnixMilli(), expiry(expires)); err != nil {
			return fmt.Errorf("sqlite: put value: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&out)
	})
	return out, err
}

func (s *Store) SetValue(ctx context.Context, key string, v []byte) error {
	return s.SetValueUntil(ctx, key, v, time.Time{})
}

func (s *Store) SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
		key, v, time.Now().UnixMilli(), expiry(expires))
	if err != nil {
		return fmt.Errorf("sqlite: set value: %w", err)
	}
	return nil
}

// expiry is a value's expires_at: NULL for the zero time (never).
func expiry(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// DeleteExpiredValues deletes the oldest expired values first, in one
// statement (the single writer makes it atomic).
func (s *Store) DeleteExpiredValues(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`,
		ms(before), max(limit, 0))
	if err != nil {
		return 0, fmt.Errorf("sqlite: delete expired values: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s *Store) ListValues(ctx context.Context, prefix string) (map[string][]byte, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM kv WHERE substr(key, 1, ?) = ?`, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list values: %w", err)
	}
	defer rows.Close()
	out, err := sqlrows.Values(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list values: %w", err)
	}
	return out, nil
}

func (s *Store) DeleteValue(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM kv WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sqlite: delete value: %w", err)
	}
	return nil
}
