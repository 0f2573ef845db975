-- Synthetic-data requests are claimed one shard at a time with a lease and retried with a backoff (docs/adr/016):
-- state accepted (due at next_attempt_at) → claimed (by claimed_by until claimed_until) → accepted again with the
-- next shard, produced, or failed after ladd.teacher.generation.max-attempts attempts at one shard.
ALTER TABLE synthetic_request
    ADD COLUMN attempts        INT         NOT NULL DEFAULT 0,      -- attempts at its next shard (0 after each shard)
    ADD COLUMN next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),  -- not claimed before (the backoff of a failure)
    ADD COLUMN claimed_by      TEXT,                                -- the worker that holds a claimed request
    ADD COLUMN claimed_until   TIMESTAMPTZ,                         -- its lease: then another worker may take it over
    ADD COLUMN last_error      TEXT;                                -- why the last attempt failed

-- what the workers look for: due accepted requests and lapsed claims, oldest first
CREATE INDEX synthetic_request_open ON synthetic_request (created_at) WHERE state IN ('accepted', 'claimed');
