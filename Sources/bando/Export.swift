import ArgumentParser
import Foundation
import Portal
import Store

/// `bando export`: a layer version written out through the portal's writers.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a layer's published version (or --version N) as GeoJSON, CSV, KML, zipped shapefiles or GeoPackage.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The layer's slug.")
    var layer: String

    @Option(help: "The version number (default: the published version).")
    var version: Int?

    @Option(help: "The format: geojson, csv, kml, zip (shapefiles) or gpkg.")
    var format: String = "geojson"

    @Option(name: .short, help: "The output file (default: standard output).")
    var output: String?

    func run() throws {
        guard let chosen = LayerExport.Format(rawValue: format.lowercased()) else {
            throw ValidationError("unknown format \"\(format)\"; choose one of: \(LayerExport.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            let db = try SpatialDatabase(path: try database.path())
            let export = LayerExport(database: db)
            let stored = try export.version(slug: layer, number: version)
            let count = try export.write(stored, format: chosen, to: output)
            if let output {
                FileHandle.standardError.write(Data("\(layer) version \(stored.number): \(count) features written to \(output)\n".utf8))
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
