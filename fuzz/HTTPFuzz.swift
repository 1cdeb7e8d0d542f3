// libFuzzer entry for the HTTP target's parsers, compiled into the HTTP module itself (so it
// reaches the internal RequestParser) by scripts/fuzz.sh. The first byte picks the parser:
//   0 request parser (the bytes fed in two pieces, pipelining included)
//   1 multipart body (boundary "b")
//   2 Cookie header
//   3 form body and request target
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    switch selector % 4 {
    case 0:
        var limits = ParserLimits()
        limits.maxBodyBytes = 1 << 20
        limits.memoryBodyThreshold = 1 << 20
        let parser = RequestParser(limits: limits, remoteAddress: "127.0.0.1")
        let cut = rest.count / 2
        parser.append(rest[0..<cut])
        drain(parser)
        parser.append(rest[cut...])
        drain(parser)
        parser.discard()
    case 1:
        if let request = try? Request(method: .POST, target: "/upload",
                                      headers: ["Content-Type": "multipart/form-data; boundary=b"], body: .bytes(rest)) {
            _ = try? request.multipartParts()
            request.bodyStorage.removeAll()
        }
    case 2:
        _ = Cookie.parse([String(decoding: rest, as: UTF8.self)])
    default:
        if let request = try? Request(method: .POST, target: "/login",
                                      headers: ["Content-Type": "application/x-www-form-urlencoded"], body: .bytes(rest)) {
            _ = try? request.formFields()
        }
        _ = try? Request(method: .GET, target: String(decoding: rest, as: UTF8.self))
    }
    return 0
}

private func drain(_ parser: RequestParser) {
    for _ in 0..<64 {
        switch parser.next() {
        case .needMore, .failure: return
        case .request(let request): request.bodyStorage.removeAll()
        }
    }
}
