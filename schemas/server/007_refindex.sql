-- Server store, migration 007 (006 is the city's log): the signed snapshot
-- index of reference data (yzf/refset.h), every version kept. Each names
-- the newest version of every set when it was signed; a terminal gets the
-- newest. Versions go up by one, in the same transaction as the set
-- publication they follow, and are never changed or deleted: a terminal
-- that holds version N must never be offered another line as N.
CREATE TABLE refindex (
  version INTEGER PRIMARY KEY,
  line BLOB NOT NULL,                -- {"index":...,"sig":...}
  published INTEGER NOT NULL         -- ms since epoch UTC
);
CREATE TRIGGER refindex_next BEFORE INSERT ON refindex
WHEN NEW.version <> coalesce((SELECT max(version) FROM refindex), 0) + 1
BEGIN SELECT RAISE(ABORT, 'index versions go up by one'); END;
CREATE TRIGGER refindex_keep_u BEFORE UPDATE ON refindex
BEGIN SELECT RAISE(ABORT, 'a published index is never changed'); END;
CREATE TRIGGER refindex_keep_d BEFORE DELETE ON refindex
BEGIN SELECT RAISE(ABORT, 'a published index is never deleted'); END;
