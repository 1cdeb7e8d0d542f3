import Foundation
import Testing
import Geometry

@Suite("GeoJSON geometry")
struct GeoJSONTests {
    @Test(arguments: sampleGeometries)
    func textRoundTrip(geometry: Geometry) throws {
        let text = GeoJSON.string(for: geometry)
        switch geometry {
        case .polygon, .multiPolygon, .lineString([]):
            // Valid GeoJSON only: skip the degenerate samples below.
            if geometry.isEmpty { return }
        default: break
        }
        let rounded = geometry.mapPoints { Point(($0.x * 1e7).rounded() / 1e7, ($0.y * 1e7).rounded() / 1e7) }
        #expect(try GeoJSON.geometry(from: Data(text.utf8)) == rounded)
    }

    @Test(arguments: sampleGeometries)
    func objectRoundTrip(geometry: Geometry) throws {
        if case .lineString([]) = geometry { return }
        #expect(try GeoJSON.geometry(fromObject: GeoJSON.object(for: geometry)) == geometry)
        let data = try JSONSerialization.data(withJSONObject: GeoJSON.object(for: geometry))
        #expect(try GeoJSON.geometry(from: data).vertexCount == geometry.vertexCount)
    }

    @Test func compactText() {
        let point = Geometry.point(Point(105.85, 21.030000004))
        #expect(GeoJSON.string(for: point) == #"{"type":"Point","coordinates":[105.85,21.03]}"#)
        #expect(GeoJSON.string(for: squareWithHole)
            == #"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[4,6],[6,6],[6,4],[4,4]]]}"#)
        #expect(GeoJSON.string(for: .geometryCollection([point, .multiPoint([])]))
            == #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[105.85,21.03]},{"type":"MultiPoint","coordinates":[]}]}"#)
    }

    @Test(arguments: [
        (105.85, 7, "105.85"),
        (1.0, 7, "1"),
        (-0.00000004, 7, "0"),
        (-0.00000006, 7, "-0.0000001"),
        (-105.123456789, 7, "-105.1234568"),
        (0.1 + 0.2, 7, "0.3"),
        (20037508.342789244, 2, "20037508.34"),
        (1e20, 7, "1e+20"),
        (123456789012.5, 7, "123456789012.5"),
        (Double.nan, 7, "null"),
        (2.5, 0, "3"),
    ])
    func numbers(value: Double, decimals: Int, expected: String) {
        #expect(GeoJSON.formatNumber(value, decimals: decimals) == expected)
    }

    @Test func parsesRealWorldText() throws {
        let text = """
        {"type": "MultiPolygon", "bbox": [0, 0, 1, 1], "coordinates": [[[[105.1, 21.2, 12.5],
         [105.3, 21.2], [105.3, 21.4], [105.1, 21.2]]]]}
        """
        #expect(try GeoJSON.geometry(from: Data(text.utf8)) == .multiPolygon([[[
            Point(105.1, 21.2), Point(105.3, 21.2), Point(105.3, 21.4), Point(105.1, 21.2),
        ]]]))
        let integers = #"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#
        #expect(try GeoJSON.geometry(from: Data(integers.utf8)) == .lineString([Point(1, 2), Point(3, 4)]))
    }

    @Test(arguments: [
        (#"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[0,0],[1,1]],[[0,0],[1,1],[2,2],[3,3],[4,4],["x",5]]]}"#,
         "coordinates[2][5]: expected [lon, lat]"),
        (#"{"type":"Point","coordinates":[1]}"#, "coordinates: expected [lon, lat]"),
        (#"{"type":"Point"}"#, "coordinates: missing"),
        (#"{"coordinates":[1,2]}"#, "type: missing"),
        (#"{"type":"Circle","coordinates":[1,2]}"#, #"type: unknown geometry type "Circle""#),
        (#"{"type":"Feature","geometry":null}"#, #"type: expected a geometry object, found "Feature""#),
        (#"{"type":"LineString","coordinates":[[1,2]]}"#, "coordinates: a line needs at least 2 positions, found 1"),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#, "coordinates[0]: a linear ring needs at least 4 positions, found 3"),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,0],[1,1],[0,1]]]}"#,
         "coordinates[1]: linear ring is not closed (its last position differs from its first)"),
        (#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"MultiPoint","coordinates":[[1,2],3]}]}"#,
         "geometries[1].coordinates[1]: expected [lon, lat]"),
        (#"{"type":"GeometryCollection"}"#, "geometries: missing"),
        (#"[1,2]"#, "geometry: expected an object"),
        (#"{"type":"MultiPolygon","coordinates":{}}"#, "coordinates: expected an array"),
    ])
    func errorsSayWhere(text: String, message: String) {
        #expect(throws: GeometryError.geoJSON(message)) {
            try GeoJSON.geometry(from: Data(text.utf8))
        }
    }

    @Test func rejectsNonFiniteAndInvalidJSON() {
        #expect(throws: GeometryError.geoJSON("coordinates: expected finite numbers")) {
            try GeoJSON.geometry(fromObject: ["type": "Point", "coordinates": [Double.nan, 1]])
        }
        #expect(throws: GeometryError.self) { try GeoJSON.geometry(from: Data("{".utf8)) }
        var nested: [String: Any] = ["type": "Point", "coordinates": [1, 2]]
        for _ in 0..<100 { nested = ["type": "GeometryCollection", "geometries": [nested]] }
        #expect(throws: GeometryError.self) { try GeoJSON.geometry(fromObject: nested) }
    }
}
