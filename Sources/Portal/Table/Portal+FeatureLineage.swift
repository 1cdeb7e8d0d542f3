import Foundation
import HTTP
import Store

/// Where a feature link leads: the feature itself, or the same feature (same `fid`) in the
/// published version when the visitor may not see the linked one.
enum FeatureLookup {
    case found(LayerSummary, VersionRecord, FeatureRecord)
    case moved(String)
}

extension Portal {
    /// The feature of a GET of `/layers/{slug}/features/{id}`. When the visitor may not see its
    /// version and that version was once published (a link kept from a version since replaced),
    /// the link moves to the same feature in the published version if the visitor may see that
    /// (`.viewData`) and it still holds the feature. Features of versions never published
    /// (pending, rejected) get the 404 of a missing layer, like everything else: a redirect
    /// would tell outsiders what the unpublished versions hold.
    func lookUpFeature(_ request: Request, published action: LayerAction = .viewData) throws -> FeatureLookup {
        let feature = try requestedFeature(request)
        let slug = request.parameters["slug"] ?? ""
        let missing = HTTPError(404, "no such layer")
        do {
            let (layer, version) = try authorizedVersion(slug, number: feature.versionNumber, request, published: action)
            if let version, version.id == feature.versionID, layer.id == feature.layerID {
                return .found(layer, version, feature)
            }
        } catch let error as HTTPError where error.status == 404 {}
        do {
            let (layer, published) = try authorizedVersion(slug, number: nil, request, published: action)
            guard let published, layer.id == feature.layerID, published.id != feature.versionID,
                  try VersionRepository(database).find(layerID: layer.id, number: feature.versionNumber)?.status == .superseded,
                  let counterpart = try FeatureRepository(database).featureID(fid: feature.fid, versionID: published.id) else {
                throw missing
            }
            return .moved("/layers/\(layer.slug)/features/\(counterpart)")
        } catch let error as HTTPError where error.status == 404 {
            throw missing
        }
    }

    /// Where the feature of `version` stands among the layer's versions, for the feature page:
    /// for those who see pending versions, the newest pending edit version built on this one
    /// (edit there, or the edits compete); for a version that may not be edited, why; for a
    /// version other than the published one, the same feature in the published version.
    func lineageContext(_ layer: LayerSummary, _ version: VersionRecord, _ feature: FeatureRecord,
                        may: [String: Bool], _ language: Language) -> [String: Any] {
        var context: [String: Any] = [:]
        let fill = { (key: String, number: Int) in
            self.localizer.text(key, language).replacingOccurrences(of: "{number}", with: String(number))
        }
        let editable = VersionEdits.canEdit(version.status)
        if may["view_pending"] == true, editable,
           let pending = try? VersionEdits(database).pendingEdit(of: version.id, fid: feature.fid) {
            let url = pending.featureID.map { "/layers/\(layer.slug)/features/\($0)" }
                ?? "/layers/\(layer.slug)/table?version=\(pending.number)"
            context["pending_edit"] = [
                "text": fill("table_pending_edit_notice", pending.number),
                "link": fill(pending.featureID == nil ? "table_pending_edit_deleted" : "table_pending_edit_link", pending.number),
                "url": url,
            ]
        }
        if may["edit"] == true, !editable {
            context["not_editable"] = fill("table_not_editable", version.number)
                .replacingOccurrences(of: "{status}", with: localizer.text("table_status_\(version.status.rawValue)", language))
        }
        if !Self.isPublished(version, of: layer), may["view_data"] == true, let number = layer.publishedVersion,
           let published = try? VersionRepository(database).published(layerID: layer.id) {
            if let counterpart = try? FeatureRepository(database).featureID(fid: feature.fid, versionID: published.id) {
                context["published_feature"] = ["text": fill("table_published_counterpart", number),
                                        "url": "/layers/\(layer.slug)/features/\(counterpart)"]
            } else {
                context["published_gone"] = fill("table_published_gone", number)
            }
        }
        return context
    }
}
