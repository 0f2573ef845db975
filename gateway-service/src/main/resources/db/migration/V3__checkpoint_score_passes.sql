-- Progressive scoring (eval-service, docs/adr/008): eval-service announces every checkpoint twice, a quick pass
-- (500 samples) and then the full one (5,000). Both passes' scores are kept, side by side; score_pass is the most
-- thorough pass received, whose scores the API shows (the full one supersedes the quick one).
ALTER TABLE checkpoint ADD COLUMN score_pass TEXT CHECK (score_pass IN ('quick', 'full'));
UPDATE checkpoint SET score_pass = 'full' WHERE score_state = 'scored';   -- scored before passes existed: in full

ALTER TABLE checkpoint_score ADD COLUMN pass TEXT NOT NULL DEFAULT 'full' CHECK (pass IN ('quick', 'full'));
ALTER TABLE checkpoint_score ALTER COLUMN pass DROP DEFAULT;
ALTER TABLE checkpoint_score DROP CONSTRAINT checkpoint_score_pkey;
ALTER TABLE checkpoint_score ADD PRIMARY KEY (checkpoint_id, pass, sampler, steps, cfg_scale);
