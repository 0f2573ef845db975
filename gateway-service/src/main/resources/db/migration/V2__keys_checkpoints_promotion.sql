-- API keys, the checkpoints the gateway may promote, what each alias should serve and the audit of every change.

-- Keys are stored as the SHA-256 of the key (hex): the key is 32 random bytes, so a fast hash is enough
-- (docs/adr/010-gateway-keys-roles-and-promotion.md). The key itself is shown once, when it is created.
CREATE TABLE api_key (
    name                  TEXT PRIMARY KEY,
    key_sha256            TEXT        NOT NULL UNIQUE,
    role                  TEXT        NOT NULL CHECK (role IN ('viewer', 'ml-staff', 'admin')),
    rate_limit_per_minute INTEGER     NOT NULL CHECK (rate_limit_per_minute > 0),
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by            TEXT        NOT NULL,
    revoked               BOOLEAN     NOT NULL DEFAULT false,
    revoked_at            TIMESTAMPTZ
);

-- Checkpoints as the trainer published them (claim checks) and eval-service scored them. A score may arrive
-- before the checkpoint (two topics), so every column but the id is nullable and each event fills its part.
CREATE TABLE checkpoint (
    checkpoint_id        TEXT PRIMARY KEY,
    run_id               TEXT        NOT NULL,
    step                 INTEGER,
    teacher_id           TEXT,
    weights              BYTEA,                -- BlobRef protobuf bytes (sha256, size, media type)
    manifest             BYTEA,
    autoencoder_weights  BYTEA,
    autoencoder_manifest BYTEA,
    published_at         TIMESTAMPTZ,
    score_state          TEXT        NOT NULL DEFAULT 'unscored' CHECK (score_state IN ('unscored', 'scored', 'refused')),
    refusal_reason       TEXT,
    scored_at            TIMESTAMPTZ
);

CREATE TABLE checkpoint_score (
    checkpoint_id        TEXT             NOT NULL REFERENCES checkpoint (checkpoint_id),
    sampler              TEXT             NOT NULL,
    steps                INTEGER          NOT NULL,
    cfg_scale            REAL             NOT NULL,
    fid                  DOUBLE PRECISION NOT NULL,
    precision            DOUBLE PRECISION NOT NULL,
    recall               DOUBLE PRECISION NOT NULL,
    prompt_adherence     DOUBLE PRECISION NOT NULL,
    ms_per_image_batch1  DOUBLE PRECISION NOT NULL,
    ms_per_image_batch64 DOUBLE PRECISION NOT NULL,
    images_per_second    DOUBLE PRECISION NOT NULL,
    num_samples          INTEGER          NOT NULL,
    PRIMARY KEY (checkpoint_id, sampler, steps, cfg_scale)
);

-- What each alias should serve (published as ServingDesired with the same revision).
CREATE TABLE serving_alias (
    alias         TEXT PRIMARY KEY,
    checkpoint_id TEXT        NOT NULL REFERENCES checkpoint (checkpoint_id),
    revision      BIGINT      NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The checkpoints an alias served, oldest first: promote pushes, rollback pops back to the one below.
CREATE TABLE serving_stack (
    alias         TEXT    NOT NULL,
    depth         INTEGER NOT NULL,
    checkpoint_id TEXT    NOT NULL REFERENCES checkpoint (checkpoint_id),
    PRIMARY KEY (alias, depth)
);

-- Every change of an alias: who (key name, or auto-policy), when, from, to, why.
CREATE TABLE serving_audit (
    id                 BIGSERIAL PRIMARY KEY,
    alias              TEXT        NOT NULL,
    revision           BIGINT      NOT NULL,
    action             TEXT        NOT NULL CHECK (action IN ('promote', 'rollback')),
    from_checkpoint_id TEXT,
    to_checkpoint_id   TEXT        NOT NULL,
    actor              TEXT        NOT NULL,
    reason             TEXT        NOT NULL,
    at                 TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX serving_audit_alias ON serving_audit (alias, id);
