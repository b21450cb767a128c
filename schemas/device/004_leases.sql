-- Device store, version 4: blocks of document numbers (文号) the city leased
-- to an officer's feed. `next` only moves forward: a number taken is never
-- handed out again, even if the document is never printed.
CREATE TABLE leases (
  feed BLOB NOT NULL,
  agency TEXT NOT NULL,              -- 统一社会信用代码
  doc_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  first INTEGER NOT NULL,
  last INTEGER NOT NULL,
  next INTEGER NOT NULL,             -- first number not yet taken
  received INTEGER NOT NULL,         -- ms since epoch UTC
  PRIMARY KEY (feed, doc_type, year, first)
) WITHOUT ROWID;
CREATE TRIGGER leases_forward BEFORE UPDATE OF next ON leases
WHEN NEW.next <= OLD.next OR NEW.next > OLD.last + 1
BEGIN SELECT RAISE(ABORT, 'a document number is taken once'); END;
