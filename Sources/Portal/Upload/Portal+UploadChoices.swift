import Foundation
import Formats
import HTTP

/// What the person chose on the preview page: the text encoding, a CSV's coordinate columns and
/// the layer of a file holding several. They arrive in the page's query (`encoding`,
/// `lon_column`, `lat_column`, `layer`); each of the page's small GET forms carries the choices
/// it does not change, and the import form sends those the preview was read with.
struct UploadChoices: Equatable {
    var encoding: TextEncoding?
    var lonColumn: String?
    var latColumn: String?
    var layer: String?

    /// The choices in `request`'s query; empty values mean "detect". An encoding the portal does
    /// not know is left out (the page says so).
    init(_ request: Request) {
        encoding = request.query("encoding").flatMap(TextEncoding.init(rawValue:))
        lonColumn = Self.name(request.query("lon_column"))
        latColumn = Self.name(request.query("lat_column"))
        layer = Self.name(request.query("layer"))
    }

    /// A name from the query: trimmed, NFC, nil when empty.
    static func name(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The read options of a preview with these choices.
    var readOptions: ReadOptions {
        ReadOptions(encoding: encoding, lonColumn: lonColumn, latColumn: latColumn, layerName: layer)
    }

    /// Hidden fields (`name`, `value`) carrying the choices named in `keep` that were made.
    func hidden(_ keep: [String]) -> [[String: String]] {
        let values: [String: String?] = ["encoding": encoding?.rawValue, "lon_column": lonColumn, "lat_column": latColumn, "layer": layer]
        return keep.compactMap { name in values[name].flatMap { $0 }.map { ["name": name, "value": $0] } }
    }
}

extension Portal {
    /// The layer select of a file holding several layers, and the layer to preview: the one
    /// chosen, else the first. A chosen name the file does not hold is dropped, with `problem` set.
    func layerContext(_ layers: [String], choices: inout UploadChoices, problem: inout String?,
                      _ language: Language) -> [String: Any] {
        if let requested = choices.layer, !layers.contains(requested) {
            problem = problem ?? localizer.text("upload_problem_layer", language).replacingOccurrences(of: "{name}", with: requested)
            choices.layer = nil
        }
        guard layers.count > 1 else {
            choices.layer = nil
            return [:]
        }
        let chosen = choices.layer ?? layers[0]
        choices.layer = chosen
        return [
            "has_layers": true,
            "layers_hint": localizer.text("upload_layers_hint", language).replacingOccurrences(of: "{count}", with: String(layers.count)),
            "layers": layers.map { ["name": $0, "selected": $0 == chosen] as [String: Any] },
        ]
    }

    /// A CSV's two coordinate-column selects, each listing every column with the one read
    /// selected, and why the records have no geometry when the columns could not be used.
    func columnsContext(_ columns: CoordinateColumns, _ language: Language) -> [String: Any] {
        func options(_ selected: String?) -> [[String: Any]] {
            columns.names.map { ["name": $0, "selected": $0 == selected] }
        }
        var context: [String: Any] = [
            "csv_columns": true,
            "lon_options": options(columns.longitude),
            "lat_options": options(columns.latitude),
            "lon_missing": columns.longitude == nil,
            "lat_missing": columns.latitude == nil,
        ]
        if let problem = columns.problem {
            context["columns_problem"] = Self.message(problem, localizer, language)
        }
        return context
    }
}
