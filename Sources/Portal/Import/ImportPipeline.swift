// Design note — the import pipeline.
//
// One upload becomes one pending layer version, or nothing. The steps, in order:
//   1. who: the user must exist, belong to the agency and hold `.edit` on its layers (Policy);
//      an existing layer must belong to that agency.
//   2. read: `Formats.DatasetReader` gives features with geometry still in the source CRS —
//      a GeoJSON FeatureCollection one at a time as step 5 writes them (`StreamedFeatures`, which
//      does step 4's checks on each), any other file whole.
//   3. decide: the CRS (explicit, else the file's, else refuse listing the choices) and the
//      encoding (explicit, else the reader's, unless two readings of non-ASCII text are too
//      close to call — then refuse listing them with their scores).
//   4. validate: one geometry family per layer (mixed files are refused with counts), empty
//      geometries skipped with a warning, coordinates finite and in range (named by record).
//   5. write: `Store.VersionImporter` writes the layer (if new) and the version row marked as
//      being written, the features in short transactions (features through PROJ's
//      `ST_Transform` with EPSG codes, MakeValid repairs), then in one last short transaction
//      checks the result against the province's box — trying the other VN-2000 3° zones to
//      name the likely right one — and stores the figures, the audit entry and the event,
//      clearing the mark. Until then nobody sees the version. Any refusal removes what was
//      written; a killed process leaves a marked version that `bando serve` removes at start.
//      The file is read in place: the pipeline creates no files of its own.
import Foundation
import Formats
import Geometry
import Store

/// One upload as the command line or the upload page describes it.
public struct ImportRequest: Sendable {
    /// Where the file is now.
    public var path: String
    /// The name it was uploaded under (its extension chooses the reader); recorded on the version.
    public var originalName: String
    /// The code of the agency the data belongs to.
    public var agencyCode: String
    /// The uploading user.
    public var username: String
    /// The layer to add a version to; when no layer has this slug, a new layer gets it.
    /// Nil: a new layer with a slug made from the title or file name.
    public var layerSlug: String?
    /// The title of a new layer (default: from the file name).
    public var title: String?
    /// The source CRS's EPSG code, overriding the file's.
    public var srid: Int?
    /// The text encoding ("utf-8", "tcvn3", "vni", "1258"…), overriding detection.
    public var encoding: String?
    /// The CSV column holding longitude or x (easting), overriding the one found by name.
    public var lonColumn: String?
    /// The CSV column holding latitude or y (northing), overriding the one found by name.
    public var latColumn: String?
    /// The layer to read from a file holding several: a shapefile of a zip ("duong.shp"), a
    /// GeoPackage table, one of several files in a zip.
    public var layerName: String?
    /// The client's address, for the audit log (nil on the command line).
    public var clientAddress: String?

    public init(path: String, originalName: String? = nil, agencyCode: String, username: String,
                layerSlug: String? = nil, title: String? = nil, srid: Int? = nil, encoding: String? = nil,
                lonColumn: String? = nil, latColumn: String? = nil, layerName: String? = nil,
                clientAddress: String? = nil) {
        self.path = path
        self.originalName = originalName ?? (path as NSString).lastPathComponent
        self.agencyCode = agencyCode
        self.username = username
        self.layerSlug = layerSlug
        self.title = title
        self.srid = srid
        self.encoding = encoding
        self.lonColumn = lonColumn
        self.latColumn = latColumn
        self.layerName = layerName
        self.clientAddress = clientAddress
    }
}

/// What an import wrote: a new pending version.
public struct ImportOutcome: Sendable, Equatable {
    public var layerSlug: String
    /// True when the upload created the layer.
    public var layerCreated: Bool
    public var versionID: Int64
    public var versionNumber: Int
    /// Always "pending": a version waits for the agency's approver.
    public var status: String
    public var featureCount: Int
    /// The extent in EPSG:4326.
    public var bbox: BoundingBox
    public var sourceSRID: Int
    /// The encoding the text was read with ("UTF-8", "TCVN3"…).
    public var encoding: String
    public var warnings: [String]
    /// How many invalid geometries were repaired with MakeValid.
    public var repairedCount: Int
    /// The geometry family of the data.
    public var kind: Store.GeometryKind

    /// One JSON object: layer, version, status, features, bbox [minLon, minLat, maxLon, maxLat],
    /// source_srid, encoding, warnings.
    public var json: String {
        var text = "{\"layer\":"
        JSONText.appendString(layerSlug, to: &text)
        text += ",\"version\":\(versionNumber),\"status\":"
        JSONText.appendString(status, to: &text)
        text += ",\"features\":\(featureCount),\"bbox\":["
        text += [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map { "\($0)" }.joined(separator: ",")
        text += "],\"source_srid\":\(sourceSRID),\"encoding\":"
        JSONText.appendString(encoding, to: &text)
        text += ",\"warnings\":["
        for (index, warning) in warnings.enumerated() {
            if index > 0 { text += "," }
            JSONText.appendString(warning, to: &text)
        }
        return text + "]}"
    }

    /// A few lines for a person.
    public var summary: String {
        let box = [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map { String(format: "%.5f", $0) }.joined(separator: ", ")
        var lines = ["\(layerCreated ? "New layer" : "Layer") \(layerSlug): version \(versionNumber) (\(status)), \(featureCount) \(kind.rawValue) features",
                     "  from EPSG:\(sourceSRID), encoding \(encoding); extent \(box)"]
        if repairedCount > 0 { lines.append("  \(repairedCount) invalid geometries repaired") }
        lines += warnings.map { "  warning: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// The import pipeline: file → checked, transformed, pending layer version (see the note above).
public struct ImportPipeline: Sendable {
    /// Margin around the province's box (degrees) inside which imported data is expected.
    public static let provinceMargin = 0.3
    /// The share of features that must land inside the widened province box.
    public static let minimumShareInside = 0.5

    let database: SpatialDatabase
    let limits: ImportLimits

    public init(database: SpatialDatabase, limits: ImportLimits = .configured()) {
        self.database = database
        self.limits = limits
    }

    /// Every CRS an uploader may choose: WGS 84, geographic VN-2000 and the VN-2000 zones.
    public static var crsChoices: [CRSChoice] { ImportDecisions.crsChoices }

    /// Every text encoding an uploader may choose.
    public static var encodingChoices: [EncodingOption] { ImportDecisions.encodingOptions }

    /// Imports `request` as a new pending version; throws, having written nothing, when refused.
    /// `progress`, when given, hears (features written, total) while the version is written.
    public func run(_ request: ImportRequest,
                    progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil) throws(ImportError) -> ImportOutcome {
        let file = request.originalName
        let who = try authorize(request)
        let explicitEncoding = try ImportDecisions.encoding(named: request.encoding)
        let options = ReadOptions(encoding: explicitEncoding, srid: request.srid, lonColumn: request.lonColumn,
                                  latColumn: request.latColumn, layerName: request.layerName, limits: limits)
        // A GeoJSON FeatureCollection is read as it is written; any other file is read whole, and
        // the dataset as read lives only until it is validated: the write holds the features
        // once, as stored.
        let srid: Int, encoding: String, kind: Store.GeometryKind, warnings: [String], sample: [Point]
        let supply: any FeatureSupply
        var streamed: StreamedFeatures?
        if let stream = try openStream(request, options: options) {
            guard let known = request.srid ?? stream.sourceSRID else {
                throw .crsUndecided(file: file, declared: stream.sourceCRSDescription, choices: ImportDecisions.crsChoices)
            }
            srid = known
            encoding = ImportDecisions.label(explicitEncoding)
            let features = try StreamedFeatures(stream, srid: srid, file: file)
            (kind, warnings, sample, supply) = (features.kind, [], [], features)
            streamed = features
        } else {
            let validated: ValidatedFeatures
            (srid, encoding, validated) = try readAndValidate(request, options: options, explicitEncoding: explicitEncoding)
            (kind, warnings, sample) = (validated.kind, validated.warnings, validated.sample)
            supply = VersionImportRequest.arraySupply(validated.features)
        }

        let target: VersionImportRequest.Target
        if let existing = who.existingLayer {
            if let layerKind = existing.geometryKind, layerKind != kind {
                throw .kindMismatch(slug: existing.slug, layer: layerKind, data: kind)
            }
            target = .existingLayer(slug: existing.slug, ownerAgencyID: who.agency.id, kind: kind)
        } else {
            let title = request.title.flatMap { $0.isEmpty ? nil : $0 } ?? ImportDecisions.title(fromFileName: file)
            // A new layer's slug carries its agency's code, so it can only meet the agency's own
            // layers (which its editors see): whether another agency holds a hidden layer of the
            // same name changes nothing in the answer.
            let slug = request.layerSlug ?? ImportDecisions.slug(from: title) + "-" + who.agency.code
            target = .newLayer(slug: slug, uniqueSuffix: request.layerSlug == nil, title: title,
                               ownerAgencyID: who.agency.id, kind: kind)
        }
        let write = VersionImportRequest(
            target: target, userID: who.user.id, username: who.user.username, agencyID: who.agency.id,
            sourceName: file, sourceSRID: srid, encoding: encoding, warnings: warnings,
            supply: supply, areaCheck: try areaCheck(srid: srid, sample: sample),
            clientAddress: request.clientAddress)
        let result: VersionImportResult
        do {
            result = try VersionImporter(database).write(write, progress: progress)
        } catch .supplyStopped {
            throw streamed?.failure ?? .store(.database("the features could not be read"))
        } catch {
            throw Self.translate(error, file: file, srid: srid, agency: request.agencyCode)
        }
        return ImportOutcome(
            layerSlug: result.layerSlug, layerCreated: result.layerCreated, versionID: result.versionID,
            versionNumber: result.versionNumber, status: "pending", featureCount: result.featureCount,
            bbox: result.bbox ?? .empty, sourceSRID: srid, encoding: encoding, warnings: result.warnings,
            repairedCount: result.repairedRecords.count, kind: kind)
    }

    /// The file as a stream of features, when it is one `DatasetReader` streams.
    func openStream(_ request: ImportRequest, options: ReadOptions) throws(ImportError) -> GeoJSONStream? {
        do {
            return try DatasetReader.stream(path: request.path, originalName: request.originalName, options: options)
        } catch {
            throw .read(error)
        }
    }

    /// The file read, its CRS and encoding decided, its features validated.
    func readAndValidate(_ request: ImportRequest, options: ReadOptions,
                         explicitEncoding: TextEncoding?) throws(ImportError) -> (Int, String, ValidatedFeatures) {
        let file = request.originalName
        let dataset: ImportedDataset
        do {
            dataset = try DatasetReader.read(path: request.path, originalName: file, options: options)
        } catch {
            throw .read(error)
        }
        let srid = try ImportDecisions.sourceSRID(explicit: request.srid, dataset: dataset, file: file)
        try ImportDecisions.checkEncoding(explicit: explicitEncoding, dataset: dataset, file: file)
        let encoding = ImportDecisions.label(explicitEncoding ?? dataset.encoding)
        return (srid, encoding, try ValidatedFeatures(consume dataset, srid: srid, file: file, limits: limits))
    }

    /// The user, agency and (for a new version) layer, once the policy allows the upload.
    func authorize(_ request: ImportRequest) throws(ImportError) -> (user: User, agency: Agency, existingLayer: LayerSummary?) {
        do {
            guard let user = try UserRepository(database).find(username: request.username) else {
                throw ImportError.unknownUser(request.username)
            }
            guard !user.disabled else { throw ImportError.userDisabled(user.username) }
            guard let agency = try AgencyRepository(database).find(code: request.agencyCode) else {
                throw ImportError.unknownAgency(request.agencyCode)
            }
            guard user.agencyID == agency.id else {
                let own = try AgencyRepository(database).find(id: user.agencyID)?.code ?? "#\(user.agencyID)"
                throw ImportError.notInAgency(username: user.username, agency: agency.code, userAgency: own)
            }
            let actor = Actor(userID: user.id, username: user.username, displayName: user.displayName,
                              agencyID: agency.id, agencyCode: agency.code, role: user.role)
            var existing: LayerSummary?
            if let slug = request.layerSlug {
                guard ImportDecisions.isValidSlug(slug) else { throw ImportError.invalidSlug(slug) }
                existing = try LayerRepository(database).findForAccess(slug: slug, agencyID: agency.id)?.layer
            }
            let facts = LayerFacts(ownerAgencyID: existing?.agencyID ?? agency.id, visibility: existing?.visibility ?? .private,
                                   isPublished: existing?.publishedVersion != nil, grant: nil)
            if let existing, existing.agencyID != agency.id {
                throw ImportError.layerOwnedElsewhere(slug: existing.slug, owner: existing.agencyCode, agency: agency.code)
            }
            guard Policy.can(actor, .edit, facts) else {
                throw ImportError.notAllowed(username: user.username, role: user.role, agency: agency.code)
            }
            return (user, agency, existing)
        } catch let error as ImportError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.database("\(error)"))
        }
    }

    /// The check against the province's box, or nil when the database holds no province.
    /// For a VN-2000 projected source, the other VN-2000 zones are the alternatives tried.
    func areaCheck(srid: Int, sample: [Point]) throws(ImportError) -> VersionImportRequest.AreaCheck? {
        let province: BoundingBox?
        do {
            province = try AdminUnitRepository(database).currentExtent(level: "province")
        } catch {
            throw .store(error)
        }
        guard let province, !province.isEmpty else { return nil }
        var alternatives: [Int] = []
        if let zone = VN2000Zones.zone(code: srid) {
            alternatives = VN2000Zones.all.filter { $0.scaleFactor == zone.scaleFactor && $0.code != srid }.map(\.code)
        }
        return VersionImportRequest.AreaCheck(box: province.expanded(by: Self.provinceMargin), core: province,
                                              minimumShareInside: Self.minimumShareInside,
                                              alternativeSRIDs: alternatives, sample: sample)
    }

    /// The store's refusal in the pipeline's words.
    static func translate(_ error: VersionImportError, file: String, srid: Int, agency: String) -> ImportError {
        switch error {
        case .store(let error): return .store(error)
        case .unknownSRID(let code): return .unknownCRS(code)
        case .record(let number, let problem): return .record(file: file, number: number, problem: problem)
        case .layerNotFound(let slug): return .unknownLayer(slug)
        case .layerOwnedElsewhere(let slug, let owner): return .layerOwnedElsewhere(slug: slug, owner: owner, agency: agency)
        case .kindMismatch(let slug, let layer, let data): return .kindMismatch(slug: slug, layer: layer, data: data)
        case .slugTaken(let slug): return .store(.invalid("layer \(slug) already exists"))
        case .supplyStopped: return .store(.database("the features could not be read"))
        case .outsideArea(let inside, let total, let bbox, let best):
            return .outsideProvince(inside: inside, total: total, bbox: bbox, source: ImportDecisions.crs(srid),
                                    suggestion: best.map(ImportDecisions.crs))
        }
    }
}
