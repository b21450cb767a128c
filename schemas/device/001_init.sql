-- Device store, version 1. Applied by core/src/yzf.c in one transaction;
-- PRAGMA user_version counts the migrations applied.

-- Small named values: terminal id, limits, pinned certificate serials,
-- the data key sealed to the city, the data key check value.
CREATE TABLE meta (
  k TEXT PRIMARY KEY,
  v BLOB NOT NULL
) WITHOUT ROWID;

-- Every certificate the terminal holds, as the signed line it arrived in.
CREATE TABLE certs (
  serial BLOB PRIMARY KEY,           -- 16 bytes
  kind TEXT NOT NULL CHECK (kind IN ('root', 'city', 'feed')),
  key BLOB NOT NULL,                 -- subject Ed25519 key (feed id for feeds)
  line BLOB NOT NULL                 -- {"cert":...,"sig":...}
) WITHOUT ROWID;
CREATE INDEX certs_key ON certs (key);

-- Feeds held: the terminal's own (local = 1) and imported ones. The head is
-- kept here too, MACed under a key derived from the data key, so a cut
-- tail or a rewritten head is evident.
CREATE TABLE feeds (
  feed BLOB PRIMARY KEY,             -- Ed25519 public key, 32 bytes
  cert_serial BLOB NOT NULL,
  local INTEGER NOT NULL CHECK (local IN (0, 1)),
  head_seq INTEGER NOT NULL DEFAULT 0,
  head_id BLOB NOT NULL,
  head_mac BLOB NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0   -- 1: forked
) WITHOUT ROWID;

-- Officers' key slots. failures is written and synced before a PIN is
-- checked. A locked slot has lost its wrapped key.
CREATE TABLE keyslots (
  feed BLOB PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('pending', 'enrolled', 'locked')),
  failures INTEGER NOT NULL DEFAULT 0,
  kdf_ops INTEGER NOT NULL,
  kdf_mem INTEGER NOT NULL,
  salt BLOB,
  nonce BLOB,
  wrapped BLOB,                      -- feed secret key || data key
  created INTEGER NOT NULL
) WITHOUT ROWID;

-- Live sessions: the same keys wrapped under a port secret that logout,
-- expiry and wipe destroy.
CREATE TABLE sessions (
  feed BLOB PRIMARY KEY,
  expires INTEGER NOT NULL,          -- ms since epoch UTC
  nonce BLOB NOT NULL,
  wrapped BLOB NOT NULL
) WITHOUT ROWID;

-- The records. ct is XChaCha20-Poly1305(envelope bytes) under the data
-- key; the other columns are clear for indexing and lookup, and verified
-- against it. Nothing derivable only for show is kept twice.
CREATE TABLE records (
  feed BLOB NOT NULL,
  seq INTEGER NOT NULL,
  id BLOB NOT NULL,
  type TEXT NOT NULL,
  case_id TEXT,
  at INTEGER NOT NULL,               -- ms since epoch UTC
  sig BLOB NOT NULL,
  nonce BLOB NOT NULL,
  ct BLOB NOT NULL,
  PRIMARY KEY (feed, seq)
) WITHOUT ROWID;
CREATE INDEX records_case ON records (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX records_type ON records (type);

-- What arrived but failed its checks, with the reason. Never deleted.
CREATE TABLE quarantine (
  n INTEGER PRIMARY KEY,
  received INTEGER NOT NULL,         -- ms since epoch UTC
  source TEXT NOT NULL,
  feed BLOB,
  seq INTEGER,
  reason TEXT NOT NULL,
  line BLOB NOT NULL
);
