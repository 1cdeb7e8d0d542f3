// libFuzzer entry for the tests' PNG decoder (the golden-image and tile tests trust it), compiled
// into the PNGTestSupport module by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? PNGDecoder.decode(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
