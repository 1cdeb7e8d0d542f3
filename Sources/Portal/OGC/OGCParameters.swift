import HTTP

/// The key-value parameters of an OGC request: names compared without regard to case (the
/// standards say so: `SERVICE`, `service` and `Service` are one parameter), values as sent.
/// The first occurrence of a name wins.
struct OGCParameters {
    private var values: [String: String] = [:]

    init(_ request: Request) {
        for (name, value) in request.queryItems {
            let key = name.uppercased()
            if values[key] == nil { values[key] = value }
        }
    }

    subscript(_ name: String) -> String? { values[name.uppercased()] }

    /// The value with surrounding spaces removed, or nil when missing or empty.
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// A comma-separated list; an empty value is one empty item, a missing one no items.
    func list(_ name: String) -> [String]? {
        guard let value = self[name] else { return nil }
        return value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }
}
