-- Device store, version 8: evidence and recording media, content-addressed
-- and encrypted (schemas/evidence.md). A blob is named by BLAKE2b-256 of
-- its plaintext; its bytes are a libsodium secretstream
-- (XChaCha20-Poly1305) under a key derived from the store's data key, one
-- row per chunk, the last an empty message tagged FINAL whose associated
-- data binds the stream to the content hash. The signed records
-- (evidence.add, rec.segment) say what each blob must be; verify checks
-- the blobs against them.
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  hash BLOB UNIQUE,                  -- NULL while being written
  size INTEGER NOT NULL DEFAULT 0,   -- plaintext bytes
  header BLOB NOT NULL,              -- secretstream header, 24 bytes
  chunks INTEGER NOT NULL DEFAULT 0, -- rows in blob_chunks, FINAL included
  created INTEGER NOT NULL,          -- terminal clock ms UTC
  pushed INTEGER NOT NULL DEFAULT 0  -- the city answered it complete
);
CREATE TABLE blob_chunks (
  blob INTEGER NOT NULL REFERENCES blobs (id),
  n INTEGER NOT NULL,                -- 0, 1, ...
  ct BLOB NOT NULL,                  -- one secretstream message
  PRIMARY KEY (blob, n)
) WITHOUT ROWID;
