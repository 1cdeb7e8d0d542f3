import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// `/metrics`: Prometheus text for loopback and `--metrics-from`, the portal's 404 for the rest.
@Suite struct MetricsTests {
    @Test func loopbackReadsTheMetricsOthersGetTheMissingPage() throws {
        let demo = try #require(DemoFixture.shared)
        demo.portal.metrics.record(AccessLogEntry(method: "GET", target: "/layers/co-so-y-te", status: 200, bytes: 10,
                                                  durationMs: 12, remoteAddress: "10.0.0.1", route: "/layers/:slug"))
        let page = try demo.respond("/metrics", remoteAddress: "127.0.0.1")
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: { if case .bytes(let b) = page.body { return b } else { return [] } }(), as: UTF8.self)
        #expect(text.contains(#"bando_http_requests_total{route="/layers/:slug",method="GET",status="200"}"#), "\(text)")
        #expect(text.contains("bando_http_request_duration_seconds_bucket"))
        let outside = try demo.respond("/metrics", remoteAddress: "10.0.0.5")
        let missing = try demo.respond("/khong-co-trang-nay", remoteAddress: "10.0.0.5")
        #expect(outside.status == 404 && missing.status == 404)
        #expect(Self.text(outside).replacingOccurrences(of: "/metrics", with: "")
                == Self.text(missing).replacingOccurrences(of: "/khong-co-trang-nay", with: ""))
    }

    @Test func configuredRangesMayReadThem() throws {
        let metrics = PortalMetrics(allowedFrom: [try #require(AddressRange("10.8.0.0/16"))])
        #expect(AddressRange.any(metrics.allowed, contains: "10.8.3.4"))
        #expect(AddressRange.any(metrics.allowed, contains: "::1"))
        #expect(!AddressRange.any(metrics.allowed, contains: "10.9.3.4"))
        metrics.readServerLoad { ServerLoad(queuedRequests: 3, runningHandlers: 5, handlerThreads: 16) }
        metrics.tileCache(hit: true)
        metrics.tileCache(hit: false)
        metrics.tileCache(hit: false)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("bando_handler_queue_depth 3.0"))
        #expect(text.contains("bando_handlers_running 5.0"))
        #expect(text.contains(#"bando_tile_cache_total{result="miss"} 2"#), "\(text)")
    }

    static func text(_ response: Response) -> String {
        if case .bytes(let bytes) = response.body { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }
}
