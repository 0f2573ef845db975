-- What a run trains with (resolved from its DistillationConfig) and how far it got.
ALTER TABLE run
    ADD COLUMN ladd_config         TEXT,                          -- JSON of the LaddConfig it trains with
    ADD COLUMN iterations          INT     NOT NULL DEFAULT 0,
    ADD COLUMN checkpoint_interval INT     NOT NULL DEFAULT 0,
    ADD COLUMN iteration           INT     NOT NULL DEFAULT 0,    -- last iteration whose metrics are stored
    ADD COLUMN data_requests       INT     NOT NULL DEFAULT 0,    -- synthetic-data requests published so far
    ADD COLUMN cancel_requested    BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN teacher_weights_sha256  TEXT,                      -- the teacher checkpoint, from its first shard
    ADD COLUMN teacher_weights_size    BIGINT,
    ADD COLUMN teacher_manifest_sha256 TEXT,
    ADD COLUMN teacher_manifest_size   BIGINT;

-- The order the run reads its shards in: (request_index, shard_index).
ALTER TABLE synthetic_shard ADD COLUMN request_index INT NOT NULL DEFAULT 0;

-- One row per LADD iteration (rewritten identically when a resumed run repeats iterations after its last checkpoint).
CREATE TABLE run_metric (
    run_id             TEXT             NOT NULL REFERENCES run (run_id),
    iteration          INT              NOT NULL,
    loss_student       DOUBLE PRECISION NOT NULL,
    loss_discriminator DOUBLE PRECISION NOT NULL,
    d_real             DOUBLE PRECISION NOT NULL,
    d_fake             DOUBLE PRECISION NOT NULL,
    distillation_mse   DOUBLE PRECISION NOT NULL,
    grad_norm_student  DOUBLE PRECISION NOT NULL,
    grad_norm_heads    DOUBLE PRECISION NOT NULL,
    step_ms            DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, iteration)
);

-- Published checkpoints. The row, the run's progress and the CheckpointPublished event commit together,
-- so a checkpoint is announced exactly once; the resume state lets a restarted trainer continue from it.
CREATE TABLE checkpoint (
    run_id          TEXT        NOT NULL REFERENCES run (run_id),
    step            INT         NOT NULL,
    checkpoint_id   TEXT        NOT NULL UNIQUE,
    weights_sha256  TEXT        NOT NULL,
    weights_size    BIGINT      NOT NULL,
    manifest_sha256 TEXT        NOT NULL,
    manifest_size   BIGINT      NOT NULL,
    state_sha256    TEXT        NOT NULL,   -- student, heads, both optimizers, EMA, iteration (LaddTraining state)
    state_size      BIGINT      NOT NULL,
    final           BOOLEAN     NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, step)
);
