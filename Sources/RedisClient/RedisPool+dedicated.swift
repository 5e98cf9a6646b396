import NIOConcurrencyHelpers

/// Connections lent out whole, for commands that block (`BLMOVE`, `BZPOPMIN`, `XREADGROUP BLOCK`) or need
/// the connection to themselves (`WATCH`). They are separate from the shared pipelined connections, so a
/// blocked worker never delays anyone else's `GET`; at most `maxDedicatedConnections` exist, and callers
/// beyond that wait for one to come back.
final class DedicatedConnections: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
    }

    let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// An idle connection, a new one if under the limit, else the next one returned.
    func lease(connect: () async throws(RedisError) -> RedisConnection) async throws(RedisError) -> RedisConnection {
        while true {
            enum Step {
                case use(RedisConnection)
                case open
                case wait(Int)
                case closed
            }
            let step: Step = state.withLockedValue { state in
                if state.closed { return .closed }
                while let connection = state.idle.popLast() {
                    if connection.isActive { return .use(connection) }
                    state.open -= 1
                }
                if state.open < limit {
                    state.open += 1
                    return .open
                }
                state.nextWaiterID += 1
                return .wait(state.nextWaiterID)
            }
            switch step {
            case .use(let connection):
                return connection
            case .closed:
                throw RedisError(.poolClosed, "the Redis pool is closed")
            case .open:
                do {
                    return try await connect()
                } catch {
                    giveBack(nil)
                    throw error
                }
            case .wait(let id):
                do {
                    try await withTaskCancellationHandler {
                        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                            let cancelled = state.withLockedValue { state -> Bool in
                                if Task.isCancelled { return true }
                                state.waiters.append(Waiter(id: id, continuation: continuation))
                                return false
                            }
                            if cancelled { continuation.resume(throwing: CancellationError()) }
                        }
                    } onCancel: {
                        let waiter = state.withLockedValue { state -> Waiter? in
                            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                            return state.waiters.remove(at: index)
                        }
                        waiter?.continuation.resume(throwing: CancellationError())
                    }
                } catch {
                    throw RedisError(.timeout, "cancelled while waiting for a dedicated Redis connection")
                }
            }
        }
    }

    /// Returns a leased connection (nil when opening it failed) and wakes one waiter.
    func giveBack(_ connection: RedisConnection?) {
        let (waiter, toClose): (Waiter?, RedisConnection?) = state.withLockedValue { state in
            var toClose: RedisConnection?
            if let connection, connection.isActive, !state.closed {
                state.idle.append(connection)
            } else {
                state.open -= 1
                toClose = connection
            }
            return (state.waiters.isEmpty ? nil : state.waiters.removeFirst(), toClose)
        }
        waiter?.continuation.resume()
        if let toClose { Task { await toClose.close() } }
    }

    func close() async {
        let (idle, waiters) = state.withLockedValue { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume() }
        for connection in idle { await connection.close() }
    }
}

extension RedisPool {
    /// Lends a connection for exclusive use (blocking commands, `WATCH`); it returns to the dedicated set after.
    public func withDedicatedConnection<T>(_ body: (RedisConnection) async throws(RedisError) -> T) async throws(RedisError) -> T {
        let configuration = self.configuration
        let connection = try await dedicated.lease { () async throws(RedisError) in
            try await RedisConnection.connect(configuration, eventLoopGroup: eventLoop, logger: logger)
        }
        do {
            let result = try await body(connection)
            dedicated.giveBack(connection)
            return result
        } catch {
            dedicated.giveBack(connection)
            throw error
        }
    }

    /// Sends a blocking command (`BLMOVE … 5`, `BZPOPMIN … 5`, `XREADGROUP … BLOCK 5000 …`) on a dedicated connection.
    ///
    /// - Parameter blockFor: how long the command may block on the server; the reply deadline is this plus
    ///   the configured command timeout.
    public func sendBlocking(_ command: RedisCommand, blockFor: Duration) async throws(RedisError) -> RESPValue {
        let timeout = blockFor + configuration.commandTimeout
        return try await withDedicatedConnection { connection throws(RedisError) in
            try await connection.send(command, timeout: timeout)
        }
    }
}
