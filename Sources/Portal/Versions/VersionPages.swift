import Foundation
import HTTP
import Store

extension Portal {
    /// `/layers/{slug}/versions`: every version of the layer with its status, who made and who
    /// decided it, and the layer's history of decisions. For the owner agency's editors,
    /// approvers and admins.
    func versionHistory(_ request: Request) throws -> Response {
        let slug = request.parameters["slug"] ?? ""
        let layer = try authorizedLayer(slug, request, .viewPending)
        let language = Localizer.language(for: request)
        let versions = VersionRepository(database)
        let rows = try versions.history(layerID: layer.id).map { versionContext($0, language) }
        let events = try versions.events(layerID: layer.id).map { event -> [String: Any] in
            ([
                "action": localizer.text("version_event_\(event.action.rawValue)", language),
                "who": event.displayName ?? event.username ?? "—",
                "at": DisplayTime.local(event.at),
            ] as [String: Any]).merging(optional: ["number": event.versionNumber,
                                                   "note": event.note.isEmpty ? nil : event.note])
        }
        return page("layer_versions", request, title: "\(layer.title) · \(localizer.text("version_history_title", language))", [
            "layer": ["slug": layer.slug, "title": layer.title],
            "versions": rows, "has_versions": !rows.isEmpty,
            "events": events, "has_events": !events.isEmpty,
            "may_upload": layerPermissions(layer, request)["edit"] ?? false,
        ])
    }

    /// `/layers/{slug}/versions/{n}`: one version beside the published one — both drawn on
    /// maps, their counts and extents compared, the new version's attributes — with the
    /// approver's decisions: publish or reject a pending version, roll back to a superseded one.
    /// A workflow page of the owner agency (`.viewPending`), even for the published version.
    func versionReview(_ request: Request, problem: String? = nil, status: Int = 200) throws -> Response {
        let (layer, version) = try authorizedVersion(request)
        _ = try authorizedLayer(layer.slug, request, .viewPending)
        let language = Localizer.language(for: request)
        let published = try VersionRepository(database).published(layerID: layer.id)
        let may = layerPermissions(layer, request)
        var context: [String: Any] = [
            "layer": ["slug": layer.slug, "title": layer.title],
            "version": versionContext(version, language),
            "comparison": comparisonRows(version, published, language),
            "new_tiles": "/layers/\(layer.slug)/versions/\(version.number)/tiles/{z}/{x}/{y}{r}.png",
            "bounds": Self.boundsJSON(version.extent ?? published?.extent),
            "may_publish": may["approve"] == true && version.status == .pending,
            "may_reject": may["approve"] == true && version.status == .pending,
            "may_rollback": may["approve"] == true && version.status == .superseded,
            "table_link": "/layers/\(layer.slug)/table?version=\(version.number)",
        ]
        if let published, published.id != version.id {
            context["published"] = versionContext(published, language)
            context["published_tiles"] = "/layers/\(layer.slug)/versions/\(published.number)/tiles/{z}/{x}/{y}{r}.png"
        }
        context["table"] = try attributeTableContext(layer, version: version, request,
                                                     baseURL: "/layers/\(layer.slug)/versions/\(version.number)")
        var cautions = reviewCautions(version, published, language)
        if let published, published.id != version.id {
            let diff = try VersionRepository(database).diff(layerID: layer.id, from: published.id, to: version.id)
            let changes = changeSummary(diff, language)
            context["changes"] = changes
            context["has_changes"] = !changes.isEmpty
            if !diff.fieldsRemoved.isEmpty {
                cautions.append(localizer.text("version_fields_removed_caution", language)
                    .replacingOccurrences(of: "{fields}", with: diff.fieldsRemoved.joined(separator: ", ")))
            }
        }
        if !cautions.isEmpty {
            context["cautions"] = cautions
            context["publish_confirm"] = localizer.text("version_publish_confirm", language)
        }
        if let problem { context["problem"] = problem }
        if let done = request.query("done"), ["published", "rejected", "rolled_back"].contains(done) {
            context["notice"] = localizer.text("version_done_\(done)", language)
        }
        let title = "\(layer.title) · \(localizer.text("version_label", language)) \(version.number)"
        return page("version_review", request, title: title, status: status, context)
    }

    /// What the approver should know before publishing `version`: that it was made from another
    /// version than the published one, so publishing it would drop what was published since.
    func reviewCautions(_ version: VersionRecord, _ published: VersionRecord?, _ language: Language) -> [String] {
        guard version.status == .pending, let published, version.baseNumber != published.number else { return [] }
        let text = version.baseNumber.map {
            localizer.text("version_stale_base", language).replacingOccurrences(of: "{base}", with: String($0))
        } ?? localizer.text("version_stale_nothing", language)
        return [text.replacingOccurrences(of: "{published}", with: String(published.number))]
    }

    /// The changes from the published version, line by line. Features are followed by their
    /// identity, which edits keep and a new upload starts afresh: an upload is compared as a whole.
    func changeSummary(_ diff: VersionDiff, _ language: Language) -> [String] {
        func line(_ key: String, _ count: Int) -> String {
            localizer.text(key, language).replacingOccurrences(of: "{n}", with: Self.formatCount(count, language))
        }
        var lines: [String] = []
        if diff.changed + diff.unchanged == 0 {
            lines.append(localizer.text("version_change_replaced", language))
        } else {
            if diff.added > 0 { lines.append(line("version_change_added", diff.added)) }
            if diff.removed > 0 { lines.append(line("version_change_removed", diff.removed)) }
            if diff.attributesChanged > 0 { lines.append(line("version_change_attributes", diff.attributesChanged)) }
            if diff.geometryChanged > 0 { lines.append(line("version_change_geometry", diff.geometryChanged)) }
            lines.append(line("version_change_unchanged", diff.unchanged))
        }
        if !diff.fieldsAdded.isEmpty {
            lines.append(localizer.text("version_fields_added", language)
                .replacingOccurrences(of: "{fields}", with: diff.fieldsAdded.joined(separator: ", ")))
        }
        if !diff.fieldsRemoved.isEmpty {
            lines.append(localizer.text("version_fields_removed", language)
                .replacingOccurrences(of: "{fields}", with: diff.fieldsRemoved.joined(separator: ", ")))
        }
        return lines
    }

    /// One version's facts for the templates.
    func versionContext(_ version: VersionRecord, _ language: Language) -> [String: Any] {
        var context: [String: Any] = [
            "number": version.number,
            "status": version.status.rawValue,
            "status_label": localizer.text("version_status_\(version.status.rawValue)", language),
            "created_by": version.createdBy ?? "—",
            "created_at": DisplayTime.local(version.createdAt),
            "source_name": version.sourceName ?? "—",
            "crs": version.sourceSRID.map { "EPSG:\($0)" } ?? "—",
            "encoding": version.encoding ?? "—",
            "features": Self.formatCount(version.featureCount, language),
            "warnings": version.warnings,
            "has_warnings": !version.warnings.isEmpty,
            "is_pending": version.status == .pending,
            "is_rejected": version.status == .rejected,
            "is_published": version.status == .published,
            "is_superseded": version.status == .superseded,
        ]
        context = context.merging(optional: [
            "decided_by": version.decidedBy, "decided_at": version.decidedAt.map(DisplayTime.local),
            "reason": version.reason.flatMap { $0.isEmpty ? nil : $0 },
        ])
        if let extent = version.extent {
            context["extent"] = "\(Self.degrees(extent.minX)), \(Self.degrees(extent.minY)) — \(Self.degrees(extent.maxX)), \(Self.degrees(extent.maxY))"
        }
        return context
    }

    /// The review page's comparison: feature count and each side of the extent, this version
    /// against the published one, with the difference.
    func comparisonRows(_ version: VersionRecord, _ published: VersionRecord?, _ language: Language) -> [[String: Any]] {
        func signed(_ value: Double, _ format: (Double) -> String) -> String {
            value == 0 ? "0" : (value > 0 ? "+" : "−") + format(abs(value))
        }
        var rows: [[String: Any]] = [[
            "label": localizer.text("version_compare_features", language),
            "new": Self.formatCount(version.featureCount, language),
            "old": published.map { Self.formatCount($0.featureCount, language) } ?? "—",
            "change": published.map { signed(Double(version.featureCount - $0.featureCount)) { Self.formatCount(Int($0), language) } } ?? "—",
        ]]
        typealias Extent = (minX: Double, minY: Double, maxX: Double, maxY: Double)
        let sides: [(key: String, side: (Extent) -> Double)] = [
            ("extent_west", { $0.minX }), ("extent_south", { $0.minY }),
            ("extent_east", { $0.maxX }), ("extent_north", { $0.maxY }),
        ]
        for (key, side) in sides {
            let new = version.extent.map(side)
            let old = published?.extent.map(side)
            var change = "—"
            if let new, let old { change = signed(new - old) { Self.degrees($0) } }
            rows.append([
                "label": localizer.text(key, language),
                "new": new.map(Self.degrees) ?? "—",
                "old": old.map(Self.degrees) ?? "—",
                "change": change,
            ])
        }
        return rows
    }

    /// `[minLon, minLat, maxLon, maxLat]` for the review maps' first view, or the province's.
    static func boundsJSON(_ extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)?) -> String {
        guard let extent else { return "" }
        return "[\(extent.minX),\(extent.minY),\(extent.maxX),\(extent.maxY)]"
    }
}
