public import Queue

/// One behaviour every queue backend must show, run by `MemoryJobQueueTests` and `RedisJobQueueTests`.
///
/// `makeQueue()` gives a fresh, empty queue each call (for Redis: its own key prefix). Times are passed
/// explicitly, so no check sleeps. A check throws ``QueueCheckFailed`` on failure.
public struct QueueCheck: Sendable, CustomStringConvertible {
    public typealias MakeQueue = @Sendable () async throws -> any JobQueueDriver
    public let description: String
    public let run: @Sendable (_ makeQueue: MakeQueue) async throws -> Void
}

public struct QueueCheckFailed: Error, CustomStringConvertible {
    public let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
    if !condition { throw QueueCheckFailed(description: "line \(line): \(message())") }
}

let t0: Int64 = 1_800_000_000_000
let lease = Duration.seconds(30)

extension JobQueueDriver {
    func claimJob(lease: Duration, now: Int64) async throws -> ClaimedJob? {
        try await claim(lease: lease, now: now).claimed
    }

    func add(_ name: String, _ options: JobOptions = JobOptions(), at now: Int64 = t0) async throws -> String {
        try await enqueue(name: name, payload: Array("{}".utf8), options: options, now: now).id
    }

    func drainNames(at now: Int64 = t0) async throws -> [String] {
        var names: [String] = []
        while let claim = try await claimJob(lease: lease, now: now) {
            names.append(claim.job.name)
            try await complete(claim, now: now)
        }
        return names
    }
}

public enum QueueConformance {
    public static let all: [QueueCheck] = ordering + retries + leases + operations

    static let ordering: [QueueCheck] = [
        QueueCheck(description: "FIFO within a priority") { make in
            let queue = try await make()
            for index in 0..<20 { _ = try await queue.add("job-\(index)") }
            let names = try await queue.drainNames()
            try expect(names == (0..<20).map { "job-\($0)" }, "order \(names)")
        },
        QueueCheck(description: "lower priority values run first, FIFO among equals") { make in
            let queue = try await make()
            _ = try await queue.add("low-1", JobOptions(priority: 500))
            _ = try await queue.add("high-1", JobOptions(priority: 1))
            _ = try await queue.add("mid", JobOptions(priority: 100))
            _ = try await queue.add("high-2", JobOptions(priority: 1))
            _ = try await queue.add("low-2", JobOptions(priority: 500))
            let names = try await queue.drainNames()
            try expect(names == ["high-1", "high-2", "mid", "low-1", "low-2"], "order \(names)")
        },
        QueueCheck(description: "a delayed job is not claimed before its time, then is; promote makes it due now") { make in
            let queue = try await make()
            _ = try await queue.add("later", JobOptions(runAt: t0 + 10_000))
            let promoted = try await queue.add("promoted", JobOptions(runAt: t0 + 60_000))
            try expect(try await queue.claimJob(lease: lease, now: t0 + 9_999) == nil, "claimed early")
            try expect(try await queue.counts().delayed == 2, "not delayed")
            let claimed = try await queue.claimJob(lease: lease, now: t0 + 10_000)
            try expect(claimed?.job.name == "later", "not claimed when due")
            try await queue.promote(id: promoted, now: t0 + 10_001)
            try expect(try await queue.claimJob(lease: lease, now: t0 + 10_001)?.job.name == "promoted", "promote did not make it due")
        },
        QueueCheck(description: "jobId makes enqueue idempotent while the job exists") { make in
            let queue = try await make()
            let first = try await queue.enqueue(name: "fulfil", payload: Array("1".utf8), options: JobOptions(jobID: "order-42"), now: t0)
            let second = try await queue.enqueue(name: "fulfil", payload: Array("2".utf8), options: JobOptions(jobID: "order-42"), now: t0)
            try expect(first == ("order-42", true) && second == ("order-42", false), "\(first) \(second)")
            try expect(try await queue.counts().waiting == 1, "two jobs for one id")
            try expect(try await queue.job(id: "order-42")?.payload == Array("1".utf8), "second enqueue overwrote the payload")
            try await queue.remove(id: "order-42")
            let third = try await queue.enqueue(name: "fulfil", payload: [], options: JobOptions(jobID: "order-42"), now: t0)
            try expect(third.created, "could not re-add after removal")
        },
        QueueCheck(description: "completing a job can claim the next in the same step") { make in
            let queue = try await make()
            _ = try await queue.add("first")
            _ = try await queue.add("second")
            let first = try await queue.claimJob(lease: lease, now: t0)!
            let next = try await queue.completeAndClaim(first, now: t0 + 1, lease: lease)
            try expect(next.claimed?.job.name == "second", "next \(next)")
            try expect(try await queue.job(id: first.job.id)?.state == .completed, "first not completed")
            try expect(try await queue.completeAndClaim(next.claimed!, now: t0 + 2, lease: lease) == .empty, "claimed from an empty queue")
        },
        QueueCheck(description: "many runs complete and many jobs are claimed in one step; a lost lease refuses only its own run") { make in
            let queue = try await make()
            for index in 0..<3 { _ = try await queue.add("first-\(index)") }
            _ = try await queue.add("later-low", JobOptions(priority: 500))
            _ = try await queue.add("later-a")
            _ = try await queue.add("later-b")
            _ = try await queue.add("later-urgent", JobOptions(priority: 1))
            var held: [ClaimedJob] = []
            for _ in 0..<3 { held.append(try await queue.claimJob(lease: .seconds(10), now: t0)!) }
            try expect(held.map(\.job.name) == ["later-urgent", "first-0", "first-1"], "claimed \(held.map(\.job.name))")
            // The middle run loses its lease: recovered as stalled once it expires, then held by someone else.
            _ = try await queue.extendLease(held[0], by: .seconds(60), now: t0)
            _ = try await queue.extendLease(held[2], by: .seconds(60), now: t0)
            try expect(try await queue.recoverStalled(maxStalls: 2, now: t0 + 10_000) == 1, "lease not recovered")
            let batch = try await queue.completeAndClaim(held, claiming: 3, now: t0 + 10_001, lease: lease)
            try expect(batch.refusals.count == 3 && batch.refusals[0] == nil && batch.refusals[2] == nil, "refusals \(batch.refusals)")
            try expect(batch.refusals[1]?.code == .leaseLost, "the lost run was not refused: \(String(describing: batch.refusals[1]))")
            try expect(batch.rateLimitedFor == nil, "rate limited without a limit")
            // The recovered job is back at the head of its priority; then FIFO.
            try expect(batch.claimed.map(\.job.name) == ["first-0", "first-2", "later-a"], "claimed \(batch.claimed.map(\.job.name))")
            try expect(batch.claimed.allSatisfy { $0.job.state == .active && $0.leaseUntil == t0 + 10_001 + 30_000 }, "claims not active")
            try expect(batch.claimed[0].job.runs == 2 && batch.claimed[0].job.stalls == 1 && batch.claimed[1].job.runs == 1, "runs not counted")
            // Jobs claimed in one step may share a lease token; no claim reuses an earlier holder's.
            try expect(!batch.claimed.contains { c in held.contains { $0.token == c.token } }, "an earlier holder's token was reused")
            for claim in [held[0], held[2]] {
                try expect(try await queue.job(id: claim.job.id)?.state == .completed, "\(claim.job.name) not completed")
            }
            let active = try await queue.counts().active
            try expect(active == 3, "active \(active)")
            // Completing an already completed run again is refused; the rest drain; an empty queue claims nothing.
            let again = try await queue.completeAndClaim([held[0]] + batch.claimed, claiming: 5, now: t0 + 10_002, lease: lease)
            try expect(again.refusals.first??.code == .leaseLost && again.refusals.dropFirst().allSatisfy { $0 == nil }, "refusals \(again.refusals)")
            try expect(again.claimed.map(\.job.name) == ["later-b", "later-low"], "claimed \(again.claimed.map(\.job.name))")
            let last = try await queue.completeAndClaim(again.claimed, claiming: 2, now: t0 + 10_003, lease: lease)
            try expect(last.refusals.allSatisfy { $0 == nil } && last.claimed.isEmpty && last.outcome == .empty, "last \(last)")
            let completed = try await queue.counts().completed
            try expect(completed == 7, "completed \(completed)")
        },
        QueueCheck(description: "claims in one step stop at the rate limit and claim nothing while paused") { make in
            let queue = try await make()
            for index in 0..<10 { _ = try await queue.add("r\(index)") }
            try await queue.setRateLimit(maxJobs: 3, per: .seconds(1))
            let window = (t0 / 1_000) * 1_000
            let first = try await queue.completeAndClaim([], claiming: 2, now: window + 100, lease: lease)
            try expect(first.claimed.count == 2 && first.rateLimitedFor == nil, "first \(first.claimed.count) \(String(describing: first.rateLimitedFor))")
            let second = try await queue.completeAndClaim(first.claimed, claiming: 5, now: window + 300, lease: lease)
            try expect(second.claimed.count == 1 && second.rateLimitedFor == .milliseconds(700), "second \(second.claimed.count) \(String(describing: second.rateLimitedFor))")
            try expect(second.refusals == [nil, nil], "completions refused under the limit: \(second.refusals)")
            try await queue.pause()
            let paused = try await queue.completeAndClaim(second.claimed, claiming: 5, now: window + 1_000, lease: lease)
            try expect(paused.claimed.isEmpty && paused.rateLimitedFor == nil && paused.refusals == [nil], "paused \(paused)")
            try await queue.resume()
            let next = try await queue.completeAndClaim([], claiming: 5, now: window + 1_000, lease: lease)
            try expect(next.claimed.map(\.job.name) == ["r3", "r4", "r5"] && next.rateLimitedFor == .milliseconds(1_000), "next window \(next.claimed.map(\.job.name))")
        },
        QueueCheck(description: "concurrent claimers each get a different job, every job exactly once") { make in
            let queue = try await make()
            let added = try await queue.enqueue(batch: (0..<100).map { ("j\($0)", [], JobOptions()) }, now: t0)
            try expect(added.count == 100 && added.allSatisfy(\.created) && Set(added.map(\.id)).count == 100, "batch enqueue")
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        var mine: [String] = []
                        while let claim = try await queue.claimJob(lease: lease, now: t0) {
                            mine.append(claim.job.id)
                            try await queue.complete(claim, now: t0)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            try expect(claimed.count == 100 && Set(claimed).count == 100, "\(claimed.count) claims, \(Set(claimed).count) distinct")
        },
    ]

    static let retries: [QueueCheck] = [
        QueueCheck(description: "a failed run is retried at the time given, until attempts run out, then dead-lettered with every error") { make in
            let queue = try await make()
            let id = try await queue.add("flaky", JobOptions(retry: RetryPolicy(attempts: 3, backoff: .fixed(.seconds(1)))))
            var now = t0
            for attempt in 1...3 {
                guard let claim = try await queue.claimJob(lease: lease, now: now) else { throw QueueCheckFailed(description: "attempt \(attempt) not claimable") }
                try expect(claim.job.runs == attempt, "runs \(claim.job.runs) on attempt \(attempt)")
                let outcome = try await queue.fail(claim, message: "boom \(attempt)", retryAt: now + 1_000, permanent: false, now: now)
                if attempt < 3 {
                    try expect(outcome == .retrying(at: now + 1_000), "outcome \(outcome)")
                    try expect(try await queue.claimJob(lease: lease, now: now + 999) == nil, "retried before its backoff")
                } else {
                    try expect(outcome == .deadLettered, "not dead after the last attempt")
                }
                now += 1_000
            }
            let dead = try await queue.job(id: id)
            try expect(dead?.state == .dead && dead?.failures == 3, "state \(String(describing: dead?.state))")
            try expect(dead?.errors.map(\.message) == ["boom 1", "boom 2", "boom 3"], "errors \(String(describing: dead?.errors))")
            try expect(dead?.errors.map(\.attempt) == [1, 2, 3] && dead?.payload == Array("{}".utf8), "attempts or payload lost")
            try expect(dead?.backoff == .fixed(.seconds(1)) && dead?.maxAttempts == 3, "options lost")
        },
        QueueCheck(description: "a permanent failure skips the remaining attempts") { make in
            let queue = try await make()
            let id = try await queue.add("bad-input", JobOptions(retry: .critical))
            let claim = try await queue.claimJob(lease: lease, now: t0)
            let outcome = try await queue.fail(claim!, message: "invalid payload", retryAt: t0 + 500, permanent: true, now: t0)
            try expect(outcome == .deadLettered, "outcome \(outcome)")
            try expect(try await queue.job(id: id)?.state == .dead, "not dead")
        },
        QueueCheck(description: "dead-letter: listed, retried with fresh attempts, removed") { make in
            let queue = try await make()
            let id = try await queue.add("once", JobOptions(retry: RetryPolicy(attempts: 1, backoff: .fixed(.zero))))
            _ = try await queue.fail(try await queue.claimJob(lease: lease, now: t0)!, message: "down", retryAt: t0, permanent: false, now: t0)
            try expect(try await queue.jobs(in: .dead, offset: 0, limit: 10).map(\.id) == [id], "not listed as dead")
            try await queue.retryDead(id: id, now: t0 + 1)
            let again = try await queue.claimJob(lease: lease, now: t0 + 1)
            try expect(again?.job.id == id && again?.job.failures == 0 && again?.job.errors.count == 1, "retry lost state: \(String(describing: again?.job))")
            _ = try await queue.fail(again!, message: "down again", retryAt: t0, permanent: false, now: t0 + 2)
            try await queue.remove(id: id)
            let removedJob = try await queue.job(id: id)
            let deadCount = try await queue.counts().dead
            try expect(removedJob == nil && deadCount == 0, "not removed")
            var refused = false
            do { try await queue.retryDead(id: id, now: t0) } catch let error as QueueError where error.code == .notFound { refused = true }
            try expect(refused, "retrying a removed job did not fail with notFound")
        },
        QueueCheck(description: "a claimed job carries the options it was enqueued with") { make in
            let queue = try await make()
            let exponential = RetryPolicy(attempts: 7, backoff: .exponential(base: .milliseconds(250), cap: .seconds(90)))
            _ = try await queue.add("exp", JobOptions(priority: 3, retry: exponential, timeout: .milliseconds(1_500)))
            _ = try await queue.add("fixed", JobOptions(priority: 4, retry: RetryPolicy(attempts: 2, backoff: .fixed(.seconds(12)))))
            let first = try await queue.claimJob(lease: lease, now: t0)!.job
            let second = try await queue.claimJob(lease: lease, now: t0)!.job
            try expect(first.name == "exp" && first.priority == 3 && first.maxAttempts == 7 && first.timeoutMillis == 1_500, "\(first)")
            try expect(first.backoff == .exponential(base: .milliseconds(250), cap: .seconds(90)), "backoff \(first.backoff)")
            try expect(second.backoff == .fixed(.seconds(12)) && second.maxAttempts == 2 && second.timeoutMillis == nil, "\(second)")
        },
        QueueCheck(description: "the backoff schedule: fixed, exponential with full jitter, capped") { _ in
            try expect(Backoff.fixed(.seconds(2)).delay(afterFailure: 5) == .seconds(2), "fixed")
            let exponential = Backoff.exponential(base: .seconds(1), cap: .seconds(30))
            for failure in 1...8 {
                let ceiling = min(1_000 << (failure - 1), 30_000)
                let top = exponential.delay(afterFailure: failure) { $0.upperBound }
                let bottom = exponential.delay(afterFailure: failure) { $0.lowerBound }
                try expect(top == .milliseconds(ceiling) && bottom == .zero, "failure \(failure): \(bottom)…\(top)")
            }
        },
    ]

    static let leases: [QueueCheck] = [
        QueueCheck(description: "an expired lease returns the job to waiting as a stall; the old holder can no longer finish it") { make in
            let queue = try await make()
            let id = try await queue.add("long")
            let first = try await queue.claimJob(lease: .seconds(10), now: t0)!
            try expect(try await queue.recoverStalled(maxStalls: 2, now: t0 + 9_999) == 0, "recovered a live lease")
            try expect(try await queue.recoverStalled(maxStalls: 2, now: t0 + 10_000) == 1, "expired lease not recovered")
            var lost = false
            do { try await queue.complete(first, now: t0 + 10_001) } catch let error as QueueError where error.code == .leaseLost { lost = true }
            try expect(lost, "a worker that lost its lease completed the job")
            var lostFail = false
            do { _ = try await queue.fail(first, message: "x", retryAt: t0, permanent: false, now: t0 + 10_001) } catch let error as QueueError where error.code == .leaseLost { lostFail = true }
            try expect(lostFail, "a worker that lost its lease failed the job")
            let second = try await queue.claimJob(lease: .seconds(10), now: t0 + 10_002)
            try expect(second?.job.id == id && second?.job.stalls == 1 && second?.job.runs == 2, "stall not counted: \(String(describing: second?.job))")
            try await queue.complete(second!, now: t0 + 10_003)
            try expect(try await queue.job(id: id)?.state == .completed, "new holder could not complete")
        },
        QueueCheck(description: "extending the lease keeps the job from recovery") { make in
            let queue = try await make()
            _ = try await queue.add("renewed")
            var claim = try await queue.claimJob(lease: .seconds(10), now: t0)!
            claim = try await queue.extendLease(claim, by: .seconds(10), now: t0 + 8_000)
            try expect(try await queue.recoverStalled(maxStalls: 2, now: t0 + 15_000) == 0, "recovered a renewed lease")
            try await queue.progress(claim, percent: 40)
            try expect(try await queue.job(id: claim.job.id)?.progress == 40, "progress not stored")
            try await queue.complete(claim, now: t0 + 16_000)
        },
        QueueCheck(description: "a job that stalls too often is dead-lettered with that reason") { make in
            let queue = try await make()
            let id = try await queue.add("crashes-workers")
            var now = t0
            for _ in 0..<3 {
                _ = try await queue.claimJob(lease: .seconds(1), now: now)
                now += 1_000
                _ = try await queue.recoverStalled(maxStalls: 2, now: now)
            }
            let job = try await queue.job(id: id)
            try expect(job?.state == .dead && job?.stalls == 3, "state \(String(describing: job?.state)) stalls \(String(describing: job?.stalls))")
            try expect(job?.errors.last?.message.contains("stalled") == true, "no stall reason: \(String(describing: job?.errors))")
        },
        QueueCheck(description: "a released job returns to waiting and the aborted run does not count") { make in
            let queue = try await make()
            let id = try await queue.add("interrupted")
            let claim = try await queue.claimJob(lease: lease, now: t0)!
            try await queue.release(claim, now: t0 + 1)
            let again = try await queue.claimJob(lease: lease, now: t0 + 2)
            try expect(again?.job.id == id && again?.job.runs == 1 && again?.job.failures == 0, "release counted: \(String(describing: again?.job))")
            var lost = false
            do { try await queue.complete(claim, now: t0 + 3) } catch let error as QueueError where error.code == .leaseLost { lost = true }
            try expect(lost, "the releasing worker could still complete the job")
        },
        QueueCheck(description: "a snoozed job sleeps until its time, the run not counted, and its holder loses the lease") { make in
            let queue = try await make()
            let id = try await queue.add("waits-on-upstream")
            let claim = try await queue.claimJob(lease: lease, now: t0)!
            try await queue.snooze(claim, until: t0 + 5_000, now: t0 + 1)
            let sleeping = try await queue.job(id: id)
            try expect(sleeping?.state == .delayed && sleeping?.runAt == t0 + 5_000, "not delayed: \(String(describing: sleeping))")
            try expect(try await queue.claimJob(lease: lease, now: t0 + 4_999) == nil, "claimed before its time")
            var lost = false
            do { try await queue.complete(claim, now: t0 + 2) } catch let error as QueueError where error.code == .leaseLost { lost = true }
            try expect(lost, "the snoozing worker could still complete the job")
            let again = try await queue.claimJob(lease: lease, now: t0 + 5_000)
            try expect(again?.job.id == id && again?.job.runs == 1 && again?.job.failures == 0, "snooze counted: \(String(describing: again?.job))")
            try await queue.snooze(again!, until: t0, now: t0 + 5_001)
            try expect(try await queue.job(id: id)?.state == .waiting, "a snooze into the past did not make the job waiting")
        },
        QueueCheck(description: "a removed job's holder loses its lease") { make in
            let queue = try await make()
            _ = try await queue.add("cancelled")
            let claim = try await queue.claimJob(lease: lease, now: t0)!
            try await queue.remove(id: claim.job.id)
            var refused = false
            do { try await queue.complete(claim, now: t0) } catch let error as QueueError where [.leaseLost, .notFound].contains(error.code) { refused = true }
            try expect(refused, "completed a removed job")
        },
    ]

    static let operations: [QueueCheck] = [
        QueueCheck(description: "a repeatable job fires once per tick however many workers fire schedules at once") { make in
            let queue = try await make()
            let schedule = RepeatSchedule(key: "nightly-sync", name: "sync", payload: Array("{}".utf8), rule: .every(.seconds(10)))
            try await queue.upsertSchedule(schedule, now: t0)
            try expect(try await queue.schedules().map(\.nextTick) == [t0 + 10_000], "first tick")
            try expect(try await queue.fireDueSchedules(now: t0 + 9_999) == 0, "fired early")
            for tick in 1...3 {
                let now = t0 + Int64(tick) * 10_000
                let fired = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<3 { group.addTask { try await queue.fireDueSchedules(now: now) } }
                    return try await group.reduce(0, +)
                }
                try expect(fired == 1, "tick \(tick) fired \(fired) times")
            }
            // Two ticks missed (no worker ran): one job, and the schedule stays on its grid.
            try expect(try await queue.fireDueSchedules(now: t0 + 55_000) == 1, "missed ticks")
            try expect(try await queue.schedules().map(\.nextTick) == [t0 + 60_000], "grid lost")
            let jobs = try await queue.jobs(in: .waiting, offset: 0, limit: 10)
            try expect(jobs.count == 4 && jobs.allSatisfy { $0.name == "sync" }, "jobs \(jobs.map(\.id))")
            try expect(jobs.first?.id == "repeat:nightly-sync:\(t0 + 10_000)", "job id \(String(describing: jobs.first?.id))")
            try await queue.removeSchedule(key: "nightly-sync")
            let afterRemoval = try await queue.fireDueSchedules(now: t0 + 100_000)
            let remaining = try await queue.schedules()
            try expect(afterRemoval == 0 && remaining.isEmpty, "removed schedule fired")
        },
        QueueCheck(description: "the events stream can be tailed from a cursor") { make in
            let queue = try await make()
            let id = try await queue.add("evented", JobOptions(retry: RetryPolicy(attempts: 2, backoff: .fixed(.zero))))
            let first = try await queue.events(after: nil, limit: 100)
            try expect(first.map(\.kind) == ["added"] && first.first?.jobID == id, "initial events \(first)")
            _ = try await queue.fail(try await queue.claimJob(lease: lease, now: t0)!, message: "x", retryAt: t0, permanent: false, now: t0)
            _ = try await queue.fail(try await queue.claimJob(lease: lease, now: t0)!, message: "y", retryAt: t0, permanent: false, now: t0)
            let next = try await queue.events(after: first.last?.cursor, limit: 100)
            try expect(next.map(\.kind) == ["failed", "retried", "failed", "dead_lettered"], "tail \(next.map(\.kind))")
            try expect(try await queue.events(after: next.last?.cursor, limit: 100).isEmpty, "events after the end")
        },
        QueueCheck(description: "the rate limit allows at most N claims per window across all claimers") { make in
            let queue = try await make()
            for index in 0..<10 { _ = try await queue.add("r\(index)") }
            try await queue.setRateLimit(maxJobs: 3, per: .seconds(1))
            let window = (t0 / 1_000) * 1_000
            var claimed = 0
            for _ in 0..<3 { if try await queue.claimJob(lease: lease, now: window + 100) != nil { claimed += 1 } }
            try expect(claimed == 3, "claimed \(claimed) of 3")
            let limited = try await queue.claim(lease: lease, now: window + 400)
            try expect(limited == .rateLimited(retryAfter: .milliseconds(600)), "fourth claim: \(limited)")
            try expect(try await queue.claimJob(lease: lease, now: window + 1_000) != nil, "next window refused")
            try await queue.removeRateLimit()
            var rest = 0
            while try await queue.claimJob(lease: lease, now: window + 1_001) != nil { rest += 1 }
            try expect(rest == 6, "after removing the limit: \(rest)")
        },
        QueueCheck(description: "pause stops claims, resume restarts them") { make in
            let queue = try await make()
            _ = try await queue.add("x")
            try await queue.pause()
            let whilePaused = try await queue.claimJob(lease: lease, now: t0)
            let paused = try await queue.counts().paused
            try expect(whilePaused == nil && paused, "claimed while paused")
            try await queue.resume()
            try expect(try await queue.claimJob(lease: lease, now: t0) != nil, "not claimable after resume")
        },
        QueueCheck(description: "counts by state and paged listing") { make in
            let queue = try await make()
            for index in 0..<5 { _ = try await queue.add("w\(index)") }
            _ = try await queue.add("d", JobOptions(runAt: t0 + 60_000))
            let active = try await queue.claimJob(lease: lease, now: t0)!
            let counts = try await queue.counts()
            try expect(counts.waiting == 4 && counts.delayed == 1 && counts.active == 1 && counts.completed == 0, "counts \(counts)")
            let page1 = try await queue.jobs(in: .waiting, offset: 0, limit: 2).map(\.name)
            let page2 = try await queue.jobs(in: .waiting, offset: 2, limit: 2).map(\.name)
            try expect(page1 == ["w1", "w2"] && page2 == ["w3", "w4"], "pages \(page1) \(page2)")
            try expect(try await queue.jobs(in: .active, offset: 0, limit: 10).map(\.id) == [active.job.id], "active listing")
        },
        QueueCheck(description: "finished jobs are kept only up to the retention count") { make in
            let queue = try await make()
            for index in 0..<1_010 { _ = try await queue.add("r\(index)") }
            var now = t0
            while let claim = try await queue.claimJob(lease: lease, now: now) {
                try await queue.complete(claim, now: now)
                now += 1
            }
            let counts = try await queue.counts()
            try expect(counts.completed == Retention.completedDefault.maxCount, "kept \(counts.completed) completed jobs")
            let newest = try await queue.jobs(in: .completed, offset: 0, limit: 1).first?.name
            try expect(newest == "r1009", "newest completed is \(String(describing: newest))")
        },
    ]
}
