import Foundation
import Hummingbird
import Queue

// Wire types of the queue routes of the admin API (snake_case keys, times in ms since 1970 as the queue keeps them).

/// One product queue in `GET /admin/queues`.
struct AdminQueueSummaryDTO: Codable, Sendable, Hashable {
    let name: String
    let paused: Bool
    let counts: AdminQueueCountsDTO
    let throughput: AdminQueueThroughputDTO
}

/// Jobs per state.
struct AdminQueueCountsDTO: Codable, Sendable, Hashable {
    let waiting: Int
    let delayed: Int
    let active: Int
    let completed: Int
    let dead: Int

    init(_ counts: QueueCounts) {
        waiting = counts.waiting
        delayed = counts.delayed
        active = counts.active
        completed = counts.completed
        dead = counts.dead
    }
}

/// Jobs completed recently, counted by `finished_at` over the newest jobs of the completed set.
struct AdminQueueThroughputDTO: Codable, Sendable, Hashable {
    let completedLastMinute: Int
    let completedLast5Minutes: Int
    /// True when the scan stopped at its bound (``AdminQueueThroughput/scanLimit`` jobs): the counts are lower bounds.
    let truncated: Bool

    enum CodingKeys: String, CodingKey {
        case completedLastMinute = "completed_last_minute"
        case completedLast5Minutes = "completed_last_5_minutes"
        case truncated
    }
}

/// `GET /admin/queues`.
struct AdminQueueListDTO: ResponseEncodable, Codable, Sendable, Hashable {
    let data: [AdminQueueSummaryDTO]
}

/// A job in a list: no payload.
struct AdminJobSummaryDTO: Codable, Sendable, Hashable {
    let id: String
    let queue: String
    let name: String
    let state: String
    let attempts: Int
    let maxAttempts: Int
    let createdAt: Int64
    let runAt: Int64
    let finishedAt: Int64?
    /// The most recent failure's message.
    let lastError: String?

    init(_ job: Job, queue: String) {
        id = job.id
        self.queue = queue
        name = job.name
        state = job.state.rawValue
        attempts = job.runs
        maxAttempts = job.maxAttempts
        createdAt = job.createdAt
        runAt = job.runAt
        finishedAt = job.finishedAt
        lastError = job.errors.last.map { String($0.message.prefix(500)) }
    }

    enum CodingKeys: String, CodingKey {
        case id, queue, name, state, attempts
        case maxAttempts = "max_attempts"
        case createdAt = "created_at"
        case runAt = "run_at"
        case finishedAt = "finished_at"
        case lastError = "last_error"
    }
}

/// `GET /admin/queues/{name}/jobs`.
struct AdminJobListDTO: ResponseEncodable, Codable, Sendable, Hashable {
    let data: [AdminJobSummaryDTO]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present: `null` on the last page (the list convention of PRODUCT.md).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// One failure of a job.
struct AdminJobErrorDTO: Codable, Sendable, Hashable {
    let attempt: Int
    let message: String
    let at: Int64
}

/// `GET /admin/queues/{name}/jobs/{id}`: the job with its payload (secrets redacted) and every failure.
struct AdminJobDetailDTO: ResponseEncodable, Codable, Sendable, Hashable {
    let id: String
    let queue: String
    let name: String
    let state: String
    let priority: Int
    let attempts: Int
    let maxAttempts: Int
    let failures: Int
    let stalls: Int
    let progress: Int
    let createdAt: Int64
    let runAt: Int64
    let finishedAt: Int64?
    let timeoutMs: Int64?
    /// The payload as JSON with secret-named keys replaced by `"[redacted]"`; null when it is not JSON.
    let payload: JSONNode?
    let errors: [AdminJobErrorDTO]

    init(_ job: Job, queue: String) {
        id = job.id
        self.queue = queue
        name = job.name
        state = job.state.rawValue
        priority = job.priority
        attempts = job.runs
        maxAttempts = job.maxAttempts
        failures = job.failures
        stalls = job.stalls
        progress = job.progress
        createdAt = job.createdAt
        runAt = job.runAt
        finishedAt = job.finishedAt
        timeoutMs = job.timeoutMillis
        payload = AdminQueueRedaction.redactedPayload(job.payload)
        errors = job.errors.map { AdminJobErrorDTO(attempt: $0.attempt, message: String($0.message.prefix(2_000)), at: $0.at) }
    }

    enum CodingKeys: String, CodingKey {
        case id, queue, name, state, priority, attempts, failures, stalls, progress, payload, errors
        case maxAttempts = "max_attempts"
        case createdAt = "created_at"
        case runAt = "run_at"
        case finishedAt = "finished_at"
        case timeoutMs = "timeout_ms"
    }
}

/// What a queue or job action did.
struct AdminQueueActionDTO: ResponseEncodable, Codable, Sendable, Hashable {
    let queue: String
    let action: String
    /// The job acted on, for job actions.
    let jobID: String?
    /// Jobs affected (1 for a job action; the replayed count for a dead-letter replay).
    let affected: Int
    let paused: Bool?

    enum CodingKeys: String, CodingKey {
        case queue, action, affected, paused
        case jobID = "job_id"
    }
}
