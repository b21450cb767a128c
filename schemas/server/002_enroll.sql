-- Server store, version 2: one-time enrollment codes (schemas/sync.md,
-- "Enrollment"). Only a hash of each code is kept; a code is used once.
CREATE TABLE enroll_codes (
  code_hash BLOB PRIMARY KEY,        -- BLAKE2b-256 of the normalised code
  name TEXT NOT NULL,                -- officer
  officer_no TEXT NOT NULL,          -- 执法证号
  agency TEXT NOT NULL,
  uscc TEXT NOT NULL,
  roles INTEGER NOT NULL,            -- enum yzf_role bits
  days INTEGER NOT NULL,             -- certificate validity
  created INTEGER NOT NULL,          -- ms since epoch UTC
  expires INTEGER NOT NULL,          -- ms since epoch UTC
  used INTEGER,                      -- ms, when a terminal enrolled with it
  used_feed BLOB                     -- the feed it certified
) WITHOUT ROWID;
CREATE TRIGGER enroll_codes_once BEFORE UPDATE OF used ON enroll_codes
WHEN OLD.used IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an enrollment code is used once'); END;
