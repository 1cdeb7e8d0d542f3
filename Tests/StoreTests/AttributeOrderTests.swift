import Foundation
import GRDB
import Testing
@testable import Store

/// A second version in `AttributeWorld`'s database, large enough for several pages: Vietnamese
/// names in several spellings, integers with nulls, a field of numbers and text, booleans, and
/// a field only some features hold.
struct OrderWorld {
    let world: AttributeWorld
    let versionID: Int64
    static let count = 57
    static let fields = ["tên", "số_hộ", "diện_tích", "hoạt_động", "ghi_chú"]
    static let names = ["Trạm Y tế xã Đông Hưng", "ĐÔNG SƠN", "đo\u{0302}ng anh", "Yên Đức", "Bệnh viện Đa khoa",
                        "Ánh Dương", "trạm y tế Mạo Khê", "Hạ Long", "Cẩm Phả", "Uông Bí"]

    init() throws {
        world = try AttributeWorld()
        let layers = LayerRepository(world.db)
        let version = try layers.createVersion(layerSlug: "co-so-y-te", createdBy: nil, sourceName: "nhieu.geojson",
                                               sourceSRID: 4326, encoding: "UTF-8")
        versionID = version.id
        let features = (0..<Self.count).map { index -> NewFeature in
            let households = index % 7 == 0 ? "null" : String((index * 37) % 101)
            let area = index % 5 == 0 ? #""không rõ""# : String(Double(index) * 1.25 - 20)
            var json = #"{"tên":"\#(Self.names[index % Self.names.count]) \#(index)","số_hộ":\#(households),"#
                + #""diện_tích":\#(area),"hoạt_động":\#(index % 3 == 0)"#
            if index % 4 == 1 { json += #","ghi_chú":"ghi chú \#(index % 8 == 1 ? "Đông" : "khác")""# }
            json += "}"
            return NewFeature(shape: .wkt("POINT(\(106 + Double(index) / 100) 21)"), propertiesJSON: json)
        }
        try FeatureRepository(world.db).insert(features, versionID: version.id)
        try layers.refreshVersionFigures(versionID: version.id)
    }

    var repository: FeatureRepository { world.repository }

    /// Every page of `order` (pages of `limit`, at least one) read directly and from the order's
    /// ids, then the page just past the end read both ways.
    func pages(_ order: (sort: String?, descending: Bool, field: String?, text: String?),
               limit: Int) throws -> (pages: [(direct: AttributePage, kept: AttributePage)], beyond: [AttributePage]) {
        let query = AttributeQuery(sortField: order.sort, descending: order.descending, filterField: order.field,
                                   filterText: order.text, limit: limit)
        let ids = try repository.matchingFeatureIDs(versionID: versionID, order: query.order)
        let read = { (offset: Int) throws -> (AttributePage, AttributePage) in
            var paged = query
            paged.offset = offset
            return (try repository.attributePage(versionID: versionID, fields: Self.fields, query: paged),
                    try repository.attributePage(versionID: versionID, fields: Self.fields, query: paged, orderedIDs: ids))
        }
        let pages = try stride(from: 0, to: max(ids.count, 1), by: limit).map(read)
        let beyond = try read(pages.count * limit)
        return (pages, [beyond.0, beyond.1])
    }

    /// The detail lines of SQLite's plan for `sql`.
    func plan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try world.db.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }
}

@Suite struct AttributeOrderTests {
    @Test func pagesFromTheKeptIdsAreThePagesOfTheDirectQuery() throws {
        let world = try OrderWorld(); defer { world.world.test.cleanup() }
        let filters: [(String?, String?)] = [(nil, nil), ("tên", "dong"), ("tên", "ĐÔNG"), ("tên", "tram y te"),
                                             (nil, "đông"), (nil, "1"), ("số_hộ", "3"), ("diện_tích", "không"),
                                             ("ghi_chú", "khac"), ("tên", "không có")]
        var checked = 0
        for sort in [nil] + OrderWorld.fields.map(Optional.some) {
            for descending in [false, true] {
                for (field, text) in filters {
                    let label = "sort \(sort ?? "-") \(descending ? "desc" : "asc"), filter \(field ?? "*") «\(text ?? "")»"
                    let (pages, beyond) = try world.pages((sort, descending, field, text), limit: 10)
                    for (direct, kept) in pages {
                        #expect(kept == direct, "\(label)")
                        checked += direct.rows.count
                    }
                    let total = pages.first?.direct.total ?? -1
                    let listed = pages.flatMap(\.kept.rows).map(\.id)
                    #expect(listed.count == total && Set(listed).count == total, "\(label): the pages list each match once")
                    #expect(beyond.allSatisfy { $0.rows.isEmpty && $0.total == total }, "\(label): past the end")
                }
            }
        }
        #expect(checked > 1_000, "the combinations compare rows, not only empty pages")
    }

    @Test func theComparedOrdersAreTheOnesTheTableShows() throws {
        let world = try OrderWorld(); defer { world.world.test.cleanup() }
        let pages = try world.pages(("số_hộ", false, "tên", "dong"), limit: 10).pages
        let rows = pages.flatMap(\.kept.rows)
        #expect(pages.first?.kept.total == 18, "names 0–2 of every ten: «Đông Hưng», «ĐÔNG SƠN» and a decomposed «đông anh»")
        #expect(pages.count == 2 && pages[1].kept.rows.count == 8, "the last page is partial")
        let households = rows.map(\.values[1])
        let numbers = households.compactMap { value -> Int64? in if case .integer(let n) = value { return n } else { return nil } }
        #expect(numbers == numbers.sorted() && !numbers.isEmpty)
        #expect(households.suffix(households.count - numbers.count).allSatisfy { $0 == .null }, "nulls last")
        let descending = try world.pages(("diện_tích", true, nil, nil), limit: 25).pages.flatMap(\.kept.rows).map(\.values[2])
        guard case .text(let first) = descending.first else {
            Issue.record("text sorts after numbers, so first when descending")
            return
        }
        #expect(first == "không rõ")
        #expect(descending.last == .real(-18.75), "the smallest number last")
    }

    @Test func equalQueriesMakeEqualOrders() {
        #expect(AttributeOrder(filterField: "tên", filterText: "ĐÔNG") == AttributeOrder(filterField: "tên", filterText: "dong"))
        #expect(AttributeOrder(filterField: "tên", filterText: "") == AttributeOrder(), "no text: no filter, whatever the field")
        #expect(AttributeOrder(descending: true) == AttributeOrder(), "no sort: no direction")
        #expect(AttributeOrder().isFeatureOrder && !AttributeOrder(sortField: "tên").isFeatureOrder)
        #expect(!AttributeOrder(filterText: "x").isFeatureOrder)
        let long = String(repeating: "ă", count: FeatureRepository.maxFilterLength + 20)
        #expect(AttributeOrder(filterText: long) == AttributeOrder(filterText: String(long.prefix(FeatureRepository.maxFilterLength))))
        #expect(AttributeQuery(offset: 40, limit: 10).pageRange(among: 45) == 40..<45)
        #expect(AttributeQuery(offset: 50, limit: 10).pageRange(among: 45) == 45..<45)
        #expect(AttributeQuery(offset: -3, limit: 1_000_000).pageRange(among: 900) == 0..<FeatureRepository.maxPageSize)
        #expect(AttributeQuery(offset: Int.max, limit: 10).pageRange(among: 3) == 3..<3)
    }

    @Test func featureOrderPagesReadTheVersionIndexAndKeptPagesThePrimaryKey() throws {
        let world = try OrderWorld(); defer { world.world.test.cleanup() }
        let (sql, arguments) = FeatureRepository.pageStatement(
            FeatureRepository.clauses(versionID: world.versionID, order: AttributeOrder()), fields: OrderWorld.fields,
            query: AttributeQuery(offset: 20, limit: 10))
        let direct = try world.plan(sql, arguments)
        #expect(direct.contains { $0.contains("USING INDEX features_version (version_id=?)") }, "\(direct)")
        #expect(!direct.contains { $0.contains("TEMP B-TREE") }, "no sort: the index is in id order \(direct)")
        let ids = try world.repository.matchingFeatureIDs(versionID: world.versionID, order: AttributeOrder(sortField: "tên"))
        let (byID, idArguments) = FeatureRepository.rowsStatement(versionID: world.versionID, ids: ids[10..<20],
                                                                  fields: OrderWorld.fields)
        let kept = try world.plan(byID, idArguments)
        #expect(kept.contains { $0.contains("SEARCH f USING INTEGER PRIMARY KEY") }, "\(kept)")
        #expect(!kept.contains { $0.hasPrefix("SCAN f") }, "\(kept)")
    }

    @Test func keptIdsOfAnotherVersionReadNothing() throws {
        let world = try OrderWorld(); defer { world.world.test.cleanup() }
        let page = try world.repository.attributePage(versionID: world.versionID, fields: OrderWorld.fields,
                                                      query: AttributeQuery(), orderedIDs: world.world.ids)
        #expect(page.total == world.world.ids.count && page.rows.isEmpty, "rows are read only from their own version")
    }
}
