-- Sectors group layers on the map page and in the catalog.
CREATE TABLE sectors(
  code     TEXT PRIMARY KEY,
  name_vi  TEXT NOT NULL,
  name_en  TEXT NOT NULL,
  sort     INTEGER NOT NULL DEFAULT 0
);

-- A layer belongs to one agency. Visibility: private (owner only), shared (owner + granted
-- agencies), public (open data). Its data lives in versions; only the published one is seen outside.
CREATE TABLE layers(
  id                    INTEGER PRIMARY KEY,
  slug                  TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
  title                 TEXT NOT NULL CHECK (length(title) > 0),
  description           TEXT NOT NULL DEFAULT '',
  sector                TEXT REFERENCES sectors(code),
  keywords              TEXT NOT NULL DEFAULT '',
  owner_agency_id       INTEGER NOT NULL REFERENCES agencies(id) ON DELETE RESTRICT,
  visibility            TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared', 'public')),
  status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  geometry_kind         TEXT CHECK (geometry_kind IN ('point', 'line', 'polygon')),
  published_version_id  INTEGER REFERENCES layer_versions(id),
  style                 TEXT,
  update_frequency      TEXT CHECK (update_frequency IN ('monthly', 'quarterly', 'yearly', 'adhoc')),
  data_date             TEXT,
  license               TEXT,
  attribution           TEXT,
  contact_name          TEXT,
  contact_position      TEXT,
  contact_phone         TEXT,
  contact_email         TEXT,
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX layers_owner ON layers(owner_agency_id);
CREATE INDEX layers_visibility ON layers(visibility);

-- Every data update is a version: pending until the owner agency's approver publishes or rejects it.
CREATE TABLE layer_versions(
  id              INTEGER PRIMARY KEY,
  layer_id        INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
  number          INTEGER NOT NULL CHECK (number > 0),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected', 'superseded')),
  created_by      INTEGER REFERENCES users(id),
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  source_name     TEXT,
  source_srid     INTEGER,
  encoding        TEXT,
  feature_count   INTEGER NOT NULL DEFAULT 0,
  min_x REAL, min_y REAL, max_x REAL, max_y REAL,
  warnings        TEXT NOT NULL DEFAULT '[]',
  decided_by      INTEGER REFERENCES users(id),
  decided_at      TEXT,
  reason          TEXT,
  UNIQUE (layer_id, number)
);

-- Features of every layer version; attributes as a JSON object, geometry in EPSG:4326.
CREATE TABLE features(
  id          INTEGER PRIMARY KEY,
  version_id  INTEGER NOT NULL REFERENCES layer_versions(id) ON DELETE CASCADE,
  properties  TEXT NOT NULL DEFAULT '{}'
);
SELECT AddGeometryColumn('features', 'geom', 4326, 'GEOMETRY', 'XY', 1);
SELECT CreateSpatialIndex('features', 'geom');
CREATE INDEX features_version ON features(version_id);

-- Access granted by an owner agency to another agency for a shared layer.
CREATE TABLE layer_grants(
  layer_id     INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
  agency_id    INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
  permission   TEXT NOT NULL CHECK (permission IN ('view', 'view_download')),
  granted_by   INTEGER REFERENCES users(id),
  granted_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  reason       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (layer_id, agency_id)
);
CREATE INDEX layer_grants_agency ON layer_grants(agency_id);
