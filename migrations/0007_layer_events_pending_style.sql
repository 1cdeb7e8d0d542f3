-- The history of a layer's decisions, oldest first: a version submitted, published, rejected or
-- restored by a rollback; a style proposed, approved or rejected. `note` holds a rejection's
-- reason or a rollback's explanation. Kept with the layer, beside the audit log, so the
-- layer's history page needs no audit search.
CREATE TABLE layer_events(
  id          INTEGER PRIMARY KEY,
  layer_id    INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
  version_id  INTEGER REFERENCES layer_versions(id) ON DELETE CASCADE,
  action      TEXT NOT NULL CHECK (action IN ('submitted', 'published', 'rejected', 'rolled_back',
                                              'style_proposed', 'style_approved', 'style_rejected')),
  user_id     INTEGER REFERENCES users(id),
  at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX layer_events_layer ON layer_events(layer_id, id);

-- A style change waits for the approver like a data version: the layer keeps drawing with
-- `style` until `pending_style` is approved.
ALTER TABLE layers ADD COLUMN pending_style TEXT;
ALTER TABLE layers ADD COLUMN pending_style_by INTEGER REFERENCES users(id);
ALTER TABLE layers ADD COLUMN pending_style_at TEXT;
