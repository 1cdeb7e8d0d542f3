-- Agencies form a tree (province offices, departments, communes); a parent can change when the
-- administration is reorganised, without touching the agency's layers or accounts.
CREATE TABLE agencies(
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (code GLOB '[a-z0-9]*' AND code NOT GLOB '*[^a-z0-9-]*' AND length(code) BETWEEN 2 AND 40),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  kind        TEXT NOT NULL CHECK (kind IN ('province', 'department', 'commune', 'office')),
  parent_id   INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,
  is_system   INTEGER NOT NULL DEFAULT 0 CHECK (is_system IN (0, 1)),
  disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX agencies_parent ON agencies(parent_id);

-- One role per user within their agency; sysadmin is the province-wide role of the IT department.
CREATE TABLE users(
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 64),
  display_name   TEXT NOT NULL,
  email          TEXT,
  agency_id      INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
  role           TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin', 'sysadmin')),
  password_hash  TEXT NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  last_login_at  TEXT
);
CREATE INDEX users_agency ON users(agency_id);

-- Sessions live in the store so that several portal processes can share them.
CREATE TABLE sessions(
  token_hash    TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  client_address TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
