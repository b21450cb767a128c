-- Server store, version 6: the city's transparency log (schemas/sync.md,
-- "The city's log"). Every record the store accepts takes the next
-- position, in the commit that stores it; the Merkle tree over the
-- records' ids in this order is what checkpoints sign. The daemon
-- rebuilds the tree from these rows and the records' bytes when it starts,
-- so what it proves is what the store holds.
CREATE TABLE log (
  idx INTEGER PRIMARY KEY,           -- 0-based position in the log
  feed BLOB NOT NULL,
  seq INTEGER NOT NULL,
  UNIQUE (feed, seq)
);
-- Records stored before the log existed take their places in the order
-- they arrived.
INSERT INTO log (idx, feed, seq)
  SELECT row_number() OVER (ORDER BY received, feed, seq) - 1, feed, seq
  FROM records;
CREATE TRIGGER log_keep_u BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'the log is never changed'); END;
CREATE TRIGGER log_keep_d BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'the log is never deleted from'); END;

-- Records whose wall time cannot be true, by the city's clock and by the
-- attested time and monotonic clock the record itself carries (clocks
-- lie: order comes from seq). The record is stored all the same; the flag
-- says what is wrong with its time. Never changed or deleted.
CREATE TABLE record_flags (
  feed BLOB NOT NULL,
  seq INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (feed, seq)
) WITHOUT ROWID;
CREATE TRIGGER record_flags_keep_u BEFORE UPDATE ON record_flags
BEGIN SELECT RAISE(ABORT, 'flags are never changed'); END;
CREATE TRIGGER record_flags_keep_d BEFORE DELETE ON record_flags
BEGIN SELECT RAISE(ABORT, 'flags are never deleted'); END;
