-- Server store, version 5: reference data sets the city published, every
-- version kept (a terminal gets the newest; an auditor can see them all).
CREATE TABLE refdata (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  line BLOB NOT NULL,                -- {"set":...,"sig":...}
  content BLOB NOT NULL,
  published INTEGER NOT NULL,        -- ms since epoch UTC
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE TRIGGER refdata_keep_u BEFORE UPDATE ON refdata
BEGIN SELECT RAISE(ABORT, 'published reference data is never changed'); END;
CREATE TRIGGER refdata_keep_d BEFORE DELETE ON refdata
BEGIN SELECT RAISE(ABORT, 'published reference data is never deleted'); END;
