@testable import Portal
import Testing

/// The byte-budgeted memory of hot tiles and pages of items: what is kept, what is refused, and
/// which go first when the budget is passed.
@Suite struct RecentCacheTests {
    @Test func pastTheBudgetTheLeastRecentlyUsedGoFirst() {
        let cache = RecentCache<String, String>(maxBytes: 100, maxEntryBytes: 40)
        cache.keep("a", cost: 30, for: "a")
        cache.keep("b", cost: 30, for: "b")
        cache.keep("c", cost: 30, for: "c")
        #expect(cache.totalBytes == 90)
        #expect(cache.value("a") == "a", "a is now the most recently used")
        cache.keep("d", cost: 30, for: "d")   // 120 > 100: down to nine tenths, b (the oldest) alone goes
        #expect(cache.value("b") == nil)
        #expect(cache.value("c") == "c" && cache.value("a") == "a" && cache.value("d") == "d" && cache.totalBytes == 90)
        cache.keep("big", cost: 41, for: "big")
        #expect(cache.value("big") == nil, "over the entry limit: not kept")
        cache.keep("a2", cost: 10, for: "a")
        #expect(cache.value("a") == "a2" && cache.totalBytes == 70, "a key kept again replaces its value and cost")
    }

    @Test func aBudgetOfNothingKeepsNothing() {
        let cache = RecentCache<Int, [UInt8]>(maxBytes: FeaturePages.configuredBytes(["BANDO_ITEM_PAGES_MB": "0"]), maxEntryBytes: 1 << 20)
        cache.keep([1, 2, 3], cost: 3, for: 1)
        #expect(cache.value(1) == nil && cache.totalBytes == 0)
        #expect(FeaturePages.configuredBytes([:]) == FeaturePages.defaultBytes)
        #expect(FeaturePages.configuredBytes(["BANDO_ITEM_PAGES_MB": "8"]) == 8 << 20)
        #expect(FeaturePages.configuredBytes(["BANDO_ITEM_PAGES_MB": "lots"]) == FeaturePages.defaultBytes)
    }
}
