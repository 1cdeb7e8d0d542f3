import CoreMetrics
import Foundation
import HTTP
import Prometheus
import Synchronization

/// The portal's metrics, kept with swift-metrics over a Prometheus registry of the portal's own
/// and served at `/metrics` in Prometheus text format — to loopback and the addresses of
/// `--metrics-from` only; anyone else gets the portal's 404, as for a page that does not exist.
///
/// Counted as they happen: requests by route, method and status; request durations by route;
/// tile cache hits and misses; waits for the database's one writer. Read when scraped: the
/// handler queue, the import jobs, and the in-memory indexes and overviews of layers built.
public final class PortalMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// Who may read `/metrics`: loopback and the configured ranges.
    public let allowed: [AddressRange]
    private let sources = Mutex(Sources())
    /// The request counters and timers made so far, by route, method and status: making one
    /// asks the registry (labels sorted, names checked), which costs more than counting.
    private let requestMetrics = Mutex<[RequestKey: (counter: CoreMetrics.Counter, timer: CoreMetrics.Timer)]>([:])
    private let tileHits: CoreMetrics.Counter
    private let tileMisses: CoreMetrics.Counter

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct Sources {
        var serverLoad: (@Sendable () -> ServerLoad?)?
        var importCounts: (@Sendable () -> (queued: Int, running: Int))?
        var mapBuilds: (@Sendable () -> (indexes: Int, overviews: Int))?
    }

    public init(allowedFrom ranges: [AddressRange] = []) {
        allowed = AddressRange.loopback + ranges
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        tileHits = Counter(label: "bando_tile_cache_total", dimensions: [("result", "hit")], factory: factory)
        tileMisses = Counter(label: "bando_tile_cache_total", dimensions: [("result", "miss")], factory: factory)
    }

    /// Where the handler queue's state is read from (the HTTP server, once started).
    public func readServerLoad(from source: @escaping @Sendable () -> ServerLoad?) {
        sources.withLock { $0.serverLoad = source }
    }

    func readImportCounts(from source: @escaping @Sendable () -> (queued: Int, running: Int)) {
        sources.withLock { $0.importCounts = source }
    }

    func readMapBuilds(from source: @escaping @Sendable () -> (indexes: Int, overviews: Int)) {
        sources.withLock { $0.mapBuilds = source }
    }

    /// Counts one answered request (the server's access-log entry).
    public func record(_ entry: AccessLogEntry) {
        let key = RequestKey(route: entry.route ?? "unrouted", method: entry.method, status: entry.status)
        let metrics = requestMetrics.withLock { made in
            if let known = made[key] { return known }
            let fresh = (counter: Counter(label: "bando_http_requests_total",
                                          dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))],
                                          factory: factory),
                         timer: Timer(label: "bando_http_request_duration_seconds", dimensions: [("route", key.route)], factory: factory))
            // Routes are the router's patterns and methods a handful, so this stays small; a
            // flood of odd methods or statuses cannot grow it past a bound.
            if made.count < 4096 { made[key] = fresh }
            return fresh
        }
        metrics.counter.increment()
        metrics.timer.recordNanoseconds(Int64(entry.durationMs * 1_000_000))
    }

    func tileCache(hit: Bool) {
        (hit ? tileHits : tileMisses).increment()
    }

    func writerWait(_ duration: Duration) {
        Timer(label: "bando_db_write_wait_seconds", factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The text format, with the values read at scrape time brought up to date first.
    func exposition() -> [UInt8] {
        let (serverLoad, importCounts, mapBuilds) = sources.withLock { ($0.serverLoad, $0.importCounts, $0.mapBuilds) }
        if let load = serverLoad?() {
            Gauge(label: "bando_handler_queue_depth", factory: factory).record(load.queuedRequests)
            Gauge(label: "bando_handlers_running", factory: factory).record(load.runningHandlers)
            Gauge(label: "bando_handler_threads", factory: factory).record(load.handlerThreads)
        }
        if let counts = importCounts?() {
            Gauge(label: "bando_import_jobs", dimensions: [("state", "queued")], factory: factory).record(counts.queued)
            Gauge(label: "bando_import_jobs", dimensions: [("state", "running")], factory: factory).record(counts.running)
        }
        if let builds = mapBuilds?() {
            Gauge(label: "bando_map_builds", dimensions: [("kind", "index")], factory: factory).record(builds.indexes)
            Gauge(label: "bando_map_builds", dimensions: [("kind", "overview")], factory: factory).record(builds.overviews)
        }
        return registry.emitToBuffer()
    }
}

extension Portal {
    /// `/metrics` for loopback and `--metrics-from`; a 404 like any missing page for the rest.
    func metricsPage(_ request: Request) throws -> Response {
        guard AddressRange.any(metrics.allowed, contains: request.peerAddress) else {
            throw HTTPError(404, "No page at this address.")
        }
        return Response(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8",
                                               "Cache-Control": "no-store"],
                        body: .bytes(metrics.exposition()))
    }
}
