-- Login attempts, for slowing and then refusing repeated failures per account and per address.
CREATE TABLE login_attempts(
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL COLLATE NOCASE,
  client_address  TEXT NOT NULL,
  at              REAL NOT NULL,           -- seconds since 1970
  success         INTEGER NOT NULL CHECK (success IN (0, 1))
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_address ON login_attempts(client_address, at);
CREATE INDEX sessions_expiry ON sessions(expires_at);
