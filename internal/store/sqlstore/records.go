package sqlstore

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

func ms(t time.Time) int64 { return t.UnixMilli() }

// ---- user pools ----

func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	_, err := s.write.Exec(ctx, `INSERT INTO user_pools (`+sqlrows.PoolCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, ms(p.CreatedAt), ms(p.UpdatedAt), max(p.Version, 1), nz(p.Doc))
	return s.create(err, "user pool "+p.ID, "")
}

func (s *Store) getPool(ctx context.Context, q Executor, id, lock string) (store.UserPool, error) {
	return getOne(ctx, s, q, sqlrows.ScanPool, "user pool "+id, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id = ?`+lock, id)
}

func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	return s.getPool(ctx, s.read, id, "")
}

func (s *Store) ListUserPools(ctx context.Context, page store.Page) ([]store.UserPool, error) {
	return list(ctx, s, "list user pools", sqlrows.ScanPool, `SELECT `+sqlrows.PoolCols+` FROM user_pools WHERE id > ? ORDER BY id LIMIT ?`, page.After, s.limit(page))
}

func (s *Store) CountUserPools(ctx context.Context) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM user_pools`)
}

func (s *Store) UpdateUserPool(ctx context.Context, id string, fn func(*store.UserPool) error) (store.UserPool, error) {
	var out store.UserPool
	err := s.inTx(ctx, func(tx Executor) error {
		p, err := s.getPool(ctx, tx, id, s.d.ForUpdate)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		p.Version++
		if _, err := tx.Exec(ctx, `UPDATE user_pools SET name = ?, updated_at = ?, version = ?, doc = ? WHERE id = ?`,
			p.Name, ms(p.UpdatedAt), p.Version, nz(p.Doc), id); err != nil {
			return s.fail("update user pool", err)
		}
		out = p
		return nil
	})
	return out, err
}

// DeleteUserPool fails with ErrInUse while a domain names the pool (ON
// DELETE RESTRICT); everything else of the pool goes with it (CASCADE).
func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	return s.delete(ctx, "user pool "+id, true, `DELETE FROM user_pools WHERE id = ?`, id)
}

// ---- app clients ----

func (s *Store) CreateAppClient(ctx context.Context, c store.AppClient) error {
	_, err := s.write.Exec(ctx, `INSERT INTO app_clients (`+sqlrows.ClientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.PoolID, c.Name, ms(c.CreatedAt), ms(c.UpdatedAt), max(c.Version, 1), nz(c.Doc))
	return s.create(err, "app client "+c.ID, c.PoolID)
}

func (s *Store) getClient(ctx context.Context, q Executor, id, lock string) (store.AppClient, error) {
	return getOne(ctx, s, q, sqlrows.ScanClient, "app client "+id, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE id = ?`+lock, id)
}

func (s *Store) GetAppClient(ctx context.Context, id string) (store.AppClient, error) {
	return s.getClient(ctx, s.read, id, "")
}

func (s *Store) ListAppClients(ctx context.Context, poolID string, page store.Page) ([]store.AppClient, error) {
	return list(ctx, s, "list app clients", sqlrows.ScanClient, `SELECT `+sqlrows.ClientCols+` FROM app_clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, page.After, s.limit(page))
}

func (s *Store) CountAppClients(ctx context.Context, poolID string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM app_clients WHERE pool_id = ?`, poolID)
}

func (s *Store) UpdateAppClient(ctx context.Context, id string, fn func(*store.AppClient) error) (store.AppClient, error) {
	var out store.AppClient
	err := s.inTx(ctx, func(tx Executor) error {
		c, err := s.getClient(ctx, tx, id, s.d.ForUpdate)
		if err != nil {
			return err
		}
		pool := c.PoolID
		if err := fn(&c); err != nil {
			return err
		}
		c.ID, c.PoolID = id, pool
		c.Version++
		if _, err := tx.Exec(ctx, `UPDATE app_clients SET name = ?, updated_at = ?, version = ?, doc = ? WHERE id = ?`,
			c.Name, ms(c.UpdatedAt), c.Version, nz(c.Doc), id); err != nil {
			return s.fail("update app client", err)
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteAppClient(ctx context.Context, id string) error {
	return s.delete(ctx, "app client "+id, false, `DELETE FROM app_clients WHERE id = ?`, id)
}

// ---- resource servers ----

func (s *Store) CreateResourceServer(ctx context.Context, r store.ResourceServer) error {
	_, err := s.write.Exec(ctx, `INSERT INTO resource_servers (`+sqlrows.ResourceServerCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.PoolID, r.Identifier, r.Name, ms(r.CreatedAt), ms(r.UpdatedAt), max(r.Version, 1), nz(r.Doc))
	return s.create(err, "resource server "+r.Identifier, r.PoolID)
}

func (s *Store) getRS(ctx context.Context, q Executor, poolID, ident, lock string) (store.ResourceServer, error) {
	return getOne(ctx, s, q, sqlrows.ScanResourceServer, "resource server "+ident,
		`SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = ? AND identifier = ?`+lock, poolID, ident)
}

func (s *Store) GetResourceServer(ctx context.Context, poolID, ident string) (store.ResourceServer, error) {
	return s.getRS(ctx, s.read, poolID, ident, "")
}

func (s *Store) ListResourceServers(ctx context.Context, poolID string, page store.Page) ([]store.ResourceServer, error) {
	return list(ctx, s, "list resource servers", sqlrows.ScanResourceServer,
		`SELECT `+sqlrows.ResourceServerCols+` FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?`, poolID, page.After, s.limit(page))
}

func (s *Store) CountResourceServers(ctx context.Context, poolID string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM resource_servers WHERE pool_id = ?`, poolID)
}

func (s *Store) UpdateResourceServer(ctx context.Context, poolID, ident string, fn func(*store.ResourceServer) error) (store.ResourceServer, error) {
	var out store.ResourceServer
	err := s.inTx(ctx, func(tx Executor) error {
		r, err := s.getRS(ctx, tx, poolID, ident, s.d.ForUpdate)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.PoolID, r.Identifier = poolID, ident
		r.Version++
		if _, err := tx.Exec(ctx, `UPDATE resource_servers SET name = ?, updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND identifier = ?`,
			r.Name, ms(r.UpdatedAt), r.Version, nz(r.Doc), poolID, ident); err != nil {
			return s.fail("update resource server", err)
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Store) DeleteResourceServer(ctx context.Context, poolID, ident string) error {
	return s.delete(ctx, "resource server "+ident, false, `DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?`, poolID, ident)
}
