-- An import fills the spatial index of its version once every feature is written, in the order
-- of a Hilbert curve (see VersionImporter), instead of one random R-tree insertion per row in
-- every short transaction: the index trigger skips rows of a version still being written.
DROP TRIGGER IF EXISTS gii_features_geom;
CREATE TRIGGER gii_features_geom AFTER INSERT ON features
FOR EACH ROW WHEN (SELECT import_state FROM layer_versions WHERE id = NEW.version_id) IS NOT 'writing'
BEGIN
  DELETE FROM "idx_features_geom" WHERE pkid = NEW.ROWID;
  SELECT RTreeAlign('idx_features_geom', NEW.ROWID, NEW."geom");
END;

-- SpatiaLite's time stamps of the last insert, update and delete on the geometry column:
-- nothing reads them, and each costs an UPDATE of geometry_columns_time per row.
DROP TRIGGER IF EXISTS tmi_features_geom;
DROP TRIGGER IF EXISTS tmu_features_geom;
DROP TRIGGER IF EXISTS tmd_features_geom;
