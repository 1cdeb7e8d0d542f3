import Foundation
import Formats
import Store

/// An import's refusal in the visitor's language, for the upload pages (the command line keeps
/// `ImportError.description`). Each case has its locale key in `locales/*/import.json`, with
/// named placeholders ("{file}", "{record}"…). A reader's own detail — what is wrong inside the
/// file — stays as the reader wrote it, framed in the page's language: "Tệp x.zip, bản ghi 17: …".
extension Portal {
    /// `error` worded in `language`.
    static func message(_ error: ImportError, _ localizer: Localizer, _ language: Language) -> String {
        let text = ImportErrorText(localizer: localizer, language: language)
        switch error {
        case .unknownUser(let name):
            return text.fill("import_error_unknown_user", ["user": name])
        case .userDisabled(let name):
            return text.fill("import_error_user_disabled", ["user": name])
        case .unknownAgency(let code):
            return text.fill("import_error_unknown_agency", ["agency": code])
        case .notInAgency(let user, let agency, let userAgency):
            return text.fill("import_error_not_in_agency", ["user": user, "agency": agency, "user_agency": userAgency])
        case .notAllowed(let user, let role, let agency):
            return text.fill("import_error_not_allowed", ["user": user, "role": text.key("role_\(role.rawValue)"), "agency": agency])
        case .unknownLayer(let slug):
            return text.fill("import_error_unknown_layer", ["slug": slug])
        case .layerOwnedElsewhere(let slug, let owner, let agency):
            return text.fill("import_error_layer_owned_elsewhere", ["slug": slug, "owner": owner, "agency": agency])
        case .invalidSlug(let slug):
            return text.fill("import_error_invalid_slug", ["slug": slug])
        case .read(let error):
            return message(error, localizer, language)
        case .unknownEncoding(let name, let choices):
            return text.fill("import_error_unknown_encoding", ["name": name, "choices": choices.map(\.name).joined(separator: ", ")])
        case .crsUndecided(let file, let declared, let choices):
            let said = declared.map { text.fill("import_error_crs_declared", ["declared": String($0.prefix(200))]) } ?? ""
            return text.fill("import_error_crs_undecided", ["file": file, "declared": said,
                                                            "choices": choices.map(text.crs).joined(separator: "; ")])
        case .unknownCRS(let code):
            return text.fill("import_error_unknown_crs", ["code": String(code)])
        case .encodingUndecided(let file, let candidates):
            let list = candidates.map { "\($0.name) (\(Self.percent($0.score)))" }.joined(separator: ", ")
            return text.fill("import_error_encoding_undecided", ["file": file, "candidates": list])
        case .mixedKinds(let file, let counts):
            return text.fill("import_error_mixed_kinds", ["file": file, "counts": counts.map(text.kindCount).joined(separator: ", ")])
        case .noFeatures(let file, let records):
            return text.fill("import_error_no_features", ["file": file, "records": text.count(records)])
        case .tooManyFeatures(let file, let count, let limit):
            return text.fill("import_error_too_many_features", ["file": file, "count": text.count(count), "limit": text.count(limit)])
        case .kindMismatch(let slug, let layer, let data):
            return text.fill("import_error_kind_mismatch", ["slug": slug, "layer": text.key("upload_kind_\(layer.rawValue)"),
                                                            "data": text.key("upload_kind_\(data.rawValue)")])
        case .record(let file, let number, let problem):
            return text.fill("import_error_record", ["file": file, "record": String(number), "problem": problem])
        case .outsideProvince(let inside, let total, let bbox, let source, let suggestion):
            let box = [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map { String(format: "%.4f", $0) }.joined(separator: ", ")
            var result = text.fill("import_error_outside_province", ["inside": text.count(inside), "total": text.count(total),
                                                                     "crs": text.crs(source), "box": box])
            if let suggestion, let right = suggestion.zoneMeridian, let wrong = source.zoneMeridian {
                result += " " + text.fill("import_error_outside_zone", ["right": right, "wrong": wrong, "suggestion": text.crs(suggestion)])
            } else if let suggestion {
                result += " " + text.fill("import_error_outside_suggestion", ["crs": source.name, "suggestion": text.crs(suggestion)])
            } else {
                result += " " + text.key("import_error_outside_check")
            }
            return result
        case .noPublishedVersion(let slug, let available):
            return text.fill("import_error_no_published_version", ["slug": slug, "versions": text.versions(available)])
        case .noSuchVersion(let slug, let number, let available):
            return text.fill("import_error_no_such_version", ["slug": slug, "number": String(number), "versions": text.versions(available)])
        case .cannotWrite(let path, let reason):
            return text.fill("import_error_cannot_write", ["path": path, "reason": reason])
        case .store(let error):
            return text.fill("import_error_store", ["detail": error.description])
        }
    }

    /// A reader's refusal worded in `language`, its detail as the reader wrote it.
    static func message(_ error: FormatError, _ localizer: Localizer, _ language: Language) -> String {
        let text = ImportErrorText(localizer: localizer, language: language)
        switch error {
        case .cannotRead(let file, let reason):
            return text.fill("import_read_cannot_read", ["file": file, "reason": reason])
        case .cannotWrite(let file, let reason):
            return text.fill("import_read_cannot_write", ["file": file, "reason": reason])
        case .unsupported(let file, let reason):
            return text.fill("import_read_unsupported", ["file": file, "reason": reason])
        case .invalid(let file, let location?, let problem):
            return text.fill("import_read_invalid_at", ["file": file, "location": text.location(location), "problem": problem])
        case .invalid(let file, nil, let problem):
            return text.fill("import_read_invalid", ["file": file, "problem": problem])
        case .limitExceeded(let file, let problem):
            return text.fill("import_read_limit", ["file": file, "problem": problem])
        case .unsafeArchive(let file, let entry, let problem):
            return text.fill("import_read_unsafe_archive", ["file": file, "entry": entry, "problem": problem])
        case .layerChoice(let file, let requested?, let available):
            return text.fill("import_read_layer_missing", ["file": file, "requested": requested, "layers": available.joined(separator: ", ")])
        case .layerChoice(let file, nil, let available):
            return text.fill("import_read_layer_choice", ["file": file, "layers": available.joined(separator: ", ")])
        }
    }
}

/// The locale strings of one language and the pieces messages are made of.
struct ImportErrorText {
    let localizer: Localizer
    let language: Language

    /// The string of `key`.
    func key(_ key: String) -> String { localizer.text(key, language) }

    /// The string of `key` with each "{name}" replaced by its value.
    func fill(_ key: String, _ values: [String: String]) -> String {
        var result = localizer.text(key, language)
        for (name, value) in values {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }

    /// A count grouped as the language writes numbers.
    func count(_ value: Int) -> String { Portal.formatCount(value, language) }

    /// "VN-2000 múi 3° KTT 105°30′ (EPSG:9209)".
    func crs(_ choice: CRSChoice) -> String {
        choice.name == "EPSG:\(choice.code)" ? choice.name : "\(choice.name) (EPSG:\(choice.code))"
    }

    /// "2 points" for a family of `ImportError.mixedKinds`.
    func kindCount(_ entry: (kind: String, count: Int)) -> String {
        let family = entry.kind.replacingOccurrences(of: " ", with: "_")
        return fill("import_kind_\(family)_\(entry.count == 1 ? "one" : "other")", ["count": count(entry.count)])
    }

    /// A layer's version numbers, or that it has none.
    func versions(_ numbers: [Int]) -> String {
        numbers.isEmpty ? key("import_versions_none")
            : fill("import_versions_list", ["versions": numbers.map(String.init).joined(separator: ", ")])
    }

    /// A reader's location ("record 17", "table x, row 3") in the language's words; parts it
    /// does not know stay as written.
    func location(_ location: String) -> String {
        location.components(separatedBy: ", ").map { part in
            guard let space = part.firstIndex(of: " ") else { return part }
            let word = String(part[..<space])
            guard Self.locationWords.contains(word) else { return part }
            return fill("import_location_\(word)", ["value": String(part[part.index(after: space)...])])
        }.joined(separator: ", ")
    }

    /// The words readers start a location with.
    static let locationWords: Set<String> = ["record", "row", "feature", "placemark", "line", "table"]
}
