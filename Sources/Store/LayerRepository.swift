import Foundation
import GRDB

/// Layers, their versions and sectors.
public struct LayerRepository: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// Adds or renames a sector.
    public func upsertSector(code: String, nameVi: String, nameEn: String, sort: Int) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO sectors(code, name_vi, name_en, sort) VALUES (?, ?, ?, ?)
                ON CONFLICT(code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en, sort = excluded.sort
                """, arguments: [code, nameVi, nameEn, sort])
        }
    }

    /// Creates a layer owned by the agency `ownerCode`; new layers are private unless said otherwise.
    @discardableResult
    public func create(slug: String, title: String, description: String, sector: String?, ownerCode: String,
                       geometryKind: GeometryKind?, visibility: Visibility = .private,
                       keywords: String = "") throws(StoreError) -> Int64 {
        try database.write { db in
            guard let ownerID = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [ownerCode]) else {
                throw StoreError.invalid("agency \(ownerCode) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO layers(slug, title, description, sector, owner_agency_id, geometry_kind, visibility, keywords)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [slug, title, description, sector, ownerID, geometryKind?.rawValue, visibility.rawValue, keywords])
            return db.lastInsertedRowID
        }
    }

    /// Grants another agency access to a layer (view, or view and download).
    public func grant(layerSlug: String, agencyCode: String, download: Bool, reason: String,
                      grantedBy: Int64?) throws(StoreError) {
        try database.write { db in
            guard let layerID = try Int64.fetchOne(db, sql: "SELECT id FROM layers WHERE slug = ?", arguments: [layerSlug]),
                  let agencyID = try Int64.fetchOne(db, sql: "SELECT id FROM agencies WHERE code = ?", arguments: [agencyCode]) else {
                throw StoreError.invalid("layer \(layerSlug) or agency \(agencyCode) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO layer_grants(layer_id, agency_id, permission, granted_by, reason) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(layer_id, agency_id) DO UPDATE SET permission = excluded.permission, reason = excluded.reason
                """, arguments: [layerID, agencyID, download ? "view_download" : "view", grantedBy, reason])
        }
    }

    // MARK: Listing, filtered in SQL

    static let summarySelect = """
        SELECT l.id, l.slug, l.title, l.description, l.sector, s.name_vi AS sector_vi, s.name_en AS sector_en,
               a.id AS agency_id, a.code AS agency_code, a.name AS agency_name, l.visibility, l.geometry_kind,
               v.number AS version_number, COALESCE(v.feature_count, 0) AS feature_count,
               v.min_x, v.min_y, v.max_x, v.max_y, l.updated_at
        FROM layers l
        JOIN agencies a ON a.id = l.owner_agency_id
        LEFT JOIN sectors s ON s.code = l.sector
        LEFT JOIN layer_versions v ON v.id = l.published_version_id
        """

    /// Layers in use: not archived, and not a layer an import is still writing.
    public static let readyCondition = "l.status = 'active' AND l.import_state IS NULL"

    /// The SQL condition (and its arguments) that keeps only the layers `scope` may see.
    /// Outside the owner agency, a layer is seen only once it has a published version.
    public static func visibilityCondition(_ scope: ListingScope) -> (String, StatementArguments) {
        if scope.seesEverything { return (readyCondition, []) }
        guard let agency = scope.agencyID else {
            return ("\(readyCondition) AND l.visibility = 'public' AND l.published_version_id IS NOT NULL", [])
        }
        return ("""
            \(readyCondition) AND (l.owner_agency_id = ? OR (l.published_version_id IS NOT NULL AND (
              l.visibility = 'public' OR (l.visibility = 'shared' AND EXISTS (
                SELECT 1 FROM layer_grants g WHERE g.layer_id = l.id AND g.agency_id = ?)))))
            """, [agency, agency])
    }

    static func summary(_ row: Row) -> LayerSummary {
        var extent: (Double, Double, Double, Double)?
        if let a: Double = row["min_x"], let b: Double = row["min_y"], let c: Double = row["max_x"], let d: Double = row["max_y"] {
            extent = (a, b, c, d)
        }
        return LayerSummary(
            id: row["id"], slug: row["slug"], title: row["title"], description: row["description"],
            sectorCode: row["sector"], sectorNameVi: row["sector_vi"], sectorNameEn: row["sector_en"],
            agencyID: row["agency_id"], agencyCode: row["agency_code"], agencyName: row["agency_name"],
            visibility: Visibility(rawValue: row["visibility"]) ?? .private,
            geometryKind: (row["geometry_kind"] as String?).flatMap(GeometryKind.init(rawValue:)),
            publishedVersion: row["version_number"], featureCount: row["feature_count"], extent: extent,
            updatedAt: row["updated_at"])
    }

    /// The layers `scope` may see, by sector then title.
    public func listVisible(to scope: ListingScope) throws(StoreError) -> [LayerSummary] {
        let (condition, arguments) = Self.visibilityCondition(scope)
        return try database.read { db in
            try Row.fetchAll(db, sql: "\(Self.summarySelect) WHERE \(condition) ORDER BY s.sort, l.sector, l.title",
                             arguments: arguments).map(Self.summary)
        }
    }

    /// One layer by slug if `scope` may see it; nil both when it does not exist and when it is hidden.
    public func findVisible(slug: String, scope: ListingScope) throws(StoreError) -> LayerSummary? {
        let (condition, arguments) = Self.visibilityCondition(scope)
        var all = StatementArguments([slug])
        all += arguments
        return try database.read { db in
            try Row.fetchOne(db, sql: "\(Self.summarySelect) WHERE l.slug = ? AND \(condition)", arguments: all).map(Self.summary)
        }
    }

    /// One layer by slug whatever its visibility, with the grant `agencyID` holds on it — for the
    /// access policy to decide on. Never show its result without asking the policy.
    /// Answered from memory while no commit has changed the layers' tables since it was read.
    public func findForAccess(slug: String, agencyID: Int64?) throws(StoreError) -> (layer: LayerSummary, grant: GrantPermission?)? {
        let key = LayerFactsCache.AccessKey(slug: slug, agencyID: agencyID)
        if let cached = database.layerFacts.access(key) { return cached }
        let revision = database.layerFacts.current
        let found = try readForAccess(slug: slug, agencyID: agencyID)
        database.layerFacts.store(key, found, readAt: revision)
        return found
    }

    /// The revision of the facts kept in memory: it changes with every commit to the tables
    /// they come from (`LayerFactsCache.tables`).
    public var factsRevision: UInt64 { database.layerFacts.current }

    /// What `findForAccess` would answer, from memory only: nil when it is not known there
    /// (the caller then asks `findForAccess`); `.some(nil)` for a slug known to be absent.
    public func cachedAccess(slug: String, agencyID: Int64?) -> (layer: LayerSummary, grant: GrantPermission?)?? {
        database.layerFacts.access(LayerFactsCache.AccessKey(slug: slug, agencyID: agencyID))
    }

    private func readForAccess(slug: String, agencyID: Int64?) throws(StoreError) -> (layer: LayerSummary, grant: GrantPermission?)? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.summarySelect) WHERE l.slug = ? AND \(Self.readyCondition)", arguments: [slug]) else {
                return nil
            }
            let layer = Self.summary(row)
            var grant: GrantPermission?
            if let agencyID {
                grant = try String.fetchOne(db, sql: "SELECT permission FROM layer_grants WHERE layer_id = ? AND agency_id = ?",
                                            arguments: [layer.id, agencyID]).flatMap(GrantPermission.init(rawValue:))
            }
            return (layer, grant)
        }
    }

    // MARK: Versions

    /// Starts a new pending version of a layer and returns (version id, number).
    public func createVersion(layerSlug: String, createdBy: Int64?, sourceName: String?, sourceSRID: Int?,
                              encoding: String?) throws(StoreError) -> (id: Int64, number: Int) {
        try database.write { db in
            guard let layerID = try Int64.fetchOne(db, sql: "SELECT id FROM layers WHERE slug = ?", arguments: [layerSlug]) else {
                throw StoreError.notFound("layer \(layerSlug)")
            }
            let number = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM layer_versions WHERE layer_id = ?",
                                           arguments: [layerID])) ?? 1
            try db.execute(sql: """
                INSERT INTO layer_versions(layer_id, number, created_by, source_name, source_srid, encoding)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [layerID, number, createdBy, sourceName, sourceSRID, encoding])
            return (db.lastInsertedRowID, number)
        }
    }

    /// Recomputes a version's feature count and extent from its features.
    public func refreshVersionFigures(versionID: Int64) throws(StoreError) {
        try database.write { db in
            try db.execute(sql: """
                UPDATE layer_versions SET (feature_count, min_x, min_y, max_x, max_y) = (
                  SELECT count(*), min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))
                  FROM features WHERE version_id = ?)
                WHERE id = ?
                """, arguments: [versionID, versionID])
        }
    }

    /// Publishes a version: it becomes the layer's published version; the previous one is superseded.
    public func publish(versionID: Int64, decidedBy: Int64?) throws(StoreError) {
        try database.write { db in
            guard let layerID = try Int64.fetchOne(db, sql: "SELECT layer_id FROM layer_versions WHERE id = ?", arguments: [versionID]) else {
                throw StoreError.notFound("version \(versionID)")
            }
            try db.execute(sql: "UPDATE layer_versions SET status = 'superseded' WHERE layer_id = ? AND status = 'published'",
                           arguments: [layerID])
            try db.execute(sql: """
                UPDATE layer_versions SET status = 'published', decided_by = ?, decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                WHERE id = ?
                """, arguments: [decidedBy, versionID])
            try db.execute(sql: """
                UPDATE layers SET published_version_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, arguments: [versionID, layerID])
        }
    }
}
