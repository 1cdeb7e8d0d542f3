import Foundation
import Geometry
import HTTP
import Store

/// What the feature page's edit form shows after a refused POST: the values as typed and the
/// problem of each field, by field index.
struct FeatureFormState {
    var typed: [Int: String] = [:]
    var problems: [Int: String] = [:]
    var error: String?
}

extension Portal {
    /// `/layers/{slug}/features/{id}`: a feature's attributes, its version (and whether it is
    /// the published one), a small map of it, where it stands among the layer's versions, and
    /// for editors of an editable version the edit and delete forms. A link to a feature the
    /// visitor may no longer see leads to the same feature in the published version.
    func featurePage(_ request: Request) throws -> Response {
        switch try lookUpFeature(request) {
        case .moved(let location):
            return .redirect(to: location)
        case .found(let layer, let version, let feature):
            let language = Localizer.language(for: request)
            let done = request.query("done") == "edited"
                ? localizer.text("table_done_edited", language).replacingOccurrences(of: "{number}", with: String(version.number))
                : nil
            return renderFeature(request, layer, version, feature, state: FeatureFormState(), done: done)
        }
    }

    /// `/layers/{slug}/features/{id}.geojson`: the feature as a GeoJSON Feature (EPSG:4326);
    /// like the page, an old link leads to the published version's feature.
    /// One feature as GeoJSON: geometry and attributes in a machine-readable form, so it needs
    /// the download right (a view-only grant shows the feature page, not this).
    func featureGeoJSON(_ request: Request) throws -> Response {
        switch try lookUpFeature(request, published: .download) {
        case .moved(let location):
            return .redirect(to: location + ".geojson")
        case .found(_, _, let feature):
            var text = "{\"type\":\"Feature\",\"id\":\(feature.id),\"geometry\":"
            text += feature.geometry.map { GeoJSON.string(for: $0) } ?? "null"
            text += ",\"properties\":" + Self.propertiesJSON(feature.properties) + "}"
            var response = Self.jsonResponse(Array(text.utf8), status: 200)
            response.headers["Content-Type"] = "application/geo+json; charset=utf-8"
            return response
        }
    }

    /// The feature named by the `id` parameter (digits, perhaps followed by `.geojson`) of the
    /// layer `slug`, with its version, if the actor may see that version: the published one with
    /// `.viewData`, any other with `.viewPending`. Anything else answers 404 like a missing layer.
    func authorizedFeature(_ request: Request) throws -> (LayerSummary, VersionRecord, FeatureRecord) {
        let feature = try requestedFeature(request)
        let (layer, version) = try authorizedVersion(request.parameters["slug"] ?? "", number: feature.versionNumber, request,
                                                     published: .viewData)
        guard let version, version.id == feature.versionID, layer.id == feature.layerID else {
            throw HTTPError(404, "no such layer")
        }
        return (layer, version, feature)
    }

    /// The feature the `id` parameter names, whoever may see it; 404 when there is none.
    func requestedFeature(_ request: Request) throws -> FeatureRecord {
        var raw = Substring(request.parameters["id"] ?? "")
        if raw.hasSuffix(".geojson") { raw = raw.dropLast(".geojson".count) }
        guard raw.utf8.count <= 18, raw.allSatisfy(\.isASCII), let id = Int64(raw), id > 0,
              let feature = try FeatureRepository(database).feature(id: id) else {
            throw HTTPError(404, "no such layer")
        }
        return feature
    }

    /// The feature page, with the edit form as `state` leaves it.
    func renderFeature(_ request: Request, _ layer: LayerSummary, _ version: VersionRecord, _ feature: FeatureRecord,
                       state: FeatureFormState, done: String? = nil, status: Int = 200) -> Response {
        let language = Localizer.language(for: request)
        let yes = localizer.text("table_true", language), no = localizer.text("table_false", language)
        let published = Self.isPublished(version, of: layer)
        let tableURL = published ? "/layers/\(layer.slug)/table" : "/layers/\(layer.slug)/table?version=\(version.number)"
        let may = layerPermissions(layer, request)
        let name = FeatureName.of(feature.properties)
        let label = "\(localizer.text("table_feature", language)) \(feature.id)"
        var context: [String: Any] = [
            "layer": ["slug": layer.slug, "title": layer.title],
            "feature": ["id": feature.id, "label": label, "heading": name ?? label, "named": name != nil],
            "version": versionContext(version, published: published, language),
            "table_url": tableURL,
            "attributes": feature.properties.map { name, value -> [String: Any] in
                let text = PropertyText.display(value, yes: yes, no: no, language)
                return ["name": name, "text": text, "empty": text.isEmpty]
            },
            "has_attributes": !feature.properties.isEmpty,
            "geometry_json": feature.geometry.map { GeoJSON.string(for: $0) } ?? "null",
            "lineage": lineageContext(layer, version, feature, may: may, language),
        ]
        if may["edit"] == true && VersionEdits.canEdit(version.status) {
            context["edit"] = editContext(layer, version, feature, state: state, language)
        }
        let title = "\(name ?? label) · \(layer.title)"
        return page("feature", request, title: title, status: status,
                    context.merging(optional: ["done": done, "error": state.error]))
    }

    /// The edit form: one input per field, as typed after a refusal or as stored, and a word on
    /// which version the change starts from.
    func editContext(_ layer: LayerSummary, _ version: VersionRecord, _ feature: FeatureRecord,
                     state: FeatureFormState, _ language: Language) -> [String: Any] {
        let versionFields = (try? FeatureRepository(database).fields(versionID: version.id)) ?? []
        let fields = AttributeInput.fields(of: feature, versionFields: versionFields)
        let origin = Self.isPublished(version, of: layer) ? "table_edit_from_published" : "table_edit_from_pending"
        return [
            "origin": localizer.text(origin, language).replacingOccurrences(of: "{number}", with: String(version.number)),
            "fields": fields.enumerated().map { index, field -> [String: Any] in
                let value = state.typed[index] ?? PropertyText.input(AttributeInput.current(feature, field.name))
                return [
                    "input": AttributeInput.inputName(index),
                    "name": field.name,
                    "value": value,
                    "kind": localizer.text("table_kind_\(field.kind.rawValue)", language),
                    "number": PropertyText.isNumeric(field.kind),
                    "boolean": field.kind == .boolean,
                    "is_true": value == "true",
                    "is_false": value == "false",
                    "is_null": value.isEmpty,
                    "has_problem": state.problems[index] != nil,
                    "problem": state.problems[index] ?? "",
                ]
            },
            "has_fields": !fields.isEmpty,
        ]
    }

    /// A properties list as a JSON object text, in order.
    static func propertiesJSON(_ properties: [(String, StoredProperty)]) -> String {
        let members = properties.map { name, value -> String in
            let text: String
            switch value {
            case .null: text = "null"
            case .integer(let number): text = String(number)
            case .real(let number): text = number.isFinite ? number.description : "null"
            case .text(let string): text = Identify.quoted(string)
            case .boolean(let flag): text = flag ? "true" : "false"
            }
            return Identify.quoted(name) + ":" + text
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}
