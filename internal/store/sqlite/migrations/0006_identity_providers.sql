-- A user pool's identity providers (internal/idp owns the doc) and their
-- IdpIdentifiers, each unique in the pool.
CREATE TABLE identity_providers (
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE idp_identifiers (
    pool_id    TEXT NOT NULL,
    identifier TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
);
CREATE INDEX idp_identifiers_by_provider ON idp_identifiers(pool_id, name);
