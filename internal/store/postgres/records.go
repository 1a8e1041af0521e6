package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// getOne reads one row; what names the record in ErrNotFound.
func getOne[T any](ctx context.Context, q querier, scan func(scanner) (T, error), what, sql string, args ...any) (T, error) {
	v, err := scan(q.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("postgres: get %s: %w", what, err)
	}
	return v, nil
}

// ---- user pools ----

func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO user_pools (`+sqlrows.PoolCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Name, ms(p.CreatedAt), ms(p.UpdatedAt), max(p.Version, 1), nz(p.Doc))
	if isUnique(err) {
		return fmt.Errorf("user pool %s: %w", p.ID, store.ErrAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: create user pool: %w", err)
	}
	return nil
}

func getPool(ctx context.Context, q querier, id string, lock string) (store.UserPool, error) {
	return getOne(ctx, q, sqlrows.ScanPool, "user pool "+id, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id = $1`+lock, id)
}

func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	return getPool(ctx, s.pool, id, "")
}

func (s *Store) ListUserPools(ctx context.Context, page store.Page) ([]store.UserPool, error) {
	out, err := collect(ctx, s.pool, sqlrows.ScanPool, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id > $1 ORDER BY id LIMIT $2`, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("postgres: list user pools: %w", err)
	}
	return out, nil
}

func (s *Store) CountUserPools(ctx context.Context) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM user_pools`)
}

const forUpdate = ` FOR UPDATE`

func (s *Store) UpdateUserPool(ctx context.Context, id string, fn func(*store.UserPool) error) (store.UserPool, error) {
	var out store.UserPool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := getPool(ctx, tx, id, forUpdate)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		p.Version++
		if _, err := tx.Exec(ctx, `UPDATE user_pools SET name = $1, updated_at = $2, version = $3, doc = $4 WHERE id = $5`,
			p.Name, ms(p.UpdatedAt), p.Version, nz(p.Doc), id); err != nil {
			return fmt.Errorf("postgres: update user pool: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM user_pools WHERE id = $1`, id)
	if isForeignKey(err) {
		return fmt.Errorf("user pool %s: %w", id, store.ErrInUse)
	}
	return deleted(tag, err, "user pool "+id)
}

// ---- app clients ----

func (s *Store) CreateAppClient(ctx context.Context, c store.AppClient) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO app_clients (`+sqlrows.ClientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.PoolID, c.Name, ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), nz(c.Doc))
	switch {
	case isUnique(err):
		return fmt.Errorf("app client %s: %w", c.ID, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", c.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: create app client: %w", err)
	}
	return nil
}

func getClient(ctx context.Context, q querier, id, lock string) (store.AppClient, error) {
	return getOne(ctx, q, sqlrows.ScanClient, "app client "+id, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE id = $1`+lock, id)
}

func (s *Store) GetAppClient(ctx context.Context, id string) (store.AppClient, error) {
	return getClient(ctx, s.pool, id, "")
}

func (s *Store) ListAppClients(ctx context.Context, poolID string, page store.Page) ([]store.AppClient, error) {
	out, err := collect(ctx, s.pool, sqlrows.ScanClient, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`, poolID, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("postgres: list app clients: %w", err)
	}
	return out, nil
}

func (s *Store) CountAppClients(ctx context.Context, poolID string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM app_clients WHERE pool_id = $1`, poolID)
}

func (s *Store) UpdateAppClient(ctx context.Context, id string, fn func(*store.AppClient) error) (store.AppClient, error) {
	var out store.AppClient
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := getClient(ctx, tx, id, forUpdate)
		if err != nil {
			return err
		}
		pool := c.PoolID
		if err := fn(&c); err != nil {
			return err
		}
		c.ID, c.PoolID = id, pool
		c.Version++
		if _, err := tx.Exec(ctx, `UPDATE app_clients SET name = $1, updated_at = $2, version = $3, doc = $4 WHERE id = $5`,
			c.Name, ms(c.UpdatedAt), c.Version, nz(c.Doc), id); err != nil {
			return fmt.Errorf("postgres: update app client: %w", err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteAppClient(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM app_clients WHERE id = $1`, id)
	return deleted(tag, err, "app client "+id)
}

// ---- resource servers ----

func (s *Store) CreateResourceServer(ctx context.Context, r store.ResourceServer) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO resource_servers (`+sqlrows.ResourceServerCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.PoolID, r.Identifier, r.Name, ms(r.CreatedAt), ms(r.UpdatedAt), max(r.Version, 1), nz(r.Doc))
	switch {
	case isUnique(err):
		return fmt.Errorf("resource server %s: %w", r.Identifier, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", r.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: create resource server: %w", err)
	}
	return nil
}

func getRS(ctx context.Context, q querier, poolID, ident, lock string) (store.ResourceServer, error) {
	return getOne(ctx, q, sqlrows.ScanResourceServer, "resource server "+ident, `SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = $1 AND identifier = $2`+lock, poolID, ident)
}

func (s *Store) GetResourceServer(ctx context.Context, poolID, ident string) (store.ResourceServer, error) {
	return getRS(ctx, s.pool, poolID, ident, "")
}

func (s *Store) ListResourceServers(ctx context.Context, poolID string, page store.Page) ([]store.ResourceServer, error) {
	out, err := collect(ctx, s.pool, sqlrows.ScanResourceServer, `SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = $1 AND identifier > $2 ORDER BY identifier LIMIT $3`, poolID, page.After, limitOf(page))
	if err != nil {
		return nil, fmt.Errorf("postgres: list resource servers: %w", err)
	}
	return out, nil
}

func (s *Store) CountResourceServers(ctx context.Context, poolID string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM resource_servers WHERE pool_id = $1`, poolID)
}

func (s *Store) UpdateResourceServer(ctx context.Context, poolID, ident string, fn func(*store.ResourceServer) error) (store.ResourceServer, error) {
	var out store.ResourceServer
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := getRS(ctx, tx, poolID, ident, forUpdate)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.PoolID, r.Identifier = poolID, ident
		r.Version++
		if _, err := tx.Exec(ctx, `UPDATE resource_servers SET name = $1, updated_at = $2, version = $3, doc = $4 WHERE pool_id = $5 AND identifier = $6`,
			r.Name, ms(r.UpdatedAt), r.Version, nz(r.Doc), poolID, ident); err != nil {
			return fmt.Errorf("postgres: update resource server: %w", err)
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Store) DeleteResourceServer(ctx context.Context, poolID, ident string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2`, poolID, ident)
	return deleted(tag, err, "resource server "+ident)
}
