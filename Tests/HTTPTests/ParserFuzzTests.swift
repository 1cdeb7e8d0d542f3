import Testing
@testable import HTTP

/// A deterministic generator so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ParserFuzzTests {
    static let corpus: [String] = [
        "GET /layers/roads?z=3&x=1 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n",
        "HEAD /%E1%BA%A1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
    ]

    static let allowedStatuses: Set<Int> = [400, 413, 414, 431, 501, 505]

    @Test func mutatedAndRandomInputsNeverCrash() {
        var random = SplitMix64(state: 0xB4ED0)
        var limits = ParserLimits()
        limits.maxRequestLineBytes = 256
        limits.maxHeaderBytes = 512
        limits.maxHeaderCount = 10
        limits.maxBodyBytes = 4096
        limits.memoryBodyThreshold = 64
        var requestCount = 0, failureCount = 0, incompleteCount = 0
        for iteration in 0..<4000 {
            var bytes: [UInt8]
            if iteration % 4 == 3 {
                bytes = (0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = Array(Self.corpus[Int.random(in: 0..<Self.corpus.count, using: &random)].utf8)
                for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.insert(contentsOf: bytes[at...].prefix(Int.random(in: 1...40, using: &random)), at: at)
                    case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
                    case 3: bytes.insert(contentsOf: Array(": \r\n%0-9;".utf8).shuffled(using: &random), at: at)
                    default: bytes[at] = [0, 13, 10, 32, 0x25, 0xFF].randomElement(using: &random) ?? 0
                    }
                }
            }
            let events = parse(bytes, limits: limits, chunkSize: Int.random(in: 1...64, using: &random))
            var failed = false
            for event in events {
                switch event {
                case .request(let request):
                    #expect(!failed)
                    #expect(request.path.hasPrefix("/") || request.path == "*")
                    request.bodyStorage.removeAll()
                    requestCount += 1
                case .failure(let error):
                    #expect(Self.allowedStatuses.contains(error.status), "unexpected status \(error.status)")
                    failed = true
                    failureCount += 1
                case .needMore:
                    Issue.record("needMore is never collected")
                }
            }
            if events.isEmpty {
                // Truncated input: a flood of bytes after it must end in an answer, never a hang.
                incompleteCount += 1
                let flooded = parse(bytes + [UInt8](repeating: UInt8(ascii: "x"), count: 10_000), limits: limits, chunkSize: 512)
                #expect(failureStatus(flooded) != nil)
                for request in requests(flooded) { request.bodyStorage.removeAll() }
            }
        }
        // The fuzz must reach both outcomes, or it tests nothing.
        #expect(requestCount > 250)
        #expect(failureCount > 1500)
        #expect(incompleteCount > 0)
    }
}
