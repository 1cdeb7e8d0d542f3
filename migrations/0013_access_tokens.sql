-- Personal access tokens: a user's key for other software (QGIS, GDAL, scripts) to reach the
-- service doors (WMS, WMTS, OGC API) as that user, limited to the token's scopes. Only a hash of
-- the token is kept; the token itself is shown once, when made.
CREATE TABLE access_tokens(
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  token_hash    TEXT NOT NULL UNIQUE,
  -- Comma-separated, from: read, upload, approve, admin.
  scopes        TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at    TEXT,
  last_used_at  TEXT,
  revoked_at    TEXT
);
CREATE INDEX access_tokens_user ON access_tokens(user_id);
