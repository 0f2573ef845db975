-- Teacher training jobs started through the API: progress, ETA, and the resumable state of a stopped job.
CREATE TABLE training_job (
    job_id        TEXT PRIMARY KEY,
    teacher_id    TEXT        NOT NULL,             -- the teacher it registers when it completes
    base_teacher  TEXT        NOT NULL,             -- whose autoencoder (latent space) it trains in
    state         TEXT        NOT NULL,             -- queued | running | stopping | stopped | completed | failed
    settings      TEXT        NOT NULL,             -- JSON of TrainingJobRequest
    step          BIGINT      NOT NULL DEFAULT 0,
    total_steps   BIGINT      NOT NULL,
    loss          DOUBLE PRECISION,
    eta_seconds   BIGINT,
    state_sha256  TEXT,                             -- TrainingState in the blob store (stopped jobs)
    state_size    BIGINT,
    error         TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
