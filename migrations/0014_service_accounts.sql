-- Accounts of other systems (the province's data platform, a department's own software): made
-- by the system administrator, bound to one agency, reached only through their access tokens.
-- Each is a user row with no password (it can never sign in) and the role its scopes need.
CREATE TABLE service_accounts(
  user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  purpose     TEXT NOT NULL DEFAULT '' CHECK (length(purpose) <= 500),
  created_by  TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
