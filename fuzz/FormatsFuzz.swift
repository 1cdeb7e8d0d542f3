// libFuzzer entry for the importers, compiled into the Formats module itself (so it reaches the
// internal readers) by scripts/fuzz.sh, without the GeoPackage and zip readers (their parsing is
// SQLite's and ZIPFoundation's). The first byte picks the reader:
//   0 GeoJSON   1 CSV   2 KML   3 DBF   4 Shapefile (.shp, .shx, .dbf cut by two length bytes)
//   5 .prj text
// For CSV, a selector of 128 or more leaves the text encoding to the detector (which ranks every
// candidate encoding by the Vietnamese it makes, and costs most of a run); below, it is UTF-8.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    var limits = ImportLimits()
    limits.maxFeatures = 2_000
    let options = ReadOptions(limits: limits)
    switch selector % 6 {
    case 0: _ = try? GeoJSONReader.read(bytes: rest, fileName: "f.geojson", options: options, maxRecords: 500)
    case 1:
        var csvOptions = options
        if selector < 128 { csvOptions.encoding = .utf8 }
        _ = try? CSVDataset.read(bytes: rest, fileName: "f.csv", options: csvOptions, maxRecords: 500)
    case 2: _ = try? KMLReader.read(bytes: rest, fileName: "f.kml", options: options, maxRecords: 500)
    case 3:
        if var table = try? DBFTable(bytes: rest, fileName: "f.dbf", limits: limits) {
            _ = table.fieldInfos(encoding: .windows1258)
            _ = table.records(encoding: .tcvn3, maxRecords: 500)
        }
    case 4:
        guard rest.count >= 2 else { return 0 }
        let shpLength = min(Int(rest[0]) * 16, rest.count - 2)
        let shxLength = min(Int(rest[1]) * 4, rest.count - 2 - shpLength)
        let body = Array(rest.dropFirst(2))
        let shp = Array(body[0..<shpLength])
        let shx = Array(body[shpLength..<(shpLength + shxLength)])
        let dbf = Array(body[(shpLength + shxLength)...])
        let files = ShapefileFiles(name: "f", shp: shp, shx: shx.isEmpty ? nil : shx, dbf: dbf.isEmpty ? nil : dbf, prj: nil, cpg: nil)
        _ = try? ShapefileReader.read(files, options: options, maxRecords: 500)
    default:
        _ = ProjectionFile.identify(wkt: String(decoding: rest, as: UTF8.self))
    }
    return 0
}
