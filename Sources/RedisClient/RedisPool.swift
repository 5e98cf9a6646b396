public import Logging
public import NIOCore
import NIOConcurrencyHelpers
public import NIOPosix

/// A bounded set of pipelined connections to one Redis server, reconnecting with backoff.
///
/// Commands are spread round-robin over `poolSize` connections, each of which carries many commands at once.
/// A connection that closes (Redis restarted, a timeout, a protocol error) is replaced on next use. While Redis
/// is unreachable the pool does not queue: commands fail fast with `RedisError.unavailable` until the backoff
/// (doubling from 100 ms up to `maxReconnectBackoff`) has passed, and the first command after that tries again,
/// so the process recovers on its own once Redis is back.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    /// Every shared and dedicated connection of the pool lives on this one event loop.
    public let eventLoop: any EventLoop
    /// Runs tasks on ``eventLoop``: callers that prefer it talk to Redis without a thread hop.
    public let taskExecutor: EventLoopTaskExecutor
    let logger: Logger
    private let state: NIOLockedValueBox<State>
    let dedicated: DedicatedConnections

    private enum Slot {
        case empty
        case connecting(Task<RedisConnection, any Error>)
        case ready(RedisConnection)
    }

    private struct State {
        var slots: [Slot]
        var next = 0
        var consecutiveFailures = 0
        var retryNotBefore: ContinuousClock.Instant?
        var lastFailure: RedisError?
        var closed = false
    }

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "atrium.redis")
    ) {
        self.configuration = configuration
        // One loop for all connections: replies for callers pinned to it never cross threads, and a
        // pipelined connection gains nothing from sharing its writes across loops.
        self.eventLoop = eventLoopGroup.next()
        self.taskExecutor = EventLoopTaskExecutor(eventLoop: eventLoop)
        self.logger = logger
        self.state = NIOLockedValueBox(State(slots: Array(repeating: .empty, count: max(1, configuration.poolSize))))
        self.dedicated = DedicatedConnections(limit: configuration.maxDedicatedConnections)
    }

    /// Sends one command on a pooled connection.
    ///
    /// - Throws: `RedisError`: `.server` for an error reply; `.unavailable`/`.connectionFailed` when Redis cannot be reached.
    @discardableResult
    public func send(_ command: String, _ arguments: any RESPArgument...) async throws(RedisError) -> RESPValue {
        try await connection().send(RedisCommand(command, arguments: arguments))
    }

    /// Sends one command on a pooled connection.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await connection().send(command)
    }

    /// Sends the commands in one write on one connection; error replies stay in their slots as `.error`.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        try await connection().pipeline(commands)
    }

    /// Runs the commands atomically in `MULTI … EXEC` on one connection and returns `EXEC`'s replies.
    public func transaction(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        try await connection().transaction(commands)
    }

    /// A live connection from the pool, opening one if its slot is empty.
    public func connection() async throws(RedisError) -> RedisConnection {
        enum Step {
            case use(RedisConnection)
            case wait(Task<RedisConnection, any Error>)
            case fail(RedisError)
        }
        let now = ContinuousClock.now
        let step: Step = state.withLockedValue { state in
            if state.closed { return .fail(RedisError(.poolClosed, "the Redis pool is closed")) }
            let index = state.next
            state.next = (state.next + 1) % state.slots.count
            switch state.slots[index] {
            case .ready(let connection) where connection.isActive:
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .ready, .empty:
                if let notBefore = state.retryNotBefore, now < notBefore {
                    let reason = state.lastFailure?.message ?? "unreachable"
                    return .fail(RedisError(.unavailable, "Redis is unreachable (\(reason)); next attempt in \(notBefore - now)"))
                }
                let task = Task { [configuration, eventLoop, logger] () async throws -> RedisConnection in
                    try await RedisConnection.connect(configuration, eventLoopGroup: eventLoop, logger: logger)
                }
                state.slots[index] = .connecting(task)
                Task { await self.settle(slot: index, task: task) }
                return .wait(task)
            }
        }
        switch step {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let task):
            do {
                return try await task.value
            } catch let error as RedisError {
                throw error
            } catch {
                throw RedisError(.connectionFailed, "\(error)")
            }
        }
    }

    /// Records the outcome of a connect attempt in its slot and adjusts the backoff.
    private func settle(slot index: Int, task: Task<RedisConnection, any Error>) async {
        let result = await task.result
        let closeAfter: RedisConnection? = state.withLockedValue { state in
            switch result {
            case .success(let connection):
                if state.closed { return connection }
                state.slots[index] = .ready(connection)
                if state.consecutiveFailures > 0 {
                    logger.info("redis reachable again", metadata: ["redis": "\(configuration)"])
                }
                state.consecutiveFailures = 0
                state.retryNotBefore = nil
                state.lastFailure = nil
                return nil
            case .failure(let error):
                state.slots[index] = .empty
                state.consecutiveFailures += 1
                let redisError = error as? RedisError ?? RedisError(.connectionFailed, "\(error)")
                state.lastFailure = redisError
                let delay = Self.backoff(failures: state.consecutiveFailures, cap: configuration.maxReconnectBackoff)
                state.retryNotBefore = .now + delay
                if state.consecutiveFailures == 1 {
                    logger.warning("redis unreachable", metadata: ["redis": "\(configuration)", "error": "\(redisError)"])
                }
                return nil
            }
        }
        if let closeAfter { await closeAfter.close() }
    }

    /// Exponential backoff from 100 ms, capped, with equal jitter so many processes do not reconnect in lockstep.
    static func backoff(failures: Int, cap: Duration) -> Duration {
        let exponent = min(max(failures - 1, 0), 16)
        let raw = Duration.milliseconds(100) * (1 << exponent)
        let capped = min(raw, cap)
        let half = capped / 2
        let jitterMillis = Int64.random(in: 0...max(0, Int64(half.components.seconds * 1000 + half.components.attoseconds / 1_000_000_000_000_000)))
        return half + .milliseconds(jitterMillis)
    }

    /// Closes every connection; later commands fail with `.poolClosed`.
    public func close() async {
        await dedicated.close()
        let slots = state.withLockedValue { state in
            state.closed = true
            defer { state.slots = state.slots.map { _ in .empty } }
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .ready(let connection): await connection.close()
            case .connecting(let task): if let connection = try? await task.value { await connection.close() }
            case .empty: break
            }
        }
    }
}
