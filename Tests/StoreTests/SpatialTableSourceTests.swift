import Foundation
import GRDB
import Geometry
import Testing
@testable import Store

/// A deterministic generator, so failures repeat.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Creates SpatiaLite's catalogue tables (the function runs its own transaction).
private func initSpatialMetadata(_ db: SpatialDatabase) throws {
    try db.pool.writeWithoutTransaction { try $0.execute(sql: "SELECT InitSpatialMetadata(1)") }
}

/// A SpatiaLite database holding a table "thua_dat" of rectangles with an R*Tree, a table of
/// points, and a line table without spatial index, all in EPSG:4326.
private struct SpatialFixture {
    let test = TestDatabase()
    let db: SpatialDatabase
    /// Rectangle boxes by rowid.
    var rectangles: [Int64: BoundingBox] = [:]

    init(count: Int = 300) throws {
        db = try SpatialDatabase(path: test.path)
        try initSpatialMetadata(db)
        var rng = SplitMix(state: 7)
        var boxes: [Int64: BoundingBox] = [:]
        try db.write { d in
            try d.execute(sql: "CREATE TABLE thua_dat (id INTEGER PRIMARY KEY, ten TEXT, dien_tich REAL)")
            try d.execute(sql: "SELECT AddGeometryColumn('thua_dat', 'geom', 4326, 'POLYGON', 'XY')")
            try d.execute(sql: "SELECT CreateSpatialIndex('thua_dat', 'geom')")
            try d.execute(sql: "CREATE TABLE diem (id INTEGER PRIMARY KEY, loai TEXT)")
            try d.execute(sql: "SELECT AddGeometryColumn('diem', 'geom', 4326, 'POINT', 'XY')")
            try d.execute(sql: "SELECT CreateSpatialIndex('diem', 'geom')")
            try d.execute(sql: "CREATE TABLE duong (id INTEGER PRIMARY KEY)")
            try d.execute(sql: "SELECT AddGeometryColumn('duong', 'geom', 4326, 'LINESTRING', 'XY')")
            for i in 1...count {
                let x = Double.random(in: 105...107, using: &rng), y = Double.random(in: 20...22, using: &rng)
                let w = Double.random(in: 0.001...0.2, using: &rng), h = Double.random(in: 0.001...0.2, using: &rng)
                let wkt = "POLYGON((\(x) \(y), \(x + w) \(y), \(x + w) \(y + h), \(x) \(y + h), \(x) \(y)))"
                try d.execute(sql: "INSERT INTO thua_dat (id, ten, dien_tich, geom) VALUES (?, ?, ?, GeomFromText(?, 4326))",
                              arguments: [i, "Thửa \(i)", w * h, wkt])
                boxes[Int64(i)] = BoundingBox(minX: x, minY: y, maxX: x + w, maxY: y + h)
                try d.execute(sql: "INSERT INTO diem (id, loai, geom) VALUES (?, ?, MakePoint(?, ?, 4326))",
                              arguments: [i, i % 2 == 0 ? "truong" : "tram", x, y])
            }
            try d.execute(sql: "INSERT INTO duong (id, geom) VALUES (1, GeomFromText('LINESTRING(105 20, 106 21, 107 20.5)', 4326))")
            try d.execute(sql: "INSERT INTO duong (id, geom) VALUES (2, GeomFromText('LINESTRING(108 23, 108.5 23.5)', 4326))")
        }
        rectangles = boxes
    }

    func randomBox(_ rng: inout some RandomNumberGenerator) -> BoundingBox {
        let x = Double.random(in: 104.9...107.1, using: &rng), y = Double.random(in: 19.9...22.1, using: &rng)
        return BoundingBox(minX: x, minY: y, maxX: x + Double.random(in: 0.001...0.8, using: &rng),
                           maxY: y + Double.random(in: 0.001...0.8, using: &rng))
    }
}

@Suite("SpatialTableSource")
struct SpatialTableSourceTests {
    @Test func listsGeometryTablesFromTheCatalogue() throws {
        let fixture = try SpatialFixture(count: 3)
        defer { fixture.test.cleanup() }
        let tables = try SpatialTableSource.tables(in: fixture.db)
        #expect(tables.map(\.name) == ["diem", "duong", "thua_dat"])
        #expect(tables.map(\.kind) == [.point, .line, .polygon])
        #expect(tables.map(\.hasSpatialIndex) == [true, false, true])
        #expect(tables.allSatisfy { $0.srid == 4326 && $0.geometryColumn == "geom" })
        #expect(throws: StoreError.notFound("geometry table khong_co")) {
            try SpatialTableSource(database: fixture.db, table: "khong_co")
        }
    }

    @Test func boxQueriesReturnExactlyTheIntersectingFeatures() throws {
        let fixture = try SpatialFixture()
        defer { fixture.test.cleanup() }
        let source = try SpatialTableSource(database: fixture.db, table: "thua_dat")
        var rng = SplitMix(state: 11)
        for _ in 0..<40 {
            let box = fixture.randomBox(&rng)
            let found = try source.features(intersecting: box)
            let expected = fixture.rectangles.filter { $0.value.intersects(box) }.keys.sorted()
            #expect(found.map(\.id) == expected)
            for feature in found {
                #expect(feature.mbr == fixture.rectangles[feature.id])
                guard case .polygon(let rings) = feature.geometry else {
                    Issue.record("row \(feature.id) is not a polygon")
                    continue
                }
                #expect(rings.first?.count == 5)
            }
        }
    }

    @Test func readsRequestedAttributesAndRefusesUnknownOnes() throws {
        let fixture = try SpatialFixture(count: 4)
        defer { fixture.test.cleanup() }
        let source = try SpatialTableSource(database: fixture.db, table: "DIEM", geometryColumn: "GEOM")
        let all = BoundingBox(minX: 100, minY: 10, maxX: 110, maxY: 30)
        let found = try source.features(intersecting: all, attributes: ["loai", "id"])
        #expect(found.map(\.attributes) == [[.text("tram"), .integer(1)], [.text("truong"), .integer(2)],
                                            [.text("tram"), .integer(3)], [.text("truong"), .integer(4)]])
        if case .point = found.first?.geometry {} else { Issue.record("not a point") }
        #expect(throws: StoreError.invalid("table diem has no column \"; DROP TABLE diem; --")) {
            try source.features(intersecting: all, attributes: ["\"; DROP TABLE diem; --"])
        }
    }

    @Test func tablesWithoutSpatialIndexAreScanned() throws {
        let fixture = try SpatialFixture(count: 1)
        defer { fixture.test.cleanup() }
        let source = try SpatialTableSource(database: fixture.db, table: "duong")
        let near = try source.features(intersecting: BoundingBox(minX: 105.9, minY: 20.9, maxX: 106.1, maxY: 21.1))
        #expect(near.map(\.id) == [1])
        let index = try source.loadIndex()
        #expect(index.count == 2)
        #expect(index.ids(intersecting: WebMercator.project(BoundingBox(minX: 108.2, minY: 23, maxX: 109, maxY: 24))) == [2])
    }

    @Test func memoryIndexAnswersLikeTheSQLPath() throws {
        let fixture = try SpatialFixture()
        defer { fixture.test.cleanup() }
        for table in ["thua_dat", "diem"] {
            let source = try SpatialTableSource(database: fixture.db, table: table)
            let index = try source.loadIndex()
            #expect(index.count == 300)
            var rng = SplitMix(state: 23)
            for _ in 0..<200 {
                let box = fixture.randomBox(&rng)
                let sql = try source.features(intersecting: box).map(\.id)
                #expect(index.ids(intersecting: WebMercator.project(box)) == sql)
            }
        }
    }

    @Test func memoryIndexHandsOutMercatorGeometryAndAttributes() throws {
        let fixture = try SpatialFixture(count: 20)
        defer { fixture.test.cleanup() }
        let source = try SpatialTableSource(database: fixture.db, table: "thua_dat")
        let index = try source.loadIndex(attributes: ["ten"])
        #expect(index.attributeNames == ["ten"])
        var seen = 0
        index.forEachFeature(intersecting: WebMercator.worldBounds) { feature in
            seen += 1
            guard let box = fixture.rectangles[feature.id] else { return }
            let projected = WebMercator.project(box)
            #expect(feature.kind == .polygon)
            #expect(feature.partEnds.count == 1 && feature.partEnds[0] == 5)
            #expect(abs(feature.coordinates[0] - projected.minX) < 1e-6)
            #expect(abs(feature.coordinates[1] - projected.minY) < 1e-6)
            #expect(feature.bounds == projected)
            #expect(Array(feature.attributes) == [.text("Thửa \(feature.id)")])
        }
        #expect(seen == 20)
    }

    @Test func generalizedCopiesServeCoarseResolutions() throws {
        let test = TestDatabase()
        defer { test.cleanup() }
        let db = try SpatialDatabase(path: test.path)
        try initSpatialMetadata(db)
        // A wiggly line of 5 000 vertices across a degree.
        let points = (0..<5000).map { i -> String in
            let x = 105 + Double(i) / 5000, y = 21 + 0.01 * sin(Double(i) / 3)
            return "\(x) \(y)"
        }.joined(separator: ", ")
        try db.write { d in
            try d.execute(sql: "CREATE TABLE song (id INTEGER PRIMARY KEY)")
            try d.execute(sql: "SELECT AddGeometryColumn('song', 'geom', 4326, 'LINESTRING', 'XY')")
            try d.execute(sql: "INSERT INTO song (id, geom) VALUES (1, GeomFromText(?, 4326))",
                          arguments: ["LINESTRING(\(points))"])
        }
        let index = try SpatialTableSource(database: db, table: "song").loadIndex()
        #expect(index.vertexCount == 5000)
        #expect(index.tolerances.count > 1)
        func vertices(atZoom zoom: Int) -> Int {
            var n = 0
            index.forEachFeature(intersecting: WebMercator.worldBounds, resolution: TileMath.resolution(zoom: zoom)) {
                n += $0.coordinates.count / 2
            }
            return n
        }
        #expect(vertices(atZoom: 20) == 5000)
        #expect(vertices(atZoom: 4) < 100)
        #expect(vertices(atZoom: 4) >= 2)
    }
}
