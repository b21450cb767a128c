-- Server store, version 4: document-number leases. Numbers (文号) run per
-- agency, document type and year; a terminal takes a block so documents
-- printed offline carry final numbers, and no number is leased twice.
CREATE TABLE lease_counters (
  uscc TEXT NOT NULL,                -- the agency's 统一社会信用代码
  doc_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  next INTEGER NOT NULL,             -- first number not yet leased
  PRIMARY KEY (uscc, doc_type, year)
) WITHOUT ROWID;
CREATE TABLE leases (
  uscc TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  first INTEGER NOT NULL,
  last INTEGER NOT NULL,
  feed BLOB NOT NULL,                -- who holds the block
  at INTEGER NOT NULL,               -- ms since epoch UTC
  PRIMARY KEY (uscc, doc_type, year, first)
) WITHOUT ROWID;
CREATE TRIGGER leases_keep_u BEFORE UPDATE ON leases
BEGIN SELECT RAISE(ABORT, 'a lease is never changed'); END;
CREATE TRIGGER leases_keep_d BEFORE DELETE ON leases
BEGIN SELECT RAISE(ABORT, 'a lease is never deleted'); END;
CREATE TRIGGER lease_counters_forward BEFORE UPDATE OF next ON lease_counters
WHEN NEW.next <= OLD.next
BEGIN SELECT RAISE(ABORT, 'a document number is never leased twice'); END;
