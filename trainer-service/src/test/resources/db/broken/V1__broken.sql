-- A migration that cannot run: used by MigrationFailureTest.
CREATE TABLE run (run_id TEXT PRIMARY KEY);
ALTER TABLE no_such_table ADD COLUMN x INT;
