-- Sign-in with the province's central accounts (OpenID Connect).

-- Which central account (issuer and subject) is which local user. A user may have several.
CREATE TABLE external_identities(
  issuer         TEXT NOT NULL,
  subject        TEXT NOT NULL,
  user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  last_login_at  TEXT,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_user ON external_identities(user_id);

-- Sign-ins sent to the provider and not yet back: only a hash of `state` is kept; a row is used
-- once and is worthless after ten minutes.
CREATE TABLE sso_flows(
  state_hash  TEXT PRIMARY KEY,
  nonce       TEXT NOT NULL,
  verifier    TEXT NOT NULL,
  next        TEXT NOT NULL,
  created_at  REAL NOT NULL              -- seconds since 1970
);
CREATE INDEX sso_flows_age ON sso_flows(created_at);

-- Officials the provider knows and the portal does not yet: waiting for an administrator to
-- place them in an agency, or refused (kept so the answer can be shown and audited).
CREATE TABLE sso_requests(
  id              INTEGER PRIMARY KEY,
  issuer          TEXT NOT NULL,
  subject         TEXT NOT NULL,
  username        TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  email           TEXT,
  claimed_agency  TEXT,                  -- what the provider's agency claim said, if anything
  requested_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by      TEXT,
  decided_at      TEXT,
  reason          TEXT,
  UNIQUE (issuer, subject)
);
CREATE INDEX sso_requests_status ON sso_requests(status, requested_at);
