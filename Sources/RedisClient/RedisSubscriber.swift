public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// What a subscription delivers.
public enum RedisPubSubEvent: Sendable, Hashable {
    /// Every channel and pattern is (re)subscribed. After a reconnect this follows a gap in which published
    /// messages were lost (pub/sub does not buffer), so a consumer that keeps derived state should resync.
    case subscribed
    /// A message on `channel` (for a pattern subscription, the channel that matched).
    case message(channel: String, payload: [UInt8])
}

/// A pub/sub subscription on its own connection, resubscribing by itself after Redis restarts.
///
/// A subscribed connection only receives pushes, so it cannot share the pipelined connections (whose replies
/// are matched to commands in order). Events arrive in ``events`` until ``close()``.
public final class RedisSubscriber: Sendable {
    public let events: AsyncStream<RedisPubSubEvent>
    private let task: NIOLockedValueBox<Task<Void, Never>?>

    public init(
        configuration: RedisConfiguration,
        channels: [String],
        patterns: [String] = [],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "atrium.redis.pubsub")
    ) {
        let (events, continuation) = AsyncStream.makeStream(of: RedisPubSubEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        self.events = events
        self.task = NIOLockedValueBox(nil)
        let task = Task {
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await Self.runOnce(configuration, channels: channels, patterns: patterns, group: eventLoopGroup, continuation: continuation) {
                        failures = 0
                    }
                } catch {
                    if failures == 0 { logger.warning("redis subscription lost", metadata: ["error": "\(error)"]) }
                }
                failures += 1
                try? await Task.sleep(for: RedisPool.backoff(failures: failures, cap: configuration.maxReconnectBackoff))
            }
            continuation.finish()
        }
        self.task.withLockedValue { $0 = task }
        continuation.onTermination = { _ in task.cancel() }
    }

    /// Ends the subscription: the connection closes and ``events`` finishes.
    public func close() {
        task.withLockedValue { $0?.cancel() }
    }

    private static func runOnce(
        _ configuration: RedisConfiguration,
        channels: [String],
        patterns: [String],
        group: any EventLoopGroup,
        continuation: AsyncStream<RedisPubSubEvent>.Continuation,
        onSubscribed: () -> Void
    ) async throws {
        let (replies, replyContinuation) = AsyncThrowingStream.makeStream(of: RESPValue.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.init(configuration.connectTimeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisPushHandler(replies: replyContinuation))
                }
            }
        let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        try await withTaskCancellationHandler {
            var commands: [RedisCommand] = []
            var expectOK = 0
            if let password = configuration.password {
                commands.append(configuration.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password))
                expectOK += 1
            }
            if !channels.isEmpty { commands.append(RedisCommand("SUBSCRIBE", arguments: channels)) }
            if !patterns.isEmpty { commands.append(RedisCommand("PSUBSCRIBE", arguments: patterns)) }
            try await channel.writeAndFlush(commands)
            var confirmationsLeft = channels.count + patterns.count
            for try await reply in replies {
                switch reply {
                case .simpleString where expectOK > 0:
                    expectOK -= 1
                case .error(let message):
                    throw RedisError(.server, message)
                case .array(let parts):
                    guard let kind = parts.first?.string else { continue }
                    switch (kind, parts.count) {
                    case ("subscribe", 3), ("psubscribe", 3):
                        confirmationsLeft -= 1
                        if confirmationsLeft == 0 {
                            onSubscribed()
                            continuation.yield(.subscribed)
                        }
                    case ("message", 3):
                        continuation.yield(.message(channel: parts[1].string ?? "", payload: parts[2].bytes ?? []))
                    case ("pmessage", 4):
                        continuation.yield(.message(channel: parts[2].string ?? "", payload: parts[3].bytes ?? []))
                    default:
                        continue
                    }
                default:
                    continue
                }
            }
            throw RedisError(.connectionClosed, "subscription connection closed")
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Hands every reply on a subscribed connection to a stream; no request/reply matching.
final class RedisPushHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = [RedisCommand]
    typealias OutboundOut = ByteBuffer

    private let reader = HiredisReader()
    private var encoder = HiredisCommandEncoder()
    private let replies: AsyncThrowingStream<RESPValue, any Error>.Continuation

    init(replies: AsyncThrowingStream<RESPValue, any Error>.Continuation) {
        self.replies = replies
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        for command in unwrapOutboundIn(data) {
            encoder.encode(command.arguments, into: &buffer)
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do throws(RedisError) {
            try reader.feed(buffer)
            while let reply = try reader.next() { replies.yield(reply) }
        } catch {
            replies.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.finish(throwing: error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RedisPushHandler: Sendable {}
