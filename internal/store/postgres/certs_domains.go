package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// ---- certificates ----

func (s *Store) CreateCertificate(ctx context.Context, c store.Certificate) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO certificates (`+sqlrows.CertCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.ARN, c.Region, c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), nz(c.Doc), nz(c.SealedKey))
	if isUnique(err) {
		return fmt.Errorf("certificate %s: %w", c.ARN, store.ErrAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: create certificate: %w", err)
	}
	return nil
}

func getCert(ctx context.Context, q querier, arn, lock string) (store.Certificate, error) {
	return getOne(ctx, q, sqlrows.ScanCert, "certificate "+arn, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE arn = $1`+lock, arn)
}

func (s *Store) GetCertificate(ctx context.Context, arn string) (store.Certificate, error) {
	return getCert(ctx, s.pool, arn, "")
}

func (s *Store) listCerts(ctx context.Context, q string, args ...any) ([]store.Certificate, error) {
	out, err := collect(ctx, s.pool, sqlrows.ScanCert, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list certificates: %w", err)
	}
	return out, nil
}

func (s *Store) ListCertificates(ctx context.Context, region string, page store.Page) ([]store.Certificate, error) {
	return s.listCerts(ctx, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE region = $1 AND arn > $2 ORDER BY arn LIMIT $3`, region, page.After, limitOf(page))
}

func (s *Store) ListExpiringCertificates(ctx context.Context, typ string, before time.Time) ([]store.Certificate, error) {
	return s.listCerts(ctx, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE type = $1 AND not_after < $2 ORDER BY arn`, typ, ms(before))
}

func (s *Store) UpdateCertificate(ctx context.Context, arn string, fn func(*store.Certificate) error) (store.Certificate, error) {
	var out store.Certificate
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := getCert(ctx, tx, arn, forUpdate)
		if err != nil {
			return err
		}
		region := c.Region
		if err := fn(&c); err != nil {
			return err
		}
		c.ARN, c.Region = arn, region
		c.Version++
		if _, err := tx.Exec(ctx, `UPDATE certificates SET domain_name = $1, status = $2, type = $3, not_after = $4, updated_at = $5, version = $6, doc = $7, sealed_key = $8 WHERE arn = $9`,
			c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.UpdatedAt), c.Version, nz(c.Doc), nz(c.SealedKey), arn); err != nil {
			return fmt.Errorf("postgres: update certificate: %w", err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteCertificate(ctx context.Context, arn string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM certificates WHERE arn = $1`, arn)
	if isForeignKey(err) {
		return fmt.Errorf("certificate %s: %w", arn, store.ErrInUse)
	}
	return deleted(tag, err, "certificate "+arn)
}

// ---- domains ----

func scanDomain(r scanner) (store.Domain, error) {
	var d store.Domain
	var arn *string
	var cr, up int64
	if err := r.Scan(&d.Key, &d.Name, &d.PoolID, &d.Region, &d.Custom, &arn, &d.Status, &cr, &up, &d.Version, &d.Doc); err != nil {
		return d, err
	}
	if arn != nil {
		d.CertificateARN = *arn
	}
	d.CreatedAt, d.UpdatedAt = fromMS(cr), fromMS(up)
	return d, nil
}

// nz stores a nil byte slice as an empty one (the columns are NOT NULL).
func nz(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func certExists(ctx context.Context, tx pgx.Tx, arn string) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM certificates WHERE arn = $1)`, arn).Scan(&ok); err != nil {
		return fmt.Errorf("postgres: find certificate: %w", err)
	}
	if !ok {
		return fmt.Errorf("certificate %s: %w", arn, store.ErrNotFound)
	}
	return nil
}

func (s *Store) CreateDomain(ctx context.Context, d store.Domain) error {
	return s.createDomain(ctx, d, -1)
}

// customDomainLock is the first key of the transaction advisory lock that
// serialises custom-domain creations in one Region (the second key is a
// hash of the Region): under READ COMMITTED a count and an insert are
// otherwise not atomic. An arbitrary constant ("gdq" in ASCII).
const customDomainLock int32 = 0x676471

// CreateCustomDomain takes the Region's advisory lock, then counts and
// inserts; the lock holds until the transaction ends, so a racer counts
// after the winner's row is committed.
func (s *Store) CreateCustomDomain(ctx context.Context, d store.Domain, quota int) error {
	d.Custom = true
	return s.createDomain(ctx, d, max(quota, 0))
}

// createDomain inserts d; quota >= 0 caps the custom domains of d's Region.
func (s *Store) createDomain(ctx context.Context, d store.Domain, quota int) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_pools WHERE id = $1)`, d.PoolID).Scan(&ok); err != nil {
			return fmt.Errorf("postgres: create domain: %w", err)
		}
		if !ok {
			return fmt.Errorf("user pool %s: %w", d.PoolID, store.ErrNotFound)
		}
		if quota >= 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, customDomainLock, d.Region); err != nil {
				return fmt.Errorf("postgres: create domain: %w", err)
			}
			n, err := count(ctx, tx, `SELECT COUNT(*) FROM domains WHERE custom AND region = $1`, d.Region)
			if err != nil {
				return err
			}
			if n >= quota {
				return fmt.Errorf("custom domains in %s: %w", d.Region, store.ErrQuotaExceeded)
			}
		}
		if d.CertificateARN != "" {
			if err := certExists(ctx, tx, d.CertificateARN); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO domains (`+sqlrows.DomainCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.Key, d.Name, d.PoolID, d.Region, d.Custom, sqlrows.Nullable(d.CertificateARN), d.Status,
			ms(d.CreatedAt), ms(d.UpdatedAt), max(d.Version, 1), nz(d.Doc))
		switch code, constraint := pgCode(err); {
		case code == "23505":
			return fmt.Errorf("domain %s: %w", d.Key, store.ErrAlreadyExists)
		case code == "23503" && constraint == "domains_cert_arn_fkey":
			// The certificate went between the check and the insert.
			return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
		case code == "23503":
			return fmt.Errorf("user pool %s: %w", d.PoolID, store.ErrNotFound)
		case err != nil:
			return fmt.Errorf("postgres: create domain: %w", err)
		}
		return nil
	})
}

func getDomain(ctx context.Context, q querier, key, lock string) (store.Domain, error) {
	return getOne(ctx, q, scanDomain, "domain "+key, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key = $1`+lock, key)
}

func (s *Store) GetDomain(ctx context.Context, key string) (store.Domain, error) {
	return getDomain(ctx, s.pool, key, "")
}

func (s *Store) listDomains(ctx context.Context, q string, args ...any) ([]store.Domain, error) {
	out, err := collect(ctx, s.pool, scanDomain, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list domains: %w", err)
	}
	return out, nil
}

func (s *Store) ListDomains(ctx context.Context, page store.Page) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key > $1 ORDER BY key LIMIT $2`, page.After, limitOf(page))
}

func (s *Store) ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE pool_id = $1 ORDER BY key`, poolID)
}

func (s *Store) ListDomainsByCertificate(ctx context.Context, arn string) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE cert_arn = $1 ORDER BY key`, arn)
}

func (s *Store) ListPendingDomains(ctx context.Context) ([]store.Domain, error) {
	return s.listDomains(ctx, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE status <> 'ACTIVE' ORDER BY key`)
}

func (s *Store) CountCustomDomains(ctx context.Context, region string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM domains WHERE custom AND region = $1`, region)
}

func (s *Store) UpdateDomain(ctx context.Context, key string, fn func(*store.Domain) error) (store.Domain, error) {
	var out store.Domain
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := getDomain(ctx, tx, key, forUpdate)
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
			if err := certExists(ctx, tx, d.CertificateARN); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE domains SET cert_arn = $1, status = $2, updated_at = $3, version = $4, doc = $5 WHERE key = $6`,
			sqlrows.Nullable(d.CertificateARN), d.Status, ms(d.UpdatedAt), d.Version, nz(d.Doc), key)
		if isForeignKey(err) {
			return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("postgres: update domain: %w", err)
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDomain(ctx context.Context, key string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM domains WHERE key = $1`, key)
	return deleted(tag, err, "domain "+key)
}

// ---- values ----

func (s *Store) GetValue(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM kv WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("value %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get value: %w", err)
	}
	return v, nil
}

func (s *Store) PutValueIfAbsent(ctx context.Context, key string, v []byte) ([]byte, error) {
	return s.PutValueIfAbsentUntil(ctx, key, v, time.Time{})
}

// PutValueIfAbsentUntil inserts unless the key exists. The read is a separate
// statement: under READ COMMITTED it sees a row a concurrent writer committed
// while the insert waited on it.
func (s *Store) PutValueIfAbsentUntil(ctx context.Context, key string, v []byte, expires time.Time) ([]byte, error) {
	if _, err := s.pool.Exec(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`,
		key, nz(v), time.Now().UnixMilli(), expiry(expires)); err != nil {
		return nil, fmt.Errorf("postgres: put value: %w", err)
	}
	return s.GetValue(ctx, key)
}

func (s *Store) SetValue(ctx context.Context, key string, v []byte) error {
	return s.SetValueUntil(ctx, key, v, time.Time{})
}

func (s *Store) SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
		key, nz(v), time.Now().UnixMilli(), expiry(expires))
	if err != nil {
		return fmt.Errorf("postgres: set value: %w", err)
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

// DeleteExpiredValues deletes the oldest expired values first. The outer
// condition is checked again on each row as it is locked, so a value set
// again by another node meanwhile (a later expiry) is kept; rows another
// janitor deleted first are skipped.
func (s *Store) DeleteExpiredValues(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at < $1 ORDER BY expires_at LIMIT $2) AND expires_at < $1`,
		ms(before), int64(max(limit, 0)))
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired values: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

func (s *Store) ListValues(ctx context.Context, prefix string) (map[string][]byte, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, value FROM kv WHERE starts_with(key, $1)`, prefix)
	if err != nil {
		return nil, fmt.Errorf("postgres: list values: %w", err)
	}
	defer rows.Close()
	out, err := sqlrows.Values(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: list values: %w", err)
	}
	return out, nil
}

func (s *Store) DeleteValue(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM kv WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: delete value: %w", err)
	}
	return nil
}
