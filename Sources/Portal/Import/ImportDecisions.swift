import Foundation
import Formats
import Geometry
import Store

/// The choices the pipeline makes before writing anything: the source CRS, the text
/// encoding, and the slug of a new layer. Each explicit choice wins; where the file leaves
/// the choice open, the pipeline refuses and lists the options rather than guessing.
enum ImportDecisions {
    /// EPSG codes of geographic CRSs: coordinates are longitude and latitude in degrees.
    static let geographicSRIDs: Set<Int> = [4326, 4756]

    /// Two candidate encodings whose scores differ by less than this are too close to call.
    static let encodingMargin = 0.1

    /// Every CRS the upload form offers: WGS 84, geographic VN-2000, then the VN-2000 zones.
    static let crsChoices: [CRSChoice] = {
        [CRSChoice(code: 4326, name: "WGS 84 (kinh độ, vĩ độ)"),
         CRSChoice(code: VN2000Zones.geographic, name: VN2000Zones.geographicName)]
            + VN2000Zones.all.map(choice)
    }()

    /// The form's entry for a VN-2000 zone; 3° zones carry their meridian for messages.
    static func choice(_ zone: VN2000Zone) -> CRSChoice {
        CRSChoice(code: zone.code, name: zone.name,
                  zoneMeridian: zone.scaleFactor == 0.9999 ? degreesMinutes(zone.centralMeridian) : nil)
    }

    /// A CRS by code, named when the portal knows it.
    static func crs(_ code: Int) -> CRSChoice {
        crsChoices.first { $0.code == code } ?? CRSChoice(code: code, name: "EPSG:\(code)")
    }

    /// "105°30′" for 105.5.
    static func degreesMinutes(_ value: Double) -> String {
        let degrees = Int(value)
        let minutes = Int(((value - Double(degrees)) * 60).rounded())
        return "\(degrees)°\(minutes < 10 ? "0" : "")\(minutes)′"
    }

    /// The source CRS: the explicit one, else the file's, else a refusal listing the choices.
    static func sourceSRID(explicit: Int?, dataset: ImportedDataset, file: String) throws(ImportError) -> Int {
        if let explicit { return explicit }
        if let srid = dataset.sourceSRID { return srid }
        throw .crsUndecided(file: file, declared: dataset.sourceCRSDescription, choices: crsChoices)
    }

    /// Every encoding the portal reads, with no score.
    static var encodingOptions: [EncodingOption] {
        TextEncoding.allCases.map { EncodingOption(value: $0.rawValue, name: $0.displayName, score: 0) }
    }

    /// The encoding named on the command line or the form ("utf-8", "tcvn3", "1258", "vni"…).
    static func encoding(named name: String?) throws(ImportError) -> TextEncoding? {
        guard let name, !name.isEmpty else { return nil }
        if let encoding = TextEncoding(codePageName: name) ?? TextEncoding(rawValue: name) { return encoding }
        throw .unknownEncoding(name, choices: encodingOptions)
    }

    /// The name recorded on the version for the encoding the text was read with.
    static func label(_ encoding: TextEncoding?) -> String {
        switch encoding ?? .utf8 {
        case .utf8: return "UTF-8"
        case .windows1258: return "Windows-1258"
        case .tcvn3: return "TCVN3"
        case .vniWindows: return "VNI-Windows"
        case .windows1252: return "Windows-1252"
        }
    }

    /// Refuses a detected encoding when the text goes beyond ASCII and the two best readings
    /// score within `encodingMargin` of each other. An explicit encoding is never questioned.
    static func checkEncoding(explicit: TextEncoding?, dataset: ImportedDataset, file: String) throws(ImportError) {
        guard explicit == nil, dataset.encodingCandidates.count >= 2, hasNonASCII(dataset) else { return }
        let ranked = dataset.encodingCandidates
        let top = ranked[0], second = ranked[1]
        guard dataset.encoding == top.encoding, top.score - second.score < encodingMargin else { return }
        throw .encodingUndecided(file: file, candidates: ranked.map {
            EncodingOption(value: $0.encoding.rawValue, name: $0.encoding.displayName, score: $0.score)
        })
    }

    /// Whether any field name or text value holds a character beyond ASCII.
    static func hasNonASCII(_ dataset: ImportedDataset) -> Bool {
        let beyond = { (text: String) in text.unicodeScalars.contains { $0.value >= 0x80 } }
        if dataset.fields.contains(where: { beyond($0.name) }) { return true }
        for feature in dataset.features {
            for (_, value) in feature.properties {
                if case .text(let text) = value, beyond(text) { return true }
            }
        }
        return false
    }

    /// A slug for a new layer from a title or file name: lower-case ASCII, Vietnamese
    /// diacritics removed ("Trường học" → "truong-hoc"), words joined by hyphens.
    static func slug(from text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.canonicalCombiningClass.rawValue != 0 { continue }
            var character = scalar
            if scalar == "đ" || scalar == "Đ" { character = "d" }
            let lower = String(character).lowercased()
            if lower.count == 1, let ascii = lower.unicodeScalars.first, ascii.isASCII,
               ascii.properties.isAlphabetic || ("0"..."9").contains(ascii) {
                if pendingHyphen && !out.isEmpty { out += "-" }
                pendingHyphen = false
                out += lower
            } else {
                pendingHyphen = true
            }
            if out.count >= 60 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "lop" : out
    }

    /// Whether `slug` may name a layer as given.
    static func isValidSlug(_ slug: String) -> Bool {
        guard let first = slug.unicodeScalars.first, slug.count <= 80 else { return false }
        let allowed = { (s: Unicode.Scalar) in ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return allowed(first) && slug.unicodeScalars.allSatisfy { allowed($0) || $0 == "-" }
    }

    /// A title from a file name: its base name without extension.
    static func title(fromFileName name: String) -> String {
        let base = (name as NSString).lastPathComponent
        let stem = (base as NSString).deletingPathExtension
        let title = stem.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? base : title
    }
}
