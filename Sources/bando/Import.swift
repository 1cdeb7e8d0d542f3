import ArgumentParser
import Foundation
import Portal
import Store

/// `bando import`: a data file becomes a new layer, or a new pending version of `--layer`,
/// through the same pipeline as the upload page.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a data file as a new layer or a new pending version of a layer.",
        discussion: """
            Reads GeoJSON, zipped shapefiles, CSV, KML/KMZ and GeoPackage. Coordinates are transformed \
            to EPSG:4326 with PROJ; where the coordinate system or the text encoding cannot be decided, \
            the command fails listing the choices. A CSV's coordinate columns are found by name \
            ("lon"/"lat", "x"/"y", "Kinh độ"/"Vĩ độ"…); name others with --lon-column and --lat-column. \
            A zip of several shapefiles or a GeoPackage of several tables needs --source-layer; \
            without it the command fails listing the layers.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The code of the agency the data belongs to.")
    var agency: String

    @Option(help: "The uploading user (an editor or admin of the agency).")
    var user: String

    @Option(help: "The layer to add a version to (a new layer gets this slug when none has it).")
    var layer: String?

    @Option(help: "The title of a new layer (default: from the file name).")
    var title: String?

    @Option(help: "The EPSG code of the file's coordinate system, overriding the file's own.")
    var srid: Int?

    @Option(help: "The text encoding: utf8, windows1258, tcvn3, vniWindows, windows1252 (overrides detection).")
    var encoding: String?

    @Option(help: ArgumentHelp("The CSV column holding longitude or x (easting), when its name is not recognised.",
                               valueName: "name"))
    var lonColumn: String?

    @Option(help: ArgumentHelp("The CSV column holding latitude or y (northing), when its name is not recognised.",
                               valueName: "name"))
    var latColumn: String?

    @Option(help: ArgumentHelp("The layer to import from a file holding several: a shapefile of the zip (\"duong.shp\") or a GeoPackage table.",
                               valueName: "name"))
    var sourceLayer: String?

    @Flag(help: "End with one JSON line: layer, version, status, features, bbox, source_srid, encoding, warnings.")
    var json = false

    @Argument(help: "The data file.")
    var file: String

    func run() throws {
        do {
            let db = try SpatialDatabase(path: try database.path())
            let request = ImportRequest(path: file, agencyCode: agency, username: user, layerSlug: layer,
                                        title: title, srid: srid, encoding: encoding, lonColumn: lonColumn,
                                        latColumn: latColumn, layerName: sourceLayer)
            let outcome = try ImportPipeline(database: db).run(request)
            print(json ? outcome.json : outcome.summary)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
