// libFuzzer entry for style JSON as the style editor receives it (decoded, then validated),
// compiled into the Cartography module by scripts/fuzz.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStyle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let style = try? Style(json: text) {
        // A style that parses must also encode again and parse to the same value.
        if let encoded = try? JSONEncoder().encode(style), let again = try? Style(json: String(decoding: encoded, as: UTF8.self)) {
            precondition(again == style, "a style changed on a round trip")
        } else {
            preconditionFailure("a valid style did not encode and parse again")
        }
    }
    return 0
}
