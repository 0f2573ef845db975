CREATE TABLE checkpoint (
    checkpoint_id   TEXT PRIMARY KEY,
    run_id          TEXT        NOT NULL,
    step            INT         NOT NULL,
    teacher_id      TEXT        NOT NULL,
    weights_sha256  TEXT        NOT NULL,
    weights_size    BIGINT      NOT NULL,
    manifest_sha256 TEXT        NOT NULL,
    manifest_size   BIGINT      NOT NULL,
    state           TEXT        NOT NULL,  -- pending | refused | scored
    refusal_reason  TEXT,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX checkpoint_by_run ON checkpoint (run_id, step);
