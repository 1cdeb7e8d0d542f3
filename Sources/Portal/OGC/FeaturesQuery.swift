import Foundation
import Geometry
import HTTP
import Store

/// The representation a client asks for: `f=json` / `f=html` first, else the Accept header
/// (HTML only when it names text/html before any JSON), else JSON.
enum FeaturesFormat: Equatable {
    case json, html

    init(_ request: Request) throws(FeaturesError) {
        if let f = request.query("f") {
            switch f.lowercased() {
            case "json", "geojson", "application/json", "application/geo+json": self = .json
            case "html", "text/html": self = .html
            default: throw .invalid("f", "'\(f.prefix(32))' is not offered; json and html are")
            }
            return
        }
        let accept = (request.headers["Accept"] ?? "").lowercased()
        let html = accept.range(of: "text/html")?.lowerBound
        let json = [accept.range(of: "json")?.lowerBound].compactMap { $0 }.first
        if let html, json.map({ html < $0 }) ?? true { self = .html } else { self = .json }
    }
}

/// The parameters of `/collections/{id}/items` (OGC 17-069r4 §7.15): `limit`, `offset`, `bbox`
/// (CRS84), `datetime`, and equality on the version's own fields. Any other parameter is an error,
/// as the standard asks.
struct FeaturesQuery {
    static let defaultLimit = 10
    static let maxLimit = 10_000

    var limit = FeaturesQuery.defaultLimit
    var offset = 0
    /// The box asked for, as lon/lat, whatever system it was given in.
    var bbox: BoundingBox?
    /// The box as given and its system, for links to other pages.
    var bboxText: String?
    var bboxCRS = FeaturesCRS.crs84
    /// The system the geometries go out in (Part 2's `crs`).
    var crs = FeaturesCRS.crs84
    var datetime: (start: String?, end: String?)?
    var equals: [(field: String, value: String)] = []

    init(_ request: Request, fields: Set<String>) throws(FeaturesError) {
        var seen = Set<String>()
        var boxNumbers: [Double]?
        for (name, value) in request.queryItems {
            guard seen.insert(name).inserted else { throw .invalid(name, "given twice") }
            switch name {
            case "f": continue
            case "limit":
                guard let n = Int(value), n >= 1 else { throw .invalid("limit", "must be a whole number from 1") }
                limit = min(n, Self.maxLimit)
            case "offset":
                guard let n = Int(value), n >= 0 else { throw .invalid("offset", "must be a whole number from 0") }
                offset = n
            case "bbox":
                boxNumbers = try Self.numbers(value)
                bboxText = value
            case "bbox-crs", "crs":
                guard let system = FeaturesCRS.named(value) else { throw .invalid(name, "'\(value.prefix(80))' is not offered") }
                if name == "crs" { crs = system } else { bboxCRS = system }
            case "datetime": datetime = try Self.interval(value)
            default:
                guard fields.contains(name) else { throw .invalid(name, "is not a parameter of this collection") }
                equals.append((name, value))
            }
        }
        if let boxNumbers {
            if bboxCRS == .crs84 {
                bbox = try Self.box(boxNumbers)
            } else {
                guard boxNumbers[0] <= boxNumbers[2], boxNumbers[1] <= boxNumbers[3] else {
                    throw .invalid("bbox", "each minimum must not exceed its maximum")
                }
                bbox = bboxCRS.lonLatBox(boxNumbers)
                guard let box = bbox, !box.isEmpty else { throw .invalid("bbox", "lies outside \(bboxCRS.uri)") }
            }
        } else if seen.contains("bbox-crs") {
            throw .invalid("bbox-crs", "is given without a bbox")
        }
    }

    /// Four numbers (or six, heights left out: minimums then maximums), as given.
    static func numbers(_ text: String) throws(FeaturesError) -> [Double] {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4 || numbers.count == 6, numbers.allSatisfy({ $0?.isFinite == true }) else {
            throw .invalid("bbox", "must be four numbers: minimums then maximums")
        }
        let n = numbers.map { $0! }
        return n.count == 4 ? n : [n[0], n[1], n[3], n[4]]
    }

    /// West, south, east, north in CRS84.
    static func box(_ n: [Double]) throws(FeaturesError) -> BoundingBox {
        let (west, south, east, north) = (n[0], n[1], n[2], n[3])
        guard south <= north, (-90...90).contains(south), (-90...90).contains(north),
              (-180...180).contains(west), (-180...180).contains(east) else {
            throw .invalid("bbox", "south must not exceed north, and all must be longitudes and latitudes")
        }
        guard west <= east else { throw .invalid("bbox", "a box across the antimeridian is not served") }
        return BoundingBox(minX: west, minY: south, maxX: east, maxY: north)
    }

    /// An RFC 3339 date or date-time, or an interval `start/end` with `..` (or nothing) for an open end.
    static func interval(_ text: String) throws(FeaturesError) -> (start: String?, end: String?) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func instant(_ part: String) throws(FeaturesError) -> String? {
            if part.isEmpty || part == ".." { return nil }
            guard let day = Self.day(part) else { throw .invalid("datetime", "'\(part.prefix(40))' is not an RFC 3339 date or date-time") }
            return day
        }
        switch parts.count {
        case 1:
            guard let day = try instant(parts[0]) else { throw .invalid("datetime", "an instant cannot be open") }
            return (day, day)
        case 2:
            let start = try instant(parts[0]), end = try instant(parts[1])
            if start == nil && end == nil && !(parts[0] == ".." || parts[1] == "..") {
                throw .invalid("datetime", "give at least one end of the interval")
            }
            if let start, let end, start > end { throw .invalid("datetime", "the interval ends before it starts") }
            return (start, end)
        default:
            throw .invalid("datetime", "must be an instant or one interval start/end")
        }
    }

    /// The calendar day (`yyyy-mm-dd`) of an RFC 3339 date or date-time.
    static func day(_ text: String) -> String? {
        let date = String(text.prefix(10))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard date.count == 10, formatter.date(from: date) != nil else { return nil }
        if text.count > 10 {
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let plain = ISO8601DateFormatter()
            guard iso.date(from: text) != nil || plain.date(from: text) != nil else { return nil }
        }
        return date
    }

    /// Whether a layer whose data describes `dataDate` (nil: no date) lies in the asked interval.
    func includes(dataDate: String?) -> Bool {
        guard let datetime else { return true }
        guard let dataDate else { return false }
        if let start = datetime.start, dataDate < start { return false }
        if let end = datetime.end, dataDate > end { return false }
        return true
    }

    /// This query's parameters for a link to another page, `f` included.
    func link(offset: Int, format: String) -> String {
        var items: [(String, String)] = [("f", format), ("limit", String(limit)), ("offset", String(offset))]
        if let bboxText {
            items.append(("bbox", bboxText))
            if bboxCRS != .crs84 { items.append(("bbox-crs", bboxCRS.uri)) }
        }
        if crs != .crs84 { items.append(("crs", crs.uri)) }
        if let datetime { items.append(("datetime", "\(datetime.start ?? "..")/\(datetime.end ?? "..")")) }
        items += equals.map { ($0.field, $0.value) }
        return "?" + items.map { "\(WMSCapabilities.percentEncoded($0.0))=\(WMSCapabilities.percentEncoded($0.1))" }.joined(separator: "&")
    }
}
