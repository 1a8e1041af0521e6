CREATE TABLE user_pools (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL
);

CREATE TABLE app_clients (
    id         TEXT PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL
);
CREATE INDEX app_clients_by_pool ON app_clients(pool_id, id);

CREATE TABLE resource_servers (
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);
