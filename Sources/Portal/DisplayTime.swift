import Foundation

/// Times as the province reads them. The store keeps UTC (`2026-11-21T14:12:56Z`); pages show
/// Vietnam's time (UTC+7, no daylight saving) as `21/11/2026 21:12`. The audit log keeps UTC
/// and says so, because it is evidence.
enum DisplayTime {
    static let offset = 7 * 3600

    /// `iso` (UTC, as stored) in Vietnam's time, day first; the text itself when it is not a
    /// stored time.
    static func local(_ iso: String) -> String {
        let digits = iso.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard iso.hasSuffix("Z"), digits.count == 6 else { return iso }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = utc.date(from: DateComponents(year: digits[0], month: digits[1], day: digits[2],
                                                       hour: digits[3], minute: digits[4], second: digits[5])) else {
            return iso
        }
        var local = Calendar(identifier: .gregorian)
        local.timeZone = TimeZone(secondsFromGMT: offset)!
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", c.day ?? 0, c.month ?? 0, c.year ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
