import Foundation

/// A job enqueued on a schedule: every fixed interval, or on a cron expression (UTC).
///
/// However many workers run, each tick enqueues one job: firing moves the schedule on atomically, and the job's
/// id is `repeat:<key>:<tick>`. Ticks missed while no worker ran collapse into one job.
public struct RepeatSchedule: Sendable, Hashable {
    public enum Rule: Sendable, Hashable {
        case every(Duration)
        case cron(CronSchedule)
    }

    public let key: String
    public let name: String
    public let payload: [UInt8]
    public let rule: Rule
    /// Priority, retry policy and timeout of each job (`jobID` and `runAt` are set per tick).
    public let options: JobOptions

    public init(key: String, name: String, payload: [UInt8], rule: Rule, options: JobOptions = JobOptions()) {
        self.key = key
        self.name = name
        self.payload = payload
        self.rule = rule
        self.options = options
    }

    /// The first tick strictly after `now`: on the interval's grid from `previous` (or `now` for a new schedule),
    /// or the cron's next minute.
    public func nextTick(after now: Int64, previous: Int64? = nil) -> Int64? {
        switch rule {
        case .every(let interval):
            let step = max(1, interval.milliseconds)
            guard let previous else { return now + step }
            return previous + ((now - previous) / step + 1) * step
        case .cron(let cron):
            return cron.next(after: now)
        }
    }

    func jobOptions(tick: Int64) -> JobOptions {
        var options = self.options
        options.jobID = "repeat:\(key):\(tick)"
        options.runAt = nil
        return options
    }

    /// Stored form (JSON) of a schedule.
    struct Stored: Codable {
        let key, name: String
        let payload: Data
        let every: Int64?
        let cron: String?
        let priority, attempts: Int
        let backoff: String
        let timeout: Int64?
    }

    var stored: Stored {
        var every: Int64?
        var cron: String?
        switch rule {
        case .every(let interval): every = interval.milliseconds
        case .cron(let schedule): cron = schedule.expression
        }
        return Stored(
            key: key, name: name, payload: Data(payload), every: every, cron: cron, priority: options.priority,
            attempts: options.retry.attempts, backoff: options.retry.backoff.encoded, timeout: options.timeout?.milliseconds
        )
    }

    init(stored: Stored) throws {
        let rule: Rule
        if let every = stored.every {
            rule = .every(.milliseconds(every))
        } else if let cron = stored.cron {
            do { rule = .cron(try CronSchedule(cron)) } catch { throw QueueError(.invalidReply, "schedule \(stored.key): \(error)") }
        } else {
            throw QueueError(.invalidReply, "schedule \(stored.key) has no rule")
        }
        guard let backoff = Backoff(encoded: stored.backoff) else { throw QueueError(.invalidReply, "schedule \(stored.key): bad backoff") }
        self.init(
            key: stored.key, name: stored.name, payload: Array(stored.payload), rule: rule,
            options: JobOptions(
                priority: stored.priority, retry: RetryPolicy(attempts: stored.attempts, backoff: backoff),
                timeout: stored.timeout.map { .milliseconds($0) }
            )
        )
    }
}
