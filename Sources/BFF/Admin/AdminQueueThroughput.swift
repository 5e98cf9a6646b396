import Foundation
import Queue

/// A queue's recent throughput: jobs whose `finished_at` falls in the last minute and the last 5 minutes,
/// counted over the newest jobs of the completed set (newest first, so the scan stops at the first older job).
///
/// The completed set is what every driver keeps (memory and Redis alike, with the same retention), so the
/// numbers mean the same on both; the scan is bounded by ``scanLimit`` and says when it hit the bound.
enum AdminQueueThroughput {
    static let scanLimit = 1_000
    static let page = 200

    static func measure(_ queue: any JobQueueDriver, now: Int64) async throws -> AdminQueueThroughputDTO {
        let minuteAgo = now - 60_000
        let fiveMinutesAgo = now - 300_000
        var lastMinute = 0
        var lastFive = 0
        var offset = 0
        while offset < scanLimit {
            let jobs = try await queue.jobs(in: .completed, offset: offset, limit: page)
            for job in jobs {
                let finished = job.finishedAt ?? 0
                guard finished >= fiveMinutesAgo else {
                    return AdminQueueThroughputDTO(completedLastMinute: lastMinute, completedLast5Minutes: lastFive, truncated: false)
                }
                lastFive += 1
                if finished >= minuteAgo { lastMinute += 1 }
            }
            if jobs.count < page {
                return AdminQueueThroughputDTO(completedLastMinute: lastMinute, completedLast5Minutes: lastFive, truncated: false)
            }
            offset += page
        }
        return AdminQueueThroughputDTO(completedLastMinute: lastMinute, completedLast5Minutes: lastFive, truncated: true)
    }
}
