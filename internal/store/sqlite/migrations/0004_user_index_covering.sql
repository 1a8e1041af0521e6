-- Reading a page of users loads their indexed and unique values by user: make
-- those lookups covering, so they never fall back to scanning the pool's rows.
DROP INDEX user_index_by_user;
CREATE INDEX user_index_by_user ON user_index(pool_id, user_key, attr, value);
DROP INDEX user_unique_by_user;
CREATE INDEX user_unique_by_user ON user_unique(pool_id, user_key, attr, value);
