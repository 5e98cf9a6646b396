import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`), evaluated in UTC.
///
/// Fields take `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and lists `a,b,c`. Day of week is 0–6
/// (Sunday 0; 7 is also Sunday). As in Vixie cron, when both day fields are restricted a day matching either runs.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    public let expression: String
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let daysRestricted: Bool, weekdaysRestricted: Bool

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(_ expression: String) throws(ParseError) {
        let fields = expression.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else { throw ParseError(description: "cron needs 5 fields (minute hour day month weekday), got \(fields.count)") }
        self.expression = fields.joined(separator: " ")
        minutes = try Self.field(fields[0], 0...59, "minute")
        hours = try Self.field(fields[1], 0...23, "hour")
        days = try Self.field(fields[2], 1...31, "day of month")
        months = try Self.field(fields[3], 1...12, "month")
        weekdays = Set(try Self.field(fields[4], 0...7, "day of week").map { $0 % 7 })
        daysRestricted = fields[2] != "*"
        weekdaysRestricted = fields[4] != "*"
    }

    public var description: String { expression }

    private static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",") {
            let stepParts = part.split(separator: "/", maxSplits: 1)
            var step = 1
            if stepParts.count == 2 {
                guard let parsed = Int(stepParts[1]), parsed > 0 else { throw ParseError(description: "bad step in \(name): \(part)") }
                step = parsed
            }
            let base = stepParts[0]
            var low = range.lowerBound
            var high = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", maxSplits: 1).map { Int($0) }
                guard let first = bounds.first, let start = first else { throw ParseError(description: "bad \(name): \(part)") }
                low = start
                high = bounds.count == 2 ? (bounds[1] ?? -1) : (stepParts.count == 2 ? range.upperBound : start)
            }
            guard range.contains(low), range.contains(high), low <= high else { throw ParseError(description: "\(name) out of range: \(part)") }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// The first minute strictly after `millis` (ms since 1970) that matches, in ms since 1970.
    public func next(after millis: Int64) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = Date(timeIntervalSince1970: Double(millis / 60_000 + 1) * 60)
        // Field by field: skip whole months, days and hours that cannot match. Bounded to five years.
        let limit = date.addingTimeInterval(5 * 366 * 86_400)
        while date < limit {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
            guard let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute, let weekday = parts.weekday else {
                return nil
            }
            if !months.contains(month) {
                date = calendar.date(from: DateComponents(year: parts.year, month: month + 1, day: 1)) ?? limit
                continue
            }
            if !dayMatches(day: day, weekday: weekday - 1) {
                date = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date)) ?? limit
                continue
            }
            if !hours.contains(hour) {
                date = calendar.date(from: DateComponents(year: parts.year, month: month, day: day, hour: hour + 1)) ?? limit
                continue
            }
            if !minutes.contains(minute) {
                date = date.addingTimeInterval(60)
                continue
            }
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        return nil
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        switch (daysRestricted, weekdaysRestricted) {
        case (true, true): days.contains(day) || weekdays.contains(weekday)
        case (true, false): days.contains(day)
        case (false, true): weekdays.contains(weekday)
        case (false, false): true
        }
    }
}
