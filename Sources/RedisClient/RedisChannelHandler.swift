import NIOConcurrencyHelpers
public import NIOCore

/// One command on the wire and the promise its reply completes.
struct RedisRequest: Sendable {
    var arguments: [[UInt8]]
    var promise: EventLoopPromise<RESPValue>
}

/// What callers write into the channel: one command, or a batch that goes out contiguously in one buffer
/// (a pipeline, or a `MULTI … EXEC` block that no other caller's command may interleave with).
enum RedisOutbound: Sendable {
    case single(RedisRequest)
    case batch([RedisRequest])
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
    private var pending = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 16)
    private var closedError: RedisError?
    private var flushPending = false

    init(condemned: NIOLockedValueBox<Bool>) {
        self.condemned = condemned
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let requests: [RedisRequest]
        switch unwrapOutboundIn(data) {
        case .single(let request): requests = [request]
        case .batch(let batch): requests = batch
        }
        if let closedError {
            for request in requests { request.promise.fail(closedError) }
            promise?.fail(closedError)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64 * requests.count)
        for request in requests {
            HiredisCommandEncoder.encode(request.arguments, into: &buffer)
            pending.append(request.promise)
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
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
                guard let promise = pending.popFirst() else {
                    throw RedisError(.protocolError, "reply received with no command waiting for it")
                }
                promise.succeed(reply)
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
        while let promise = pending.popFirst() {
            promise.fail(error)
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
