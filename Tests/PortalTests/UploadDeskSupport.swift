import Foundation
import GRDB
import HTTP
@testable import Portal
import Synchronization
import Testing

/// `UploadFixture`'s portal with its upload pages served from a desk of the test's own: its own
/// staging folder (so counts and sweeps see only the test's uploads), limits, gate and hooks.
/// Every other page is the fixture's.
final class DeskFixture: PortalFixture {
    let base: UploadFixture
    let desk: UploadDesk
    let handler: Handler
    /// The desk's data folder.
    let folder: String

    /// A desk made by `make` from a new data folder; the default desk's parts unless replaced.
    init(_ make: (_ dataDirectory: String) -> UploadDesk = { UploadDesk(dataDirectory: $0) }) throws {
        base = try #require(UploadFixture.shared)
        folder = NSTemporaryDirectory() + "bando-desk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        desk = make(folder)
        let router = Router()
        router.use(PortalMiddleware())
        base.portal.registerUploadRoutes(on: router, desk: desk)
        let uploads = router.handler
        let others = base.handler
        handler = { request in
            let path = request.path
            return try path == "/upload" || path.hasSuffix("/upload") || path.hasPrefix("/uploads/") ? uploads(request) : others(request)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var portal: Portal { base.portal }
    var demoPassword: String { base.demoPassword }
    func browserAddress() -> String { "10.6.\(Int.random(in: 0...255)).\(Int.random(in: 1...250))" }

    /// A desk of the default parts with some replaced.
    static func desk(_ folder: String, previews: UploadPreviews = UploadPreviews(gate: PreviewGate()),
                     jobs: ImportJobs = ImportJobs(maxConcurrent: UploadDesk.concurrentImports, maxPerOwner: UploadDesk.queuedImportsPerUser),
                     quotas: UploadQuotas = UploadQuotas(freeSpace: { _ in 1 << 40 })) -> UploadDesk {
        UploadDesk(staging: UploadStaging(dataDirectory: folder), jobs: jobs, previews: previews, quotas: quotas)
    }
}

/// A latch for tests that hold work on other threads: `arrive` holds its caller until `count`
/// callers have arrived or the latch is opened (a 60 s safety limit keeps a failing test finite).
final class Latch: Sendable {
    private let arrived = Mutex(0)
    private let inside = Mutex(0)
    private let together = Mutex(0)
    private let opened = Mutex(false)
    private let arrivals = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    let count: Int

    /// A latch that opens after `count` arrivals; `.max` for one opened only by `open()`.
    init(count: Int = .max) { self.count = count }

    /// Counts the caller in and holds it until the latch opens.
    func arrive() {
        let now = inside.withLock { $0 += 1; return $0 }
        together.withLock { $0 = max($0, now) }
        let total = arrived.withLock { $0 += 1; return $0 }
        arrivals.signal()
        if total >= count { open() }
        if !opened.withLock({ $0 }) {
            _ = gate.wait(timeout: .now() + 60)
            gate.signal()
        }
        inside.withLock { $0 -= 1 }
    }

    /// Lets every held and later caller through.
    func open() {
        let first = opened.withLock { opened -> Bool in
            defer { opened = true }
            return !opened
        }
        if first { gate.signal() }
    }

    /// Waits until `number` callers have arrived (at most 60 s each); false when they did not.
    func waitForArrivals(_ number: Int) -> Bool {
        for _ in 0..<number where arrivals.wait(timeout: .now() + 60) != .success { return false }
        return true
    }

    /// Most callers held in `arrive` at once.
    var mostTogether: Int { together.withLock { $0 } }
}

extension UploadFixture {
    /// The features of every version of `slug`.
    func featureCount(_ slug: String) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM features f JOIN layer_versions v ON v.id = f.version_id JOIN layers l ON l.id = v.layer_id
                WHERE l.slug = ?
                """, arguments: [slug]) ?? -1
        }
    }
}
