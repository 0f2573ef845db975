-- What each inference replica last reported for each alias (ModelServing / ModelSwapFailed carry the replica), so
-- that replicas serving different models show: serving_status keeps one row per alias, the latest report of any.
CREATE TABLE serving_replica_status (
    alias         TEXT        NOT NULL,
    replica       TEXT        NOT NULL,
    checkpoint_id TEXT        NOT NULL,  -- what the replica serves ('' when nothing yet)
    revision      BIGINT      NOT NULL,  -- the revision reported: served, or the one that failed
    status        TEXT        NOT NULL,  -- serving | swap-failed
    reason        TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (alias, replica)
);
