import Foundation
import Geometry
import Testing
@testable import Store

/// A page of items read in one statement: each feature once, in `fid` order, its attributes in
/// stored order and typed, nested values as their JSON text, and a feature with no attributes
/// (an empty object, or properties that are not an object) kept with none.
@Suite struct VersionItemsTests {
    static let properties = [
        #"{"zeta":"Đông","alpha":7,"mu":1.5,"ok":true,"no":false,"none":null}"#,
        "{}",
        #"{"nested":{"a":[1,2]},"list":["x","y"],"tên":"Hạ Long"}"#,
        "[1,2,3]",
        "không phải JSON",
        #"{"b":2,"a":1}"#,
    ]

    @Test func aPageHoldsEveryFeatureOnceWithItsAttributesInStoredOrder() throws {
        let world = try AttributeWorld()
        defer { world.test.cleanup() }
        let layers = LayerRepository(world.db)
        let version = try layers.createVersion(layerSlug: "co-so-y-te", createdBy: nil, sourceName: "items.geojson",
                                               sourceSRID: 4326, encoding: "UTF-8")
        try FeatureRepository(world.db).insert(Self.properties.enumerated().map { index, json in
            NewFeature(shape: .wkt("POINT(106.\(index + 1) 21)"), propertiesJSON: json)
        }, versionID: version.id)
        let repository = FeatureRepository(world.db)
        let all = try repository.items(versionID: version.id, ItemQuery(limit: 100))
        #expect(all.matched == Self.properties.count)
        #expect(all.items.count == Self.properties.count)
        #expect(all.items.map(\.fid) == all.items.map(\.fid).sorted() && Set(all.items.map(\.fid)).count == all.items.count)
        #expect(all.items.map { $0.geometry.map { "\($0)" } ?? "" }.allSatisfy { $0.contains("106.") })
        let first = all.items[0].properties
        #expect(first.map(\.0) == ["zeta", "alpha", "mu", "ok", "no", "none"])
        #expect(first[0].1 == .text("Đông") && first[1].1 == .integer(7) && first[2].1 == .real(1.5))
        #expect(first[3].1 == .boolean(true) && first[4].1 == .boolean(false) && first[5].1 == .null)
        #expect(all.items[1].properties.isEmpty, "an empty object: no attributes")
        #expect(all.items[2].properties.map(\.0) == ["nested", "list", "tên"])
        #expect(all.items[2].properties[0].1 == .text(#"{"a":[1,2]}"#) && all.items[2].properties[1].1 == .text(#"["x","y"]"#))
        #expect(all.items[3].properties.isEmpty && all.items[4].properties.isEmpty, "not an object: no attributes")
        #expect(all.items[5].properties.map(\.0) == ["b", "a"])
        // Pages agree with the whole, and each item equals the one read alone.
        let middle = try repository.items(versionID: version.id, ItemQuery(offset: 1, limit: 3))
        #expect(middle.matched == Self.properties.count)
        #expect(middle.items.map(\.fid) == Array(all.items.map(\.fid)[1...3]))
        for item in all.items {
            let alone = try #require(try repository.item(versionID: version.id, fid: item.fid))
            #expect(alone.properties.map(\.0) == item.properties.map(\.0))
            #expect(alone.properties.map(\.1) == item.properties.map(\.1))
        }
        #expect(try repository.items(versionID: version.id, ItemQuery(offset: 6, limit: 3)).items.isEmpty)
    }
}
