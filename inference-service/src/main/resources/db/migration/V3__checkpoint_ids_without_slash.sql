-- Checkpoint ids are <runId>-step-<N>, without '/' (docs/adr/020): rewrite the ones made as <runId>/step-<N>.
UPDATE serving_desired SET checkpoint_id = regexp_replace(checkpoint_id, '/step-([0-9]+)$', '-step-\1')
WHERE checkpoint_id ~ '/step-[0-9]+$';
