import Foundation

/// A job as stored: a name, an opaque payload (the caller's `Codable` value, JSON-encoded), and its options.
public struct Job: Sendable, Hashable {
    public let id: String
    public let name: String
    public let payload: [UInt8]
    public var state: JobState
    public var priority: Int
    /// How many runs may fail before the job is dead-lettered.
    public var maxAttempts: Int
    /// The delay before each retry.
    public var backoff: Backoff
    /// Runs started so far (a stalled run counts too).
    public var runs: Int
    /// Runs that failed so far.
    public var failures: Int
    /// Times the job's lease expired under a worker that stopped renewing it.
    public var stalls: Int
    public var createdAt: Int64
    /// When a delayed job becomes due, in ms since 1970.
    public var runAt: Int64
    public var finishedAt: Int64?
    public var timeoutMillis: Int64?
    public var progress: Int
    /// Every failure: attempt number, message, time.
    public var errors: [JobFailure]

    public init(
        id: String, name: String, payload: [UInt8], state: JobState, priority: Int, maxAttempts: Int, backoff: Backoff, runs: Int, failures: Int,
        stalls: Int, createdAt: Int64, runAt: Int64, finishedAt: Int64?, timeoutMillis: Int64?, progress: Int, errors: [JobFailure]
    ) {
        self.id = id
        self.name = name
        self.payload = payload
        self.state = state
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.runs = runs
        self.failures = failures
        self.stalls = stalls
        self.createdAt = createdAt
        self.runAt = runAt
        self.finishedAt = finishedAt
        self.timeoutMillis = timeoutMillis
        self.progress = progress
        self.errors = errors
    }

    /// Decodes the payload as the `Codable` value it was enqueued with.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: Data(payload))
    }
}

public struct JobFailure: Sendable, Hashable, Codable {
    public let attempt: Int
    public let message: String
    public let at: Int64

    public init(attempt: Int, message: String, at: Int64) {
        self.attempt = attempt
        self.message = message
        self.at = at
    }
}

public enum JobState: String, Sendable, Hashable, CaseIterable, Codable {
    case waiting, delayed, active, completed, dead
}

/// What `enqueue` takes besides the name and payload.
public struct JobOptions: Sendable, Hashable {
    /// A caller-chosen id: while a job with this id exists, enqueueing again returns it instead of adding one.
    public var jobID: String?
    /// Run no earlier than this (ms since 1970); nil runs as soon as a worker is free.
    public var runAt: Int64?
    /// Lower runs first; FIFO within one priority. 0…1000.
    public var priority: Int
    public var retry: RetryPolicy
    /// A run taking longer fails with a timeout (and may be retried).
    public var timeout: Duration?

    public init(jobID: String? = nil, runAt: Int64? = nil, priority: Int = 100, retry: RetryPolicy = .standard, timeout: Duration? = nil) {
        self.jobID = jobID
        self.runAt = runAt
        self.priority = priority
        self.retry = retry
        self.timeout = timeout
    }
}

/// A job a worker holds under a lease. Only the holder of `token` may complete, fail or extend it.
public struct ClaimedJob: Sendable, Hashable {
    public let job: Job
    public let token: String
    /// The lease ends then (ms since 1970) unless extended.
    public let leaseUntil: Int64
}

/// What a claim found.
public enum ClaimOutcome: Sendable, Hashable {
    case job(ClaimedJob)
    /// Nothing due (or the queue is paused).
    case empty
    /// The queue's rate limit allows no claim for this long.
    case rateLimited(retryAfter: Duration)

    /// The claimed job, if any.
    public var claimed: ClaimedJob? {
        if case .job(let claim) = self { return claim }
        return nil
    }
}

/// What ``JobQueueDriver/completeAndClaim(_:claiming:now:lease:)`` did.
public struct CompletionBatch: Sendable, Hashable {
    /// One per run given, in order: nil when it was completed, else the refusal (`leaseLost`, `notFound`).
    public var refusals: [QueueError?]
    /// The jobs claimed, at most as many as asked for, in claim order (priority, then FIFO).
    public var claimed: [ClaimedJob]
    /// Set when the rate limit held claims back: how long until it allows more.
    public var rateLimitedFor: Duration?

    public init(refusals: [QueueError?], claimed: [ClaimedJob], rateLimitedFor: Duration?) {
        self.refusals = refusals
        self.claimed = claimed
        self.rateLimitedFor = rateLimitedFor
    }

    /// The first claim as a single claim's outcome.
    public var outcome: ClaimOutcome {
        if let first = claimed.first { return .job(first) }
        if let wait = rateLimitedFor { return .rateLimited(retryAfter: wait) }
        return .empty
    }
}

/// What happened to a failed run.
public enum FailureOutcome: Sendable, Hashable {
    /// Scheduled to run again at this time.
    case retrying(at: Int64)
    /// Out of attempts (or a permanent failure): kept in the dead-letter set.
    case deadLettered
}

public struct QueueCounts: Sendable, Hashable {
    public var waiting = 0, delayed = 0, active = 0, completed = 0, dead = 0
    public var paused = false

    public init() {}
}

/// How long finished jobs are kept, by count and by age. Bounded by default: Redis must not grow forever.
public struct Retention: Sendable, Hashable {
    public var maxCount: Int
    public var maxAge: Duration

    public init(maxCount: Int, maxAge: Duration) {
        self.maxCount = maxCount
        self.maxAge = maxAge
    }

    public static let completedDefault = Retention(maxCount: 1_000, maxAge: .seconds(24 * 3600))
    public static let deadDefault = Retention(maxCount: 10_000, maxAge: .seconds(14 * 24 * 3600))
}

/// A Redis-backed or in-memory job queue. It knows nothing of orders: jobs are names and payloads.
///
/// Every state change is atomic. Times are wall-clock ms since 1970 and passed in (`now`), so tests can move
/// time; a worker passes its clock's reading.
public protocol JobQueueDriver: Sendable {
    var name: QueueName { get }

    /// Adds a job; with `options.jobID` set and that job present, returns the existing job's id and `false`.
    func enqueue(name: String, payload: [UInt8], options: JobOptions, now: Int64) async throws -> (id: String, created: Bool)

    /// Adds many jobs; Redis sends them in one pipelined write. Results in order.
    func enqueue(batch: [(name: String, payload: [UInt8], options: JobOptions)], now: Int64) async throws -> [(id: String, created: Bool)]

    /// Takes the next due job (promoting due delayed jobs first) under a lease.
    func claim(lease: Duration, now: Int64) async throws -> ClaimOutcome

    /// At most `maxJobs` claims per `window` across every worker of the queue; nil removes the limit.
    func setRateLimit(maxJobs: Int, per window: Duration) async throws
    func removeRateLimit() async throws

    /// Finishes a run. Throws `QueueError.leaseLost` if the lease was lost (expired and recovered, or removed).
    func complete(_ claim: ClaimedJob, now: Int64) async throws


    /// Waits until a job may have become waiting (true) or `timeout` passed (false), for idle workers. A signal
    /// is a hint, not a claim: the caller claims afterwards and may find nothing.
    func waitForWork(timeout: Duration) async throws -> Bool

    /// Where the worker's completion senders should run: the executor on which this queue's replies arrive (the
    /// Redis pool's event loop), so a reply continues its sender without a thread hop. Nil: the global executor.
    var replyExecutor: (any TaskExecutor)? { get }

    /// Completes every run in `claims` and claims up to `count` jobs, in one step (one round trip and one atomic
    /// script on Redis). A refused completion (lease lost, job removed) is reported in its place and does not stop
    /// the others. The worker sends the runs its slots finished while its previous call was in flight.
    func completeAndClaim(_ claims: [ClaimedJob], claiming count: Int, now: Int64, lease: Duration) async throws -> CompletionBatch

    /// Records a failed run and retries it at `retryAt`, or dead-letters it when out of attempts or `permanent`.
    func fail(_ claim: ClaimedJob, message: String, retryAt: Int64, permanent: Bool, now: Int64) async throws -> FailureOutcome

    /// Gives a running job back unfinished (a worker shutting down): it returns to waiting, and the aborted run
    /// does not count as an attempt.
    func release(_ claim: ClaimedJob, now: Int64) async throws

    /// Puts a running job back to sleep until `runAt` (a handler waiting on something slow without holding a
    /// worker slot): it becomes delayed (waiting when `runAt <= now`), the run does not count as an attempt, and
    /// the lease ends. Throws `QueueError.leaseLost` if the lease was lost.
    func snooze(_ claim: ClaimedJob, until runAt: Int64, now: Int64) async throws

    /// Extends the lease of a running job; throws `QueueError.leaseLost` if it is no longer held.
    func extendLease(_ claim: ClaimedJob, by lease: Duration, now: Int64) async throws -> ClaimedJob

    /// Records progress (0…100) of a running job the caller holds.
    func progress(_ claim: ClaimedJob, percent: Int) async throws

    /// Returns jobs whose lease expired to waiting, counting a stall; past `maxStalls` they are dead-lettered.
    @discardableResult
    func recoverStalled(maxStalls: Int, now: Int64) async throws -> Int

    func job(id: String) async throws -> Job?
    /// Jobs in one state, oldest first for waiting/delayed/active, newest first for completed/dead.
    func jobs(in state: JobState, offset: Int, limit: Int) async throws -> [Job]
    func counts() async throws -> QueueCounts

    /// Moves a dead-lettered job back to waiting with fresh attempts.
    func retryDead(id: String, now: Int64) async throws
    /// Makes a delayed job due now.
    func promote(id: String, now: Int64) async throws
    /// Deletes a job in any state; a worker holding it loses its lease.
    func remove(id: String) async throws

    func pause() async throws
    func resume() async throws

    /// Adds or replaces a repeatable job; its first tick is the first after `now`.
    func upsertSchedule(_ schedule: RepeatSchedule, now: Int64) async throws
    func removeSchedule(key: String) async throws
    /// Every schedule with its next tick.
    func schedules() async throws -> [(schedule: RepeatSchedule, nextTick: Int64)]
    /// Enqueues one job for each schedule whose tick has come and moves it to its next tick, atomically per
    /// schedule, so concurrent callers (every worker's maintenance loop) fire each tick once. Returns jobs added.
    @discardableResult
    func fireDueSchedules(now: Int64) async throws -> Int

    /// Events after `cursor` (nil: from the oldest kept), oldest first: `added`, `completed`, `failed`, `retried`,
    /// `stalled`, `dead_lettered`, `released`, `snoozed`, `promoted`, `removed`, `progress`, `paused`, `resumed`. The stream
    /// keeps about the last 10 000; pass the last event's `cursor` to continue tailing.
    func events(after cursor: String?, limit: Int) async throws -> [QueueEvent]
}

extension JobQueueDriver {
    /// Completes one run and claims the next job in one step (one round trip on Redis); throws the run's refusal.
    public func completeAndClaim(_ claim: ClaimedJob, now: Int64, lease: Duration) async throws -> ClaimOutcome {
        let batch = try await completeAndClaim([claim], claiming: 1, now: now, lease: lease)
        if let refusal = batch.refusals.first ?? nil { throw refusal }
        return batch.outcome
    }

    public var replyExecutor: (any TaskExecutor)? { nil }

    /// No signal: sleeps `timeout` (polling).
    public func waitForWork(timeout: Duration) async throws -> Bool {
        try await Task.sleep(for: timeout)
        return false
    }

    /// One job at a time: each completion and each claim is atomic on its own.
    public func completeAndClaim(_ claims: [ClaimedJob], claiming count: Int, now: Int64, lease: Duration) async throws -> CompletionBatch {
        var refusals: [QueueError?] = []
        for claim in claims {
            do {
                try await complete(claim, now: now)
                refusals.append(nil)
            } catch let refusal as QueueError where refusal.code == .leaseLost || refusal.code == .notFound {
                refusals.append(refusal)
            }
        }
        var claimed: [ClaimedJob] = []
        while claimed.count < count {
            switch try await claim(lease: lease, now: now) {
            case .job(let job): claimed.append(job)
            case .empty: return CompletionBatch(refusals: refusals, claimed: claimed, rateLimitedFor: nil)
            case .rateLimited(let wait): return CompletionBatch(refusals: refusals, claimed: claimed, rateLimitedFor: wait)
            }
        }
        return CompletionBatch(refusals: refusals, claimed: claimed, rateLimitedFor: nil)
    }

    public func enqueue(batch: [(name: String, payload: [UInt8], options: JobOptions)], now: Int64) async throws -> [(id: String, created: Bool)] {
        var results: [(id: String, created: Bool)] = []
        for job in batch { results.append(try await enqueue(name: job.name, payload: job.payload, options: job.options, now: now)) }
        return results
    }
}

public struct QueueEvent: Sendable, Hashable {
    /// Where this event stands in the stream; pass it back to read what follows.
    public let cursor: String
    public let kind: String
    public let jobID: String

    public init(cursor: String, kind: String, jobID: String) {
        self.cursor = cursor
        self.kind = kind
        self.jobID = jobID
    }
}
