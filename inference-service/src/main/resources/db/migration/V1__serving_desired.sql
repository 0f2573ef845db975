CREATE TABLE serving_desired (
    alias           TEXT PRIMARY KEY,
    checkpoint_id   TEXT        NOT NULL,
    revision        BIGINT      NOT NULL,
    weights_sha256  TEXT        NOT NULL,
    weights_size    BIGINT      NOT NULL,
    manifest_sha256 TEXT        NOT NULL,
    manifest_size   BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
