-- Device store, version 2: what the city server has acknowledged, per feed.
-- Only an answer from the server moves it; it never moves backwards.
CREATE TABLE sync_state (
  feed BLOB PRIMARY KEY,
  acked_seq INTEGER NOT NULL DEFAULT 0,
  acked_id BLOB NOT NULL,
  updated INTEGER NOT NULL           -- ms since epoch UTC
) WITHOUT ROWID;
