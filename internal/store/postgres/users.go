package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

func scanUser(r scanner) (store.User, error) {
	var u store.User
	var c, up int64
	if err := r.Scan(&u.PoolID, &u.Key, &u.Username, &u.Sub, &u.Status, &u.Enabled, &c, &up, &u.Version, &u.Doc); err != nil {
		return u, err
	}
	u.CreatedAt, u.UpdatedAt = fromMS(c), fromMS(up)
	return u, nil
}

// writeUserIndexes replaces a user's index and unique rows.
func writeUserIndexes(ctx context.Context, tx pgx.Tx, u store.User) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_index WHERE pool_id = $1 AND user_key = $2`, u.PoolID, u.Key); err != nil {
		return fmt.Errorf("postgres: write user index: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM user_unique WHERE pool_id = $1 AND user_key = $2`, u.PoolID, u.Key); err != nil {
		return fmt.Errorf("postgres: write user index: %w", err)
	}
	for _, attr := range sqlrows.SortedKeys(u.Index) {
		if _, err := tx.Exec(ctx, `INSERT INTO user_index (pool_id, attr, value, user_key) VALUES ($1, $2, $3, $4)`, u.PoolID, attr, u.Index[attr], u.Key); err != nil {
			return fmt.Errorf("postgres: write user index: %w", err)
		}
	}
	for _, attr := range sqlrows.SortedKeys(u.Unique) {
		v := u.Unique[attr]
		_, err := tx.Exec(ctx, `INSERT INTO user_unique (pool_id, attr, value, user_key) VALUES ($1, $2, $3, $4)`, u.PoolID, attr, v, u.Key)
		if code, constraint := pgCode(err); code == "23505" && constraint == "user_unique_pkey" {
			return &store.UniqueError{Attribute: attr, Value: v}
		}
		if err != nil {
			return fmt.Errorf("postgres: write user unique values: %w", err)
		}
	}
	return nil
}

// loadUserIndexes fills Index and Unique of users read from the database
// (all of one pool).
func loadUserIndexes(ctx context.Context, q querier, users []store.User) error {
	if len(users) == 0 {
		return nil
	}
	pos := map[string]int{}
	keys := make([]string, 0, len(users))
	for i := range users {
		users[i].Index, users[i].Unique = map[string]string{}, map[string]string{}
		pos[users[i].Key] = i
		keys = append(keys, users[i].Key)
	}
	rows, err := q.Query(ctx, `SELECT false, user_key, attr, value FROM user_index WHERE pool_id = $1 AND user_key = ANY($2)
		UNION ALL SELECT true, user_key, attr, value FROM user_unique WHERE pool_id = $1 AND user_key = ANY($2)`, users[0].PoolID, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var unique bool
		var k, attr, v string
		if err := rows.Scan(&unique, &k, &attr, &v); err != nil {
			return err
		}
		if i, ok := pos[k]; ok {
			if unique {
				users[i].Unique[attr] = v
			} else {
				users[i].Index[attr] = v
			}
		}
	}
	return rows.Err()
}

func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (`+sqlrows.UserCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			u.PoolID, u.Key, u.Username, u.Sub, u.Status, u.Enabled, ms(u.CreatedAt), ms(u.UpdatedAt), max(u.Version, 1), nz(u.Doc))
		switch code, _ := pgCode(err); {
		case code == "23505":
			return &store.UniqueError{}
		case code == "23503":
			return fmt.Errorf("user pool %s: %w", u.PoolID, store.ErrNotFound)
		case err != nil:
			return fmt.Errorf("postgres: create user: %w", err)
		}
		return writeUserIndexes(ctx, tx, u)
	})
}

func getUser(ctx context.Context, q querier, poolID, key, lock string) (store.User, error) {
	u, err := getOne(ctx, q, scanUser, "user "+key, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = $1 AND key = $2`+lock, poolID, key)
	if err != nil {
		return u, err
	}
	us := []store.User{u}
	if err := loadUserIndexes(ctx, q, us); err != nil {
		return u, fmt.Errorf("postgres: get user: %w", err)
	}
	return us[0], nil
}

func (s *Store) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	return getUser(ctx, s.pool, poolID, key, "")
}

func (s *Store) GetUserByUnique(ctx context.Context, poolID, attr, value string) (store.User, error) {
	var key string
	err := s.pool.QueryRow(ctx, `SELECT user_key FROM user_unique WHERE pool_id = $1 AND attr = $2 AND value = $3`, poolID, attr, value).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.User{}, fmt.Errorf("user with %s %s: %w", attr, value, store.ErrNotFound)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("postgres: get user: %w", err)
	}
	u, err := getUser(ctx, s.pool, poolID, key, "")
	if errors.Is(err, store.ErrNotFound) {
		// Deleted since the lookup.
		return store.User{}, fmt.Errorf("user with %s %s: %w", attr, value, store.ErrNotFound)
	}
	return u, err
}

func (s *Store) queryUsers(ctx context.Context, q string, args ...any) ([]store.User, error) {
	out, err := collect(ctx, s.pool, scanUser, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	if err := loadUserIndexes(ctx, s.pool, out); err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	return out, nil
}

// prefixEnd is greater than every string starting with p (bytewise, as the
// columns are COLLATE "C": U+10FFFF is the largest code point).
func prefixEnd(p string) string { return p + "\U0010FFFF" }

func (s *Store) ListUsers(ctx context.Context, poolID string, q *store.UserQuery, page store.Page) ([]store.User, error) {
	if q == nil {
		return s.queryUsers(ctx, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = $1 AND key > $2 ORDER BY key LIMIT $3`, poolID, page.After, limitOf(page))
	}
	afterValue, afterKey, _ := strings.Cut(page.After, "\x00")
	lo, hi := q.Value, q.Value
	if q.Prefix {
		hi = prefixEnd(q.Value)
	}
	cols := "u." + strings.ReplaceAll(sqlrows.UserCols, ", ", ", u.")
	return s.queryUsers(ctx, `SELECT `+cols+` FROM user_index i JOIN users u ON u.pool_id = i.pool_id AND u.key = i.user_key
		WHERE i.pool_id = $1 AND i.attr = $2 AND i.value >= $3 AND i.value <= $4 AND (i.value, i.user_key) > ($5, $6)
		ORDER BY i.value, i.user_key LIMIT $7`, poolID, q.Attribute, lo, hi, afterValue, afterKey, limitOf(page))
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM users WHERE pool_id = $1`, poolID)
}

func (s *Store) UpdateUser(ctx context.Context, poolID, key string, fn func(*store.User) error) (store.User, error) {
	var out store.User
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, poolID, key, forUpdate)
		if err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		u.PoolID, u.Key = poolID, key
		u.Version++
		if _, err := tx.Exec(ctx, `UPDATE users SET username = $1, sub = $2, status = $3, enabled = $4, updated_at = $5, version = $6, doc = $7 WHERE pool_id = $8 AND key = $9`,
			u.Username, u.Sub, u.Status, u.Enabled, ms(u.UpdatedAt), u.Version, nz(u.Doc), poolID, key); err != nil {
			return fmt.Errorf("postgres: update user: %w", err)
		}
		if err := writeUserIndexes(ctx, tx, u); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, err
}

func (s *Store) DeleteUser(ctx context.Context, poolID, key string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM users WHERE pool_id = $1 AND key = $2`, poolID, key)
	return deleted(tag, err, "user "+key)
}

// ---- groups ----

func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO groups (`+sqlrows.GroupCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		g.PoolID, g.Name, ms(g.CreatedAt), ms(g.UpdatedAt), max(g.Version, 1), nz(g.Doc))
	switch {
	case isUnique(err):
		return fmt.Errorf("group %s: %w", g.Name, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", g.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: create group: %w", err)
	}
	return nil
}

func getGroup(ctx context.Context, q querier, poolID, name, lock string) (store.Group, error) {
	return getOne(ctx, q, sqlrows.ScanGroup, "group "+name, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = $1 AND name = $2`+lock, poolID, name)
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return getGroup(ctx, s.pool, poolID, name, "")
}

func (s *Store) queryGroups(ctx context.Context, q string, args ...any) ([]store.Group, error) {
	out, err := collect(ctx, s.pool, sqlrows.ScanGroup, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list groups: %w", err)
	}
	return out, nil
}

func (s *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, error) {
	return s.queryGroups(ctx, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3`, poolID, page.After, limitOf(page))
}

func (s *Store) CountGroups(ctx context.Context, poolID string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM groups WHERE pool_id = $1`, poolID)
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	var out store.Group
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		g, err := getGroup(ctx, tx, poolID, name, forUpdate)
		if err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		g.PoolID, g.Name = poolID, name
		g.Version++
		if _, err := tx.Exec(ctx, `UPDATE groups SET updated_at = $1, version = $2, doc = $3 WHERE pool_id = $4 AND name = $5`,
			ms(g.UpdatedAt), g.Version, nz(g.Doc), poolID, name); err != nil {
			return fmt.Errorf("postgres: update group: %w", err)
		}
		out = g
		return nil
	})
	return out, err
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM groups WHERE pool_id = $1 AND name = $2`, poolID, name)
	return deleted(tag, err, "group "+name)
}

func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, userKey string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO group_members (pool_id, group_name, user_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, poolID, group, userKey)
	if isForeignKey(err) {
		return fmt.Errorf("group %s or user %s: %w", group, userKey, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: add user to group: %w", err)
	}
	return nil
}

func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND user_key = $3`, poolID, group, userKey); err != nil {
		return fmt.Errorf("postgres: remove user from group: %w", err)
	}
	return nil
}

func (s *Store) ListGroupsForUser(ctx context.Context, poolID, userKey string, page store.Page) ([]store.Group, error) {
	cols := "g." + strings.ReplaceAll(sqlrows.GroupCols, ", ", ", g.")
	return s.queryGroups(ctx, `SELECT `+cols+` FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
		WHERE m.pool_id = $1 AND m.user_key = $2 AND m.group_name > $3 ORDER BY m.group_name LIMIT $4`, poolID, userKey, page.After, limitOf(page))
}

func (s *Store) CountGroupsForUser(ctx context.Context, poolID, userKey string) (int, error) {
	return count(ctx, s.pool, `SELECT COUNT(*) FROM group_members WHERE pool_id = $1 AND user_key = $2`, poolID, userKey)
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.Page) ([]store.User, error) {
	cols := "u." + strings.ReplaceAll(sqlrows.UserCols, ", ", ", u.")
	return s.queryUsers(ctx, `SELECT `+cols+` FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.key = m.user_key
		WHERE m.pool_id = $1 AND m.group_name = $2 AND m.user_key > $3 ORDER BY m.user_key LIMIT $4`, poolID, group, page.After, limitOf(page))
}

// ---- outbox ----

func (s *Store) AddMessage(ctx context.Context, m store.Message) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO outbox (pool_id, username, kind, medium, destination, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		m.PoolID, m.Username, m.Kind, m.Medium, m.Destination, m.Subject, m.Body, ms(m.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: add message: %w", err)
	}
	return id, nil
}

func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	q := `SELECT id, pool_id, username, kind, medium, destination, subject, body, created_at FROM outbox WHERE id > $1`
	args := []any{f.AfterID}
	if f.PoolID != "" {
		args = append(args, f.PoolID)
		q += fmt.Sprintf(` AND pool_id = $%d`, len(args))
	}
	if f.Username != "" {
		args = append(args, f.Username)
		q += fmt.Sprintf(` AND username = $%d`, len(args))
	}
	args = append(args, limitOf(store.Page{Limit: f.Limit}))
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	out, err := collect(ctx, s.pool, func(r scanner) (store.Message, error) {
		var m store.Message
		var c int64
		err := r.Scan(&m.ID, &m.PoolID, &m.Username, &m.Kind, &m.Medium, &m.Destination, &m.Subject, &m.Body, &c)
		m.CreatedAt = fromMS(c)
		return m, err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list messages: %w", err)
	}
	return out, nil
}
