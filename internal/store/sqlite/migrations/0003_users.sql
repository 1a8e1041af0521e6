CREATE TABLE users (
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    username   TEXT NOT NULL,
    sub        TEXT NOT NULL,
    status     TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    PRIMARY KEY (pool_id, key)
);

-- Searchable attributes: one row per (user, attribute). A filtered ListUsers
-- is a range scan of (pool_id, attr, value).
CREATE TABLE user_index (
    pool_id  TEXT NOT NULL,
    attr     TEXT NOT NULL,
    value    TEXT NOT NULL,
    user_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr, value, user_key),
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX user_index_by_user ON user_index(pool_id, user_key);

-- Values unique in a pool (the sub, an email used as username, verified aliases).
CREATE TABLE user_unique (
    pool_id  TEXT NOT NULL,
    attr     TEXT NOT NULL,
    value    TEXT NOT NULL,
    user_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr, value),
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX user_unique_by_user ON user_unique(pool_id, user_key);

CREATE TABLE groups (
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members(pool_id, user_key, group_name);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    medium      TEXT NOT NULL,
    destination TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX outbox_by_user ON outbox(pool_id, username, id);
