CREATE TABLE run (
    run_id         TEXT PRIMARY KEY,
    teacher_id     TEXT        NOT NULL,
    state          TEXT        NOT NULL,
    config         BYTEA       NOT NULL,  -- DistillationConfig (protobuf) as requested
    requested_by   TEXT        NOT NULL,
    failure_reason TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Synthetic latent shards produced by teacher-service for a run (claim checks into the blob store).
CREATE TABLE synthetic_shard (
    run_id       TEXT        NOT NULL REFERENCES run (run_id),
    request_id   TEXT        NOT NULL,
    shard_index  INT         NOT NULL,
    shard_count  INT         NOT NULL,
    sha256       TEXT        NOT NULL,
    size_bytes   BIGINT      NOT NULL,
    sample_count INT         NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, request_id, shard_index)
);
