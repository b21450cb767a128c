-- Server store (yzf-syncd), version 1. Applied by syncd/store/store.c in one
-- transaction; PRAGMA user_version counts the migrations applied.
--
-- The server is the city's system of record: records are kept in clear, as
-- the signed bytes that arrived. Protection at rest is the deployment's
-- disk encryption, not this schema's. Nothing here is ever updated or
-- deleted except a feed's head and flags; triggers refuse the rest.

-- Small named values: the pinned root and city certificate serials.
CREATE TABLE meta (
  k TEXT PRIMARY KEY,
  v BLOB NOT NULL
) WITHOUT ROWID;

-- Every certificate of the roster, as the signed line it came in: the
-- province root and the city from trust.ndjson, feed certificates from
-- issued.ndjson. A feed is known when its certificate is here.
CREATE TABLE certs (
  serial BLOB PRIMARY KEY,           -- 16 bytes
  kind TEXT NOT NULL CHECK (kind IN ('root', 'city', 'feed')),
  key BLOB NOT NULL,                 -- subject Ed25519 key (feed id for feeds)
  line BLOB NOT NULL                 -- {"cert":...,"sig":...}
) WITHOUT ROWID;
CREATE INDEX certs_key ON certs (key);

-- Revocations signed by the city (revoked.ndjson). A certificate is revoked
-- from `at` on; records made before it stay valid.
CREATE TABLE revocations (
  serial BLOB NOT NULL,              -- the revoked certificate's serial
  at INTEGER NOT NULL,               -- ms since epoch UTC
  reason TEXT NOT NULL,
  line BLOB NOT NULL,                -- {"rev":...,"sig":...}
  PRIMARY KEY (serial, line)
) WITHOUT ROWID;

-- One row per known feed: its certificate and the stored head (seq 0 and a
-- zero id before the first record). flags bit 1: forked (two different
-- records at one seq arrived; both are kept, the second in quarantine).
CREATE TABLE feeds (
  feed BLOB PRIMARY KEY,             -- Ed25519 public key, 32 bytes
  cert_serial BLOB NOT NULL,
  head_seq INTEGER NOT NULL DEFAULT 0,
  head_id BLOB NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The records, each the signed envelope verbatim with its signature.
CREATE TABLE records (
  feed BLOB NOT NULL,
  seq INTEGER NOT NULL,
  id BLOB NOT NULL,                  -- BLAKE2b-256(bytes || sig)
  bytes BLOB NOT NULL,               -- canonical envelope, as signed
  sig BLOB NOT NULL,                 -- Ed25519, 64 bytes
  received INTEGER NOT NULL,         -- ms since epoch UTC
  PRIMARY KEY (feed, seq)
) WITHOUT ROWID;

-- What arrived but failed its checks, with the reason. Never deleted.
CREATE TABLE quarantine (
  n INTEGER PRIMARY KEY,
  received INTEGER NOT NULL,         -- ms since epoch UTC
  feed BLOB,                         -- the feed that pushed it
  seq INTEGER,                       -- the record's seq, when readable
  reason TEXT NOT NULL,
  line BLOB NOT NULL                 -- the line exactly as it arrived
);

CREATE TRIGGER records_keep_u BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are never changed'); END;
CREATE TRIGGER records_keep_d BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER quarantine_keep_u BEFORE UPDATE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine is never changed'); END;
CREATE TRIGGER quarantine_keep_d BEFORE DELETE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine is never deleted'); END;
CREATE TRIGGER certs_keep_u BEFORE UPDATE ON certs
BEGIN SELECT RAISE(ABORT, 'certificates are never changed'); END;
CREATE TRIGGER certs_keep_d BEFORE DELETE ON certs
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;
CREATE TRIGGER revocations_keep_d BEFORE DELETE ON revocations
BEGIN SELECT RAISE(ABORT, 'revocations are never deleted'); END;
CREATE TRIGGER feeds_head_forward BEFORE UPDATE OF head_seq ON feeds
WHEN NEW.head_seq < OLD.head_seq
BEGIN SELECT RAISE(ABORT, 'a feed head never moves back'); END;
