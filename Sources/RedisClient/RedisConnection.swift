public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// One TCP connection to Redis. Commands from many tasks may be in flight at once; they are pipelined.
public final class RedisConnection: Sendable {
    let channel: any Channel
    private let commandTimeout: Duration
    /// Set, from any thread, the moment the connection is condemned (timeout, protocol error), before the
    /// asynchronous close completes: the pool must not hand it out in between.
    private let condemned: NIOLockedValueBox<Bool>

    private init(channel: any Channel, commandTimeout: Duration, condemned: NIOLockedValueBox<Bool>) {
        self.channel = channel
        self.commandTimeout = commandTimeout
        self.condemned = condemned
    }

    /// Opens a connection, then authenticates and selects the database the configuration names.
    ///
    /// - Throws: `RedisError.connectionFailed` when the TCP connect, `AUTH` or `SELECT` fails.
    public static func connect(
        _ configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "atrium.redis")
    ) async throws(RedisError) -> RedisConnection {
        let condemned = NIOLockedValueBox(false)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.init(configuration.connectTimeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(condemned: condemned))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw RedisError(.connectionFailed, "connect to \(configuration.host):\(configuration.port) failed: \(error)")
        }
        let connection = RedisConnection(channel: channel, commandTimeout: configuration.commandTimeout, condemned: condemned)
        do {
            if let password = configuration.password {
                if let username = configuration.username {
                    _ = try await connection.send("AUTH", username, password)
                } else {
                    _ = try await connection.send("AUTH", password)
                }
            }
            if configuration.database != 0 {
                _ = try await connection.send("SELECT", configuration.database)
            }
        } catch {
            await connection.close()
            // The server's message (e.g. WRONGPASS) names no secret; keep it for the operator.
            throw RedisError(.connectionFailed, "handshake with \(configuration.host):\(configuration.port) failed: \(error.message)")
        }
        logger.debug("redis connection open", metadata: ["redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)"])
        return connection
    }

    /// Whether the socket is still open. A closed connection never reopens; the pool replaces it.
    public var isActive: Bool { channel.isActive && !condemned.withLockedValue { $0 } }

    /// Sends one command and waits for its reply.
    ///
    /// - Returns: the reply; a top-level error reply is thrown instead.
    /// - Throws: `RedisError` with `.server` for an error reply, `.timeout`, `.connectionClosed` or `.protocolError`.
    @discardableResult
    public func send(_ command: String, _ arguments: any RESPArgument...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(command, arguments: arguments))
    }

    /// Sends one command and waits for its reply, throwing an error reply.
    ///
    /// - Parameter timeout: overrides the command timeout (a blocking command needs its block time plus margin).
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws(RedisError) -> RESPValue {
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        let deadline = NIODeadline.now() + .init(timeout ?? commandTimeout)
        let reply = try await submit(.single(arguments: command.arguments, promise: promise, deadline: deadline), promise.futureResult)
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }

    /// Sends many commands in one write and one flush, and returns their replies in order.
    ///
    /// Error replies are returned as `.error` in their slot rather than thrown, so one failing command does not
    /// hide the others' results. Other callers' commands may come before or after the batch, never inside it.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let deadline = NIODeadline.now() + .init(commandTimeout)
        return try await submit(.batch(commands: commands, promise: promise, deadline: deadline), promise.futureResult)
    }

    /// Runs the commands atomically in `MULTI … EXEC` and returns `EXEC`'s replies.
    ///
    /// - Throws: `.server` with `EXECABORT …` when Redis rejected a command while queueing (nothing ran).
    public func transaction(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        let replies = try await pipeline([RedisCommand("MULTI")] + commands + [RedisCommand("EXEC")])
        guard let exec = replies.last else { throw RedisError(.unexpectedReply, "no EXEC reply") }
        switch exec {
        case .array(let results): return results
        case .error(let message): throw RedisError(.server, message)
        case .null: throw RedisError(.server, "EXECABORT transaction aborted")
        default: throw RedisError(.unexpectedReply, "EXEC answered \(exec)")
        }
    }

    /// Writes `outbound` and waits for `reply`. The channel handler condemns the connection if the reply
    /// misses the deadline the outbound carries.
    private func submit<Reply: Sendable>(_ outbound: RedisOutbound, _ reply: EventLoopFuture<Reply>) async throws(RedisError) -> Reply {
        let channel = self.channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            outbound.fail(RedisError(.connectionClosed, "write failed: \(type(of: error))"))
        }
        channel.writeAndFlush(outbound, promise: written)
        do {
            return try await reply.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(.connectionClosed, "\(type(of: error))")
        }
    }

    /// Closes the socket; pending commands fail with `.connectionClosed`.
    public func close() async {
        try? await channel.close()
    }
}
