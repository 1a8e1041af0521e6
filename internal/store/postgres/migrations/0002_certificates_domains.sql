CREATE TABLE certificates (
    arn         TEXT COLLATE "C" PRIMARY KEY,
    region      TEXT COLLATE "C" NOT NULL,
    domain_name TEXT NOT NULL,
    status      TEXT NOT NULL,
    type        TEXT COLLATE "C" NOT NULL,
    not_after   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    doc         BYTEA NOT NULL,
    sealed_key  BYTEA NOT NULL
);
CREATE INDEX certificates_by_region ON certificates(region, arn);
CREATE INDEX certificates_by_expiry ON certificates(type, not_after);

CREATE TABLE domains (
    key        TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE RESTRICT,
    region     TEXT COLLATE "C" NOT NULL,
    custom     BOOLEAN NOT NULL,
    cert_arn   TEXT COLLATE "C" REFERENCES certificates(arn) ON DELETE RESTRICT,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    doc        BYTEA NOT NULL,
    CONSTRAINT domains_pool_kind UNIQUE (pool_id, custom)
);
CREATE INDEX domains_by_cert ON domains(cert_arn);
CREATE INDEX domains_pending ON domains(status) WHERE status <> 'ACTIVE';
CREATE INDEX domains_custom_region ON domains(custom, region);

CREATE TABLE kv (
    key        TEXT COLLATE "C" PRIMARY KEY,
    value      BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
