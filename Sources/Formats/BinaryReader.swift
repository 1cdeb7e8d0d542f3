import Foundation

/// Bounds-checked reads of little- and big-endian numbers from a byte buffer. Every read
/// returns nil past the end, so a reader of hostile files can never trap.
struct BinaryReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    func uint8(at offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func uint16LE(at offset: Int) -> UInt16? {
        guard has(2, at: offset) else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32LE(at offset: Int) -> UInt32? {
        guard has(4, at: offset) else { return nil }
        var value: UInt32 = 0
        for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + index]) }
        return value
    }

    func uint32BE(at offset: Int) -> UInt32? {
        guard has(4, at: offset) else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(bytes[offset + index]) }
        return value
    }

    func int32LE(at offset: Int) -> Int32? { uint32LE(at: offset).map { Int32(bitPattern: $0) } }
    func int32BE(at offset: Int) -> Int32? { uint32BE(at: offset).map { Int32(bitPattern: $0) } }

    func doubleLE(at offset: Int) -> Double? {
        guard has(8, at: offset) else { return nil }
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return Double(bitPattern: value)
    }

    /// Whether `length` bytes exist from `offset`.
    func has(_ length: Int, at offset: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8>? {
        has(length, at: offset) ? bytes[offset..<(offset + length)] : nil
    }
}
