import Testing
@testable import HTTP

@Suite struct AddressRangeTests {
    @Test func ipv4RangesMatchTheirAddressesOnly() throws {
        let range = try #require(AddressRange("10.20.0.0/16"))
        #expect(range.contains("10.20.0.1") && range.contains("10.20.255.254"))
        #expect(!range.contains("10.21.0.1") && !range.contains("11.20.0.1"))
        let single = try #require(AddressRange("192.168.1.7"))
        #expect(single.contains("192.168.1.7") && !single.contains("192.168.1.8"))
        let odd = try #require(AddressRange("172.16.0.0/12"))
        #expect(odd.contains("172.31.9.9") && !odd.contains("172.32.0.1"))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains("8.8.8.8"))
    }

    @Test func ipv6AndMappedAddresses() throws {
        let loopback = AddressRange.loopback
        #expect(AddressRange.any(loopback, contains: "127.0.0.1") && AddressRange.any(loopback, contains: "127.9.9.9"))
        #expect(AddressRange.any(loopback, contains: "::1"))
        #expect(AddressRange.any(loopback, contains: "::ffff:127.0.0.1"))
        #expect(!AddressRange.any(loopback, contains: "10.0.0.1") && !AddressRange.any(loopback, contains: "::2"))
        let v6 = try #require(AddressRange("fd00:1234::/32"))
        #expect(v6.contains("fd00:1234:5::1") && !v6.contains("fd00:1235::1"))
        #expect(!v6.contains("10.0.0.1"))
    }

    @Test func malformedRangesAreRefused() {
        for text in ["", "10.0.0.0/33", "10.0.0/8", "example.org", "10.0.0.0/", "10.0.0.0/-1", "::1/129", "10.0.0.0/8/8", "10.0.0.0/+8"] {
            #expect(AddressRange(text) == nil, "\(text)")
        }
        #expect(!(AddressRange("10.0.0.0/8")?.contains("not an address") ?? true))
    }
}
