-- Text keys use COLLATE "C" so that ordering (and so paging) is bytewise,
-- exactly like the SQLite backend.
CREATE TABLE user_pools (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL
);

CREATE TABLE app_clients (
    id         TEXT COLLATE "C" PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL
);
CREATE INDEX app_clients_by_pool ON app_clients(pool_id, id);

CREATE TABLE resource_servers (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    identifier TEXT COLLATE "C" NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);
