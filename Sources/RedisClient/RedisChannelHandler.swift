import NIOConcurrencyHelpers
public import NIOCore

/// What callers write into the channel: one command and the promise its reply completes, or a batch that
/// goes out contiguously in one buffer (a pipeline, or a `MULTI … EXEC` block that no other caller's command
/// may interleave with) and completes one promise with all its replies.
enum RedisOutbound: Sendable {
    case single(arguments: [[UInt8]], promise: EventLoopPromise<RESPValue>, deadline: NIODeadline)
    case batch(commands: [RedisCommand], promise: EventLoopPromise<[RESPValue]>, deadline: NIODeadline)

    func fail(_ error: RedisError) {
        switch self {
        case .single(_, let promise, _): promise.fail(error)
        case .batch(_, let promise, _): promise.fail(error)
        }
    }
}

/// A reply, or a batch of replies, still owed to a caller, in wire order.
private enum PendingReply {
    case single(EventLoopPromise<RESPValue>)
    case batch(BatchReplies)

    func fail(_ error: RedisError) {
        switch self {
        case .single(let promise): promise.fail(error)
        case .batch(let batch): batch.promise.fail(error)
        }
    }
}

/// Replies collected for one batch; lives on the event loop only.
private final class BatchReplies {
    let expected: Int
    var replies: [RESPValue]
    let promise: EventLoopPromise<[RESPValue]>

    init(expected: Int, promise: EventLoopPromise<[RESPValue]>) {
        self.expected = expected
        self.replies = []
        self.replies.reserveCapacity(expected)
        self.promise = promise
    }
}

/// Encodes commands with hiredis and matches replies, parsed by hiredis's reader, to requests in FIFO order.
///
/// Concurrent callers share the connection: their commands are pipelined and the replies come back in order.
/// Anything that breaks that order (a malformed reply, an unsolicited reply, a timeout) closes the connection
/// and fails every pending request, so no caller can ever receive another caller's reply.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisOutbound
    typealias OutboundOut = ByteBuffer

    private let reader = HiredisReader()
    private let condemned: NIOLockedValueBox<Bool>
    /// Owed replies in wire order, each with the time by which it must have arrived.
    private var pending = CircularBuffer<(reply: PendingReply, deadline: NIODeadline)>(initialCapacity: 16)
    /// One timer per connection, armed for the oldest owed reply: replies arrive in order, so only the head
    /// can be late first. (A timer per command cost a heap insert and cancel each, a tenth of the CPU.)
    private var deadlineTimer: Scheduled<Void>?
    private var encoder = HiredisCommandEncoder()
    private var closedError: RedisError?
    private var flushPending = false

    init(condemned: NIOLockedValueBox<Bool>) {
        self.condemned = condemned
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = unwrapOutboundIn(data)
        if let closedError {
            outbound.fail(closedError)
            promise?.fail(closedError)
            return
        }
        var buffer: ByteBuffer
        switch outbound {
        case .single(let arguments, let reply, let deadline):
            buffer = context.channel.allocator.buffer(capacity: 64)
            encoder.encode(arguments, into: &buffer)
            pending.append((.single(reply), deadline))
        case .batch(let commands, let replies, let deadline):
            buffer = context.channel.allocator.buffer(capacity: 64 * commands.count)
            for command in commands { encoder.encode(command.arguments, into: &buffer) }
            pending.append((.batch(BatchReplies(expected: commands.count, promise: replies)), deadline))
        }
        if deadlineTimer == nil { armDeadlineTimer(context: context) }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    /// Checks the oldest owed reply at its deadline; if it is still owed, the connection is condemned.
    private func armDeadlineTimer(context: ChannelHandlerContext) {
        guard let head = pending.first else {
            deadlineTimer = nil
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadlineTimer = context.eventLoop.scheduleTask(deadline: head.deadline) {
            let (handler, context) = loopBound.value
            handler.deadlineTimer = nil
            guard let head = handler.pending.first else { return }
            if head.deadline <= .now() {
                handler.fail(context: context, RedisError(.timeout, "no reply within the command timeout"))
            } else {
                handler.armDeadlineTimer(context: context)
            }
        }
    }

    /// Coalesces flushes: callers on other threads each write and flush, and each of those arrives as its own
    /// event-loop task. Deferring the flush to a task queued behind them sends every write that arrived
    /// meanwhile in one syscall, which is where a pipelined client's throughput comes from.
    func flush(context: ChannelHandlerContext) {
        guard !flushPending else { return }
        flushPending = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = loopBound.value
            handler.flushPending = false
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do throws(RedisError) {
            try reader.feed(buffer)
            while let reply = try reader.next() {
                switch pending.first?.reply {
                case .single(let promise):
                    pending.removeFirst()
                    promise.succeed(reply)
                case .batch(let batch):
                    batch.replies.append(reply)
                    if batch.replies.count == batch.expected {
                        pending.removeFirst()
                        batch.promise.succeed(batch.replies)
                    }
                case nil:
                    throw RedisError(.protocolError, "reply received with no command waiting for it")
                }
            }
        } catch {
            fail(context: context, error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error as? RedisError ?? RedisError(.connectionClosed, "connection error: \(type(of: error))"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = closedError ?? RedisError(.connectionClosed, "connection closed by peer")
        closedError = error
        failPending(error)
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: RedisError) {
        condemned.withLockedValue { $0 = true }
        if closedError == nil { closedError = error }
        failPending(error)
        context.close(promise: nil)
    }

    private func failPending(_ error: RedisError) {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        while let owed = pending.popFirst() {
            owed.reply.fail(error)
        }
    }
}

extension HiredisReader {
    /// Appends the readable bytes of a buffer received from the socket.
    func feed(_ buffer: ByteBuffer) throws(RedisError) {
        var failure: RedisError?
        buffer.withUnsafeReadableBytes { bytes in
            do throws(RedisError) { try feed(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

extension ByteBuffer: RESPByteSink {
    mutating func writeRESP(_ bytes: UnsafeRawBufferPointer) { self.writeBytes(bytes) }
}

@available(*, unavailable)
extension RedisChannelHandler: Sendable {}
