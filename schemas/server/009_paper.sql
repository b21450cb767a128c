-- Server store, version 9: the pre-printed serial of every paper document
-- entered (paper.backfill, schemas/paper.md), first entry kept. A serial
-- entered again, on another terminal that could not know, is stored and
-- flagged in record_flags naming the first entry.
CREATE TABLE paper_serials (
  doctype TEXT NOT NULL,
  year INTEGER NOT NULL,
  no INTEGER NOT NULL,
  feed BLOB NOT NULL,                -- the first entry
  seq INTEGER NOT NULL,
  PRIMARY KEY (doctype, year, no)
) WITHOUT ROWID;
