import Foundation
import Geometry
import GRDB

/// What to write for one upload: where it goes (a new layer or a new version of an existing
/// one), who sent it, and its features still in the source CRS.
public struct VersionImportRequest: Sendable {
    /// Where the version goes.
    public enum Target: Sendable, Equatable {
        /// A new private layer owned by `ownerAgencyID`. With `uniqueSuffix`, a slug already taken
        /// gets "-2", "-3"… appended; without it, a taken slug is refused.
        case newLayer(slug: String, uniqueSuffix: Bool, title: String, ownerAgencyID: Int64, kind: GeometryKind)
        /// A new version of the layer `slug`, which must belong to `ownerAgencyID` and hold `kind`.
        case existingLayer(slug: String, ownerAgencyID: Int64, kind: GeometryKind)
    }

    /// One feature: ISO WKB in the source CRS, attributes as a JSON object text, and its
    /// record number in the file (for messages).
    public struct Feature: Sendable {
        public var wkb: Data
        public var propertiesJSON: String
        public var recordNumber: Int

        public init(wkb: Data, propertiesJSON: String, recordNumber: Int) {
            self.wkb = wkb
            self.propertiesJSON = propertiesJSON
            self.recordNumber = recordNumber
        }
    }

    /// Where the data is expected to land, checked before the transaction commits.
    public struct AreaCheck: Sendable {
        /// The expected area in EPSG:4326, already widened by a generous margin.
        public var box: BoundingBox
        /// The expected area itself, unwidened: alternatives are ranked by the share of the
        /// sample they put inside it.
        public var core: BoundingBox
        /// The share of features whose box must meet `box` (0…1).
        public var minimumShareInside: Double
        /// Other source CRSs to try when too few land inside, best guess first.
        public var alternativeSRIDs: [Int]
        /// Sample coordinates in the source CRS, transformed with each alternative.
        public var sample: [Point]

        public init(box: BoundingBox, core: BoundingBox, minimumShareInside: Double, alternativeSRIDs: [Int], sample: [Point]) {
            self.box = box
            self.core = core
            self.minimumShareInside = minimumShareInside
            self.alternativeSRIDs = alternativeSRIDs
            self.sample = sample
        }
    }

    public var target: Target
    public var userID: Int64
    public var username: String
    /// The agency the audit entry is filed under.
    public var agencyID: Int64
    public var sourceName: String
    public var sourceSRID: Int
    /// The encoding's name as recorded on the version ("UTF-8", "TCVN3"…).
    public var encoding: String
    public var warnings: [String]
    /// Where the features come from: `features`, or a reader streaming a file.
    public var supply: any FeatureSupply
    /// The features, when they were given as an array (empty for a streamed supply).
    public var features: [Feature] {
        get { (supply as? ArraySupply)?.features ?? [] }
        set { supply = ArraySupply(newValue) }
    }
    public var areaCheck: AreaCheck?
    public var clientAddress: String?

    public init(target: Target, userID: Int64, username: String, agencyID: Int64, sourceName: String,
                sourceSRID: Int, encoding: String, warnings: [String], features: [Feature],
                areaCheck: AreaCheck?, clientAddress: String? = nil) {
        self.target = target
        self.userID = userID
        self.username = username
        self.agencyID = agencyID
        self.sourceName = sourceName
        self.sourceSRID = sourceSRID
        self.encoding = encoding
        self.warnings = warnings
        self.supply = ArraySupply(features)
        self.areaCheck = areaCheck
        self.clientAddress = clientAddress
    }

    /// A request whose features come from `supply`, read as they are written.
    public init(target: Target, userID: Int64, username: String, agencyID: Int64, sourceName: String,
                sourceSRID: Int, encoding: String, warnings: [String], supply: any FeatureSupply,
                areaCheck: AreaCheck?, clientAddress: String? = nil) {
        self.init(target: target, userID: userID, username: username, agencyID: agencyID, sourceName: sourceName,
                  sourceSRID: sourceSRID, encoding: encoding, warnings: warnings, features: [], areaCheck: areaCheck,
                  clientAddress: clientAddress)
        self.supply = supply
    }
}

/// Where an import's features come from, one at a time, as the writer's batches ask for them:
/// an array (`ArraySupply`), or a reader that parses a file as it goes, so that the whole
/// file never exists in memory. Asked from one thread at a time.
public protocol FeatureSupply: AnyObject, Sendable {
    /// How many features there will be, as far as known now (for progress).
    var expectedCount: Int { get }
    /// The next feature, nil after the last. When it throws, the import removes what it wrote
    /// and fails with `VersionImportError.supplyStopped`; the supply keeps its own error.
    func next() throws -> VersionImportRequest.Feature?
    /// What only the end knows, asked once after the last feature.
    func ending() throws -> FeatureSupplyEnding
}

/// What a supply adds once every feature is written.
public struct FeatureSupplyEnding: Sendable {
    /// Warnings stored after the request's own.
    public var warnings: [String]
    /// The area check's sample, in place of the request's (nil: keep it).
    public var sample: [Point]?
    /// For properties written before their columns were all known: how many of the first
    /// features written to lay out again, and how (the stored JSON object in, the one to store
    /// out). Nil: every feature's properties are final.
    public var rewrite: PropertyRewrite?

    public struct PropertyRewrite: Sendable {
        public var count: Int
        public var transform: @Sendable (String) -> String

        public init(count: Int, transform: @escaping @Sendable (String) -> String) {
            self.count = count
            self.transform = transform
        }
    }

    public init(warnings: [String] = [], sample: [Point]? = nil, rewrite: PropertyRewrite? = nil) {
        self.warnings = warnings
        self.sample = sample
        self.rewrite = rewrite
    }
}

extension VersionImportRequest {
    /// A supply of `features`, in order.
    public static func arraySupply(_ features: [Feature]) -> any FeatureSupply { ArraySupply(features) }
}

/// The features of a request given as an array.
final class ArraySupply: FeatureSupply, @unchecked Sendable {
    let features: [VersionImportRequest.Feature]
    private var position = 0

    init(_ features: [VersionImportRequest.Feature]) { self.features = features }

    var expectedCount: Int { features.count }

    func next() -> VersionImportRequest.Feature? {
        guard position < features.count else { return nil }
        position += 1
        return features[position - 1]
    }

    func ending() -> FeatureSupplyEnding { FeatureSupplyEnding() }
}

/// The version an import wrote.
public struct VersionImportResult: Sendable, Equatable {
    public var layerID: Int64
    public var layerSlug: String
    public var layerCreated: Bool
    public var versionID: Int64
    public var versionNumber: Int
    public var featureCount: Int
    /// The extent in EPSG:4326; nil only for a version without features.
    public var bbox: BoundingBox?
    /// Record numbers whose geometry was invalid and repaired with MakeValid.
    public var repairedRecords: [Int]
    /// The warnings stored on the version (the request's, plus the repair note).
    public var warnings: [String]
}

/// Why an import wrote nothing. The transaction was rolled back in every case.
public enum VersionImportError: Error, Equatable {
    /// A database failure (disk full, locked…), with the store's message.
    case store(StoreError)
    /// The source CRS is not known to PROJ's EPSG database.
    case unknownSRID(Int)
    /// One record could not be transformed or repaired.
    case record(number: Int, problem: String)
    /// The layer named by `.existingLayer` does not exist (or is archived).
    case layerNotFound(slug: String)
    /// The layer belongs to another agency.
    case layerOwnedElsewhere(slug: String, ownerCode: String)
    /// The layer holds another geometry kind.
    case kindMismatch(slug: String, layer: GeometryKind, data: GeometryKind)
    /// The slug of a new layer is taken (and no suffix was allowed).
    case slugTaken(String)
    /// Too few features landed inside the expected area. `bestSRID` is the alternative under
    /// which most of the sample lands inside, when one does.
    case outsideArea(inside: Int, total: Int, bbox: BoundingBox, bestSRID: Int?)
    /// The request's `FeatureSupply` stopped with an error of its own, which it keeps.
    case supplyStopped
}

/// Writes an uploaded version: the layer (when new), the pending version row, every feature
/// transformed to EPSG:4326 by PROJ (`ST_Transform` with EPSG codes), invalid geometries repaired
/// with `MakeValid`, the figures (count, extent, warnings) and the audit entry.
///
/// The writer rule: no transaction holds the database's one writer for long. The features go in
/// short transactions (`batchSeconds` each) into a version — and a new layer — marked
/// `import_state = 'writing'`, which no listing, page or door sees; one last short transaction
/// stores the figures, clears the mark and writes the layer event and the audit entry. Any
/// failure — a record that cannot be repaired, data outside the expected area, a full disk —
/// removes what was written (in short transactions too); a killed process leaves a marked
/// version that `removeInterrupted()` deletes at the next start.
public struct VersionImporter: Sendable {
    let database: SpatialDatabase
    public init(_ database: SpatialDatabase) { self.database = database }

    /// How many features are written between two progress reports.
    public static let progressInterval = 250
    /// How long one batch may hold the writer.
    public static let batchSeconds = 0.05
    /// How long the writer is left free between two batches, so that a writer of another
    /// process (the portal's sign-ins while `bando import` runs beside it) finds it free:
    /// longer than `SpatialDatabase.writerPollMicroseconds`.
    static let pauseSeconds = 0.001

    /// Sleeps `pauseSeconds` between two batches.
    static func leaveWriterFree() {
        usleep(useconds_t(pauseSeconds * 1_000_000))
    }

    /// Writes `request` and returns what was written; nothing is kept when it throws.
    /// `progress`, when given, hears (features written, total) before the first feature, every
    /// `progressInterval` features and after the last, on the writing thread.
    public func write(_ request: VersionImportRequest,
                      progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil) throws(VersionImportError) -> VersionImportResult {
        var request = request
        // An array is read from its start at every write of the request.
        if let array = request.supply as? ArraySupply { request.supply = ArraySupply(array.features) }
        let started: Started
        do {
            started = try database.pool.write { db in try Self.start(request, db) }
        } catch {
            throw Self.mapped(error)
        }
        do {
            var ended = request
            let figures = try writeFeatures(request, into: started, progress: progress) { ending in
                ended.warnings += ending.warnings
                if let sample = ending.sample { ended.areaCheck?.sample = sample }
            }
            let final = ended
            return try database.pool.write { db in try Self.finish(final, started, figures, db) }
        } catch {
            discard(started)
            throw Self.mapped(error)
        }
    }

    private static func mapped(_ error: any Error) -> VersionImportError {
        if let error = error as? VersionImportError { return error }
        return .store(SpatialDatabase.map(error))
    }

    /// The layer and the marked version row, written in the first short transaction.
    struct Started: Sendable {
        var layerID: Int64
        var slug: String
        var created: Bool
        var kind: GeometryKind
        var versionID: Int64
        var number: Int
    }

    /// What the batches learned while writing, so the last transaction need not read every feature.
    struct Figures: Sendable {
        var count = 0
        var bbox: BoundingBox?
        var inside = 0
        var repaired: [Int] = []

        mutating func add(_ box: BoundingBox, checkedAgainst area: BoundingBox?) {
            count += 1
            bbox = bbox.map { BoundingBox(minX: min($0.minX, box.minX), minY: min($0.minY, box.minY),
                                          maxX: max($0.maxX, box.maxX), maxY: max($0.maxY, box.maxY)) } ?? box
            if let area, area.intersects(box) { inside += 1 }
        }
    }

    static func start(_ request: VersionImportRequest, _ db: Database) throws -> Started {
        try ensureSRID(request.sourceSRID, db)
        let (layerID, slug, created, kind) = try layer(for: request.target, db)
        let number = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM layer_versions WHERE layer_id = ?",
                                      arguments: [layerID]) ?? 1
        try db.execute(sql: """
            INSERT INTO layer_versions(layer_id, number, created_by, source_name, source_srid, encoding, base_version_id,
                                       import_state)
            VALUES (?, ?, ?, ?, ?, ?, (SELECT published_version_id FROM layers WHERE id = ?), 'writing')
            """, arguments: [layerID, number, request.userID, request.sourceName, request.sourceSRID, request.encoding, layerID])
        return Started(layerID: layerID, slug: slug, created: created, kind: kind, versionID: db.lastInsertedRowID,
                       number: number)
    }

    /// The features, in short transactions. They commit without waiting for the disk
    /// (`synchronous = NORMAL`): until the last transaction they belong to a marked version
    /// nobody sees, which a power loss would leave for the sweep; the last one, committed with
    /// the writer's own setting again, makes them all durable at once.
    private func writeFeatures(_ request: VersionImportRequest, into started: Started,
                               progress: (@Sendable (Int, Int) -> Void)?,
                               ended: (FeatureSupplyEnding) -> Void) throws -> Figures {
        try database.withRelaxedDurability {
            var placed = PlacedFeatures()
            let figures = try writeBatches(request, into: started, placed: &placed, progress: progress)
            let ending: FeatureSupplyEnding
            do {
                ending = try request.supply.ending()
            } catch {
                throw VersionImportError.supplyStopped
            }
            if let rewrite = ending.rewrite { try rewriteProperties(rewrite, of: started) }
            ended(ending)
            try fillSpatialIndex(placed, extent: figures.bbox)
            return figures
        }
    }

    /// How many features one transaction of `rewriteProperties` reads.
    static let rewriteBatch = 500

    /// Lays out again the properties of the first `rewrite.count` features of the version, in
    /// short transactions.
    private func rewriteProperties(_ rewrite: FeatureSupplyEnding.PropertyRewrite, of started: Started) throws {
        var done = 0
        var after: Int64 = 0
        while done < rewrite.count {
            let last = try database.pool.write { db -> Int64? in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, properties FROM features WHERE version_id = ? AND id > ? ORDER BY id LIMIT ?
                    """, arguments: [started.versionID, after, min(Self.rewriteBatch, rewrite.count - done)])
                let update = try db.cachedStatement(sql: "UPDATE features SET properties = ? WHERE id = ?")
                for row in rows {
                    let id: Int64 = row[0]
                    let stored: String = row[1] ?? "{}"
                    let laidOut = rewrite.transform(stored)
                    if laidOut != stored { try update.execute(arguments: [laidOut, id]) }
                }
                done += rows.count
                return rows.last?[0]
            }
            guard let last else { break }
            after = last
            if done < rewrite.count { Self.leaveWriterFree() }
        }
    }

    /// Each feature's row id is chosen here (the next after the table's last, inside the batch's
    /// transaction) and is its `fid` too, which spares the `features_fid` trigger's update of
    /// every row; the spatial index is left to `fillSpatialIndex`.
    private func writeBatches(_ request: VersionImportRequest, into started: Started, placed: inout PlacedFeatures,
                              progress: (@Sendable (Int, Int) -> Void)?) throws -> Figures {
        var figures = Figures()
        let supply = request.supply
        var written = 0
        var pending = try Self.next(of: supply)
        progress?(0, supply.expectedCount)
        let area = request.areaCheck?.box
        while pending != nil {
            try database.pool.write { db in
                let writer = try FeatureWriter(db: db, sourceSRID: request.sourceSRID, kind: started.kind)
                let insert = try FeatureRowInsert(db)
                var id = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM features") ?? 0
                let deadline = Date().addingTimeInterval(Self.batchSeconds)
                while let feature = pending {
                    let (blob, box, wasRepaired) = try writer.prepare(feature)
                    if wasRepaired { figures.repaired.append(feature.recordNumber) }
                    id += 1
                    try insert.run(id: id, versionID: started.versionID, properties: feature.propertiesJSON, geometry: blob)
                    figures.add(box, checkedAgainst: area)
                    placed.add(id: id, box: box)
                    written += 1
                    pending = try Self.next(of: supply)
                    if written % Self.progressInterval == 0 || pending == nil {
                        progress?(written, max(supply.expectedCount, written))
                    }
                    if written % 64 == 0 && Date() >= deadline { break }
                }
            }
            if pending != nil { Self.leaveWriterFree() }
        }
        return figures
    }

    /// The supply's next feature; its own failure as `supplyStopped`.
    private static func next(of supply: any FeatureSupply) throws -> VersionImportRequest.Feature? {
        do {
            return try supply.next()
        } catch {
            throw VersionImportError.supplyStopped
        }
    }

    /// The last short transaction: figures, the area check, the mark cleared, event and audit.
    static func finish(_ request: VersionImportRequest, _ started: Started, _ figures: Figures,
                       _ db: Database) throws -> VersionImportResult {
        var warnings = request.warnings
        let repaired = figures.repaired
        if !repaired.isEmpty {
            warnings.append("\(repaired.count) invalid geometr\(repaired.count == 1 ? "y was" : "ies were") repaired with MakeValid (\(recordList(repaired)))")
        }
        let count = figures.count
        if let check = request.areaCheck, let bbox = figures.bbox, count > 0 {
            try checkArea(check, inside: figures.inside, count: count, bbox: bbox, sourceSRID: request.sourceSRID, db)
        }
        let bbox = figures.bbox
        try db.execute(sql: """
            UPDATE layer_versions SET feature_count = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ?, warnings = ?,
                                      import_state = NULL
            WHERE id = ?
            """, arguments: [count, bbox?.minX, bbox?.minY, bbox?.maxX, bbox?.maxY, jsonArray(warnings), started.versionID])
        if started.created {
            try db.execute(sql: "UPDATE layers SET import_state = NULL WHERE id = ?", arguments: [started.layerID])
        }
        try db.execute(sql: """
            INSERT INTO audit_log(user_id, username, agency_id, action, target, detail, client_address)
            VALUES (?, ?, ?, 'layer.import', ?, ?, ?)
            """, arguments: [request.userID, request.username, request.agencyID, started.slug,
                             "version \(started.number), \(count) features, EPSG:\(request.sourceSRID), encoding \(request.encoding)",
                             request.clientAddress])
        try LayerEvents.record(db, layerID: started.layerID, versionID: started.versionID, action: .submitted,
                               userID: request.userID)
        return VersionImportResult(layerID: started.layerID, layerSlug: started.slug, layerCreated: started.created,
                                   versionID: started.versionID, versionNumber: started.number, featureCount: count,
                                   bbox: bbox, repairedRecords: repaired, warnings: warnings)
    }

    /// Removes what an import wrote before it failed, in short transactions; best effort (what
    /// is left stays marked and goes at the next start).
    private func discard(_ started: Started) {
        try? Self.remove(versionID: started.versionID, layerID: started.created ? started.layerID : nil, database.pool)
    }

    /// Deletes the marked versions (and marked layers) that imports cut off by a stop or a crash
    /// left behind; returns how many versions were removed. Call at start-up, before serving.
    @discardableResult
    public func removeInterrupted() throws(StoreError) -> Int {
        do {
            let versions = try database.pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM layer_versions WHERE import_state IS NOT NULL")
            }
            for version in versions { try Self.remove(versionID: version, layerID: nil, database.pool) }
            let layers = try database.pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM layers WHERE import_state IS NOT NULL")
            }
            for layer in layers { try Self.remove(versionID: nil, layerID: layer, database.pool) }
            return versions.count
        } catch {
            throw SpatialDatabase.map(error)
        }
    }

    /// How many features one cleanup transaction deletes.
    static let deleteBatch = 2_000

    static func remove(versionID: Int64?, layerID: Int64?, _ pool: DatabasePool) throws {
        let versions: [Int64]
        if let versionID {
            versions = [versionID]
        } else if let layerID {
            versions = try pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM layer_versions WHERE layer_id = ?",
                                                                arguments: [layerID]) }
        } else {
            versions = []
        }
        for version in versions {
            while try pool.write({ db -> Int in
                try db.execute(sql: """
                    DELETE FROM features WHERE id IN (SELECT id FROM features WHERE version_id = ? LIMIT ?)
                    """, arguments: [version, deleteBatch])
                return db.changesCount
            }) > 0 { leaveWriterFree() }
            try pool.write { db in
                try db.execute(sql: "DELETE FROM layer_events WHERE version_id = ?", arguments: [version])
                try db.execute(sql: "DELETE FROM layer_versions WHERE id = ?", arguments: [version])
            }
        }
        if let layerID {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM layers WHERE id = ? AND import_state IS NOT NULL", arguments: [layerID])
            }
        }
    }

    /// Makes sure `srid` is in `spatial_ref_sys`, adding it from PROJ's EPSG database if needed.
    static func ensureSRID(_ srid: Int, _ db: Database) throws {
        let known = { try Int.fetchOne(db, sql: "SELECT count(*) FROM spatial_ref_sys WHERE srid = ?", arguments: [srid]) ?? 0 }
        if try known() > 0 { return }
        _ = try? Int.fetchOne(db, sql: "SELECT InsertEpsgSrid(?)", arguments: [srid])
        if try known() == 0 { throw VersionImportError.unknownSRID(srid) }
    }

    /// The layer the version goes into: (id, slug, whether it was created now, its kind).
    static func layer(for target: VersionImportRequest.Target, _ db: Database) throws -> (Int64, String, Bool, GeometryKind) {
        switch target {
        case .newLayer(let base, let uniqueSuffix, let title, let owner, let kind):
            var slug = base
            var suffix = 1
            while try Int.fetchOne(db, sql: "SELECT count(*) FROM layers WHERE slug = ?", arguments: [slug]) ?? 0 > 0 {
                guard uniqueSuffix else { throw VersionImportError.slugTaken(base) }
                suffix += 1
                slug = "\(base)-\(suffix)"
            }
            try db.execute(sql: """
                INSERT INTO layers(slug, title, owner_agency_id, geometry_kind, visibility, import_state)
                VALUES (?, ?, ?, ?, 'private', 'writing')
                """, arguments: [slug, title, owner, kind.rawValue])
            return (db.lastInsertedRowID, slug, true, kind)
        case .existingLayer(let slug, let owner, let kind):
            guard let row = try Row.fetchOne(db, sql: """
                SELECT l.id, l.owner_agency_id, l.geometry_kind, a.code FROM layers l JOIN agencies a ON a.id = l.owner_agency_id
                WHERE l.slug = ? AND \(LayerRepository.readyCondition)
                """, arguments: [slug]) else { throw VersionImportError.layerNotFound(slug: slug) }
            let id: Int64 = row[0], ownerID: Int64 = row[1], ownerCode: String = row[3]
            guard ownerID == owner else { throw VersionImportError.layerOwnedElsewhere(slug: slug, ownerCode: ownerCode) }
            if let stored = (row[2] as String?).flatMap(GeometryKind.init(rawValue:)) {
                guard stored == kind else { throw VersionImportError.kindMismatch(slug: slug, layer: stored, data: kind) }
            } else {
                try db.execute(sql: "UPDATE layers SET geometry_kind = ? WHERE id = ?", arguments: [kind.rawValue, id])
            }
            return (id, slug, false, kind)
        }
    }

    /// Refuses the version when too few features meet the expected area, naming the
    /// alternative CRS under which the sample lands inside, if any.
    static func checkArea(_ check: VersionImportRequest.AreaCheck, inside: Int, count: Int, bbox: BoundingBox,
                          sourceSRID: Int, _ db: Database) throws {
        let box = check.box
        if Double(inside) >= check.minimumShareInside * Double(count) { return }
        var best: (srid: Int, share: Double, distance: Double)?
        let core = check.core
        if !check.sample.isEmpty {
            let sample = WKB.encode(.multiPoint(check.sample))
            let statement = try db.cachedStatement(sql: "SELECT ST_Transform(GeomFromWKB(?, ?), 4326)")
            for srid in check.alternativeSRIDs where srid != sourceSRID {
                guard let blob = try Data.fetchOne(statement, arguments: [sample, srid]),
                      let decoded = try? SpatiaLiteBlob.decode(blob), case .multiPoint(let points) = decoded.geometry
                else { continue }
                let total = Double(max(points.count, 1))
                guard Double(points.filter { box.contains($0) }.count) / total >= check.minimumShareInside else { continue }
                let share = Double(points.filter { core.contains($0) }.count) / total
                let center = decoded.mbr.center, target = core.center
                let distance = hypot(center.x - target.x, center.y - target.y)
                if let current = best, current.share > share || (current.share == share && current.distance <= distance) { continue }
                best = (srid, share, distance)
            }
        }
        throw VersionImportError.outsideArea(inside: inside, total: count, bbox: bbox, bestSRID: best?.srid)
    }

    /// "records 3, 7, 12" (at most ten named).
    static func recordList(_ records: [Int]) -> String {
        let named = records.prefix(10).map(String.init).joined(separator: ", ")
        let more = records.count > 10 ? " and \(records.count - 10) more" : ""
        return "record\(records.count == 1 ? "" : "s") \(named)\(more)"
    }

    /// A JSON array of strings.
    static func jsonArray(_ strings: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: strings, options: [])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Turns one source record into the SpatiaLite BLOB to store: transformed to EPSG:4326,
/// checked for finite coordinates, and repaired when invalid, keeping the layer's kind.
struct FeatureWriter {
    let sourceSRID: Int
    let kind: GeometryKind
    let transform: Statement
    let repair: Statement
    let extract: Statement
    let validity: Statement
    let directValidity: ValidityCheck

    init(db: Database, sourceSRID: Int, kind: GeometryKind) throws {
        self.sourceSRID = sourceSRID
        self.kind = kind
        let source = sourceSRID == 4326 ? "GeomFromWKB(?1, 4326)" : "ST_Transform(GeomFromWKB(?1, ?2), 4326)"
        transform = try db.cachedStatement(sql: """
            WITH t AS MATERIALIZED (SELECT \(source) AS g)
            SELECT g, ST_IsValid(g), MbrMinX(g), MbrMinY(g), MbrMaxX(g), MbrMaxY(g), ST_IsEmpty(g) FROM t
            """)
        repair = try db.cachedStatement(sql: "WITH r AS MATERIALIZED (SELECT MakeValid(?) AS g) SELECT g, GeometryType(g) FROM r")
        extract = try db.cachedStatement(sql: "SELECT CollectionExtract(?, ?)")
        validity = try db.cachedStatement(sql: "SELECT ST_IsValid(?), ST_IsEmpty(?1)")
        directValidity = try ValidityCheck(db)
    }

    /// The BLOB to store for `feature`, its box in EPSG:4326, and whether it had to be repaired.
    func prepare(_ feature: VersionImportRequest.Feature) throws -> (Data, BoundingBox, Bool) {
        if let direct = try inWGS84(feature) { return (direct.0, direct.1, false) }
        let record = feature.recordNumber
        let arguments: StatementArguments = sourceSRID == 4326 ? [feature.wkb] : [feature.wkb, sourceSRID]
        guard let row = try Row.fetchOne(transform, arguments: arguments), let blob: Data = row[0] else {
            throw VersionImportError.record(number: record, problem: "the geometry could not be read or transformed from EPSG:\(sourceSRID)")
        }
        let values: [Double?] = [row[2], row[3], row[4], row[5]]
        let box = values.compactMap { $0 }
        guard box.count == 4, box.allSatisfy(\.isFinite), box[0] >= -180.000001, box[2] <= 180.000001,
              box[1] >= -90.000001, box[3] <= 90.000001 else {
            throw VersionImportError.record(number: record, problem: "the coordinates do not transform from EPSG:\(sourceSRID) to a place on Earth; check the coordinate system")
        }
        let extent = BoundingBox(minX: box[0], minY: box[1], maxX: box[2], maxY: box[3])
        let valid: Int? = row[1]
        if valid == 1 { return (blob, extent, false) }
        guard let fixed = try Row.fetchOne(repair, arguments: [blob]), var repaired = fixed[0] as Data? else {
            throw VersionImportError.record(number: record, problem: "the \(kind.rawValue) is invalid and MakeValid cannot repair it")
        }
        let type = (fixed[1] as String?)?.uppercased() ?? ""
        if !Self.family(of: type, is: kind) {
            let code = kind == .point ? 1 : kind == .line ? 2 : 3
            guard let extracted = try Data.fetchOne(extract, arguments: [repaired, code]) else {
                let shape = type.split(separator: " ").first.map { $0.lowercased() } ?? "nothing"
                throw VersionImportError.record(number: record, problem: "the \(kind.rawValue) is invalid and repairing it leaves a \(shape), not a \(kind.rawValue); fix the record or remove it")
            }
            repaired = extracted
        }
        guard let check = try Row.fetchOne(validity, arguments: [repaired]), (check[0] as Int?) == 1, (check[1] as Int?) != 1 else {
            throw VersionImportError.record(number: record, problem: "the \(kind.rawValue) is invalid and MakeValid cannot repair it")
        }
        return (repaired, extent, true)
    }

    /// Geometries already in EPSG:4326 need no PROJ: their BLOB and box are made here, and only
    /// GEOS is asked whether a line or polygon is valid (a finite point always is), sparing the
    /// statement that parses, measures and checks each feature. Nil for another CRS, and for a
    /// geometry that is invalid or cannot be written here, which `prepare` takes the long way.
    func inWGS84(_ feature: VersionImportRequest.Feature) throws -> (Data, BoundingBox)? {
        guard sourceSRID == 4326, let geometry = try? WKB.decode(feature.wkb) else { return nil }
        let box = geometry.bbox
        guard !box.isEmpty else { return nil }
        guard [box.minX, box.minY, box.maxX, box.maxY].allSatisfy(\.isFinite), box.minX >= -180.000001, box.maxX <= 180.000001,
              box.minY >= -90.000001, box.maxY <= 90.000001 else {
            throw VersionImportError.record(number: feature.recordNumber,
                                            problem: "the coordinates do not transform from EPSG:4326 to a place on Earth; check the coordinate system")
        }
        guard let blob = try? SpatiaLiteBlob.encode(geometry, srid: 4326) else { return nil }
        switch geometry {
        case .point, .multiPoint: return (blob, box)
        default: return try directValidity.isValid(blob) ? (blob, box) : nil
        }
    }

    /// Whether a SpatiaLite geometry type name ("MULTIPOLYGON", "POINT XY"…) belongs to `kind`.
    static func family(of type: String, is kind: GeometryKind) -> Bool {
        let name = type.split(separator: " ").first.map(String.init) ?? type
        switch kind {
        case .point: return name == "POINT" || name == "MULTIPOINT"
        case .line: return name == "LINESTRING" || name == "MULTILINESTRING"
        case .polygon: return name == "POLYGON" || name == "MULTIPOLYGON"
        }
    }
}
