-- The autoencoder of the teacher's latent space, from the run's first shard that names one (teacher-service
-- sends it with the teacher). The trainer never decodes; it hands these claim checks on with every
-- CheckpointPublished so that eval-service can turn the student's latents into images. NULL: the teacher
-- was registered without an autoencoder (its checkpoints cannot be scored).
ALTER TABLE run
    ADD COLUMN autoencoder_weights_sha256  TEXT,
    ADD COLUMN autoencoder_weights_size    BIGINT,
    ADD COLUMN autoencoder_manifest_sha256 TEXT,
    ADD COLUMN autoencoder_manifest_size   BIGINT;
