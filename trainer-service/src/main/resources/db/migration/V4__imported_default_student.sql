-- The committed default student (docs/adr/014) is imported, not trained: its run received no synthetic data and its
-- one checkpoint has no resume state (LADD heads, optimizers, EMA). imported_from names the folder it came from;
-- NULL for every run this trainer trained.
ALTER TABLE checkpoint
    ALTER COLUMN state_sha256 DROP NOT NULL,
    ALTER COLUMN state_size DROP NOT NULL;
ALTER TABLE run ADD COLUMN imported_from TEXT;
