-- Where a version came from: the version an attribute edit was made on, or the version that was
-- published when a file was uploaded. A version whose base is no longer the published one would,
-- once published, undo what was published since; the review page says so.
ALTER TABLE layer_versions ADD COLUMN base_version_id INTEGER REFERENCES layer_versions(id);

-- A feature's identity across versions: an edit copies it, so a link to a feature (and a
-- comparison of two versions) follows the same feature from version to version. A feature
-- inserted without one (an import) starts its own: its row id.
ALTER TABLE features ADD COLUMN fid INTEGER;
UPDATE features SET fid = id;
CREATE INDEX features_version_fid ON features(version_id, fid);
CREATE TRIGGER features_fid AFTER INSERT ON features WHEN NEW.fid IS NULL
BEGIN
  UPDATE features SET fid = NEW.id WHERE id = NEW.id;
END;
