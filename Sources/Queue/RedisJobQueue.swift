import Foundation
public import RedisClient
import Synchronization

/// The job queue on Redis: every state change is one Lua script (``QueueScripts``), all keys of one queue
/// share the hash tag `{<queue>}`.
public struct RedisJobQueue: JobQueueDriver {
    public let name: QueueName
    public let keys: QueueKeys
    let pool: RedisPool
    public var completedRetention: Retention
    public var deadRetention: Retention
    /// The eight keys every script takes (``QueueScripts``), made once: building them per call showed in profiles.
    private let scriptKeys: [any RESPArgument]
    private let jobPrefix: String

    public init(
        pool: RedisPool,
        name: QueueName,
        keyPrefix: String = "atrium",
        completedRetention: Retention = .completedDefault,
        deadRetention: Retention = .deadDefault
    ) {
        self.pool = pool
        self.name = name
        let keys = QueueKeys(queue: name, prefix: keyPrefix)
        self.keys = keys
        self.completedRetention = completedRetention
        self.deadRetention = deadRetention
        self.scriptKeys = [
            keys.key(.waiting), keys.key(.delayed), keys.key(.active), keys.key(.completed), keys.key(.dead), keys.key(.events), keys.key(.meta),
            keys.key(.notify),
        ]
        self.jobPrefix = keys.job("")
    }

    private func run(_ script: RedisScript, _ arguments: [any RESPArgument]) async throws -> RESPValue {
        do {
            return try await pool.run(script, keys: scriptKeys, arguments: [jobPrefix] + arguments)
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    /// Runs a script that answers a status code, throwing the mapped refusal.
    private func runStatus(_ script: RedisScript, id: String, _ arguments: [any RESPArgument]) async throws -> Int64 {
        let reply = try await run(script, arguments)
        guard let code = reply.int else { throw QueueError(.invalidReply, "status \(reply)") }
        if let error = QueueError.fromScript(code, jobID: id) { throw error }
        return code
    }

    public func enqueue(name: String, payload: [UInt8], options: JobOptions, now: Int64) async throws -> (id: String, created: Bool) {
        try Self.enqueued(try await run(QueueScripts.enqueue, Self.enqueueArguments(name: name, payload: payload, options: options, now: now)))
    }

    /// One pipelined write of `EVALSHA enqueue` per job (one `SCRIPT LOAD` first if Redis lost the script).
    public func enqueue(batch: [(name: String, payload: [UInt8], options: JobOptions)], now: Int64) async throws -> [(id: String, created: Bool)] {
        guard !batch.isEmpty else { return [] }
        let script = QueueScripts.enqueue
        let commands = batch.map { job in
            RedisCommand(
                "EVALSHA",
                arguments: [script.sha1, scriptKeys.count] + scriptKeys + [jobPrefix]
                    + Self.enqueueArguments(name: job.name, payload: job.payload, options: job.options, now: now)
            )
        }
        do {
            var replies = try await pool.pipeline(commands)
            if replies.contains(where: { if case .error(let message) = $0 { message.hasPrefix("NOSCRIPT") } else { false } }) {
                // EVALSHA that answered NOSCRIPT did not run: load the script and send exactly those again.
                try await pool.send("SCRIPT", "LOAD", script.source)
                let missing = replies.indices.filter { if case .error(let message) = replies[$0] { message.hasPrefix("NOSCRIPT") } else { false } }
                let retried = try await pool.pipeline(missing.map { commands[$0] })
                for (index, reply) in zip(missing, retried) { replies[index] = reply }
            }
            return try replies.map(Self.enqueued)
        } catch let error as QueueError {
            throw error
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    private static func enqueueArguments(name: String, payload: [UInt8], options: JobOptions, now: Int64) -> [any RESPArgument] {
        [
            options.jobID ?? "", name, payload, options.priority, options.retry.attempts,
            options.timeout.map { Int($0.milliseconds) }.map(String.init) ?? "", Int(now), Int(options.runAt ?? now),
            options.retry.backoff.encoded,
        ]
    }

    private static func enqueued(_ reply: RESPValue) throws -> (id: String, created: Bool) {
        if case .error(let message) = reply { throw QueueError(.backend, message) }
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string, let created = parts[1].int else {
            throw QueueError(.invalidReply, "enqueue answered \(reply)")
        }
        return (id, created == 1)
    }

    public func claim(lease: Duration, now: Int64) async throws -> ClaimOutcome {
        try await completeAndClaim([], claiming: 1, now: now, lease: lease).outcome
    }

    public func complete(_ claim: ClaimedJob, now: Int64) async throws {
        if let refusal = try await completeAndClaim([claim], claiming: 0, now: now, lease: .zero).refusals[0] { throw refusal }
    }

    /// The pool's event loop: a sender running there continues on the reply without a thread hop, and its
    /// next call is written without one.
    public var replyExecutor: (any TaskExecutor)? { pool.taskExecutor }

    /// `BLPOP` on the doorbell list, on a dedicated connection (shared connections never block).
    public func waitForWork(timeout: Duration) async throws -> Bool {
        let seconds = Double(max(1, timeout.milliseconds)) / 1000
        do {
            let reply = try await pool.sendBlocking(RedisCommand("BLPOP", keys.key(.notify), String(seconds)), blockFor: timeout)
            return !reply.isNull
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    /// One `finish` script call: every completion and every claim in one round trip and one atomic step.
    public func completeAndClaim(_ claims: [ClaimedJob], claiming count: Int, now: Int64, lease: Duration) async throws -> CompletionBatch {
        let token = Self.newToken()
        let leaseUntil = now + lease.milliseconds
        var arguments: [any RESPArgument] = [
            Int(now), completedRetention.maxCount, Int(completedRetention.maxAge.milliseconds), Int(leaseUntil), max(0, count), token,
        ]
        arguments.reserveCapacity(arguments.count + 2 * claims.count)
        for claim in claims {
            arguments.append(claim.job.id)
            arguments.append(claim.token)
        }
        let reply = try await run(QueueScripts.finish, arguments)
        guard let parts = reply.array, parts.count == 3, let statuses = parts[0].array, statuses.count == claims.count,
            let flat = parts[1].array, flat.count % 2 == 0, let retryAfter = parts[2].int
        else { throw QueueError(.invalidReply, "finish answered \(reply)") }
        var refusals: [QueueError?] = []
        refusals.reserveCapacity(claims.count)
        for (claim, status) in zip(claims, statuses) {
            guard let code = status.int else { throw QueueError(.invalidReply, "finish status \(status)") }
            refusals.append(QueueError.fromScript(code, jobID: claim.job.id))
        }
        var claimed: [ClaimedJob] = []
        claimed.reserveCapacity(flat.count / 2)
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let id = flat[index].string else { throw QueueError(.invalidReply, "finish claimed \(flat[index])") }
            claimed.append(ClaimedJob(job: try Job(id: id, fields: flat[index + 1]), token: token, leaseUntil: leaseUntil))
        }
        return CompletionBatch(refusals: refusals, claimed: claimed, rateLimitedFor: retryAfter > 0 ? .milliseconds(retryAfter) : nil)
    }

    public func setRateLimit(maxJobs: Int, per window: Duration) async throws {
        do {
            try await pool.send("HSET", keys.key(.meta), "rl_max", max(1, maxJobs), "rl_window", Int(max(1, window.milliseconds)))
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func removeRateLimit() async throws {
        do {
            try await pool.send("HDEL", keys.key(.meta), "rl_max", "rl_window", "rl_id", "rl_count")
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func fail(_ claim: ClaimedJob, message: String, retryAt: Int64, permanent: Bool, now: Int64) async throws -> FailureOutcome {
        let code = try await runStatus(
            QueueScripts.fail,
            id: claim.job.id,
            [
                claim.job.id, claim.token, Int(now), String(message.prefix(2000)), Int(retryAt), permanent ? "1" : "0",
                deadRetention.maxCount, Int(deadRetention.maxAge.milliseconds),
            ]
        )
        return code == 1 ? .deadLettered : .retrying(at: max(retryAt, now))
    }

    public func release(_ claim: ClaimedJob, now: Int64) async throws {
        _ = try await runStatus(QueueScripts.release, id: claim.job.id, [claim.job.id, claim.token])
    }

    public func snooze(_ claim: ClaimedJob, until runAt: Int64, now: Int64) async throws {
        _ = try await runStatus(QueueScripts.snooze, id: claim.job.id, [claim.job.id, claim.token, Int(now), Int(runAt)])
    }

    public func extendLease(_ claim: ClaimedJob, by lease: Duration, now: Int64) async throws -> ClaimedJob {
        let leaseUntil = now + lease.milliseconds
        _ = try await runStatus(QueueScripts.extendLease, id: claim.job.id, [claim.job.id, claim.token, Int(leaseUntil)])
        return ClaimedJob(job: claim.job, token: claim.token, leaseUntil: leaseUntil)
    }

    public func progress(_ claim: ClaimedJob, percent: Int) async throws {
        _ = try await runStatus(QueueScripts.progress, id: claim.job.id, [claim.job.id, claim.token, min(max(percent, 0), 100)])
    }

    @discardableResult
    public func recoverStalled(maxStalls: Int, now: Int64) async throws -> Int {
        let reply = try await run(QueueScripts.recoverStalled, [Int(now), maxStalls, deadRetention.maxCount, Int(deadRetention.maxAge.milliseconds)])
        return Int(reply.int ?? 0)
    }

    public func job(id: String) async throws -> Job? {
        let reply: RESPValue
        do {
            reply = try await pool.send("HGETALL", keys.job(id))
        } catch {
            throw QueueError(.backend, "\(error)")
        }
        if reply.array?.isEmpty ?? true { return nil }
        return try Job(id: id, hash: reply)
    }

    public func jobs(in state: JobState, offset: Int, limit: Int) async throws -> [Job] {
        let set: String =
            switch state {
            case .waiting: keys.key(.waiting)
            case .delayed: keys.key(.delayed)
            case .active: keys.key(.active)
            case .completed: keys.key(.completed)
            case .dead: keys.key(.dead)
            }
        let newestFirst = state == .completed || state == .dead
        do {
            let ids = try await pool.send(newestFirst ? "ZREVRANGE" : "ZRANGE", set, offset, offset + max(limit, 1) - 1).decode(as: [String].self)
            guard !ids.isEmpty else { return [] }
            let hashes = try await pool.pipeline(ids.map { RedisCommand("HGETALL", keys.job($0)) })
            return try zip(ids, hashes).compactMap { id, hash in
                (hash.array?.isEmpty ?? true) ? nil : try Job(id: id, hash: hash)
            }
        } catch let error as QueueError {
            throw error
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func counts() async throws -> QueueCounts {
        do {
            let replies = try await pool.pipeline(
                [keys.key(.waiting), keys.key(.delayed), keys.key(.active), keys.key(.completed), keys.key(.dead)].map { RedisCommand("ZCARD", $0) }
                    + [RedisCommand("HGET", keys.key(.meta), "paused")]
            )
            var counts = QueueCounts()
            counts.waiting = Int(replies[0].int ?? 0)
            counts.delayed = Int(replies[1].int ?? 0)
            counts.active = Int(replies[2].int ?? 0)
            counts.completed = Int(replies[3].int ?? 0)
            counts.dead = Int(replies[4].int ?? 0)
            counts.paused = replies[5].string == "1"
            return counts
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func retryDead(id: String, now: Int64) async throws {
        _ = try await runStatus(QueueScripts.retryDead, id: id, [id, Int(now)])
    }

    public func promote(id: String, now: Int64) async throws {
        _ = try await runStatus(QueueScripts.promote, id: id, [id, Int(now)])
    }

    public func remove(id: String) async throws {
        _ = try await runStatus(QueueScripts.remove, id: id, [id])
    }

    public func pause() async throws {
        try await setPaused(true)
    }

    public func resume() async throws {
        try await setPaused(false)
    }

    private func setPaused(_ paused: Bool) async throws {
        do {
            _ = try await pool.pipeline([
                RedisCommand("HSET", keys.key(.meta), "paused", paused ? "1" : "0"),
                RedisCommand("XADD", keys.key(.events), "MAXLEN", "~", "10000", "*", "event", paused ? "paused" : "resumed", "id", ""),
            ])
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func events(after cursor: String?, limit: Int) async throws -> [QueueEvent] {
        let reply: RESPValue
        do {
            reply = try await pool.send("XRANGE", keys.key(.events), cursor.map { "(" + $0 } ?? "-", "+", "COUNT", max(1, limit))
        } catch {
            throw QueueError(.backend, "\(error)")
        }
        return (reply.array ?? []).compactMap { entry in
            // [id, [field, value, …]]
            guard let parts = entry.array, parts.count == 2, let cursor = parts[0].string, let fields = parts[1].array else { return nil }
            var values: [String: String] = [:]
            for index in stride(from: 0, to: fields.count - 1, by: 2) {
                if let key = fields[index].string { values[key] = fields[index + 1].string ?? "" }
            }
            return QueueEvent(cursor: cursor, kind: values["event"] ?? "", jobID: values["id"] ?? "")
        }
    }

    public func upsertSchedule(_ schedule: RepeatSchedule, now: Int64) async throws {
        guard let first = schedule.nextTick(after: now) else { throw QueueError(.wrongState, "schedule \(schedule.key) never fires") }
        do {
            let definition = try JSONEncoder().encode(schedule.stored)
            _ = try await pool.transaction([
                RedisCommand("HSET", keys.key(.repeatDefinitions), schedule.key, Array(definition)),
                RedisCommand("ZADD", keys.key(.repeats), Int(first), schedule.key),
            ])
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func removeSchedule(key: String) async throws {
        do {
            _ = try await pool.transaction([
                RedisCommand("HDEL", keys.key(.repeatDefinitions), key), RedisCommand("ZREM", keys.key(.repeats), key),
            ])
        } catch {
            throw QueueError(.backend, "\(error)")
        }
    }

    public func schedules() async throws -> [(schedule: RepeatSchedule, nextTick: Int64)] {
        let ticks: RESPValue
        let definitions: RESPValue
        do {
            ticks = try await pool.send("ZRANGE", keys.key(.repeats), 0, -1, "WITHSCORES")
            definitions = try await pool.send("HGETALL", keys.key(.repeatDefinitions))
        } catch {
            throw QueueError(.backend, "\(error)")
        }
        var stored: [String: [UInt8]] = [:]
        let flat = definitions.array ?? []
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let key = flat[index].string, let value = flat[index + 1].bytes { stored[key] = value }
        }
        let pairs = ticks.array ?? []
        return try stride(from: 0, to: pairs.count - 1, by: 2).compactMap { index in
            guard let key = pairs[index].string, let tick = pairs[index + 1].string.flatMap(Double.init), let bytes = stored[key] else { return nil }
            let schedule = try RepeatSchedule(stored: try JSONDecoder().decode(RepeatSchedule.Stored.self, from: Data(bytes)))
            return (schedule, Int64(tick))
        }
    }

    @discardableResult
    public func fireDueSchedules(now: Int64) async throws -> Int {
        let due: RESPValue
        do {
            due = try await pool.send("ZRANGEBYSCORE", keys.key(.repeats), "-inf", Int(now), "WITHSCORES", "LIMIT", 0, 100)
        } catch {
            throw QueueError(.backend, "\(error)")
        }
        guard let pairs = due.array, !pairs.isEmpty else { return 0 }
        let all = try await schedules()
        var fired = 0
        for index in stride(from: 0, to: pairs.count - 1, by: 2) {
            guard let key = pairs[index].string, let tick = pairs[index + 1].string.flatMap(Double.init).map({ Int64($0) }),
                let schedule = all.first(where: { $0.schedule.key == key })?.schedule
            else { continue }
            guard let next = schedule.nextTick(after: now, previous: tick) else { continue }
            let options = schedule.jobOptions(tick: tick)
            let reply: RESPValue
            do {
                reply = try await pool.run(
                    QueueScripts.fireRepeat,
                    keys: scriptKeys + [keys.key(.repeats)],
                    arguments: [jobPrefix, key, Int(tick), Int(next)]
                        + Self.enqueueArguments(name: schedule.name, payload: schedule.payload, options: options, now: now)
                )
            } catch {
                throw QueueError(.backend, "\(error)")
            }
            fired += Int(reply.int ?? 0)
        }
        return fired
    }

    /// A lease token never issued before: 64 random bits drawn once per process, then a counter. Tokens only have to
    /// differ from every earlier claim's (a worker that lost its lease must not match the new holder); a system
    /// random draw per claim cost two syscalls per job.
    static func newToken() -> String {
        tokenPrefix + String(tokenCounter.add(1, ordering: .relaxed).newValue, radix: 36)
    }

    private static let tokenPrefix: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36) + "."
    }()

    private static let tokenCounter = Atomic<UInt64>(0)
}

extension Job {
    /// The hash fields a claim reads, in the order of the claim script's `HMGET` (positional: no field names to
    /// send back or hash on every claim).
    static let redisFields = [
        "name", "payload", "state", "prio", "max", "backoff", "runs", "fails", "stalls", "created", "runat", "finished", "timeout",
        "progress", "errors",
    ]
    private static let fieldIndex = Dictionary(uniqueKeysWithValues: redisFields.enumerated().map { ($1, $0) })
    private static let emptyErrors = Array("[]".utf8)

    /// Builds a job from its Redis hash (an `HGETALL` reply).
    init(id: String, hash: RESPValue) throws {
        guard let flat = hash.array, flat.count % 2 == 0 else { throw QueueError(.invalidReply, "job \(id): not a hash") }
        var values = [RESPValue](repeating: .null, count: Self.redisFields.count)
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let key = flat[index].string else { throw QueueError(.invalidReply, "job \(id): bad field") }
            if let position = Self.fieldIndex[key] { values[position] = flat[index + 1] }
        }
        try self.init(id: id, values: values)
    }

    /// Builds a job from its fields in ``redisFields`` order (an `HMGET` reply).
    init(id: String, fields: RESPValue) throws {
        guard let values = fields.array, values.count == Self.redisFields.count else { throw QueueError(.invalidReply, "job \(id): not a field list") }
        try self.init(id: id, values: values)
    }

    /// Validates every field; a missing one (nil in an `HMGET` reply) is an invalid reply.
    private init(id: String, values: [RESPValue]) throws {
        func bytes(_ position: Int) throws -> [UInt8] {
            guard let value = values[position].bytes else { throw QueueError(.invalidReply, "job \(id): missing \(Self.redisFields[position])") }
            return value
        }
        func text(_ position: Int) throws -> String { String(decoding: try bytes(position), as: UTF8.self) }
        func number(_ position: Int) throws -> Int64 {
            guard let value = Self.int64(try bytes(position)) else { throw QueueError(.invalidReply, "job \(id): \(Self.redisFields[position]) is not a number") }
            return value
        }
        func optionalNumber(_ position: Int) throws -> Int64? {
            let value = try bytes(position)
            return value.isEmpty ? nil : Self.int64(value)
        }
        guard let state = JobState(rawValue: try text(2)) else { throw QueueError(.invalidReply, "job \(id): unknown state") }
        guard let backoff = Backoff(encoded: try bytes(5)) else { throw QueueError(.invalidReply, "job \(id): bad backoff") }
        var errors: [JobFailure] = []
        let rawErrors = try bytes(14)
        if rawErrors != Self.emptyErrors {
            do {
                errors = try JSONDecoder().decode([JobFailure].self, from: Data(rawErrors))
            } catch {
                throw QueueError(.invalidReply, "job \(id): errors are not a JSON list")
            }
        }
        self.init(
            id: id,
            name: try text(0),
            payload: try bytes(1),
            state: state,
            priority: Int(try number(3)),
            maxAttempts: Int(try number(4)),
            backoff: backoff,
            runs: Int(try number(6)),
            failures: Int(try number(7)),
            stalls: Int(try number(8)),
            createdAt: try number(9),
            runAt: try number(10),
            finishedAt: try optionalNumber(11),
            timeoutMillis: try optionalNumber(12),
            progress: Int(try number(13)),
            errors: errors
        )
    }

    /// A decimal integer (optional leading '-') straight from its bytes, without making a String first.
    static func int64(_ digits: some Collection<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 19 else { return digits.isEmpty ? nil : Int64(String(decoding: digits, as: UTF8.self)) }
        var value: Int64 = 0
        var negative = false
        for (index, byte) in digits.enumerated() {
            if index == 0 && byte == UInt8(ascii: "-") && digits.count > 1 {
                negative = true
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
