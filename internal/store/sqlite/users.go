package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

func scanUser(r scanner) (store.User, error) {
	var u store.User
	var enabled int
	var c, up int64
	if err := r.Scan(&u.PoolID, &u.Key, &u.Username, &u.Sub, &u.Status, &enabled, &c, &up, &u.Version, &u.Doc); err != nil {
		return u, err
	}
	u.Enabled = enabled != 0
	u.CreatedAt, u.UpdatedAt = fromMS(c), fromMS(up)
	return u, nil
}

type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// writeUserIndexes replaces a user's index and unique rows.
func writeUserIndexes(ctx context.Context, tx execer, u store.User) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_index INDEXED BY user_index_by_user WHERE pool_id = ? AND user_key = ?`, u.PoolID, u.Key); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_unique INDEXED BY user_unique_by_user WHERE pool_id = ? AND user_key = ?`, u.PoolID, u.Key); err != nil {
		return err
	}
	for _, attr := range sqlrows.SortedKeys(u.Index) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_index (pool_id, attr, value, user_key) VALUES (?, ?, ?, ?)`, u.PoolID, attr, u.Index[attr], u.Key); err != nil {
			return err
		}
	}
	for _, attr := range sqlrows.SortedKeys(u.Unique) {
		v := u.Unique[attr]
		_, err := tx.ExecContext(ctx, `INSERT INTO user_unique (pool_id, attr, value, user_key) VALUES (?, ?, ?, ?)`, u.PoolID, attr, v, u.Key)
		if isUnique(err) {
			return &store.UniqueError{Attribute: attr, Value: v}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// loadUserIndexes fills Index and Unique of users read from the database.
func loadUserIndexes(ctx context.Context, q execer, users []store.User) error {
	if len(users) == 0 {
		return nil
	}
	pos := map[string]int{}
	keys := make([]any, 0, len(users)+1)
	keys = append(keys, users[0].PoolID)
	for i := range users {
		users[i].Index, users[i].Unique = map[string]string{}, map[string]string{}
		pos[users[i].Key] = i
		keys = append(keys, users[i].Key)
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(users)), ",")
	for _, tbl := range []string{"user_index", "user_unique"} {
		// INDEXED BY: the planner would otherwise pick the (pool_id, attr, value)
		// key and read every row of the pool.
		rows, err := q.QueryContext(ctx, `SELECT user_key, attr, value FROM `+tbl+` INDEXED BY `+tbl+`_by_user WHERE pool_id = ? AND user_key IN (`+in+`)`, keys...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k, attr, v string
			if err := rows.Scan(&k, &attr, &v); err != nil {
				rows.Close()
				return err
			}
			if i, ok := pos[k]; ok {
				if tbl == "user_index" {
					users[i].Index[attr] = v
				} else {
					users[i].Unique[attr] = v
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (`+sqlrows.UserCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.PoolID, u.Key, u.Username, u.Sub, u.Status, boolInt(u.Enabled), ms(u.CreatedAt), ms(u.UpdatedAt), max(u.Version, 1), u.Doc)
		switch {
		case isUnique(err):
			return &store.UniqueError{}
		case isForeignKey(err):
			return fmt.Errorf("user pool %s: %w", u.PoolID, store.ErrNotFound)
		case err != nil:
			return fmt.Errorf("sqlite: create user: %w", err)
		}
		return writeUserIndexes(ctx, tx, u)
	})
}

func getUser(ctx context.Context, q execer, poolID, key string) (store.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = ? AND key = ?`, poolID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("sqlite: get user: %w", err)
	}
	us := []store.User{u}
	if err := loadUserIndexes(ctx, q, us); err != nil {
		return u, fmt.Errorf("sqlite: get user: %w", err)
	}
	return us[0], nil
}

func (s *Store) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	return getUser(ctx, s.r, poolID, key)
}

func (s *Store) GetUserByUnique(ctx context.Context, poolID, attr, value string) (store.User, error) {
	var key string
	err := s.r.QueryRowContext(ctx, `SELECT user_key FROM user_unique WHERE pool_id = ? AND attr = ? AND value = ?`, poolID, attr, value).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, fmt.Errorf("user with %s %s: %w", attr, value, store.ErrNotFound)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("sqlite: get user: %w", err)
	}
	return getUser(ctx, s.r, poolID, key)
}

func (s *Store) queryUsers(ctx context.Context, q string, args ...any) ([]store.User, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: list users: %w", err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadUserIndexes(ctx, s.r, out); err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	return out, nil
}

// prefixEnd is the smallest string greater than every string starting with p.
func prefixEnd(p string) string { return p + "\U0010FFFF" }

func (s *Store) ListUsers(ctx context.Context, poolID string, q *store.UserQuery, page store.Page) ([]store.User, error) {
	if q == nil {
		return s.queryUsers(ctx, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = ? AND key > ? ORDER BY key LIMIT ?`, poolID, page.After, limitOf(page))
	}
	afterValue, afterKey, _ := strings.Cut(page.After, "\x00")
	lo, hi := q.Value, q.Value
	if q.Prefix {
		hi = prefixEnd(q.Value)
	}
	cols := "u." + strings.ReplaceAll(sqlrows.UserCols, ", ", ", u.")
	return s.queryUsers(ctx, `SELECT `+cols+` FROM user_index i JOIN users u ON u.pool_id = i.pool_id AND u.key = i.user_key
		WHERE i.pool_id = ? AND i.attr = ? AND i.value >= ? AND i.value <= ? AND (i.value, i.user_key) > (?, ?)
		ORDER BY i.value, i.user_key LIMIT ?`, poolID, q.Attribute, lo, hi, afterValue, afterKey, limitOf(page))
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE pool_id = ?`, poolID).Scan(&n)
	return n, err
}

func (s *Store) UpdateUser(ctx context.Context, poolID, key string, fn func(*store.User) error) (store.User, error) {
	var out store.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, poolID, key)
		if err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		u.PoolID, u.Key = poolID, key
		u.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE users SET username = ?, sub = ?, status = ?, enabled = ?, updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND key = ?`,
			u.Username, u.Sub, u.Status, boolInt(u.Enabled), ms(u.UpdatedAt), u.Version, u.Doc, poolID, key); err != nil {
			return fmt.Errorf("sqlite: update user: %w", err)
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
	res, err := s.w.ExecContext(ctx, `DELETE FROM users WHERE pool_id = ? AND key = ?`, poolID, key)
	if err != nil {
		return fmt.Errorf("sqlite: delete user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %s: %w", key, store.ErrNotFound)
	}
	return nil
}

// ---- groups ----

func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO groups (`+sqlrows.GroupCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		g.PoolID, g.Name, ms(g.CreatedAt), ms(g.UpdatedAt), max(g.Version, 1), g.Doc)
	switch {
	case isUnique(err):
		return fmt.Errorf("group %s: %w", g.Name, store.ErrAlreadyExists)
	case isForeignKey(err):
		return fmt.Errorf("user pool %s: %w", g.PoolID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlite: create group: %w", err)
	}
	return nil
}

func getGroup(ctx context.Context, q querier, poolID, name string) (store.Group, error) {
	g, err := sqlrows.ScanGroup(q.QueryRowContext(ctx, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = ? AND name = ?`, poolID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("group %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("sqlite: get group: %w", err)
	}
	return g, nil
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return getGroup(ctx, s.r, poolID, name)
}

func (s *Store) queryGroups(ctx context.Context, q string, args ...any) ([]store.Group, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list groups: %w", err)
	}
	defer rows.Close()
	var out []store.Group
	for rows.Next() {
		g, err := sqlrows.ScanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, error) {
	return s.queryGroups(ctx, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?`, poolID, page.After, limitOf(page))
}

func (s *Store) CountGroups(ctx context.Context, poolID string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM groups WHERE pool_id = ?`, poolID).Scan(&n)
	return n, err
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	var out store.Group
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		g, err := getGroup(ctx, tx, poolID, name)
		if err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		g.PoolID, g.Name = poolID, name
		g.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND name = ?`,
			ms(g.UpdatedAt), g.Version, g.Doc, poolID, name); err != nil {
			return fmt.Errorf("sqlite: update group: %w", err)
		}
		out = g
		return nil
	})
	return out, err
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM groups WHERE pool_id = ? AND name = ?`, poolID, name)
	if err != nil {
		return fmt.Errorf("sqlite: delete group: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("group %s: %w", name, store.ErrNotFound)
	}
	return nil
}

func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, userKey string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO group_members (pool_id, group_name, user_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, poolID, group, userKey)
	if isForeignKey(err) {
		return fmt.Errorf("group %s or user %s: %w", group, userKey, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sqlite: add user to group: %w", err)
	}
	return nil
}

func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND user_key = ?`, poolID, group, userKey); err != nil {
		return fmt.Errorf("sqlite: remove user from group: %w", err)
	}
	return nil
}

func (s *Store) ListGroupsForUser(ctx context.Context, poolID, userKey string, page store.Page) ([]store.Group, error) {
	cols := "g." + strings.ReplaceAll(sqlrows.GroupCols, ", ", ", g.")
	return s.queryGroups(ctx, `SELECT `+cols+` FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
		WHERE m.pool_id = ? AND m.user_key = ? AND m.group_name > ? ORDER BY m.group_name LIMIT ?`, poolID, userKey, page.After, limitOf(page))
}

func (s *Store) CountGroupsForUser(ctx context.Context, poolID, userKey string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM group_members WHERE pool_id = ? AND user_key = ?`, poolID, userKey).Scan(&n)
	return n, err
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.Page) ([]store.User, error) {
	cols := "u." + strings.ReplaceAll(sqlrows.UserCols, ", ", ", u.")
	return s.queryUsers(ctx, `SELECT `+cols+` FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.key = m.user_key
		WHERE m.pool_id = ? AND m.group_name = ? AND m.user_key > ? ORDER BY m.user_key LIMIT ?`, poolID, group, page.After, limitOf(page))
}

// ---- outbox ----

func (s *Store) AddMessage(ctx context.Context, m store.Message) (int64, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO outbox (pool_id, username, kind, medium, destination, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.PoolID, m.Username, m.Kind, m.Medium, m.Destination, m.Subject, m.Body, ms(m.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("sqlite: add message: %w", err)
	}
	return res.LastInsertId()
}

func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	q := `SELECT id, pool_id, username, kind, medium, destination, subject, body, created_at FROM outbox WHERE id > ?`
	args := []any{f.AfterID}
	if f.PoolID != "" {
		q += ` AND pool_id = ?`
		args = append(args, f.PoolID)
	}
	if f.Username != "" {
		q += ` AND username = ?`
		args = append(args, f.Username)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limitOf(store.Page{Limit: f.Limit}))
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list messages: %w", err)
	}
	defer rows.Close()
	var out []store.Message
	for rows.Next() {
		var m store.Message
		var c int64
		if err := rows.Scan(&m.ID, &m.PoolID, &m.Username, &m.Kind, &m.Medium, &m.Destination, &m.Subject, &m.Body, &c); err != nil {
			return nil, fmt.Errorf("sqlite: list messages: %w", err)
		}
		m.CreatedAt = fromMS(c)
		out = append(out, m)
	}
	return out, rows.Err()
}
