import Domain
import NIOCore

/// The consumer side of a streamed feed: pulls body chunks from a ``FeedDownloader`` pipe and parses them only
/// when the stream's consumer asks for more, so memory holds one chunk's entries plus a few chunks in flight.
///
/// `@unchecked Sendable`: it is only ever driven by `AsyncThrowingStream(unfolding:)`, which calls ``next()`` once
/// at a time, so its mutable state is never touched concurrently. Dropping it (the consumer stopped early or was
/// cancelled) aborts the download.
final class FeedEntryReader<Entry: Sendable>: @unchecked Sendable {
    private let parser: FeedParser<Entry>
    private let open: @Sendable () -> (ChunkPipe, Task<Void, Never>)
    private var pipe: ChunkPipe?
    private var task: Task<Void, Never>?
    private var pending: [Entry] = []
    private var pendingIndex = 0
    private var failure: (any Error)?
    private var done = false

    /// - Parameters:
    ///   - parser: The document's parser.
    ///   - open: Starts the download; called on the first ``next()``, so the download inherits the consumer's task
    ///     locals (the trace context).
    init(parser: FeedParser<Entry>, open: @escaping @Sendable () -> (ChunkPipe, Task<Void, Never>)) {
        self.parser = parser
        self.open = open
    }

    deinit { cancel() }

    /// The next entry; `nil` at the end of the document.
    ///
    /// - Throws: The download's ``ProviderError``, or `invalidPayload` when the document breaks (after every entry
    ///   read before the break).
    func next() async throws -> Entry? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            if let failure {
                self.failure = nil
                throw failure
            }
            if done { return nil }
            let pipe = self.pipe ?? start()
            let chunk: ByteBuffer?
            do {
                chunk = try await pipe.next()
            } catch {
                done = true
                cancel()
                throw error
            }
            let step: FeedStep<Entry>
            if let chunk {
                step = chunk.withUnsafeReadableBytes { parser.feed($0) }
            } else {
                step = parser.finish()
                done = true
            }
            pending = step.entries
            pendingIndex = 0
            if let error = step.failure {
                failure = error
                done = true
                cancel()
            }
        }
    }

    private func start() -> ChunkPipe {
        let (pipe, task) = open()
        self.pipe = pipe
        self.task = task
        return pipe
    }

    /// Stops the download (the consumer is done or gone).
    func cancel() {
        pipe?.close()
        task?.cancel()
    }
}
