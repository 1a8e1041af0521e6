package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// ---- certificates ----

func (s *Store) CreateCertificate(ctx context.Context, c store.Certificate) error {
	_, err := s.write.Exec(ctx, `INSERT INTO certificates (`+sqlrows.CertCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ARN, c.Region, c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), nz(c.Doc), nz(c.SealedKey))
	return s.create(err, "certificate "+c.ARN, "")
}

func (s *Store) getCert(ctx context.Context, q Executor, arn, lock string) (store.Certificate, error) {
	return getOne(ctx, s, q, sqlrows.ScanCert, "certificate "+arn, `SELECT `+sqlrows.CertCols+` FROM certificates WHERE arn = ?`+lock, arn)
}

func (s *Store) GetCertificate(ctx context.Context, arn string) (store.Certificate, error) {
	return s.getCert(ctx, s.read, arn, "")
}

func (s *Store) ListCertificates(ctx context.Context, region string, page store.Page) ([]store.Certificate, error) {
	return list(ctx, s, "list certificates", sqlrows.ScanCert,
		`SELECT `+sqlrows.CertCols+` FROM certificates WHERE region = ? AND arn > ? ORDER BY arn LIMIT ?`, region, page.After, s.limit(page))
}

func (s *Store) ListExpiringCertificates(ctx context.Context, typ string, before time.Time) ([]store.Certificate, error) {
	return list(ctx, s, "list certificates", sqlrows.ScanCert,
		`SELECT `+sqlrows.CertCols+` FROM certificates WHERE type = ? AND not_after < ? ORDER BY arn`, typ, ms(before))
}

func (s *Store) UpdateCertificate(ctx context.Context, arn string, fn func(*store.Certificate) error) (store.Certificate, error) {
	var out store.Certificate
	err := s.inTx(ctx, func(tx Executor) error {
		c, err := s.getCert(ctx, tx, arn, s.d.ForUpdate)
		if err != nil {
			return err
		}
		region := c.Region
		if err := fn(&c); err != nil {
			return err
		}
		c.ARN, c.Region = arn, region
		c.Version++
		if _, err := tx.Exec(ctx, `UPDATE certificates SET domain_name = ?, status = ?, type = ?, not_after = ?, updated_at = ?, version = ?, doc = ?, sealed_key = ? WHERE arn = ?`,
			c.DomainName, c.Status, c.Type, ms(c.NotAfter), ms(c.UpdatedAt), c.Version, nz(c.Doc), nz(c.SealedKey), arn); err != nil {
			return s.fail("update certificate", err)
		}
		out = c
		return nil
	})
	return out, err
}

// DeleteCertificate fails with ErrInUse while a domain names the
// certificate (ON DELETE RESTRICT).
func (s *Store) DeleteCertificate(ctx context.Context, arn string) error {
	return s.delete(ctx, "certificate "+arn, true, `DELETE FROM certificates WHERE arn = ?`, arn)
}

// ---- domains ----

// certExists fails with ErrNotFound when no certificate has arn.
func (s *Store) certExists(ctx context.Context, tx Executor, arn string) error {
	ok, err := s.exists(ctx, tx, "find certificate", `SELECT EXISTS (SELECT 1 FROM certificates WHERE arn = ?)`, arn)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("certificate %s: %w", arn, store.ErrNotFound)
	}
	return nil
}

func (s *Store) CreateDomain(ctx context.Context, d store.Domain) error {
	return s.createDomain(ctx, d, -1)
}

// CreateCustomDomain counts and inserts in one transaction that holds the
// dialect's custom-domain lock (SQLite's single writer is that lock), so a
// racer counts after the winner's row is committed.
func (s *Store) CreateCustomDomain(ctx context.Context, d store.Domain, quota int) error {
	d.Custom = true
	return s.createDomain(ctx, d, max(quota, 0))
}

// createDomain inserts d; quota >= 0 caps the custom domains of d's Region.
func (s *Store) createDomain(ctx context.Context, d store.Domain, quota int) error {
	return s.inTx(ctx, func(tx Executor) error {
		ok, err := s.exists(ctx, tx, "create domain", `SELECT EXISTS (SELECT 1 FROM user_pools WHERE id = ?)`, d.PoolID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("user pool %s: %w", d.PoolID, store.ErrNotFound)
		}
		if quota >= 0 {
			if s.d.LockCustomDomains != "" {
				if _, err := tx.Exec(ctx, s.d.LockCustomDomains, d.Region); err != nil {
					return s.fail("create domain", err)
				}
			}
			n, err := s.count(ctx, tx, `SELECT COUNT(*) FROM domains WHERE custom = `+s.d.True+` AND region = ?`, d.Region)
			if err != nil {
				return err
			}
			if n >= quota {
				return fmt.Errorf("custom domains in %s: %w", d.Region, store.ErrQuotaExceeded)
			}
		}
		if d.CertificateARN != "" {
			if err := s.certExists(ctx, tx, d.CertificateARN); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO domains (`+sqlrows.DomainCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Key, d.Name, d.PoolID, d.Region, d.Custom, sqlrows.Nullable(d.CertificateARN), d.Status,
			ms(d.CreatedAt), ms(d.UpdatedAt), max(d.Version, 1), nz(d.Doc))
		if err == nil {
			return nil
		}
		if ok, _ := s.d.Unique(err); ok {
			return fmt.Errorf("domain %s: %w", d.Key, store.ErrAlreadyExists)
		}
		if ok, constraint := s.d.ForeignKey(err); ok {
			if constraint == "domains_cert_arn_fkey" {
				// The certificate went between the check and the insert.
				return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
			}
			return fmt.Errorf("user pool %s: %w", d.PoolID, store.ErrNotFound)
		}
		return s.fail("create domain", err)
	})
}

func (s *Store) getDomain(ctx context.Context, q Executor, key, lock string) (store.Domain, error) {
	return getOne(ctx, s, q, sqlrows.ScanDomain, "domain "+key, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key = ?`+lock, key)
}

func (s *Store) GetDomain(ctx context.Context, key string) (store.Domain, error) {
	return s.getDomain(ctx, s.read, key, "")
}

func (s *Store) ListDomains(ctx context.Context, page store.Page) ([]store.Domain, error) {
	return list(ctx, s, "list domains", sqlrows.ScanDomain, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE key > ? ORDER BY key LIMIT ?`, page.After, s.limit(page))
}

func (s *Store) ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error) {
	return list(ctx, s, "list domains", sqlrows.ScanDomain, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE pool_id = ? ORDER BY key`, poolID)
}

func (s *Store) ListDomainsByCertificate(ctx context.Context, arn string) ([]store.Domain, error) {
	return list(ctx, s, "list domains", sqlrows.ScanDomain, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE cert_arn = ? ORDER BY key`, arn)
}

func (s *Store) ListPendingDomains(ctx context.Context) ([]store.Domain, error) {
	return list(ctx, s, "list domains", sqlrows.ScanDomain, `SELECT `+sqlrows.DomainCols+` FROM domains WHERE status <> 'ACTIVE' ORDER BY key`)
}

func (s *Store) CountCustomDomains(ctx context.Context, region string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM domains WHERE custom = `+s.d.True+` AND region = ?`, region)
}

func (s *Store) UpdateDomain(ctx context.Context, key string, fn func(*store.Domain) error) (store.Domain, error) {
	var out store.Domain
	err := s.inTx(ctx, func(tx Executor) error {
		d, err := s.getDomain(ctx, tx, key, s.d.ForUpdate)
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
			if err := s.certExists(ctx, tx, d.CertificateARN); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE domains SET cert_arn = ?, status = ?, updated_at = ?, version = ?, doc = ? WHERE key = ?`,
			sqlrows.Nullable(d.CertificateARN), d.Status, ms(d.UpdatedAt), d.Version, nz(d.Doc), key)
		if ok, _ := s.d.ForeignKey(err); ok {
			// The certificate went between the check and the update.
			return fmt.Errorf("certificate %s: %w", d.CertificateARN, store.ErrNotFound)
		}
		if err != nil {
			return s.fail("update domain", err)
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDomain(ctx context.Context, key string) error {
	return s.delete(ctx, "domain "+key, false, `DELETE FROM domains WHERE key = ?`, key)
}

// ---- values ----

func (s *Store) getValue(ctx context.Context, q Executor, key string) ([]byte, error) {
	var v []byte
	err := q.QueryRow(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("value %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("get value", err)
	}
	return v, nil
}

func (s *Store) GetValue(ctx context.Context, key string) ([]byte, error) {
	return s.getValue(ctx, s.read, key)
}

func (s *Store) PutValueIfAbsent(ctx context.Context, key string, v []byte) ([]byte, error) {
	return s.PutValueIfAbsentUntil(ctx, key, v, time.Time{})
}

// PutValueIfAbsentUntil inserts unless the key exists, and reads what is
// there in the same transaction. The read is a statement of its own: under
// READ COMMITTED it sees a row a concurrent writer committed while the
// insert waited on it.
func (s *Store) PutValueIfAbsentUntil(ctx context.Context, key string, v []byte, expires time.Time) ([]byte, error) {
	var out []byte
	err := s.inTx(ctx, func(tx Executor) error {
		if _, err := tx.Exec(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			key, nz(v), time.Now().UnixMilli(), expiry(expires)); err != nil {
			return s.fail("put value", err)
		}
		var err error
		out, err = s.getValue(ctx, tx, key)
		return err
	})
	return out, err
}

func (s *Store) SetValue(ctx context.Context, key string, v []byte) error {
	return s.SetValueUntil(ctx, key, v, time.Time{})
}

func (s *Store) SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error {
	_, err := s.write.Exec(ctx, `INSERT INTO kv (key, value, updated_at, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
		key, nz(v), time.Now().UnixMilli(), expiry(expires))
	if err != nil {
		return s.fail("set value", err)
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
// condition is checked again on each row as it is deleted, so a value set
// again by another node meanwhile (a later expiry) is kept; rows another
// janitor deleted first are skipped.
func (s *Store) DeleteExpiredValues(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := s.write.Exec(ctx, `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at < ? ORDER BY expires_at LIMIT ?) AND expires_at < ?`,
		ms(before), int64(max(limit, 0)), ms(before))
	if err != nil {
		return 0, s.fail("delete expired values", err)
	}
	return int(n), nil
}

func (s *Store) ListValues(ctx context.Context, prefix string) (map[string][]byte, error) {
	cond, args := s.d.HasPrefix("key", prefix)
	out := map[string][]byte{}
	err := s.read.Query(ctx, `SELECT key, value FROM kv WHERE `+cond, args, func(r scanner) error {
		var k string
		var v []byte
		if err := r.Scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	if err != nil {
		return nil, s.fail("list values", err)
	}
	return out, nil
}

func (s *Store) DeleteValue(ctx context.Context, key string) error {
	if _, err := s.write.Exec(ctx, `DELETE FROM kv WHERE key = ?`, key); err != nil {
		return s.fail("delete value", err)
	}
	return nil
}
