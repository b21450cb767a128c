-- Device store, version 5: reference data sets the city published, the
-- newest version of each, with the signed header it arrived under.
CREATE TABLE refdata (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  line BLOB NOT NULL,                -- {"set":...,"sig":...}
  content BLOB NOT NULL,
  received INTEGER NOT NULL          -- ms since epoch UTC
) WITHOUT ROWID;
CREATE TRIGGER refdata_forward BEFORE UPDATE OF version ON refdata
WHEN NEW.version <= OLD.version
BEGIN SELECT RAISE(ABORT, 'reference data never rolls back'); END;
