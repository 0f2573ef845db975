-- A registered teacher is one verified checkpoint in the blob store.
ALTER TABLE teacher
    ADD COLUMN weights_sha256  TEXT,
    ADD COLUMN weights_size    BIGINT,
    ADD COLUMN manifest_sha256 TEXT,
    ADD COLUMN manifest_size   BIGINT,
    -- the autoencoder that decodes its latents into images (optional: synthetic data needs only latents)
    ADD COLUMN autoencoder_weights_sha256  TEXT,
    ADD COLUMN autoencoder_weights_size    BIGINT,
    ADD COLUMN autoencoder_manifest_sha256 TEXT,
    ADD COLUMN autoencoder_manifest_size   BIGINT,
    ADD COLUMN source          TEXT NOT NULL DEFAULT 'registered';  -- registered | imported | trained

-- Shards already produced for a request: generation resumes at the first missing index after a crash,
-- and a shard is announced exactly when its row is written (same transaction as the outbox event).
CREATE TABLE synthetic_shard (
    request_id  TEXT        NOT NULL REFERENCES synthetic_request (request_id),
    shard_index INT         NOT NULL,
    sha256      TEXT        NOT NULL,
    size_bytes  BIGINT      NOT NULL,
    sample_count INT        NOT NULL,
    produced_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, shard_index)
);

ALTER TABLE synthetic_request ADD COLUMN prompts TEXT NOT NULL DEFAULT '[]';  -- JSON array; empty = default mix
