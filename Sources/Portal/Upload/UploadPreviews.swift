// Design note — previews of staged files.
//
// The preview page is rendered again for every change of a select, and every render used to
// read the file again. A staged file never changes, so what a preview read of it is kept in
// memory: its outline (format and layers) per token, its readings (the first records under each
// candidate encoding) per token and choices. Both caches are small and forget the least recently
// used entry, so flipping back to an earlier choice, or reloading, reads nothing.
//
// A miss reads the file on the request's worker, so reads go through the process's
// `PreviewGate`: a page takes one slot the first time it must read and gives it back when
// rendered. Reads use the preview's own `ImportLimits.preview`, far below an import's, so a
// preview is quick and small; a file beyond them is said to be so, and may still be imported.
import Foundation
import Formats
import Synchronization

/// Every preview slot is taken; the page asks the visitor to come back shortly.
struct PreviewBusy: Error {}

/// What a staged file holds whatever the choices: its format and layers.
struct PreviewOutline: Sendable {
    var format: DatasetFormat
    var layers: [String]
    /// Set when listing the layers went beyond the preview's limits (a GeoPackage inside a large
    /// zip must be unpacked to be listed); the layers are then unknown.
    var beyondLimits: FormatError?
}

/// The choices a preview reading depends on.
struct PreviewKey: Hashable, Sendable {
    var token: String
    var encoding: TextEncoding?
    var srid: Int?
    var lonColumn: String?
    var latColumn: String?
    var layer: String?

    /// The key of `token`'s upload read with `options`.
    init(_ token: String, _ options: ReadOptions) {
        self.token = token
        encoding = options.encoding
        srid = options.srid
        lonColumn = options.lonColumn
        latColumn = options.latColumn
        layer = options.layerName
    }

    /// The read options of this key under `limits`.
    func options(_ limits: ImportLimits) -> ReadOptions {
        ReadOptions(encoding: encoding, srid: srid, lonColumn: lonColumn, latColumn: latColumn, layerName: layer, limits: limits)
    }
}

/// The cached preview readings of staged uploads, read through the gate within the preview's limits.
final class UploadPreviews: Sendable {
    /// Records read for a preview.
    static let records = 10

    let limits: ImportLimits
    let gate: PreviewGate
    private let outlines = BoundedCache<String, Result<PreviewOutline, FormatError>>(capacity: 8)
    private let readings = BoundedCache<PreviewKey, Result<[EncodingPreview], FormatError>>(capacity: 16)
    private let readCount = Atomic<Int>(0)
    /// Called with a slot of the gate held, before each read of a file; tests hold a read there.
    private let beforeRead: (@Sendable () -> Void)?

    init(limits: ImportLimits = .preview, gate: PreviewGate = .shared, beforeRead: (@Sendable () -> Void)? = nil) {
        self.limits = limits
        self.gate = gate
        self.beforeRead = beforeRead
    }

    /// How many times a staged file was read for a preview (each a cache miss).
    var reads: Int { readCount.load(ordering: .relaxed) }

    /// Forgets what was read of `token`'s upload (it is being imported or was cancelled).
    func forget(_ token: String) {
        outlines.removeAll { $0 == token }
        readings.removeAll { $0.token == token }
    }

    /// Runs `body` with a session for one page; a slot of the gate taken by the session is given
    /// back when `body` returns. Throws `PreviewBusy` when a read finds no slot free in time.
    func session<T>(_ body: (inout PreviewSession) throws -> T) throws -> T {
        var session = PreviewSession(previews: self)
        defer { if session.holdsSlot { gate.leave() } }
        return try body(&session)
    }

    /// The outline of the file at `path`: its format from a look at it (a zip's directory only,
    /// under the import's limits), its layers within the preview's limits.
    fileprivate func readOutline(path: String, name: String) -> Result<PreviewOutline, FormatError> {
        readCount.add(1, ordering: .relaxed)
        let format: DatasetFormat
        do throws(FormatError) {
            format = try DatasetReader.format(path: path, originalName: name)
        } catch {
            return .failure(error)
        }
        // Only a GeoPackage inside a zip is unpacked to list its layers; the rest are listed from
        // a zip's directory or the file itself, which the import's limits allow cheaply.
        let limits = format == .geoPackage ? self.limits : ImportLimits()
        do throws(FormatError) {
            return .success(PreviewOutline(format: format, layers: try DatasetReader.layers(path: path, originalName: name, limits: limits)))
        } catch {
            guard case .limitExceeded = error else { return .failure(error) }
            return .success(PreviewOutline(format: format, layers: [], beyondLimits: error))
        }
    }

    /// The first records of the file at `path` as `key` chooses, under each candidate encoding
    /// when `key` names none.
    fileprivate func readPreviews(_ key: PreviewKey, path: String, name: String) -> Result<[EncodingPreview], FormatError> {
        readCount.add(1, ordering: .relaxed)
        return Result { () throws(FormatError) in
            try DatasetReader.preview(path: path, originalName: name, options: key.options(limits), maxRecords: Self.records)
        }
    }

    fileprivate func cachedOutline(_ token: String) -> Result<PreviewOutline, FormatError>? { outlines.value(token) }
    fileprivate func keep(_ outline: Result<PreviewOutline, FormatError>, _ token: String) { outlines.store(outline, for: token) }
    fileprivate func cachedPreviews(_ key: PreviewKey) -> Result<[EncodingPreview], FormatError>? { readings.value(key) }
    fileprivate func keep(_ previews: Result<[EncodingPreview], FormatError>, _ key: PreviewKey) { readings.store(previews, for: key) }

    fileprivate func willRead() { beforeRead?() }
}

/// The reads of one preview page: from the cache, else from the file with a slot of the gate,
/// taken once for the page.
struct PreviewSession {
    fileprivate let previews: UploadPreviews
    fileprivate private(set) var holdsSlot = false

    fileprivate init(previews: UploadPreviews) {
        self.previews = previews
    }

    /// The outline of `token`'s file at `path`, uploaded as `name`.
    mutating func outline(_ token: String, path: String, name: String) throws(PreviewBusy) -> Result<PreviewOutline, FormatError> {
        if let cached = previews.cachedOutline(token) { return cached }
        try takeSlot()
        let outline = previews.readOutline(path: path, name: name)
        previews.keep(outline, token)
        return outline
    }

    /// The readings of the file at `path`, uploaded as `name`, with the choices of `key`.
    mutating func readings(_ key: PreviewKey, path: String, name: String) throws(PreviewBusy) -> Result<[EncodingPreview], FormatError> {
        if let cached = previews.cachedPreviews(key) { return cached }
        try takeSlot()
        let readings = previews.readPreviews(key, path: path, name: name)
        previews.keep(readings, key)
        return readings
    }

    private mutating func takeSlot() throws(PreviewBusy) {
        if !holdsSlot {
            guard previews.gate.enter() else { throw PreviewBusy() }
            holdsSlot = true
        }
        previews.willRead()
    }
}
