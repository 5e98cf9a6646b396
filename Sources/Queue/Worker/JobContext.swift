import Foundation

/// What a handler gets for one run of a job.
public struct JobContext: Sendable {
    public let job: Job
    public let queue: QueueName
    private let reportProgress: @Sendable (Int) async throws -> Void

    init(job: Job, queue: QueueName, reportProgress: @escaping @Sendable (Int) async throws -> Void) {
        self.job = job
        self.queue = queue
        self.reportProgress = reportProgress
    }

    /// 1 for the first run, 2 for the first retry, …
    public var attempt: Int { job.runs }

    /// The same for every run of this job: pass it to upstreams as their idempotency key, or check it before a
    /// side effect, so a retried or recovered run never acts twice.
    public var idempotencyKey: String { "\(queue.rawValue):\(job.id)" }

    /// The payload as the `Codable` value it was enqueued with.
    public func payload<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try job.decode(type)
    }

    /// Records progress (0…100), visible in the job's state.
    public func progress(_ percent: Int) async throws {
        try await reportProgress(percent)
    }
}

/// Throw this from a handler when retrying cannot help (invalid payload, a refused request): the job goes
/// straight to the dead-letter set, like BullMQ's `UnrecoverableError`.
public struct PermanentJobError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The wall clock in ms since 1970, the queue's time base.
public struct QueueClock: Sendable {
    public let nowMillis: @Sendable () -> Int64
    public init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }
    public static let system = QueueClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// Thrown by a handler that must wait for something slow (an upstream's asynchronous operation): the job goes
/// back to the queue as delayed for `delay` without holding a worker slot, and the run does not count as an
/// attempt. The next run starts the handler again from the top, so it must resume from persisted state.
public struct JobSnooze: Error, Sendable, CustomStringConvertible {
    public let delay: Duration
    public let reason: String

    public init(_ delay: Duration, reason: String = "waiting") {
        self.delay = delay
        self.reason = reason
    }

    public var description: String { "snoozed for \(delay): \(reason)" }
}
