-- Device store, version 3: revocations the city signed, as they arrived
-- (verified against the pinned city key before they are kept). A
-- certificate is revoked from `at` on: records made before stay valid.
CREATE TABLE revocations (
  serial BLOB NOT NULL,              -- 16 bytes
  at INTEGER NOT NULL,               -- ms since epoch UTC
  reason TEXT NOT NULL,
  line BLOB NOT NULL,
  PRIMARY KEY (serial, at)
) WITHOUT ROWID;
