CREATE TABLE users (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    key        TEXT COLLATE "C" NOT NULL,
    username   TEXT NOT NULL,
    sub        TEXT NOT NULL,
    status     TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, key)
);

-- Searchable attributes: one row per (user, attribute). A filtered ListUsers
-- is a range scan of (pool_id, attr, value).
CREATE TABLE user_index (
    pool_id  TEXT COLLATE "C" NOT NULL,
    attr     TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, attr, value, user_key),
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX user_index_by_user ON user_index(pool_id, user_key, attr, value);

-- Values unique in a pool (the sub, an email used as username, verified aliases).
CREATE TABLE user_unique (
    pool_id  TEXT COLLATE "C" NOT NULL,
    attr     TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_unique_pkey PRIMARY KEY (pool_id, attr, value),
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX user_unique_by_user ON user_unique(pool_id, user_key, attr, value);

CREATE TABLE groups (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT COLLATE "C" NOT NULL,
    group_name TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_key) REFERENCES users(pool_id, key) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members(pool_id, user_key, group_name);

CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    username    TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    medium      TEXT NOT NULL,
    destination TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX outbox_by_user ON outbox(pool_id, username, id);
