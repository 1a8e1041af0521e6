CREATE TABLE certificates (
    arn         TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    domain_name TEXT NOT NULL,
    status      TEXT NOT NULL,
    type        TEXT NOT NULL,
    not_after   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    doc         BLOB NOT NULL,
    sealed_key  BLOB NOT NULL
);
CREATE INDEX certificates_by_region ON certificates(region, arn);
CREATE INDEX certificates_by_expiry ON certificates(type, not_after);

CREATE TABLE domains (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE RESTRICT,
    region     TEXT NOT NULL,
    custom     INTEGER NOT NULL,
    cert_arn   TEXT REFERENCES certificates(arn) ON DELETE RESTRICT,
    status     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    UNIQUE (pool_id, custom)
);
CREATE INDEX domains_by_cert ON domains(cert_arn);
CREATE INDEX domains_pending ON domains(status) WHERE status <> 'ACTIVE';
CREATE INDEX domains_custom_region ON domains(custom, region);

CREATE TABLE kv (
    key        TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
