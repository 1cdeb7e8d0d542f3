import Foundation
import Geometry
import Testing
@testable import Formats

/// Real shapefiles a benchmark script may have downloaded beside the project; read in place
/// when present, skipped otherwise (never copied into the repository).
@Suite struct RealDataTests {
    static let folder = "/work/shared/bench/data/src/geopandas/datasets"
    static let boroughs = "\(folder)/nybb_16a.zip"
    static let countries = "\(folder)/naturalearth_lowres/naturalearth_lowres.shp"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: boroughs), "nybb_16a.zip is not present"))
    func newYorkBoroughs() throws {
        let dataset = try DatasetReader.read(path: Self.boroughs, originalName: "nybb_16a.zip")
        #expect(dataset.features.count == 5)
        #expect(dataset.sourceSRID == 2263)
        let names = Set(dataset.features.compactMap { feature -> String? in
            if case .text(let name)? = feature["BoroName"] { return name }
            return nil
        })
        #expect(names == ["Staten Island", "Queens", "Brooklyn", "Manhattan", "Bronx"])
        let box = dataset.features.reduce(BoundingBox.empty) { $0.union($1.geometry?.bbox ?? .empty) }
        #expect(abs(box.minX - 913175) < 100 && abs(box.maxX - 1067383) < 100)
        #expect(abs(box.minY - 120121) < 100 && abs(box.maxY - 272844) < 100)
        #expect(dataset.features.allSatisfy { $0.geometry?.kind == .polygon })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: countries), "naturalearth_lowres is not present"))
    func naturalEarthCountries() throws {
        let dataset = try DatasetReader.read(path: Self.countries, originalName: "naturalearth_lowres.shp")
        #expect(dataset.features.count == 177)
        #expect(dataset.sourceSRID == 4326)
        #expect(dataset.encoding == .windows1252)
        #expect(dataset.features.contains { $0["name"] == .text("Vietnam") })
        #expect(dataset.fields.contains(FieldInfo(name: "pop_est", type: .real)))
    }
}
