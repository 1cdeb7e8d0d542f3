-- The audit log is append-only: the portal inserts, and the triggers refuse any change or deletion.
CREATE TABLE audit_log(
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  user_id         INTEGER,
  username        TEXT,
  agency_id       INTEGER,
  action          TEXT NOT NULL,
  target          TEXT NOT NULL DEFAULT '',
  detail          TEXT NOT NULL DEFAULT '',
  client_address  TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_agency ON audit_log(agency_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Portal-wide settings (portal name, province name, default map view).
CREATE TABLE settings(
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
