import Foundation
import Formats
import Geometry
import Store

/// The features of a GeoJSON FeatureCollection checked and converted one at a time, as the
/// writer's batches ask for them (`FeatureSupply`): the file is never in memory as a whole,
/// nor are its features. The checks are `ValidatedFeatures`' — one geometry family (a file
/// mixing them is read to its end to count each, then refused), empty geometries skipped and
/// reported, coordinates finite and in range — and, when EPSG:4326 is only assumed, a
/// coordinate outside the degree ranges refuses the file as one whose CRS must be chosen.
///
/// Properties are written as each feature holds them. When the columns turn out to differ
/// from feature to feature (a column first met late, one missing, values of several types),
/// the ending asks the writer to lay out again the features written before the columns were
/// all known, so the version holds what the whole-file reader would have written.
final class StreamedFeatures: FeatureSupply, @unchecked Sendable {
    // One writer asks at a time (see `FeatureSupply`).
    private var stream: GeoJSONStream
    let file: String
    let kind: Store.GeometryKind
    private let geographic: Bool
    /// The first feature to write, read while opening to learn the layer's family.
    private var pending: VersionImportRequest.Feature?
    /// Why the supply stopped, when it did.
    private(set) var failure: ImportError?
    private var empty: [Int] = []
    private(set) var sample: [Point] = []
    private var written = 0
    /// How many of the first features written may not be laid out as the final columns say.
    private var unsettled = 0
    private let sampleStride: Int

    /// Reads the stream to its first feature with a geometry; refuses a file with none, or
    /// whose first such feature mixes families.
    init(_ stream: GeoJSONStream, srid: Int, file: String) throws(ImportError) {
        var stream = stream
        var empty: [Int] = []
        let (first, geometry) = try Self.firstWithGeometry(&stream, skipped: &empty, file: file)
        guard let family = ValidatedFeatures.family(geometry) else {
            throw Self.counting(from: first, stream: &stream, file: file)
        }
        self.stream = stream
        self.file = file
        self.empty = empty
        kind = family
        geographic = ImportDecisions.geographicSRIDs.contains(srid)
        sampleStride = max(1, stream.total / ValidatedFeatures.sampleSize)
        pending = try converted(first, geometry)
    }

    /// The first feature with a geometry, the record numbers of those without one before it in
    /// `skipped`; refuses a file with none.
    private static func firstWithGeometry(_ stream: inout GeoJSONStream, skipped: inout [Int],
                                          file: String) throws(ImportError) -> (ImportedFeature, Geometry) {
        while let feature = try read(&stream) {
            if let geometry = feature.geometry, !geometry.isEmpty { return (feature, geometry) }
            skipped.append(feature.recordNumber)
        }
        throw .noFeatures(file: file, records: stream.total)
    }

    var expectedCount: Int { max(stream.total - empty.count, written) }

    func next() throws -> VersionImportRequest.Feature? {
        do throws(ImportError) {
            return try nextFeature()
        } catch {
            failure = error
            throw error
        }
    }

    private func nextFeature() throws(ImportError) -> VersionImportRequest.Feature? {
        if let first = pending {
            pending = nil
            return first
        }
        while let feature = try Self.read(&stream) {
            guard let geometry = feature.geometry, !geometry.isEmpty else {
                empty.append(feature.recordNumber)
                settle(feature, written: false)
                continue
            }
            guard ValidatedFeatures.family(geometry) == kind else {
                throw Self.counting(from: feature, stream: &stream, file: file, before: [kind: written])
            }
            return try converted(feature, geometry)
        }
        return nil
    }

    /// The feature as the writer takes it, once checked; notes whether its properties are laid
    /// out as the columns so far say.
    private func converted(_ feature: ImportedFeature, _ read: Geometry) throws(ImportError) -> VersionImportRequest.Feature {
        let geometry = ValidatedFeatures.flattened(read, kind)
        if stream.crsAssumed, GeoJSONStream.outsideDegreesWarning(geometry.bbox, fileName: file) != nil {
            throw .crsUndecided(file: file, declared: nil, choices: ImportDecisions.crsChoices)
        }
        if let problem = ValidatedFeatures.coordinateProblem(geometry, geographic: geographic) {
            throw .record(file: file, number: feature.recordNumber, problem: problem)
        }
        if written % sampleStride == 0, sample.count < ValidatedFeatures.sampleSize,
           let point = ValidatedFeatures.firstPoint(geometry) {
            sample.append(point)
        }
        written += 1
        settle(feature, written: true)
        return VersionImportRequest.Feature(wkb: WKB.encode(geometry), propertiesJSON: ValidatedFeatures.json(feature.properties),
                                            recordNumber: feature.recordNumber)
    }

    /// How many columns the features before the last one read had met.
    private var knownColumns = 0

    /// Widens `unsettled` after `feature` was read (and, when `isWritten`, counted in `written`).
    private func settle(_ feature: ImportedFeature, written isWritten: Bool) {
        let names = stream.fieldNames
        // A column first met now is missing from every feature written before.
        if names.count > knownColumns {
            unsettled = max(unsettled, written - (isWritten ? 1 : 0))
            knownColumns = names.count
        }
        guard isWritten, unsettled < written else { return }
        if feature.properties.count != names.count || !zip(feature.properties, names).allSatisfy({ $0.0 == $1 }) {
            unsettled = written
        }
    }

    func ending() -> FeatureSupplyEnding {
        var warnings = stream.closingWarnings
        if let skipped = ValidatedFeatures.skippedWarning(empty, file: file) { warnings.append(skipped) }
        let count = stream.hasMixedTypes ? written : unsettled
        guard count > 0 else { return FeatureSupplyEnding(warnings: warnings, sample: sample) }
        let fields = stream.fields
        let rewrite = FeatureSupplyEnding.PropertyRewrite(count: count) { stored in
            guard let properties = GeoJSONStream.properties(fromJSON: stored) else { return stored }
            return ValidatedFeatures.json(GeoJSONStream.normalise(properties, to: fields))
        }
        return FeatureSupplyEnding(warnings: warnings, sample: sample, rewrite: rewrite)
    }

    private static func read(_ stream: inout GeoJSONStream) throws(ImportError) -> ImportedFeature? {
        do {
            return try stream.next()
        } catch {
            throw .read(error)
        }
    }

    /// The refusal of a file that mixes families: `feature` and the rest of the stream are read
    /// to count each family, on top of `before`.
    private static func counting(from feature: ImportedFeature, stream: inout GeoJSONStream, file: String,
                                 before: [Store.GeometryKind: Int] = [:]) -> ImportError {
        var families = before
        var mixedCollections = 0
        var next: ImportedFeature? = feature
        while let current = next {
            if let geometry = current.geometry, !geometry.isEmpty {
                if let family = ValidatedFeatures.family(geometry) {
                    families[family, default: 0] += 1
                } else {
                    mixedCollections += 1
                }
            }
            do throws(ImportError) {
                next = try read(&stream)
            } catch {
                return error
            }
        }
        return ValidatedFeatures.mixedKinds(file: file, families: families, mixedCollections: mixedCollections)
    }
}
