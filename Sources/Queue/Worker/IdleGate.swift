import NIOConcurrencyHelpers

/// Where a worker's idle slots wait for work. The first slot to arrive listens on the queue's doorbell
/// (``JobQueueDriver/waitForWork(timeout:)``: `BLPOP` on Redis) for at most its idle backoff; the others park until
/// it returns, then every one of them claims again. An idle worker so holds one blocked call instead of polling
/// from every slot, and a job that becomes waiting starts within a few round trips instead of at the next poll.
final class IdleGate: Sendable {
    private struct State {
        var listening = false
        var parked: [CheckedContinuation<Void, Never>] = []
    }

    private let queue: any JobQueueDriver
    private let state = NIOLockedValueBox(State())

    init(queue: any JobQueueDriver) {
        self.queue = queue
    }

    /// Returns when the doorbell rang or `timeout` passed (a parked slot: when the listener returned).
    func wait(timeout: Duration) async {
        let listen = state.withLockedValue { state -> Bool in
            if state.listening { return false }
            state.listening = true
            return true
        }
        guard listen else {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let listenerGone = state.withLockedValue { state -> Bool in
                    if !state.listening { return true }
                    state.parked.append(continuation)
                    return false
                }
                if listenerGone { continuation.resume() }
            }
            return
        }
        do {
            _ = try await queue.waitForWork(timeout: timeout)
        } catch {
            // Redis unreachable (or the task cancelled): wait out the backoff rather than spin.
            try? await Task.sleep(for: timeout)
        }
        let parked = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.listening = false
            defer { state.parked = [] }
            return state.parked
        }
        for continuation in parked { continuation.resume() }
    }
}
