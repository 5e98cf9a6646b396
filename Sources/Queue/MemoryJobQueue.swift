import NIOConcurrencyHelpers

/// The job queue in process memory, for the embedded default and tests: the same semantics as
/// ``RedisJobQueue`` (one conformance suite checks both), none of its durability.
public final class MemoryJobQueue: JobQueueDriver {
    public let name: QueueName
    public let completedRetention: Retention
    public let deadRetention: Retention

    private struct Entry {
        var job: Job
        var sequence: Int64
        var token: String?
        var leaseUntil: Int64 = 0
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var sequence: Int64 = 0
        var paused = false
        var rateLimit: (max: Int, windowMillis: Int64)?
        var rateWindow: Int64 = -1
        var rateUsed = 0
        var schedules: [String: (schedule: RepeatSchedule, nextTick: Int64)] = [:]
        var events: [QueueEvent] = []
        var eventSequence = 0

        mutating func record(_ kind: String, _ id: String) {
            eventSequence += 1
            events.append(QueueEvent(cursor: String(eventSequence), kind: kind, jobID: id))
            if events.count > 10_000 { events.removeFirst(events.count - 10_000) }
        }
    }

    private let state = NIOLockedValueBox(State())

    public init(name: QueueName, completedRetention: Retention = .completedDefault, deadRetention: Retention = .deadDefault) {
        self.name = name
        self.completedRetention = completedRetention
        self.deadRetention = deadRetention
    }

    public func enqueue(name: String, payload: [UInt8], options: JobOptions, now: Int64) async throws -> (id: String, created: Bool) {
        state.withLockedValue { state in
            state.sequence += 1
            var id = options.jobID ?? String(state.sequence)
            if options.jobID != nil, state.entries[id] != nil { return (id, false) }
            while state.entries[id] != nil {
                state.sequence += 1
                id = String(state.sequence)
            }
            let runAt = options.runAt ?? now
            let job = Job(
                id: id, name: name, payload: payload, state: runAt > now ? .delayed : .waiting, priority: options.priority,
                maxAttempts: options.retry.attempts, backoff: options.retry.backoff, runs: 0, failures: 0, stalls: 0, createdAt: now, runAt: runAt, finishedAt: nil,
                timeoutMillis: options.timeout?.milliseconds, progress: 0, errors: []
            )
            state.entries[id] = Entry(job: job, sequence: state.sequence)
            state.record("added", id)
            return (id, true)
        }
    }

    public func claim(lease: Duration, now: Int64) async throws -> ClaimOutcome {
        state.withLockedValue { state in
            guard !state.paused else { return .empty }
            var window: Int64 = 0
            if let limit = state.rateLimit {
                window = now / limit.windowMillis
                if window != state.rateWindow {
                    state.rateWindow = window
                    state.rateUsed = 0
                }
                if state.rateUsed >= limit.max { return .rateLimited(retryAfter: .milliseconds((window + 1) * limit.windowMillis - now)) }
            }
            for (id, entry) in state.entries where entry.job.state == .delayed && entry.job.runAt <= now {
                state.entries[id]?.job.state = .waiting
            }
            let next = state.entries.values.filter { $0.job.state == .waiting }
                .min { ($0.job.priority, $0.sequence) < ($1.job.priority, $1.sequence) }
            guard let next else { return .empty }
            if state.rateLimit != nil { state.rateUsed += 1 }
            let token = RedisJobQueue.newToken()
            let leaseUntil = now + lease.milliseconds
            var entry = next
            entry.job.state = .active
            entry.job.runs += 1
            entry.token = token
            entry.leaseUntil = leaseUntil
            state.entries[entry.job.id] = entry
            return .job(ClaimedJob(job: entry.job, token: token, leaseUntil: leaseUntil))
        }
    }

    public func setRateLimit(maxJobs: Int, per window: Duration) async throws {
        state.withLockedValue { $0.rateLimit = (max(1, maxJobs), max(1, window.milliseconds)) }
    }

    public func removeRateLimit() async throws {
        state.withLockedValue { $0.rateLimit = nil }
    }

    /// The entry `claim` still holds, or the refusal the Redis scripts would give.
    private static func held(_ claim: ClaimedJob, in state: State) throws -> Entry {
        guard let entry = state.entries[claim.job.id] else { throw QueueError.notFound(claim.job.id) }
        guard entry.job.state == .active, entry.token == claim.token else { throw QueueError.leaseLost(claim.job.id) }
        return entry
    }

    public func complete(_ claim: ClaimedJob, now: Int64) async throws {
        try state.withLockedValue { state in
            var entry = try Self.held(claim, in: state)
            entry.job.state = .completed
            entry.job.finishedAt = now
            entry.job.progress = 100
            entry.token = nil
            state.entries[claim.job.id] = entry
            state.record("completed", claim.job.id)
            Self.trim(.completed, retention: completedRetention, now: now, in: &state)
        }
    }

    public func fail(_ claim: ClaimedJob, message: String, retryAt: Int64, permanent: Bool, now: Int64) async throws -> FailureOutcome {
        try state.withLockedValue { state in
            var entry = try Self.held(claim, in: state)
            entry.job.failures += 1
            entry.job.errors.append(JobFailure(attempt: entry.job.runs, message: String(message.prefix(2000)), at: now))
            entry.token = nil
            state.record("failed", claim.job.id)
            if permanent || entry.job.failures >= entry.job.maxAttempts {
                entry.job.state = .dead
                entry.job.finishedAt = now
                state.entries[claim.job.id] = entry
                state.record("dead_lettered", claim.job.id)
                Self.trim(.dead, retention: deadRetention, now: now, in: &state)
                return .deadLettered
            }
            if retryAt > now {
                entry.job.state = .delayed
                entry.job.runAt = retryAt
            } else {
                entry.job.state = .waiting
            }
            state.entries[claim.job.id] = entry
            state.record("retried", claim.job.id)
            return .retrying(at: max(retryAt, now))
        }
    }

    public func release(_ claim: ClaimedJob, now: Int64) async throws {
        try state.withLockedValue { state in
            var entry = try Self.held(claim, in: state)
            entry.job.state = .waiting
            entry.job.runs -= 1
            entry.token = nil
            state.entries[claim.job.id] = entry
            state.record("released", claim.job.id)
        }
    }

    public func snooze(_ claim: ClaimedJob, until runAt: Int64, now: Int64) async throws {
        try state.withLockedValue { state in
            var entry = try Self.held(claim, in: state)
            entry.job.runs -= 1
            entry.token = nil
            if runAt > now {
                entry.job.state = .delayed
                entry.job.runAt = runAt
            } else {
                entry.job.state = .waiting
            }
            state.entries[claim.job.id] = entry
            state.record("snoozed", claim.job.id)
        }
    }

    public func extendLease(_ claim: ClaimedJob, by lease: Duration, now: Int64) async throws -> ClaimedJob {
        try state.withLockedValue { state in
            _ = try Self.held(claim, in: state)
            state.entries[claim.job.id]?.leaseUntil = now + lease.milliseconds
            return ClaimedJob(job: claim.job, token: claim.token, leaseUntil: now + lease.milliseconds)
        }
    }

    public func progress(_ claim: ClaimedJob, percent: Int) async throws {
        try state.withLockedValue { state in
            _ = try Self.held(claim, in: state)
            state.entries[claim.job.id]?.job.progress = min(max(percent, 0), 100)
        }
    }

    @discardableResult
    public func recoverStalled(maxStalls: Int, now: Int64) async throws -> Int {
        state.withLockedValue { state in
            var recovered = 0
            for (id, entry) in state.entries where entry.job.state == .active && entry.leaseUntil <= now {
                var entry = entry
                entry.job.stalls += 1
                entry.token = nil
                if entry.job.stalls > maxStalls {
                    let message = "stalled \(entry.job.stalls) times: the worker stopped renewing its lease"
                    entry.job.errors.append(JobFailure(attempt: entry.job.runs, message: message, at: now))
                    entry.job.state = .dead
                    entry.job.finishedAt = now
                    state.record("dead_lettered", id)
                } else {
                    entry.job.state = .waiting
                    state.record("stalled", id)
                }
                state.entries[id] = entry
                recovered += 1
            }
            if recovered > 0 { Self.trim(.dead, retention: deadRetention, now: now, in: &state) }
            return recovered
        }
    }

    public func job(id: String) async throws -> Job? {
        state.withLockedValue { $0.entries[id]?.job }
    }

    public func jobs(in jobState: JobState, offset: Int, limit: Int) async throws -> [Job] {
        state.withLockedValue { state in
            let matching = state.entries.values.filter { $0.job.state == jobState }
            let ordered: [Entry] =
                switch jobState {
                case .waiting: matching.sorted { ($0.job.priority, $0.sequence) < ($1.job.priority, $1.sequence) }
                case .delayed: matching.sorted { ($0.job.runAt, $0.sequence) < ($1.job.runAt, $1.sequence) }
                case .active: matching.sorted { ($0.leaseUntil, $0.sequence) < ($1.leaseUntil, $1.sequence) }
                case .completed, .dead: matching.sorted { ($0.job.finishedAt ?? 0, $0.sequence) > ($1.job.finishedAt ?? 0, $1.sequence) }
                }
            return Array(ordered.dropFirst(offset).prefix(max(limit, 1)).map(\.job))
        }
    }

    public func counts() async throws -> QueueCounts {
        state.withLockedValue { state in
            var counts = QueueCounts()
            counts.paused = state.paused
            for entry in state.entries.values {
                switch entry.job.state {
                case .waiting: counts.waiting += 1
                case .delayed: counts.delayed += 1
                case .active: counts.active += 1
                case .completed: counts.completed += 1
                case .dead: counts.dead += 1
                }
            }
            return counts
        }
    }

    public func retryDead(id: String, now: Int64) async throws {
        try state.withLockedValue { state in
            guard var entry = state.entries[id] else { throw QueueError.notFound(id) }
            guard entry.job.state == .dead else { throw QueueError.wrongState(id) }
            entry.job.state = .waiting
            entry.job.failures = 0
            entry.job.stalls = 0
            entry.job.finishedAt = nil
            entry.job.runAt = now
            state.entries[id] = entry
            state.record("retried_from_dead", id)
        }
    }

    public func promote(id: String, now: Int64) async throws {
        try state.withLockedValue { state in
            guard let entry = state.entries[id] else { throw QueueError.notFound(id) }
            guard entry.job.state == .delayed else { throw QueueError.wrongState(id) }
            state.entries[id]?.job.state = .waiting
            state.entries[id]?.job.runAt = now
            state.record("promoted", id)
        }
    }

    public func remove(id: String) async throws {
        try state.withLockedValue { state in
            guard state.entries.removeValue(forKey: id) != nil else { throw QueueError.notFound(id) }
            state.record("removed", id)
        }
    }

    public func pause() async throws {
        state.withLockedValue {
            $0.paused = true
            $0.record("paused", "")
        }
    }

    public func resume() async throws {
        state.withLockedValue {
            $0.paused = false
            $0.record("resumed", "")
        }
    }

    public func upsertSchedule(_ schedule: RepeatSchedule, now: Int64) async throws {
        guard let first = schedule.nextTick(after: now) else { throw QueueError(.wrongState, "schedule \(schedule.key) never fires") }
        state.withLockedValue { $0.schedules[schedule.key] = (schedule, first) }
    }

    public func removeSchedule(key: String) async throws {
        _ = state.withLockedValue { $0.schedules.removeValue(forKey: key) }
    }

    public func schedules() async throws -> [(schedule: RepeatSchedule, nextTick: Int64)] {
        state.withLockedValue { $0.schedules.values.sorted { $0.nextTick < $1.nextTick } }
    }

    @discardableResult
    public func fireDueSchedules(now: Int64) async throws -> Int {
        // Take the due ticks and move the schedules on under the lock, so concurrent callers fire each tick once.
        let due: [(RepeatSchedule, Int64)] = state.withLockedValue { state in
            var due: [(RepeatSchedule, Int64)] = []
            for (key, entry) in state.schedules where entry.nextTick <= now {
                guard let next = entry.schedule.nextTick(after: now, previous: entry.nextTick) else { continue }
                state.schedules[key]?.nextTick = next
                due.append((entry.schedule, entry.nextTick))
            }
            return due
        }
        for (schedule, tick) in due {
            _ = try await enqueue(name: schedule.name, payload: schedule.payload, options: schedule.jobOptions(tick: tick), now: now)
        }
        return due.count
    }

    public func events(after cursor: String?, limit: Int) async throws -> [QueueEvent] {
        state.withLockedValue { state in
            let after = cursor.flatMap(Int.init) ?? 0
            return Array(state.events.filter { (Int($0.cursor) ?? 0) > after }.prefix(max(1, limit)))
        }
    }

    /// Drops finished jobs past the retention count or age. Runs on every completion, so it sorts only when
    /// something is actually over the limit (one pass otherwise).
    private static func trim(_ jobState: JobState, retention: Retention, now: Int64, in state: inout State) {
        let cutoff = now - retention.maxAge.milliseconds
        var count = 0
        var oldest = Int64.max
        for entry in state.entries.values where entry.job.state == jobState {
            count += 1
            oldest = min(oldest, entry.job.finishedAt ?? 0)
        }
        guard count > retention.maxCount || oldest <= cutoff else { return }
        let finished = state.entries.values.filter { $0.job.state == jobState }
            .sorted { ($0.job.finishedAt ?? 0, $0.sequence) < ($1.job.finishedAt ?? 0, $1.sequence) }
        var excess = count - retention.maxCount
        for entry in finished {
            guard (entry.job.finishedAt ?? 0) <= cutoff || excess > 0 else { break }
            state.entries.removeValue(forKey: entry.job.id)
            excess -= 1
        }
    }
}

extension JobQueueDriver where Self == MemoryJobQueue {
    /// `MemoryJobQueue.memory(name)`: an in-memory queue.
    public static func memory(_ name: QueueName) -> MemoryJobQueue { MemoryJobQueue(name: name) }
}
