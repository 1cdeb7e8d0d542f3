import Dispatch
import Foundation
import HTTP
import Synchronization
import Testing
@testable import Portal
import Store

/// A layer of `TableSupport`'s stations and what reading its table through a cache of the
/// test's own needs.
struct OrderCacheWorld {
    let fixture: TableFixture
    let version: VersionRecord
    let fields = ["tên", "số_hộ", "ghi_chú", "hoạt_động"]

    init(_ fixture: TableFixture) throws {
        self.fixture = fixture
        let slug = try TableSupport.layer(fixture, visibility: .public)
        let layerID = try TableSupport.layerID(fixture, slug)
        version = try #require(try VersionRepository(fixture.database).find(layerID: layerID, number: 1))
    }

    var features: FeatureRepository { FeatureRepository(fixture.database) }

    func page(_ cache: AttributeOrderCache, _ query: AttributeQuery) throws -> AttributePage {
        try cache.page(features, version: version, fields: fields, query: query)
    }

    func key(_ order: AttributeOrder) -> AttributeOrderCache.Key {
        AttributeOrderCache.Key(versionID: version.id, createdAt: version.createdAt, featureCount: version.featureCount, order: order)
    }
}

@Suite struct AttributeOrderCacheTests {
    let fixture = TableFixture.shared

    @Test func pagesThroughTheCacheAreTheDirectPages() throws {
        let world = try OrderCacheWorld(try #require(fixture))
        let cache = AttributeOrderCache()
        let queries = [
            AttributeQuery(sortField: "số_hộ", descending: true, offset: 50, limit: 50),
            AttributeQuery(sortField: "tên", filterField: "tên", filterText: "TRẠM SỐ 5"),
            AttributeQuery(filterText: "đông hưng", offset: 40, limit: 15),
            AttributeQuery(sortField: "hoạt_động", filterField: "số_hộ", filterText: "1", offset: 5, limit: 5),
            AttributeQuery(offset: 55, limit: 10),
        ]
        for query in queries {
            let direct = try world.features.attributePage(versionID: world.version.id, fields: world.fields, query: query)
            #expect(try world.page(cache, query) == direct, "\(query)")
            #expect(!direct.rows.isEmpty, "\(query) reads rows")
        }
        #expect(cache.computeCount == 4, "feature order is read straight from the index")
    }

    @Test func aSecondRequestForTheSameOrderIsNotRecomputed() throws {
        let world = try OrderCacheWorld(try #require(fixture))
        let cache = AttributeOrderCache()
        let first = try world.page(cache, AttributeQuery(sortField: "số_hộ", filterText: "Trạm", limit: 50))
        #expect(cache.computeCount == 1 && first.total == 60)
        let last = try world.page(cache, AttributeQuery(sortField: "số_hộ", filterText: "TRAM", offset: 50, limit: 50))
        #expect(cache.computeCount == 1, "another page, the same order (the filter folds alike)")
        #expect(last.rows.count == 10 && last.total == 60, "the last page is partial")
        _ = try world.page(cache, AttributeQuery(sortField: "số_hộ", descending: true, filterText: "Trạm"))
        #expect(cache.computeCount == 2, "another direction is another order")
        _ = try world.page(cache, AttributeQuery(sortField: "số_hộ", filterText: "Trạm"))
        #expect(cache.computeCount == 2)
        #expect(cache.usage.entries == 2 && cache.usage.ids == 120)
    }

    @Test func theBoundsEvictTheLeastRecentlyUsed() throws {
        let world = try OrderCacheWorld(try #require(fixture))
        let byEntries = AttributeOrderCache(maxEntries: 2)
        let orders = ["tên", "số_hộ", "ghi_chú"].map { AttributeQuery(sortField: $0) }
        _ = try world.page(byEntries, orders[0])
        _ = try world.page(byEntries, orders[1])
        _ = try world.page(byEntries, orders[0])
        _ = try world.page(byEntries, orders[2])
        #expect(byEntries.computeCount == 3 && byEntries.usage.entries == 2)
        _ = try world.page(byEntries, orders[0])
        #expect(byEntries.computeCount == 3, "used just before the third came: kept")
        _ = try world.page(byEntries, orders[1])
        #expect(byEntries.computeCount == 4, "the least recently used was dropped")

        let byIDs = AttributeOrderCache(maxIDs: 100)
        _ = try world.page(byIDs, orders[0])
        _ = try world.page(byIDs, orders[1])
        #expect(byIDs.usage.entries == 1 && byIDs.usage.ids == 60, "two orders of 60 ids do not fit in 100")
        let tooLarge = AttributeOrderCache(maxIDs: 59)
        _ = try world.page(tooLarge, orders[0])
        _ = try world.page(tooLarge, orders[0])
        #expect(tooLarge.computeCount == 2 && tooLarge.usage.entries == 0, "an order larger than the bound is not kept")
    }

    @Test func concurrentFirstRequestsComputeOnce() throws {
        let world = try OrderCacheWorld(try #require(fixture))
        let cache = AttributeOrderCache(maxBusy: 16)
        let calls = Atomic<Int>(0)
        let key = world.key(AttributeOrder(sortField: "tên"))
        let results = Mutex<[[Int64]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let ids = try? cache.ids(for: key) {
                calls.add(1, ordering: .relaxed)
                Thread.sleep(forTimeInterval: 0.2)
                return [3, 1, 2]
            }
            results.withLock { $0.append(ids ?? []) }
        }
        #expect(calls.load(ordering: .relaxed) == 1 && cache.computeCount == 1)
        #expect(results.withLock { $0 } == Array(repeating: [3, 1, 2], count: 8))
        let pages = Mutex<[AttributePage]>([])
        let query = AttributeQuery(sortField: "số_hộ", filterText: "5", offset: 5, limit: 5)
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            if let page = try? world.page(cache, query) { pages.withLock { $0.append(page) } }
        }
        let direct = try world.features.attributePage(versionID: world.version.id, fields: world.fields, query: query)
        #expect(pages.withLock { $0 } == Array(repeating: direct, count: 6))
        #expect(cache.computeCount == 2, "six requests of a new order, one computation")
    }

    @Test func aFailureIsSharedAndNotKept() throws {
        let cache = AttributeOrderCache(maxBusy: 4)
        let key = AttributeOrderCache.Key(versionID: -1, createdAt: "", featureCount: 0, order: AttributeOrder(sortField: "x"))
        #expect(throws: StoreError.database("hỏng")) {
            try cache.ids(for: key) { throw StoreError.database("hỏng") }
        }
        #expect(try cache.ids(for: key) { [7] } == [7], "the next request computes again")
        #expect(cache.computeCount == 2)
    }

    @Test func requestsBeyondTheBoundAreToldToComeBack() throws {
        let cache = AttributeOrderCache(maxBusy: 1, maxWait: 0)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        let slow = AttributeOrderCache.Key(versionID: -1, createdAt: "", featureCount: 0, order: AttributeOrder(sortField: "a"))
        let other = AttributeOrderCache.Key(versionID: -1, createdAt: "", featureCount: 0, order: AttributeOrder(sortField: "b"))
        Thread.detachNewThread {
            _ = try? cache.ids(for: slow) {
                started.signal()
                release.wait()
                return [1]
            }
            finished.signal()
        }
        started.wait()
        do {
            _ = try cache.ids(for: other) { [2] }
            Issue.record("a second computation was let in")
        } catch let error as HTTPError {
            #expect(error.status == 503 && error.headers["Retry-After"] == "2")
        }
        release.signal()
        finished.wait()
        #expect(try cache.ids(for: slow) { [9] } == [1], "kept by the first")
        #expect(try cache.ids(for: other) { [2] } == [2], "the slot is free again")
    }

    @Test func aRequestWaitsItsTurnBeforeBeingToldToComeBack() throws {
        let cache = AttributeOrderCache(maxBusy: 1, maxWait: 10)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let slow = AttributeOrderCache.Key(versionID: -2, createdAt: "", featureCount: 0, order: AttributeOrder(sortField: "a"))
        let other = AttributeOrderCache.Key(versionID: -2, createdAt: "", featureCount: 0, order: AttributeOrder(sortField: "b"))
        Thread.detachNewThread {
            _ = try? cache.ids(for: slow) {
                started.signal()
                release.wait()
                return [1]
            }
        }
        started.wait()
        release.signal()
        #expect(try cache.ids(for: other) { [2] } == [2], "admitted once the first computation ends")
    }
}
