package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

type scanner = sqlrows.Scanner

// ---- user pools ----

func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO user_pools (`+sqlrows.PoolCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, ms(p.CreatedAt), ms(p.UpdatedAt), max(p.Version, 1), p.Doc)
	if isUnique(err) {
		return fmt.Errorf("user pool %s: %w", p.ID, store.ErrAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create user pool: %w", err)
	}
	return nil
}

func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	return getPool(ctx, s.r, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func getPool(ctx context.Context, q querier, id string) (store.UserPool, error) {
	p, err := sqlrows.ScanPool(q.QueryRowContext(ctx, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("user pool %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("sqlite: get user pool: %w", err)
	}
	return p, nil
}

func (s *Store) ListUserPools(ctx context.Context, page store.Page) ([]store.UserPool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id > ? ORDER BY id LIMIT ?`, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list user pools: %w", err)
	}
	defer rows.Close()
	var out []store.UserPool
	for rows.Next() {
		p, err := sqlrows.ScanPool(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list user pools: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) CountUserPools(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_pools`).Scan(&n)
	return n, err
}

func (s *Store) UpdateUserPool(ctx context.Context, id string, fn func(*store.UserPool) error) (store.UserPool, error) {
	var out store.UserPool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := getPool(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		p.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE user_pools SET name = ?, updated_at = ?, version = ?, doc = ? WHERE id = ?`,
			p.Name, ms(p.UpdatedAt), p.Version, p.Doc, id); err != nil {
			return fmt.Errorf("sqlite: update user pool: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM user_pools WHERE id = ?`, id)
	if isForeignKey(err) {
		return fmt.Errorf("user pool %s: %w", id, store.ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete user pool: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user pool %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// ---- app clients ----

func (s *Store) CreateAppClient(ctx context.Context, c store.AppClient) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO app_clients (`+sqlrows.ClientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.PoolID, c.Name, ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), c.Doc)
	switch {
	case isUnique(err):
		return fmt.Errorf("app client %s: %w", c.ID, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", c.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlite: create app client: %w", err)
	}
	return nil
}

func getClient(ctx context.Context, q querier, id string) (store.AppClient, error) {
	c, err := sqlrows.ScanClient(q.QueryRowContext(ctx, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("app client %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: get app client: %w", err)
	}
	return c, nil
}

func (s *Store) GetAppClient(ctx context.Context, id string) (store.AppClient, error) {
	return getClient(ctx, s.r, id)
}

func (s *Store) ListAppClients(ctx context.Context, poolID string, page store.Page) ([]store.AppClient, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list app clients: %w", err)
	}
	defer rows.Close()
	var out []store.AppClient
	for rows.Next() {
		c, err := sqlrows.ScanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list app clients: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) CountAppClients(ctx context.Context, poolID string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_clients WHERE pool_id = ?`, poolID).Scan(&n)
	return n, err
}

func (s *Store) UpdateAppClient(ctx context.Context, id string, fn func(*store.AppClient) error) (store.AppClient, error) {
	var out store.AppClient
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := getClient(ctx, tx, id)
		if err != nil {
			return err
		}
		pool := c.PoolID
		if err := fn(&c); err != nil {
			return err
		}
		c.ID, c.PoolID = id, pool
		c.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE app_clients SET name = ?, updated_at = ?, version = ?, doc = ? WHERE id = ?`,
			c.Name, ms(c.UpdatedAt), c.Version, c.Doc, id); err != nil {
			return fmt.Errorf("sqlite: update app client: %w", err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteAppClient(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM app_clients WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete app client: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("app client %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// ---- resource servers ----

func (s *Store) CreateResourceServer(ctx context.Context, r store.ResourceServer) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO resource_servers (`+sqlrows.ResourceServerCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.PoolID, r.Identifier, r.Name, ms(r.CreatedAt), ms(r.UpdatedAt), max(r.Version, 1), r.Doc)
	switch {
	case isUnique(err):
		return fmt.Errorf("resource server %s: %w", r.Identifier, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", r.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlite: create resource server: %w", err)
	}
	return nil
}

func getRS(ctx context.Context, q querier, poolID, ident string) (store.ResourceServer, error) {
	r, err := sqlrows.ScanResourceServer(q.QueryRowContext(ctx, `SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = ? AND identifier = ?`, poolID, ident))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("resource server %s: %w", ident, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: get resource server: %w", err)
	}
	return r, nil
}

func (s *Store) GetResourceServer(ctx context.Context, poolID, ident string) (store.ResourceServer, error) {
	return getRS(ctx, s.r, poolID, ident)
}

func (s *Store) ListResourceServers(ctx context.Context, poolID string, page store.Page) ([]store.ResourceServer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?`, poolID, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list resource servers: %w", err)
	}
	defer rows.Close()
	var out []store.ResourceServer
	for rows.Next() {
		r, err := sqlrows.ScanResourceServer(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list resource servers: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) CountResourceServers(ctx context.Context, poolID string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM resource_servers WHERE pool_id = ?`, poolID).Scan(&n)
	return n, err
}

func (s *Store) UpdateResourceServer(ctx context.Context, poolID, ident string, fn func(*store.ResourceServer) error) (store.ResourceServer, error) {
	var out store.ResourceServer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := getRS(ctx, tx, poolID, ident)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.PoolID, r.Identifier = poolID, ident
		r.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE resource_servers SET name = ?, updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND identifier = ?`,
			r.Name, ms(r.UpdatedAt), r.Version, r.Doc, poolID, ident); err != nil {
			return fmt.Errorf("sqlite: update resource server: %w", err)
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Store) DeleteResourceServer(ctx context.Context, poolID, ident string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?`, poolID, ident)
	if err != nil {
		return fmt.Errorf("sqlite: delete resource server: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("resource server %s: %w", ident, store.ErrNotFound)
	}
	return nil
}
