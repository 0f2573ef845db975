-- Checkpoint ids are <runId>-step-<N>, without '/' (docs/adr/020): rewrite the ones made as <runId>/step-<N>.
-- checkpoint_score, serving_alias and serving_stack reference checkpoint: the renamed checkpoints are added first,
-- the references moved, then the old rows deleted (no foreign key is dropped or named here).
CREATE TEMPORARY TABLE renamed_checkpoint ON COMMIT DROP AS
SELECT * FROM checkpoint WHERE checkpoint_id ~ '/step-[0-9]+$';
CREATE TEMPORARY TABLE checkpoint_id_map ON COMMIT DROP AS
SELECT checkpoint_id AS old_id, regexp_replace(checkpoint_id, '/step-([0-9]+)$', '-step-\1') AS new_id
FROM renamed_checkpoint;
UPDATE renamed_checkpoint r SET checkpoint_id = m.new_id FROM checkpoint_id_map m WHERE r.checkpoint_id = m.old_id;
INSERT INTO checkpoint SELECT * FROM renamed_checkpoint;
UPDATE checkpoint_score s SET checkpoint_id = m.new_id FROM checkpoint_id_map m WHERE s.checkpoint_id = m.old_id;
UPDATE serving_alias s SET checkpoint_id = m.new_id FROM checkpoint_id_map m WHERE s.checkpoint_id = m.old_id;
UPDATE serving_stack s SET checkpoint_id = m.new_id FROM checkpoint_id_map m WHERE s.checkpoint_id = m.old_id;
DELETE FROM checkpoint c USING checkpoint_id_map m WHERE c.checkpoint_id = m.old_id;
-- history and replica reports: no references, rewritten in place
UPDATE serving_audit SET from_checkpoint_id = regexp_replace(from_checkpoint_id, '/step-([0-9]+)$', '-step-\1')
WHERE from_checkpoint_id ~ '/step-[0-9]+$';
UPDATE serving_audit SET to_checkpoint_id = regexp_replace(to_checkpoint_id, '/step-([0-9]+)$', '-step-\1')
WHERE to_checkpoint_id ~ '/step-[0-9]+$';
UPDATE serving_status SET checkpoint_id = regexp_replace(checkpoint_id, '/step-([0-9]+)$', '-step-\1')
WHERE checkpoint_id ~ '/step-[0-9]+$';
UPDATE serving_replica_status SET checkpoint_id = regexp_replace(checkpoint_id, '/step-([0-9]+)$', '-step-\1')
WHERE checkpoint_id ~ '/step-[0-9]+$';
