-- An import writes its features in short transactions, so that sign-ins, sessions and edits
-- never wait long behind it on the database's one writer. Until its last short transaction the
-- version — and a layer the import creates — carries import_state = 'writing', and no listing,
-- page or door sees it; the last transaction clears it together with the figures, the layer
-- event and the audit entry. What an import cut off leaves behind is removed at start-up.
ALTER TABLE layer_versions ADD COLUMN import_state TEXT;
ALTER TABLE layers ADD COLUMN import_state TEXT;
CREATE INDEX layer_versions_importing ON layer_versions(import_state) WHERE import_state IS NOT NULL;
CREATE INDEX layers_importing ON layers(import_state) WHERE import_state IS NOT NULL;
