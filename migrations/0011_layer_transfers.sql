-- A layer offered to another agency stays with its owner until the receiving agency's
-- administrator accepts it (or declines, or the owner withdraws the offer). One offer per layer.
CREATE TABLE layer_transfers(
  layer_id      INTEGER PRIMARY KEY REFERENCES layers(id) ON DELETE CASCADE,
  to_agency_id  INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
  offered_by    TEXT,
  offered_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX layer_transfers_to ON layer_transfers(to_agency_id);
