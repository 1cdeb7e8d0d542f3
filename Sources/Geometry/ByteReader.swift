/// A problem found while parsing binary geometry, located by the chain of elements that
/// contain it ("ring 3", "polygon 2", "multipolygon") and turned into a `GeometryError` by
/// the format's entry point.
struct ParseFailure: Error {
    /// The elements holding the problem, innermost first.
    var subject: [String] = []
    /// What is wrong, as a predicate: "declares 4294967295 points but 120 bytes remain".
    var problem: String

    /// "ring 3 of polygon 2 of multipolygon declares …".
    var message: String {
        (subject.isEmpty ? "geometry" : subject.joined(separator: " of ")) + " " + problem
    }
}

/// Runs `body`, naming the element it parses in any failure it throws.
@inline(__always)
func within<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var failure as ParseFailure {
        failure.subject.append(name())
        throw failure
    }
}

/// A cursor over untrusted bytes that checks every read against the end of the buffer.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    var bigEndian = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    /// Fails unless `count` more bytes are available.
    func require(_ count: Int, for what: @autoclosure () -> String) throws {
        guard count <= remaining else {
            throw ParseFailure(problem: "is truncated at byte \(offset): \(count) bytes needed for \(what()), \(remaining) remain")
        }
    }

    /// Fails unless `count` elements of at least `minimumSize` bytes each can still follow;
    /// this keeps a hostile count from allocating or looping beyond the input.
    func requireCount(_ count: Int, of what: String, minimumSize: Int, countOffset: Int) throws {
        guard count <= remaining / Swift.max(minimumSize, 1) else {
            throw ParseFailure(problem: "declares \(count) \(what) at byte \(countOffset) but \(remaining) bytes remain")
        }
    }

    mutating func uint8(_ what: @autoclosure () -> String) throws -> UInt8 {
        try require(1, for: what())
        let value = bytes[offset]
        offset += 1
        return value
    }

    mutating func uint32(_ what: @autoclosure () -> String) throws -> UInt32 {
        try require(4, for: what())
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    mutating func double(_ what: @autoclosure () -> String) throws -> Double {
        try require(8, for: what())
        return uncheckedDouble()
    }

    /// A count stored as an unsigned 32-bit integer.
    mutating func count(_ what: @autoclosure () -> String) throws -> Int {
        Int(try uint32(what()))
    }

    /// Reads a double; the caller has checked that 8 bytes remain.
    @inline(__always)
    mutating func uncheckedDouble() -> Double {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Double(bitPattern: bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
    }

    /// Reads a 32-bit float; the caller has checked that 4 bytes remain.
    @inline(__always)
    mutating func uncheckedFloat() -> Float {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return Float(bitPattern: bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
    }

    /// Reads one vertex of `stride` doubles, keeping x and y; fails when it is cut short or
    /// has a non-finite coordinate.
    mutating func point(stride: Int) throws -> Point {
        try require(stride * 8, for: "the coordinates")
        let start = offset
        let x = uncheckedDouble()
        let y = uncheckedDouble()
        offset += (stride - 2) * 8
        guard x.isFinite, y.isFinite else {
            throw ParseFailure(problem: "has a non-finite coordinate (\(x), \(y)) at byte \(start)")
        }
        return Point(x: x, y: y)
    }

    /// Reads `count` vertices of `stride` doubles each, keeping x and y; fails on a non-finite
    /// coordinate. The caller has not checked the length.
    mutating func points(_ count: Int, stride: Int, countOffset: Int) throws -> [Point] {
        try requireCount(count, of: count == 1 ? "point" : "points", minimumSize: stride * 8,
                         countOffset: countOffset)
        var points = [Point]()
        points.reserveCapacity(count)
        let skip = (stride - 2) * 8
        for index in 0..<count {
            let x = uncheckedDouble()
            let y = uncheckedDouble()
            offset += skip
            guard x.isFinite, y.isFinite else {
                throw ParseFailure(problem: "has a non-finite coordinate (\(x), \(y)) at point \(index + 1), byte \(offset - stride * 8)")
            }
            points.append(Point(x: x, y: y))
        }
        return points
    }
}

/// Writes numbers in a chosen byte order.
struct ByteWriter {
    var bytes: [UInt8] = []
    let bigEndian: Bool

    init(bigEndian: Bool, capacity: Int) {
        self.bigEndian = bigEndian
        bytes.reserveCapacity(capacity)
    }

    mutating func uint8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func uint32(_ value: UInt32) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) {
        let bits = value.bitPattern
        let ordered = bigEndian ? bits.bigEndian : bits.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func points(_ points: [Point]) {
        for point in points {
            double(point.x)
            double(point.y)
        }
    }
}
