package import Foundation

/// Calendar arithmetic for feed dates: `DELIVERY_DATE` (`2024-12-25`) and `delivery_time` (`2024-12-11 13:00`)
/// become whole days from "today" in the feeds' time zone (Europe/Prague), with `today` passed in.
package enum HeurekaDates {
    package static let timeZone = TimeZone(identifier: "Europe/Prague") ?? TimeZone(secondsFromGMT: 3600) ?? .current

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Days from the calendar day of `now` to the date at the start of `text` (`YYYY-MM-DD`, optionally followed
    /// by ` HH:MM`); never negative (a date in the past means "now").
    ///
    /// - Returns: `nil` unless `text` is such a date and the date exists (no 2024-02-30).
    package static func days(until text: String, now: Date) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || (bytes.count == 16 && bytes[10] == 0x20 && bytes[13] == 0x3A) else { return nil }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) else { return nil }
        if bytes.count == 16 {
            guard let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]), hour < 24, minute < 60 else { return nil }
        }
        let calendar = calendar
        guard let target = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        let check = calendar.dateComponents([.year, .month, .day], from: target)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        let today = calendar.startOfDay(for: now)
        let difference = calendar.dateComponents([.day], from: today, to: target).day ?? 0
        return max(0, difference)
    }

    /// A run of ASCII digits as a number, `nil` for anything else.
    package static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
