import Foundation
import HTTP
import Store

extension Portal {
    /// Routes of the metadata and style forms.
    func registerEditingRoutes(on router: Router) {
        router.get("/layers/:slug/edit") { [self] request in try metadataForm(request) }
        router.post("/layers/:slug/edit") { [self] request in try saveMetadata(request) }
        router.post("/layers/:slug/transfer/withdraw") { [self] request in try withdrawTransfer(request) }
        router.get("/layers/:slug/style") { [self] request in try stylePage(request) }
        router.post("/layers/:slug/style", maxBody: Self.styleFormLimit) { [self] request in try proposeStyle(request) }
        router.post("/layers/:slug/style/preview", maxBody: Self.styleFormLimit) { [self] request in try stylePreview(request) }
        router.post("/layers/:slug/style/approve") { [self] request in try approveStyle(request) }
        router.post("/layers/:slug/style/reject") { [self] request in try rejectStyle(request) }
    }

    /// The layer page's extra facts (contact officer, licence, update frequency…), for the
    /// `layer_metadata` partial. Empty fields are left out; the contact officer is shown to
    /// everyone who may see the layer, as Decree 47 makes the focal officer public.
    func layerMetadataContext(_ layer: LayerSummary, _ language: Language) throws -> [String: Any] {
        guard let metadata = try layers.metadata(layerID: layer.id) else { return [:] }
        func present(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }
        let contact = metadata.contact
        return [String: Any]().merging(optional: [
            "meta_keywords": present(LayerMetadata.joinKeywords(metadata.keywords)),
            "meta_frequency": metadata.updateFrequency.map { localizer.text("edit_frequency_\($0.rawValue)", language) },
            "meta_data_date": metadata.dataDate.map { Self.day($0, language) },
            "meta_license": present(metadata.license),
            "meta_attribution": present(metadata.attribution),
            "meta_contact_name": present(contact.name),
            "meta_contact_position": present(contact.position),
            "meta_contact_phone": present(contact.phone),
            "meta_contact_email": present(contact.email),
        ])
    }

    /// A `yyyy-mm-dd` day as the language writes it: "31/12/2024" in Vietnamese, as stored in English.
    static func day(_ text: String, _ language: Language) -> String {
        let parts = text.split(separator: "-")
        guard language == .vi, parts.count == 3 else { return text }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }
}
