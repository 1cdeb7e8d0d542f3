import Foundation

/// A JSON object as the protocol's documents are (discovery, JWKS, token responses, JWT parts),
/// read by member with the type each member must have.
public struct JSONObject: @unchecked Sendable {
    /// What `JSONSerialization` made of it: only property-list values, never mutated.
    public let members: [String: Any]

    public init(members: [String: Any]) { self.members = members }

    /// The object in `bytes`, or nil when they are not one JSON object.
    public init?(json bytes: some Sequence<UInt8>) {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = value as? [String: Any] else { return nil }
        members = object
    }

    /// A string member.
    public func string(_ name: String) -> String? { members[name] as? String }

    /// A number member (not a boolean, which `JSONSerialization` also hands out as a number).
    public func number(_ name: String) -> Double? {
        guard let number = members[name] as? NSNumber, !Self.isBoolean(number) else { return nil }
        return number.doubleValue
    }

    /// A member that is one string or an array of strings (as `aud` may be).
    public func strings(_ name: String) -> [String]? {
        if let one = members[name] as? String { return [one] }
        guard let many = members[name] as? [Any] else { return nil }
        let strings = many.compactMap { $0 as? String }
        return strings.count == many.count ? strings : nil
    }

    /// An array of objects.
    public func objects(_ name: String) -> [JSONObject]? {
        (members[name] as? [Any])?.compactMap { ($0 as? [String: Any]).map(JSONObject.init(members:)) }
    }

    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
