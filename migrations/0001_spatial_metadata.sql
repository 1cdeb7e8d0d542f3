-- SpatiaLite's metadata tables (spatial_ref_sys, geometry_columns, …) and the coordinate systems
-- Bando stores or reads: WGS 84 (storage), Web Mercator (tiles) and the VN-2000 family
-- (geographic, national UTM zones 48N/49N, and the 3-degree provincial TM zones).
SELECT InitSpatialMetadata(0, 'WGS84');
SELECT InsertEpsgSrid(3857);
SELECT InsertEpsgSrid(4756);
SELECT InsertEpsgSrid(3405);
SELECT InsertEpsgSrid(3406);
SELECT InsertEpsgSrid(5896);
SELECT InsertEpsgSrid(5897);
SELECT InsertEpsgSrid(5898);
SELECT InsertEpsgSrid(5899);
SELECT InsertEpsgSrid(9205);
SELECT InsertEpsgSrid(9206);
SELECT InsertEpsgSrid(9207);
SELECT InsertEpsgSrid(9208);
SELECT InsertEpsgSrid(9209);
SELECT InsertEpsgSrid(9210);
SELECT InsertEpsgSrid(9211);
SELECT InsertEpsgSrid(9212);
SELECT InsertEpsgSrid(9213);
SELECT InsertEpsgSrid(9214);
SELECT InsertEpsgSrid(9215);
SELECT InsertEpsgSrid(9216);
SELECT InsertEpsgSrid(9217);
SELECT InsertEpsgSrid(9218);
