CREATE TABLE teacher (
    teacher_id  TEXT PRIMARY KEY,
    description TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE synthetic_request (
    request_id    TEXT PRIMARY KEY,
    run_id        TEXT        NOT NULL,
    teacher_id    TEXT        NOT NULL,
    num_samples   INT         NOT NULL,
    shard_size    INT         NOT NULL,
    sampler_steps INT         NOT NULL,
    cfg_scale     REAL        NOT NULL,
    seed          BIGINT      NOT NULL,
    state         TEXT        NOT NULL,  -- accepted | rejected
    reason        TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
