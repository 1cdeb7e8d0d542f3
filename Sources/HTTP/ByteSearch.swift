import Glibc

/// Substring search over byte buffers: memchr for the first byte, memcmp for the rest.
enum ByteSearch {
    /// The index of the first occurrence of `needle` in `haystack[from..<haystack.count]`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard from >= 0, haystack.count - from >= needle.count, let first = needle.first else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { nee -> Int? in
                guard let base = hay.baseAddress, let needleBase = nee.baseAddress else { return nil }
                let lastStart = hay.count - nee.count
                var position = from
                while position <= lastStart {
                    guard let hit = memchr(base + position, Int32(first), lastStart - position + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, needleBase, nee.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }
}
