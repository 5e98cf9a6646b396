import Foundation
import Queue
import Testing

@Suite("Cron schedules (UTC)")
struct CronScheduleTests {
    static func millis(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    @Test(arguments: [
        ("*/5 * * * *", "2026-11-21T10:02:30Z", "2026-11-21T10:05:00Z"),
        ("0 3 * * *", "2026-11-21T03:00:00Z", "2026-11-22T03:00:00Z"),
        ("30 9 * * 1-5", "2026-11-21T12:00:00Z", "2026-11-23T09:30:00Z"),  // Saturday → Monday
        ("0 0 1 1 *", "2026-11-21T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("15,45 */6 * * *", "2026-11-21T06:20:00Z", "2026-11-21T06:45:00Z"),
        ("0 12 13 * 5", "2026-11-21T00:00:00Z", "2026-11-27T12:00:00Z"),  // day 13 or any Friday
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
    ])
    func nextTick(_ expression: String, _ after: String, _ expected: String) throws {
        let cron = try CronSchedule(expression)
        #expect(cron.next(after: Self.millis(after)) == Self.millis(expected))
    }

    @Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "*/0 * * * *", "a * * * *", "5-1 * * * *", "* * 0 * *"])
    func rejectsBadExpressions(_ expression: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(expression) }
    }

    @Test func fixedIntervalsStayOnTheirGrid() {
        let schedule = RepeatSchedule(key: "k", name: "n", payload: [], rule: .every(.seconds(10)))
        #expect(schedule.nextTick(after: 1_000) == 11_000)
        #expect(schedule.nextTick(after: 35_000, previous: 11_000) == 41_000)
        #expect(schedule.nextTick(after: 11_000, previous: 11_000) == 21_000)
    }
}
