-- ServingDesired carries the autoencoder that decodes the student's latents (images, not latents).
-- NULL for rows stored before: such a model cannot be served, and the swap says so.
ALTER TABLE serving_desired
    ADD COLUMN autoencoder_weights_sha256  TEXT,
    ADD COLUMN autoencoder_weights_size    BIGINT,
    ADD COLUMN autoencoder_manifest_sha256 TEXT,
    ADD COLUMN autoencoder_manifest_size   BIGINT;
