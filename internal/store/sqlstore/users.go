package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// writeUserIndexes replaces a user's index and unique rows.
func (s *Store) writeUserIndexes(ctx context.Context, tx Executor, u store.User) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_index`+s.d.IndexedBy("user_index_by_user")+` WHERE pool_id = ? AND user_key = ?`, u.PoolID, u.Key); err != nil {
		return s.fail("write user index", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM user_unique`+s.d.IndexedBy("user_unique_by_user")+` WHERE pool_id = ? AND user_key = ?`, u.PoolID, u.Key); err != nil {
		return s.fail("write user index", err)
	}
	for _, attr := range sqlrows.SortedKeys(u.Index) {
		if _, err := tx.Exec(ctx, `INSERT INTO user_index (pool_id, attr, value, user_key) VALUES (?, ?, ?, ?)`, u.PoolID, attr, u.Index[attr], u.Key); err != nil {
			return s.fail("write user index", err)
		}
	}
	for _, attr := range sqlrows.SortedKeys(u.Unique) {
		v := u.Unique[attr]
		_, err := tx.Exec(ctx, `INSERT INTO user_unique (pool_id, attr, value, user_key) VALUES (?, ?, ?, ?)`, u.PoolID, attr, v, u.Key)
		if ok, constraint := s.d.Unique(err); ok && (constraint == "" || constraint == "user_unique_pkey") {
			return &store.UniqueError{Attribute: attr, Value: v}
		}
		if err != nil {
			return s.fail("write user unique values", err)
		}
	}
	return nil
}

// loadUserIndexes fills Index and Unique of users read from the database
// (all of one pool), in one query.
func (s *Store) loadUserIndexes(ctx context.Context, q Executor, users []store.User) error {
	if len(users) == 0 {
		return nil
	}
	pos := make(map[string]int, len(users))
	keys := make([]string, len(users))
	for i := range users {
		users[i].Index, users[i].Unique = map[string]string{}, map[string]string{}
		pos[users[i].Key] = i
		keys[i] = users[i].Key
	}
	in, inArgs := s.d.In("user_key", keys)
	args := make([]any, 0, 2*len(inArgs)+2)
	args = append(append(append(append(args, users[0].PoolID), inArgs...), users[0].PoolID), inArgs...)
	// One set of destinations for every row: through the Scanner interface
	// they would otherwise escape, row after row.
	var k, attr, v string
	dest := []any{&k, &attr, &v}
	// The by-user indexes: the planner would otherwise pick the
	// (pool_id, attr, value) key and read every row of the pool. The table
	// a row comes from is the first letter of its attr (a column of its own
	// would cost the SQLite driver allocations on every row).
	return q.Query(ctx, `SELECT user_key, 'i' || attr, value FROM user_index`+s.d.IndexedBy("user_index_by_user")+` WHERE pool_id = ? AND `+in+
		` UNION ALL SELECT user_key, 'u' || attr, value FROM user_unique`+s.d.IndexedBy("user_unique_by_user")+` WHERE pool_id = ? AND `+in, args,
		func(r scanner) error {
			if err := r.Scan(dest...); err != nil {
				return err
			}
			if i, ok := pos[k]; ok && attr != "" {
				if attr[0] == 'u' {
					users[i].Unique[attr[1:]] = v
				} else {
					users[i].Index[attr[1:]] = v
				}
			}
			return nil
		})
}

func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.inTx(ctx, func(tx Executor) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (`+sqlrows.UserCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.PoolID, u.Key, u.Username, u.Sub, u.Status, u.Enabled, ms(u.CreatedAt), ms(u.UpdatedAt), max(u.Version, 1), nz(u.Doc))
		if ok, _ := s.d.Unique(err); ok {
			return &store.UniqueError{}
		}
		if ok, _ := s.d.ForeignKey(err); ok {
			return fmt.Errorf("user pool %s: %w", u.PoolID, store.ErrNotFound)
		}
		if err != nil {
			return s.fail("create user", err)
		}
		return s.writeUserIndexes(ctx, tx, u)
	})
}

func (s *Store) getUser(ctx context.Context, q Executor, poolID, key, lock string) (store.User, error) {
	u, err := getOne(ctx, s, q, sqlrows.ScanUser, "user "+key, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = ? AND key = ?`+lock, poolID, key)
	if err != nil {
		return u, err
	}
	us := []store.User{u}
	if err := s.loadUserIndexes(ctx, q, us); err != nil {
		return u, s.fail("get user", err)
	}
	return us[0], nil
}

func (s *Store) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	return s.getUser(ctx, s.read, poolID, key, "")
}

func (s *Store) GetUserByUnique(ctx context.Context, poolID, attr, value string) (store.User, error) {
	var key string
	err := s.read.QueryRow(ctx, `SELECT user_key FROM user_unique WHERE pool_id = ? AND attr = ? AND value = ?`, poolID, attr, value).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, fmt.Errorf("user with %s %s: %w", attr, value, store.ErrNotFound)
	}
	if err != nil {
		return store.User{}, s.fail("get user", err)
	}
	u, err := s.getUser(ctx, s.read, poolID, key, "")
	if errors.Is(err, store.ErrNotFound) {
		// Deleted since the lookup.
		return store.User{}, fmt.Errorf("user with %s %s: %w", attr, value, store.ErrNotFound)
	}
	return u, err
}

// queryUsers lists users, with their indexes.
func (s *Store) queryUsers(ctx context.Context, q string, args ...any) ([]store.User, error) {
	out, err := collect(ctx, s.read, sqlrows.ScanUser, q, args...)
	if err != nil {
		return nil, s.fail("list users", err)
	}
	if err := s.loadUserIndexes(ctx, s.read, out); err != nil {
		return nil, s.fail("list users", err)
	}
	return out, nil
}

// prefixEnd is greater than every string starting with p (bytewise, as
// SQLite compares and the PostgreSQL columns are COLLATE "C": U+10FFFF is
// the largest code point).
func prefixEnd(p string) string { return p + "\U0010FFFF" }

// userColsU are the user columns of a query that names users u.
var userColsU = "u." + strings.ReplaceAll(sqlrows.UserCols, ", ", ", u.")

func (s *Store) ListUsers(ctx context.Context, poolID string, q *store.UserQuery, page store.Page) ([]store.User, error) {
	if q == nil {
		return s.queryUsers(ctx, `SELECT `+sqlrows.UserCols+` FROM users WHERE pool_id = ? AND key > ? ORDER BY key LIMIT ?`, poolID, page.After, s.limit(page))
	}
	afterValue, afterKey, _ := strings.Cut(page.After, "\x00")
	lo, hi := q.Value, q.Value
	if q.Prefix {
		hi = prefixEnd(q.Value)
	}
	return s.queryUsers(ctx, `SELECT `+userColsU+` FROM user_index i JOIN users u ON u.pool_id = i.pool_id AND u.key = i.user_key
		WHERE i.pool_id = ? AND i.attr = ? AND i.value >= ? AND i.value <= ? AND (i.value, i.user_key) > (?, ?)
		ORDER BY i.value, i.user_key LIMIT ?`, poolID, q.Attribute, lo, hi, afterValue, afterKey, s.limit(page))
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM users WHERE pool_id = ?`, poolID)
}

func (s *Store) UpdateUser(ctx context.Context, poolID, key string, fn func(*store.User) error) (store.User, error) {
	var out store.User
	err := s.inTx(ctx, func(tx Executor) error {
		u, err := s.getUser(ctx, tx, poolID, key, s.d.ForUpdate)
		if err != nil {
			return err
		}
		index, unique := maps.Clone(u.Index), maps.Clone(u.Unique)
		if err := fn(&u); err != nil {
			return err
		}
		u.PoolID, u.Key = poolID, key
		u.Version++
		if _, err := tx.Exec(ctx, `UPDATE users SET username = ?, sub = ?, status = ?, enabled = ?, updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND key = ?`,
			u.Username, u.Sub, u.Status, u.Enabled, ms(u.UpdatedAt), u.Version, nz(u.Doc), poolID, key); err != nil {
			return s.fail("update user", err)
		}
		// The index rows are rewritten only when they change (most updates,
		// such as a sign-in's count, change none).
		if !maps.Equal(index, u.Index) || !maps.Equal(unique, u.Unique) {
			if err := s.writeUserIndexes(ctx, tx, u); err != nil {
				return err
			}
		}
		out = u
		return nil
	})
	return out, err
}

func (s *Store) DeleteUser(ctx context.Context, poolID, key string) error {
	return s.delete(ctx, "user "+key, false, `DELETE FROM users WHERE pool_id = ? AND key = ?`, poolID, key)
}

// ---- groups ----

func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	_, err := s.write.Exec(ctx, `INSERT INTO groups (`+sqlrows.GroupCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		g.PoolID, g.Name, ms(g.CreatedAt), ms(g.UpdatedAt), max(g.Version, 1), nz(g.Doc))
	return s.create(err, "group "+g.Name, g.PoolID)
}

func (s *Store) getGroup(ctx context.Context, q Executor, poolID, name, lock string) (store.Group, error) {
	return getOne(ctx, s, q, sqlrows.ScanGroup, "group "+name, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = ? AND name = ?`+lock, poolID, name)
}

func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	return s.getGroup(ctx, s.read, poolID, name, "")
}

func (s *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, error) {
	return list(ctx, s, "list groups", sqlrows.ScanGroup, `SELECT `+sqlrows.GroupCols+` FROM groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?`, poolID, page.After, s.limit(page))
}

func (s *Store) CountGroups(ctx context.Context, poolID string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM groups WHERE pool_id = ?`, poolID)
}

func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	var out store.Group
	err := s.inTx(ctx, func(tx Executor) error {
		g, err := s.getGroup(ctx, tx, poolID, name, s.d.ForUpdate)
		if err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		g.PoolID, g.Name = poolID, name
		g.Version++
		if _, err := tx.Exec(ctx, `UPDATE groups SET updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND name = ?`,
			ms(g.UpdatedAt), g.Version, nz(g.Doc), poolID, name); err != nil {
			return s.fail("update group", err)
		}
		out = g
		return nil
	})
	return out, err
}

func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	return s.delete(ctx, "group "+name, false, `DELETE FROM groups WHERE pool_id = ? AND name = ?`, poolID, name)
}

func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, userKey string) error {
	_, err := s.write.Exec(ctx, `INSERT INTO group_members (pool_id, group_name, user_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, poolID, group, userKey)
	if ok, _ := s.d.ForeignKey(err); ok {
		return fmt.Errorf("group %s or user %s: %w", group, userKey, store.ErrNotFound)
	}
	if err != nil {
		return s.fail("add user to group", err)
	}
	return nil
}

func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error {
	if _, err := s.write.Exec(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND user_key = ?`, poolID, group, userKey); err != nil {
		return s.fail("remove user from group", err)
	}
	return nil
}

// groupColsG are the group columns of a query that names groups g.
var groupColsG = "g." + strings.ReplaceAll(sqlrows.GroupCols, ", ", ", g.")

func (s *Store) ListGroupsForUser(ctx context.Context, poolID, userKey string, page store.Page) ([]store.Group, error) {
	return list(ctx, s, "list groups", sqlrows.ScanGroup, `SELECT `+groupColsG+` FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
		WHERE m.pool_id = ? AND m.user_key = ? AND m.group_name > ? ORDER BY m.group_name LIMIT ?`, poolID, userKey, page.After, s.limit(page))
}

func (s *Store) CountGroupsForUser(ctx context.Context, poolID, userKey string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM group_members WHERE pool_id = ? AND user_key = ?`, poolID, userKey)
}

func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.Page) ([]store.User, error) {
	return s.queryUsers(ctx, `SELECT `+userColsU+` FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.key = m.user_key
		WHERE m.pool_id = ? AND m.group_name = ? AND m.user_key > ? ORDER BY m.user_key LIMIT ?`, poolID, group, page.After, s.limit(page))
}

// ---- outbox ----

func (s *Store) AddMessage(ctx context.Context, m store.Message) (int64, error) {
	var id int64
	err := s.write.QueryRow(ctx, `INSERT INTO outbox (pool_id, username, kind, medium, destination, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.PoolID, m.Username, m.Kind, m.Medium, m.Destination, m.Subject, m.Body, ms(m.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, s.fail("add message", err)
	}
	return id, nil
}

func (s *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	q := `SELECT ` + sqlrows.MessageCols + ` FROM outbox WHERE id > ?`
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
	args = append(args, s.limit(store.Page{Limit: f.Limit}))
	return list(ctx, s, "list messages", sqlrows.ScanMessage, q, args...)
}
