-- Administrative boundaries (province, communes). Versioned by validity dates: when boundaries
-- change, the old row gets valid_to and a new row is added, so history is never lost.
CREATE TABLE admin_units(
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL,
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('province', 'commune')),
  parent_code TEXT,
  valid_from  TEXT NOT NULL DEFAULT '2025-07-01',
  valid_to    TEXT,
  UNIQUE (code, valid_from)
);
SELECT AddGeometryColumn('admin_units', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
SELECT CreateSpatialIndex('admin_units', 'geom');
