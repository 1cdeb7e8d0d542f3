import Foundation
import Formats
import Geometry
import Store

/// A coordinate system an uploader may choose: its EPSG code and its name for people.
public struct CRSChoice: Sendable, Equatable {
    public var code: Int
    public var name: String
    /// The central meridian of a VN-2000 3° zone as people write it ("105°30′"), else nil.
    public var zoneMeridian: String?

    public init(code: Int, name: String, zoneMeridian: String? = nil) {
        self.code = code
        self.name = name
        self.zoneMeridian = zoneMeridian
    }
}

/// A text encoding an uploader may choose: the value to pass back (`--encoding`, the form
/// field), its name for people, and how plausible the file's text looks read with it (0…1).
public struct EncodingOption: Sendable, Equatable {
    public var value: String
    public var name: String
    public var score: Double

    public init(value: String, name: String, score: Double) {
        self.value = value
        self.name = name
        self.score = score
    }
}

/// Everything the import pipeline — and export, its way back out — can refuse, each saying
/// what is wrong and where, in words a data officer can act on. Nothing was written when one
/// of these is thrown.
public enum ImportError: Error, Equatable {
    /// No account has this username.
    case unknownUser(String)
    /// The account is disabled.
    case userDisabled(String)
    /// No agency has this code.
    case unknownAgency(String)
    /// The user belongs to another agency.
    case notInAgency(username: String, agency: String, userAgency: String)
    /// The user's role may not upload data for the agency.
    case notAllowed(username: String, role: Role, agency: String)
    /// No active layer has this slug.
    case unknownLayer(String)
    /// The layer belongs to another agency.
    case layerOwnedElsewhere(slug: String, owner: String, agency: String)
    /// A slug given for a new layer breaks the rules (lower-case ASCII letters, digits, hyphens).
    case invalidSlug(String)
    /// The file could not be read.
    case read(FormatError)
    /// The encoding named is not one the portal reads.
    case unknownEncoding(String, choices: [EncodingOption])
    /// The file does not say its coordinate system and none was given.
    case crsUndecided(file: String, declared: String?, choices: [CRSChoice])
    /// The coordinate system is not in PROJ's EPSG database.
    case unknownCRS(Int)
    /// Two readings of the text are nearly as plausible; the uploader must choose.
    case encodingUndecided(file: String, candidates: [EncodingOption])
    /// The file holds several geometry families; `counts` gives each family ("point", "line",
    /// "polygon" or `mixedCollection`) and its count.
    case mixedKinds(file: String, counts: [(kind: String, count: Int)])
    /// No record has a geometry.
    case noFeatures(file: String, records: Int)
    /// More features than the portal accepts in one upload.
    case tooManyFeatures(file: String, count: Int, limit: Int)
    /// The data's geometry family differs from the layer's.
    case kindMismatch(slug: String, layer: Store.GeometryKind, data: Store.GeometryKind)
    /// One record is wrong: "record 17: latitude 123.4 is out of range".
    case record(file: String, number: Int, problem: String)
    /// Most features land outside the province; `suggestion` is a CRS under which they land inside.
    case outsideProvince(inside: Int, total: Int, bbox: BoundingBox, source: CRSChoice, suggestion: CRSChoice?)
    /// The layer has no published version and none was named.
    case noPublishedVersion(slug: String, available: [Int])
    /// The layer has no version with this number.
    case noSuchVersion(slug: String, number: Int, available: [Int])
    /// An export could not be written.
    case cannotWrite(path: String, reason: String)
    /// The database refused (disk full, locked…).
    case store(StoreError)

    public static func == (a: ImportError, b: ImportError) -> Bool { a.description == b.description }

    /// The family `mixedKinds` counts geometry collections that mix families under.
    public static let mixedCollection = "mixed collection"
}

extension ImportError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .unknownUser(let name):
            return "there is no user \"\(name)\""
        case .userDisabled(let name):
            return "user \(name) is disabled"
        case .unknownAgency(let code):
            return "there is no agency \"\(code)\""
        case .notInAgency(let user, let agency, let userAgency):
            return "user \(user) belongs to agency \(userAgency), not \(agency); only the agency's own editors upload its data"
        case .notAllowed(let user, let role, let agency):
            return "user \(user) is a \(role.rawValue) of \(agency); only editors and admins of the agency may upload data"
        case .unknownLayer(let slug):
            return "there is no layer \"\(slug)\""
        case .layerOwnedElsewhere(let slug, let owner, let agency):
            return "layer \(slug) belongs to agency \(owner), not \(agency)"
        case .invalidSlug(let slug):
            return "\"\(slug)\" cannot name a layer: use lower-case ASCII letters, digits and hyphens, starting with a letter or digit"
        case .read(let error):
            return error.description
        case .unknownEncoding(let name, let choices):
            return "\"\(name)\" is not an encoding the portal reads; choose one of: "
                + choices.map { "\($0.value) (\($0.name))" }.joined(separator: ", ")
        case .crsUndecided(let file, let declared, let choices):
            let said = declared.map { " (it declares \"\($0)\", which is not recognised)" } ?? ""
            return "\(file): the coordinate system cannot be decided\(said); name it with --srid N (or on the upload form), one of:\n"
                + choices.map { "  \($0.code)  \($0.name)" }.joined(separator: "\n")
        case .unknownCRS(let code):
            return "EPSG:\(code) is not a coordinate system in PROJ's EPSG database; check the code"
        case .encodingUndecided(let file, let candidates):
            return "\(file): the text encoding cannot be decided; the best readings score nearly the same. Name it with --encoding E (or on the upload form), one of:\n"
                + candidates.map { "  \($0.value)  \($0.name)  score \(String(format: "%.2f", $0.score))" }.joined(separator: "\n")
        case .mixedKinds(let file, let counts):
            let list = counts.map { "\($0.count) \($0.kind)\($0.count == 1 ? "" : "s")" }.joined(separator: ", ")
            return "\(file): mixes geometry kinds (\(list)); a layer holds one kind — split the file into one file per kind and import each as its own layer"
        case .noFeatures(let file, let records):
            return "\(file): none of its \(records) record(s) has a geometry; there is nothing to import"
        case .tooManyFeatures(let file, let count, let limit):
            return "\(file): holds \(count) features; the limit for one upload is \(limit)"
        case .kindMismatch(let slug, let layer, let data):
            return "layer \(slug) holds \(layer.rawValue)s but the file holds \(data)s; import it as a new layer"
        case .record(let file, let number, let problem):
            return "\(file): record \(number): \(problem)"
        case .outsideProvince(let inside, let total, let bbox, let source, let suggestion):
            let box = [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map { String(format: "%.4f", $0) }.joined(separator: ", ")
            var text = "only \(inside) of \(total) features land inside the province when read as EPSG:\(source.code) \(source.name) (they reach \(box)); nothing was imported"
            if let suggestion, let right = suggestion.zoneMeridian, let wrong = source.zoneMeridian {
                text += " — these look like VN-2000 zone \(right) coordinates read as \(wrong) — try --srid \(suggestion.code)"
            } else if let suggestion {
                text += " — these look like \(suggestion.name) coordinates read as \(source.name) — try --srid \(suggestion.code)"
            } else {
                text += " — check the coordinate system (--srid)"
            }
            return text
        case .noPublishedVersion(let slug, let available):
            let list = available.isEmpty ? "it has no versions" : "its versions are \(available.map(String.init).joined(separator: ", "))"
            return "layer \(slug) has no published version; name one with --version N (\(list))"
        case .noSuchVersion(let slug, let number, let available):
            let list = available.isEmpty ? "it has no versions" : "its versions are \(available.map(String.init).joined(separator: ", "))"
            return "layer \(slug) has no version \(number) (\(list))"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .store(let error):
            return error.description
        }
    }

    public var errorDescription: String? { description }
}
