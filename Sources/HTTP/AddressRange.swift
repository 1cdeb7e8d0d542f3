import Glibc

/// A block of IP addresses written as CIDR ("10.0.0.0/8", "192.168.1.7", "::1/128"), for the
/// settings that trust or admit some clients only (`--trusted-proxy`, `--metrics-from`).
/// IPv4-mapped IPv6 addresses ("::ffff:10.1.2.3") match the IPv4 ranges.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    /// The network's bytes (4 or 16) and how many leading bits must match.
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    /// Parses "ADDRESS" or "ADDRESS/BITS"; nil when it is not an IPv4 or IPv6 range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let maximum = address.count * 8
        var bits = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value), parts[1].allSatisfy(\.isNumber) else { return nil }
            bits = value
        }
        network = Self.masked(address, bits)
        prefixLength = bits
        description = text
    }

    /// 127.0.0.0/8 and ::1.
    public static let loopback: [AddressRange] = [AddressRange("127.0.0.0/8"), AddressRange("::1/128")].compactMap { $0 }

    /// Whether `address` (as the server writes a peer's address) lies in this range.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16 && network.count == 4 && bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            bytes = Array(bytes[12..<16])
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, prefixLength) == network
    }

    /// Whether any of `ranges` contains `address`.
    public static func any(_ ranges: [AddressRange], contains address: String) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func masked(_ bytes: [UInt8], _ bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, bits - index * 8))
            return keep == 8 ? byte : keep == 0 ? 0 : byte & UInt8(0xFF << (8 - keep) & 0xFF)
        }
    }
}
