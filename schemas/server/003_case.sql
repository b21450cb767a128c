-- Server store, version 3: the case a record names, in clear, so the
-- records of a case can be found for the terminals that share it (pull).
ALTER TABLE records ADD COLUMN case_id TEXT;
CREATE INDEX records_case ON records (case_id) WHERE case_id IS NOT NULL;
