import Glibc
import Synchronization

/// IMF-fixdate formatting (`Sun, 06 Nov 1994 08:49:37 GMT`) and the cached Date header value.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats seconds since 1970 in GMT.
    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[Int(parts.tm_wday) % 7], month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    private static let cache = Mutex<(second: Int, value: [UInt8])>((-1, []))

    /// The current time as Date header bytes; formatted at most once a second.
    static func now() -> [UInt8] {
        let second = time(nil)
        return cache.withLock { cached in
            if cached.second != second {
                cached = (second, Array(format(second).utf8))
            }
            return cached.value
        }
    }
}
