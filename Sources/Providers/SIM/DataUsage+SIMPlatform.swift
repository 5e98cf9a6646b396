package import Domain
package import Foundation

extension DataUsage {
    /// Maps a platform traffic object: `usedBytes`, `quotaBytes` (`""` → unlimited), and the billing month from
    /// 00:00 JST of `periodStart` to 00:00 JST of the day after `periodEnd` (the platform's end day is inclusive).
    ///
    /// - Parameters:
    ///   - raw: The decoded traffic object.
    ///   - path: Its JSON path, `$.traffic` in `mvno/getTrafficInfo`.
    /// - Throws: `invalidPayload` naming the field for a byte count that is not a decimal string, a date that
    ///   is not a real `yyyyMMdd` day, or a period that ends before it starts.
    package init(simPlatform raw: SIMPlatformTraffic, path: String = "$.traffic") throws(ProviderError) {
        guard let used = SIMPlatformDecimal.int64(raw.usedBytes) else {
            throw .invalidPayload(.sim, path: path + ".usedBytes", "not a decimal byte count")
        }
        var limit: Int64?
        if !raw.quotaBytes.isEmpty {
            guard let quota = SIMPlatformDecimal.int64(raw.quotaBytes) else {
                throw .invalidPayload(.sim, path: path + ".quotaBytes", "not a decimal byte count or empty")
            }
            limit = quota
        }
        guard let start = SIMPlatformDate.day(raw.periodStart) else {
            throw .invalidPayload(.sim, path: path + ".periodStart", "not a yyyyMMdd day")
        }
        guard let lastDay = SIMPlatformDate.day(raw.periodEnd) else {
            throw .invalidPayload(.sim, path: path + ".periodEnd", "not a yyyyMMdd day")
        }
        do {
            try self.init(usedBytes: used, limitBytes: limit, periodStart: start, periodEnd: lastDay.addingTimeInterval(86_400))
        } catch {
            throw .invalidPayload(.sim, path: path + ".periodEnd", "period ends before it starts")
        }
    }
}

/// The platform's numbers: unsigned decimal strings.
package enum SIMPlatformDecimal {
    /// The value of a string of 1 to 18 ASCII digits (no sign, no spaces), `nil` for anything else.
    package static func int64(_ text: String) -> Int64? {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(text)
    }
}

/// The platform's dates: Japan Standard Time (UTC+9, no daylight saving time).
package enum SIMPlatformDate {
    /// 00:00 JST of a `yyyyMMdd` day, `nil` unless it names a real calendar day.
    package static func day(_ text: String) -> Date? {
        guard text.utf8.count == 8, let value = SIMPlatformDecimal.int64(text) else { return nil }
        return date(year: Int(value / 10_000), month: Int(value / 100 % 100), day: Int(value % 100))
    }

    /// A `yyyyMMddHHmmss` instant in JST, `nil` unless it names a real one.
    package static func instant(_ text: String) -> Date? {
        guard text.utf8.count == 14, let value = SIMPlatformDecimal.int64(text) else { return nil }
        let day = value / 1_000_000
        let time = value % 1_000_000
        return date(
            year: Int(day / 10_000),
            month: Int(day / 100 % 100),
            day: Int(day % 100),
            hour: Int(time / 10_000),
            minute: Int(time / 100 % 100),
            second: Int(time % 100)
        )
    }

    private static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date? {
        guard let japan = TimeZone(secondsFromGMT: 9 * 3600) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = japan
        let components = DateComponents(
            calendar: calendar,
            timeZone: japan,
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second
        )
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
