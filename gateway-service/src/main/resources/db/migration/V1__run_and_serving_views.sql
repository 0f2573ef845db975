-- The gateway's read models: what the API and the dashboard show, fed by the other services' events.
CREATE TABLE run_view (
    run_id       TEXT PRIMARY KEY,
    teacher_id   TEXT        NOT NULL,
    state        TEXT        NOT NULL,  -- requested | training | completed | failed | cancelled
    reason       TEXT,
    requested_by TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE serving_status (
    alias         TEXT PRIMARY KEY,
    checkpoint_id TEXT        NOT NULL,
    revision      BIGINT      NOT NULL,
    status        TEXT        NOT NULL,  -- serving | swap-failed
    reason        TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
