import NIOConcurrencyHelpers
import NIOCore

/// A bounded hand-off of body chunks from the task downloading a feed to the task parsing it.
///
/// The producer waits while `capacity` chunks are unread, so a slow consumer slows the download (TCP backpressure)
/// instead of growing memory. One producer and one consumer.
/// - The producer ends the pipe with ``finish(throwing:)``; the consumer sees the buffered chunks, then the end.
/// - The consumer gives up with ``close()``; the producer's next ``send(_:)`` throws `CancellationError`.
/// Both sides' waits end with `CancellationError` when their task is cancelled.
final class ChunkPipe: Sendable {
    private struct State {
        var buffer: [ByteBuffer] = []
        var end: Result<Void, any Error>?
        var closed = false
        var consumer: CheckedContinuation<ByteBuffer?, any Error>?
        var producer: CheckedContinuation<Void, any Error>?
    }

    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int = 4) {
        self.capacity = max(1, capacity)
    }

    // MARK: Producer

    /// Hands over one chunk, waiting while the pipe is full.
    ///
    /// - Throws: `CancellationError` when the consumer closed the pipe or this task was cancelled.
    func send(_ chunk: ByteBuffer) async throws {
        enum Action { case done, wait, closed }
        let action = state.withLockedValue { state -> (Action, CheckedContinuation<ByteBuffer?, any Error>?) in
            if state.closed || state.end != nil { return (.closed, nil) }
            if let consumer = state.consumer {
                state.consumer = nil
                return (.done, consumer)
            }
            state.buffer.append(chunk)
            return (state.buffer.count >= capacity ? .wait : .done, nil)
        }
        switch action {
        case (.closed, _):
            throw CancellationError()
        case (.done, let consumer):
            consumer?.resume(returning: chunk)
        case (.wait, _):
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let resumeNow = state.withLockedValue { state -> Bool in
                        if state.closed || Task.isCancelled || state.buffer.count < capacity { return true }
                        state.producer = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                state.withLockedValue { state in
                    defer { state.producer = nil }
                    return state.producer
                }?.resume(throwing: CancellationError())
            }
            try Task.checkCancellation()
            if state.withLockedValue({ $0.closed }) { throw CancellationError() }
        }
    }

    /// Ends the pipe: the consumer reads what is buffered, then `nil` (or `error`).
    func finish(throwing error: (any Error)? = nil) {
        let consumer = state.withLockedValue { state -> CheckedContinuation<ByteBuffer?, any Error>? in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            guard state.buffer.isEmpty else { return nil }
            defer { state.consumer = nil }
            return state.consumer
        }
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    }

    // MARK: Consumer

    /// The next chunk; `nil` once the producer finished and the buffer is drained.
    ///
    /// - Throws: The producer's error after the buffered chunks, or `CancellationError` when this task is cancelled.
    func next() async throws -> ByteBuffer? {
        enum Taken { case chunk(ByteBuffer, CheckedContinuation<Void, any Error>?), end(Result<Void, any Error>), wait }
        let taken = state.withLockedValue { state -> Taken in
            if !state.buffer.isEmpty {
                let chunk = state.buffer.removeFirst()
                defer { state.producer = nil }
                return .chunk(chunk, state.producer)
            }
            if let end = state.end { return .end(end) }
            return .wait
        }
        switch taken {
        case .chunk(let chunk, let producer):
            producer?.resume()
            return chunk
        case .end(let end):
            try end.get()
            return nil
        case .wait:
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                    let (immediate, producer) = state.withLockedValue { state -> (Result<ByteBuffer?, any Error>?, CheckedContinuation<Void, any Error>?) in
                        if Task.isCancelled { return (.failure(CancellationError()), nil) }
                        if !state.buffer.isEmpty {
                            defer { state.producer = nil }
                            return (.success(state.buffer.removeFirst()), state.producer)
                        }
                        if let end = state.end { return (end.map { _ in nil as ByteBuffer? }, nil) }
                        state.consumer = continuation
                        return (nil, nil)
                    }
                    producer?.resume()
                    if let immediate { continuation.resume(with: immediate) }
                }
            } onCancel: {
                state.withLockedValue { state in
                    defer { state.consumer = nil }
                    return state.consumer
                }?.resume(throwing: CancellationError())
            }
        }
    }

    /// The consumer is gone: drops the buffer and makes the producer's sends fail.
    func close() {
        let producer = state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
            state.closed = true
            state.buffer.removeAll()
            defer { state.producer = nil }
            return state.producer
        }
        producer?.resume(throwing: CancellationError())
    }
}
