-- The fencing token of a run's lease (docs/adr/016-run-lease-fencing.md): every trainer that takes a run's lock
-- increments it and remembers its value; each of its writes to the run (progress, checkpoints, state) first checks
-- that the value is still its own, in the same transaction. A trainer whose lock was lost without its knowing (a
-- PostgreSQL restart, a cut connection) and was taken by another finds a newer epoch, writes nothing and stops.
ALTER TABLE run ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0;
