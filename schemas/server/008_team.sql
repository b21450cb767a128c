-- Server store, version 8: the officers a case.open names as its team
-- (承办人), so the case's records reach their terminals before they have
-- written in it (pull). Filled at ingest; the records already held are
-- indexed here once.
CREATE TABLE case_team (
  officer TEXT NOT NULL,             -- 执法证号, as in the feed certificate
  case_id TEXT NOT NULL,
  PRIMARY KEY (officer, case_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO case_team (officer, case_id)
  SELECT t.value, r.case_id FROM records r,
    json_each(CAST(r.bytes AS TEXT), '$.body.team') t
  WHERE r.case_id IS NOT NULL
    AND json_extract(CAST(r.bytes AS TEXT), '$.type') = 'case.open';
