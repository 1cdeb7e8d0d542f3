import Foundation
import Testing
@testable import HTTP

/// Feeds `text` (or bytes) to a fresh parser and returns every event until it needs more bytes or fails.
func parse(_ bytes: [UInt8], limits: ParserLimits = ParserLimits(), chunkSize: Int? = nil) -> [RequestParser.Event] {
    let parser = RequestParser(limits: limits, remoteAddress: "10.0.0.1")
    var events: [RequestParser.Event] = []
    var offset = 0
    let step = chunkSize ?? max(1, bytes.count)
    repeat {
        let end = min(bytes.count, offset + step)
        parser.append(bytes[offset..<end])
        offset = end
        drain: while true {
            let event = parser.next()
            switch event {
            case .needMore: break drain
            case .request: events.append(event)
            case .failure: events.append(event); return events
            }
        }
    } while offset < bytes.count
    return events
}

func parse(_ text: String, limits: ParserLimits = ParserLimits(), chunkSize: Int? = nil) -> [RequestParser.Event] {
    parse(Array(text.utf8), limits: limits, chunkSize: chunkSize)
}

/// The status of the first failure, or nil when every event is a request.
func failureStatus(_ events: [RequestParser.Event]) -> Int? {
    for event in events { if case .failure(let error) = event { return error.status } }
    return nil
}

func requests(_ events: [RequestParser.Event]) -> [Request] {
    events.compactMap { if case .request(let request) = $0 { request } else { nil } }
}

func bodyBytes(_ request: Request) -> [UInt8]? {
    switch request.body {
    case .none: []
    case .bytes(let bytes): bytes
    case .file(let path, _): FileManager.default.contents(atPath: path).map { Array($0) }
    }
}

@Suite struct RequestParserTests {
    @Test func parsesRequestLineHeadersAndQuery() throws {
        let events = parse("GET /caf%C3%A9/map?q=a+b&x=%26&empty HTTP/1.1\r\nHost: example\r\nX-Two: 1\r\nx-two: 2\r\nCookie: sid=abc; theme=dark\r\n\r\n")
        let request = try #require(requests(events).first)
        #expect(request.method == .GET)
        #expect(request.target == "/caf%C3%A9/map?q=a+b&x=%26&empty")
        #expect(request.path == "/café/map")
        #expect(request.query("q") == "a b")
        #expect(request.query("x") == "&")
        #expect(request.query("empty") == "")
        #expect(request.headers.values("X-TWO") == ["1", "2"])
        #expect(request.cookies == ["sid": "abc", "theme": "dark"])
        #expect(request.remoteAddress == "10.0.0.1")
        #expect(request.versionMinor == 1)
    }

    @Test func byteByByteFeedingGivesTheSameRequest() throws {
        let text = "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
        let request = try #require(requests(parse(text, chunkSize: 1)).first)
        #expect(request.path == "/a")
        #expect(bodyBytes(request) == Array("hello".utf8))
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("GET / HTTP/1.1 extra\r\n\r\n", 400),
        ("G@T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("BREW / HTTP/1.1\r\nHost: t\r\n\r\n", 501),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / HTTX/1.1\r\n\r\n", 400),
        ("GET / http/1.1\r\n\r\n", 400),
        ("GET relative HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("GET /a\u{7F}b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("\u{0}\u{0}\u{0}\r\n\r\n", 400),
    ])
    func badRequestLines(_ text: String, _ status: Int) {
        #expect(failureStatus(parse(text)) == status)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nName : value\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\n: value\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nA: nul\u{0}here\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nA: bare\nLF\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nBad\u{1}Name: x\r\n\r\n",
    ])
    func badHeaderLines(_ text: String) {
        #expect(failureStatus(parse(text)) == 400)
    }

    @Test func nonUTF8HeaderValueIsKeptWithoutCrashing() throws {
        var bytes = Array("GET / HTTP/1.1\r\nHost: t\r\nX-Name: ".utf8)
        bytes += [0xC3, 0x28, 0xFF, 0xFE]
        bytes += Array("\r\n\r\n".utf8)
        let request = try #require(requests(parse(bytes)).first)
        #expect(request.headers["X-Name"]?.isEmpty == false)
    }

    @Test func limitsOnRequestLineHeaderSizeAndCount() {
        var limits = ParserLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderCount = 5
        let longTarget = "/" + String(repeating: "a", count: 100)
        #expect(failureStatus(parse("GET \(longTarget) HTTP/1.1\r\nHost: t\r\n\r\n", limits: limits)) == 414)
        // Detected before the head is complete: no end of line in sight.
        #expect(failureStatus(parse("GET \(longTarget)", limits: limits)) == 414)
        let bigHeader = "GET / HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "v", count: 300))\r\n\r\n"
        #expect(failureStatus(parse(bigHeader, limits: limits)) == 431)
        #expect(failureStatus(parse(String(bigHeader.dropLast(4)), limits: limits)) == 431)
        let many = "GET / HTTP/1.1\r\nHost: t\r\n" + (0..<6).map { "H\($0): v\r\n" }.joined() + "\r\n"
        #expect(failureStatus(parse(many, limits: limits)) == 431)
        let five = "GET / HTTP/1.1\r\nHost: t\r\n" + (0..<4).map { "H\($0): v\r\n" }.joined() + "\r\n"
        #expect(failureStatus(parse(five, limits: limits)) == nil)
    }

    @Test func http11NeedsExactlyOneHost() {
        #expect(failureStatus(parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n")) == 400)
        #expect(failureStatus(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")) == 400)
        #expect(failureStatus(parse("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n")) == 400)
        #expect(failureStatus(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")) == nil)
        #expect(failureStatus(parse("GET / HTTP/1.0\r\n\r\n")) == nil, "HTTP/1.0 may leave it out")
    }

    @Test func chunkedBodyIsDecodedWithExtensionsAndTrailers() throws {
        let text = "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n4;name=v\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: ok\r\n\r\n"
        for chunkSize in [nil, 1, 7] {
            let request = try #require(requests(parse(text, chunkSize: chunkSize)).first)
            #expect(bodyBytes(request) == Array("Wikipedia in\r\n\r\nchunks.".utf8))
        }
    }

    @Test(arguments: [
        ("5\r\nhello\r\nzz\r\n", 400),          // not hex
        ("5\r\nhelloXX0\r\n\r\n", 400),         // data longer than its size
        ("\r\n", 400),                            // empty size line
        ("5 x\r\nhello\r\n0\r\n\r\n", 400),     // junk after size
        ("fffffffffffffffffff\r\n", 413),         // absurd size
        ("-5\r\n", 400),
    ])
    func badChunkedEncoding(_ body: String, _ status: Int) {
        let text = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        #expect(failureStatus(parse(text)) == status)
    }

    @Test func chunkedBodyOverLimitIs413WhileReading() {
        var limits = ParserLimits()
        limits.maxBodyBytes = 8
        let text = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\n"
        #expect(failureStatus(parse(text, limits: limits)) == 413)
    }

    @Test(arguments: [
        ("Content-Length: 5\r\nContent-Length: 5\r\n", 400),
        ("Content-Length: 5, 5\r\n", 400),
        ("Content-Length: -5\r\n", 400),
        ("Content-Length: +5\r\n", 400),
        ("Content-Length: abc\r\n", 400),
        ("Content-Length: \r\n", 400),
        ("Content-Length: 99999999999999999999999999999\r\n", 413),
        ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
        ("Transfer-Encoding: gzip\r\n", 400),
        ("Transfer-Encoding: gzip, chunked\r\n", 501),
    ])
    func conflictingOrInvalidLengths(_ headers: String, _ status: Int) {
        #expect(failureStatus(parse("POST / HTTP/1.1\r\nHost: t\r\n\(headers)\r\nhello")) == status)
    }

    @Test func transferEncodingOnHTTP10IsRejected() {
        #expect(failureStatus(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 400)
    }

    @Test func bodyAboveLimitIsRefusedBeforeItArrives() {
        var limits = ParserLimits()
        limits.maxBodyBytes = 100
        #expect(failureStatus(parse("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n", limits: limits)) == 413)
    }

    @Test func bytesPastTheDeclaredBodyAreTheNextRequest() throws {
        let events = parse("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: t\r\n\r\n")
        let parsed = requests(events)
        #expect(parsed.map(\.path) == ["/a", "/b"])
        #expect(bodyBytes(parsed[0]) == Array("hello".utf8))
        let garbage = parse("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello world\r\n\r\n")
        #expect(requests(garbage).count == 1)
        #expect(failureStatus(garbage) == 400)
    }

    @Test(arguments: ["/a%zz", "/a%2", "/a%", "/%C3%28", "/x%00y", "/q?a=%G1"])
    func invalidPercentEncodingIs400(_ target: String) {
        #expect(failureStatus(parse("GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n")) == 400)
    }

    @Test func absoluteFormTargetKeepsOnlyPathAndQuery() throws {
        let request = try #require(requests(parse("GET http://example.org/layers?z=3 HTTP/1.1\r\nHost: t\r\n\r\n")).first)
        #expect(request.path == "/layers")
        #expect(request.query("z") == "3")
    }

    @Test func largeBodiesStreamToATemporaryFile() throws {
        var limits = ParserLimits()
        limits.memoryBodyThreshold = 1000
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        let fixed = Array("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n".utf8) + payload
        let request = try #require(requests(parse(fixed, limits: limits, chunkSize: 700)).first)
        guard case .file(let path, let size) = request.body else {
            Issue.record("expected a file body")
            return
        }
        #expect(size == 5000)
        #expect(bodyBytes(request) == payload)
        request.bodyStorage.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))

        // A chunked body spills to a file once it crosses the threshold.
        let chunked = Array("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n".utf8) + payload[0..<2048]
            + Array("\r\n0\r\n\r\n".utf8)
        let spilled = try #require(requests(parse(chunked, limits: limits, chunkSize: 300)).first)
        guard case .file(_, let spilledSize) = spilled.body else {
            Issue.record("expected a file body")
            return
        }
        #expect(spilledSize == 2048)
        #expect(bodyBytes(spilled) == Array(payload[0..<2048]))
        spilled.bodyStorage.removeAll()
    }

    @Test func leadingEmptyLinesAreIgnored() {
        #expect(requests(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")).count == 1)
    }
}
