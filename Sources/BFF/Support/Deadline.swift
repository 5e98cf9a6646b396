import NIOConcurrencyHelpers

/// The error ``withDeadline(_:operation:)`` throws when time runs out.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `operation`, giving up after `limit`.
///
/// Unlike a task group, this returns at the deadline even if the operation ignores cancellation (a client
/// library waiting for a connection, say): the operation is cancelled and left to finish in the background.
public func withDeadline<T: Sendable>(
    _ limit: Duration,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let resumed = NIOLockedValueBox(false)
    let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        @Sendable func finish(_ result: Result<T, any Error>) {
            let first = resumed.withLockedValue { done in
                defer { done = true }
                return !done
            }
            guard first else { return }
            continuation.resume(with: result)
            for task in tasks.withLockedValue({ $0 }) { task.cancel() }
        }
        let work = Task {
            do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { finish(.failure(DeadlineExceeded(limit: limit))) }
        }
        tasks.withLockedValue { $0 = [work, timer] }
        if resumed.withLockedValue({ $0 }) {
            work.cancel()
            timer.cancel()
        }
    }
}
