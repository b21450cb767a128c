-- Device store, version 6: what the terminal trusts the city for.
--
-- attested: the newest server-signed time that answered this terminal's
-- own request (one row, id 1), with the terminal's clocks when it arrived.
-- It never moves back.
CREATE TABLE attested (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL,               -- server time, ms since epoch UTC
  tz INTEGER NOT NULL,               -- its zone, minutes east of UTC
  mono INTEGER NOT NULL,             -- terminal monotonic ms on arrival
  local INTEGER NOT NULL             -- terminal wall clock ms on arrival
);
CREATE TRIGGER attested_forward BEFORE UPDATE ON attested
WHEN NEW.at < OLD.at
BEGIN SELECT RAISE(ABORT, 'attested time never moves back'); END;

-- checkpoint: the newest signed head of the city's log this terminal
-- accepted (one row), each later one only after its consistency proof.
CREATE TABLE checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  at INTEGER NOT NULL,               -- its signed time, ms UTC
  line BLOB NOT NULL,                -- {"ckpt":...,"sig":...} as signed
  received INTEGER NOT NULL          -- terminal clock ms UTC
);
CREATE TRIGGER checkpoint_forward BEFORE UPDATE ON checkpoint
WHEN NEW.size < OLD.size
BEGIN SELECT RAISE(ABORT, 'the city log never shrinks'); END;

-- log_evidence: a checkpoint that did not prove consistent with the one
-- held, kept with the one held and the proof the city gave, as evidence
-- that the city lost or rewrote what it had acknowledged. Never deleted.
CREATE TABLE log_evidence (
  n INTEGER PRIMARY KEY,
  detected INTEGER NOT NULL,         -- terminal clock ms UTC
  held BLOB NOT NULL,                -- the checkpoint line held
  offered BLOB NOT NULL,             -- the checkpoint line offered
  proof BLOB NOT NULL,               -- the answer as it arrived
  reason TEXT NOT NULL
);
CREATE TRIGGER log_evidence_keep_u BEFORE UPDATE ON log_evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never changed'); END;
CREATE TRIGGER log_evidence_keep_d BEFORE DELETE ON log_evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
