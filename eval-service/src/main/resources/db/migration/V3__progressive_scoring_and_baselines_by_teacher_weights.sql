-- Progressive scoring (docs/adr/008-checkpoint-scoring.md, "Progressive scoring"): every checkpoint is scored in
-- a quick pass (ladd.eval.quick-samples, 500) and then a full pass (ladd.eval.samples, 5,000). state 'scored'
-- now means "has at least its quick score"; each pass records when it was announced.
ALTER TABLE checkpoint
    ADD COLUMN quick_scored_at TIMESTAMPTZ,
    ADD COLUMN full_scored_at  TIMESTAMPTZ;
UPDATE checkpoint SET full_scored_at = scored_at WHERE state = 'scored';   -- scored before V3: in full

-- The scores of each pass, kept side by side. A pass's rows are written as each student step count finishes and
-- become visible (API, CheckpointScored) only once the pass is announced (quick_scored_at / full_scored_at).
ALTER TABLE checkpoint_score ADD COLUMN pass TEXT NOT NULL DEFAULT 'full' CHECK (pass IN ('quick', 'full'));
ALTER TABLE checkpoint_score ALTER COLUMN pass DROP DEFAULT;
ALTER TABLE checkpoint_score DROP CONSTRAINT checkpoint_score_pkey;
ALTER TABLE checkpoint_score ADD PRIMARY KEY (checkpoint_id, pass, steps);

-- The teacher's baselines, keyed by what they measure rather than by a teacher id (which a re-import can point at
-- other weights): the teacher's weights, the metrics classifier's weights, the evaluation set's size, steps and
-- CFG. Computed once and kept, or imported from a shipped file (ladd.eval.baseline-files); source says which.
-- Rows of teacher_baseline cannot be carried over (they do not name their classifier); they are measurements,
-- computed again at most once per teacher and size, so the old table goes.
CREATE TABLE baseline (
    teacher_weights_sha256 TEXT             NOT NULL,
    classifier_sha256      TEXT             NOT NULL,
    num_samples            INT              NOT NULL,
    steps                  INT              NOT NULL,
    cfg_scale              DOUBLE PRECISION NOT NULL,
    fid                    DOUBLE PRECISION NOT NULL,
    precision_score        DOUBLE PRECISION NOT NULL,
    recall_score           DOUBLE PRECISION NOT NULL,
    adherence              DOUBLE PRECISION NOT NULL,
    ms_per_image_batch1    DOUBLE PRECISION NOT NULL,
    ms_per_image_batch64   DOUBLE PRECISION NOT NULL,
    images_per_second      DOUBLE PRECISION NOT NULL,
    source                 TEXT             NOT NULL,   -- 'computed' or 'imported from <file>'
    recorded_at            TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (teacher_weights_sha256, classifier_sha256, num_samples, steps, cfg_scale)
);
DROP TABLE teacher_baseline;

-- Long scoring work in units of 64 samples (one sampler chunk), each committed with its latents as it is made:
-- the worker can leave a full pass between two units for a newer checkpoint's quick pass, and a restart resumes
-- at the first missing unit. A configuration's units are deleted in the transaction that stores its score.
CREATE TABLE scoring_unit (
    model        TEXT             NOT NULL,   -- 'student:<checkpoint id>' or 'teacher:<weights sha256>'
    num_samples  INT              NOT NULL,   -- the pass's evaluation-set size
    steps        INT              NOT NULL,
    cfg_scale    DOUBLE PRECISION NOT NULL,
    first_sample INT              NOT NULL,
    sample_count INT              NOT NULL,
    latents      BYTEA            NOT NULL,   -- float32 little-endian, [sample_count · C · H · W], normalized
    created_at   TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (model, num_samples, steps, cfg_scale, first_sample)
);
