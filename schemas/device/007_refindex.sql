-- Device store, version 7: the snapshot index of reference data
-- (yzf/refset.h) the terminal holds, one row: the line as the city signed
-- it, which binds the sets in refdata together. It never rolls back, and a
-- version is held as one line only (the same version with other bytes
-- would be the city saying two things); it is never deleted, so a lower
-- version can never be taken again.
CREATE TABLE refindex (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  line BLOB NOT NULL,                -- {"index":...,"sig":...} as signed
  expires INTEGER NOT NULL,          -- its expires, ms since epoch UTC
  received INTEGER NOT NULL          -- terminal clock ms UTC
);
CREATE TRIGGER refindex_forward BEFORE UPDATE ON refindex
WHEN NEW.version < OLD.version OR
     (NEW.version = OLD.version AND NEW.line IS NOT OLD.line)
BEGIN SELECT RAISE(ABORT, 'the reference data index never rolls back'); END;
CREATE TRIGGER refindex_keep BEFORE DELETE ON refindex
BEGIN SELECT RAISE(ABORT, 'the reference data index is never deleted'); END;
