-- What eval-service needs to score a checkpoint besides the student: the teacher it was distilled from (for
-- the baselines) and the autoencoder of their latent space (to decode latents into the images it scores).
-- NULL in rows of checkpoints refused because the event lacked them, and in rows older than V2.
ALTER TABLE checkpoint
    ADD COLUMN teacher_weights_sha256      TEXT,
    ADD COLUMN teacher_weights_size        BIGINT,
    ADD COLUMN teacher_manifest_sha256     TEXT,
    ADD COLUMN teacher_manifest_size       BIGINT,
    ADD COLUMN autoencoder_weights_sha256  TEXT,
    ADD COLUMN autoencoder_weights_size    BIGINT,
    ADD COLUMN autoencoder_manifest_sha256 TEXT,
    ADD COLUMN autoencoder_manifest_size   BIGINT,
    ADD COLUMN scoring_attempts            INT NOT NULL DEFAULT 0,  -- scoring runs that failed unexpectedly
    ADD COLUMN scored_at                   TIMESTAMPTZ;
CREATE INDEX checkpoint_pending ON checkpoint (received_at) WHERE state = 'pending';

-- One row per student step count of a scored checkpoint. Written in the transaction that marks the
-- checkpoint scored and queues CheckpointScored, so the scores and the event exist together or not at all.
CREATE TABLE checkpoint_score (
    checkpoint_id        TEXT             NOT NULL REFERENCES checkpoint (checkpoint_id),
    steps                INT              NOT NULL,
    fid                  DOUBLE PRECISION NOT NULL,
    precision_score      DOUBLE PRECISION NOT NULL,
    recall_score         DOUBLE PRECISION NOT NULL,
    adherence            DOUBLE PRECISION NOT NULL,   -- NaN when no prompt named a class
    ms_per_image_batch1  DOUBLE PRECISION NOT NULL,
    ms_per_image_batch64 DOUBLE PRECISION NOT NULL,
    images_per_second    DOUBLE PRECISION NOT NULL,
    num_samples          INT              NOT NULL,
    PRIMARY KEY (checkpoint_id, steps)
);

-- Teachers as eval-service met them: the claim checks from the first verified checkpoint distilled from each.
CREATE TABLE teacher (
    teacher_id                  TEXT PRIMARY KEY,
    weights_sha256              TEXT        NOT NULL,
    weights_size                BIGINT      NOT NULL,
    manifest_sha256             TEXT        NOT NULL,
    manifest_size               BIGINT      NOT NULL,
    autoencoder_weights_sha256  TEXT        NOT NULL,
    autoencoder_weights_size    BIGINT      NOT NULL,
    autoencoder_manifest_sha256 TEXT        NOT NULL,
    autoencoder_manifest_size   BIGINT      NOT NULL,
    recorded_at                 TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The teacher's own scores on the same prompts and seeds, once per teacher: its full step count with CFG
-- and a few Euler steps with CFG. Each row commits on its own, so a restart computes only the missing ones.
-- The evaluation set's size is part of the key: scores over another number of samples are not comparable
-- (precision and recall depend on it), so a changed ladd.eval.samples computes the baselines anew.
CREATE TABLE teacher_baseline (
    teacher_id           TEXT             NOT NULL REFERENCES teacher (teacher_id),
    steps                INT              NOT NULL,
    cfg_scale            DOUBLE PRECISION NOT NULL,
    fid                  DOUBLE PRECISION NOT NULL,
    precision_score      DOUBLE PRECISION NOT NULL,
    recall_score         DOUBLE PRECISION NOT NULL,
    adherence            DOUBLE PRECISION NOT NULL,
    ms_per_image_batch1  DOUBLE PRECISION NOT NULL,
    ms_per_image_batch64 DOUBLE PRECISION NOT NULL,
    images_per_second    DOUBLE PRECISION NOT NULL,
    num_samples          INT              NOT NULL,
    scored_at            TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (teacher_id, num_samples, steps, cfg_scale)
);
