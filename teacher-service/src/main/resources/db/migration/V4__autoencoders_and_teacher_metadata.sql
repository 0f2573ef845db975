-- Registered autoencoders: a latent space a teacher can be trained in (POST /api/v1/autoencoder-jobs
-- registers one when it completes; a teacher job with autoencoderId trains in it).
CREATE TABLE autoencoder (
    autoencoder_id  TEXT PRIMARY KEY,
    weights_sha256  TEXT        NOT NULL,           -- safetensors weights in the blob store
    weights_size    BIGINT      NOT NULL,
    manifest_sha256 TEXT        NOT NULL,           -- its checkpoint manifest (JSON) in the blob store
    manifest_size   BIGINT      NOT NULL,
    config          TEXT        NOT NULL,           -- JSON: the architecture (AutoencoderConfig) from the manifest
    metrics         TEXT        NOT NULL,           -- JSON: e.g. psnr_db on held-out images, final_loss
    step            BIGINT      NOT NULL,
    source          TEXT        NOT NULL,           -- trained | imported | from-teacher
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What a teacher is and how well it trained, copied from its manifest at registration (NULL for rows
-- registered before this migration).
ALTER TABLE teacher
    ADD COLUMN config  TEXT,                        -- JSON: the architecture (FlowTransformerConfig)
    ADD COLUMN metrics TEXT,                        -- JSON: e.g. final_loss
    ADD COLUMN step    BIGINT;

-- One job table and one worker for both kinds of training job.
ALTER TABLE training_job
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'teacher', -- teacher | autoencoder
    -- autoencoder job: the autoencoder it registers; teacher job: the registered autoencoder whose latent
    -- space it trains in (then base_teacher is NULL)
    ADD COLUMN autoencoder_id TEXT,
    ALTER COLUMN teacher_id DROP NOT NULL,          -- NULL for autoencoder jobs
    ALTER COLUMN base_teacher DROP NOT NULL;        -- NULL for autoencoder jobs and teacher jobs with autoencoder_id
