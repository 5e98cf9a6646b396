import NIOConcurrencyHelpers

/// Group commit for a worker's successful runs. A slot whose handler succeeded hands its run here and waits; one
/// loop sends every run handed in since its previous call as one
/// ``JobQueueDriver/completeAndClaim(_:claiming:now:lease:)`` and gives each slot its completion's result and, when
/// it asked, the next job. While one call is in flight the next batch gathers, so the more slots finish together
/// the fewer round trips a job costs; a lone slot still pays one round trip, and none waits for a timer.
///
/// Every claimed job goes straight to a slot that asked for one: nothing is held ahead under a lease.
final class CompletionBatcher: Sendable {
    struct Reply: Sendable {
        /// Why the run could not be recorded as completed (lease lost, Redis failed); nil when it was.
        let refusal: (any Error)?
        /// The slot's next job; nil when it did not ask for one or the call failed.
        let next: ClaimOutcome?
    }

    private struct Request {
        let claim: ClaimedJob
        let wantsNext: Bool
        let continuation: CheckedContinuation<Reply, Never>
    }

    private struct State {
        var pending: [Request] = []
        /// Idle sender loops waiting for work.
        var waiters: [CheckedContinuation<Void, Never>] = []
        var finished = false
    }

    private let queue: any JobQueueDriver
    private let lease: Duration
    private let clock: QueueClock
    private let state = NIOLockedValueBox(State())

    init(queue: any JobQueueDriver, lease: Duration, clock: QueueClock) {
        self.queue = queue
        self.lease = lease
        self.clock = clock
    }

    /// Completes `claim` (and claims the next job when `wantsNext`) in the next batch.
    func submit(_ claim: ClaimedJob, wantsNext: Bool) async -> Reply {
        let open = state.withLockedValue { !$0.finished }
        guard open else {
            // Only reachable if a slot outlives the batcher; complete on its own rather than lose the result.
            do {
                try await queue.complete(claim, now: clock.nowMillis())
                return Reply(refusal: nil, next: nil)
            } catch {
                return Reply(refusal: error, next: nil)
            }
        }
        return await withCheckedContinuation { continuation in
            let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                state.pending.append(Request(claim: claim, wantsNext: wantsNext, continuation: continuation))
                return state.waiters.popLast()
            }
            waiter?.resume()
        }
    }

    /// Sends batches until ``finish()`` and then until nothing is pending. Every submitted run gets its reply.
    func run() async {
        while let batch = await nextBatch() {
            await flush(batch)
        }
    }

    /// Ends ``run()`` once the pending runs are sent; call after every slot has stopped.
    func finish() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func nextBatch() async -> [Request]? {
        while true {
            let taken = state.withLockedValue { state -> [Request]?? in
                if !state.pending.isEmpty {
                    defer { state.pending.removeAll(keepingCapacity: true) }
                    return .some(state.pending)
                }
                return state.finished ? .some(nil) : .none
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLockedValue { state -> Bool in
                    if !state.pending.isEmpty || state.finished { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func flush(_ batch: [Request]) async {
        let wanted = batch.reduce(0) { $0 + ($1.wantsNext ? 1 : 0) }
        let result: CompletionBatch
        do {
            result = try await queue.completeAndClaim(batch.map(\.claim), claiming: wanted, now: clock.nowMillis(), lease: lease)
        } catch {
            for request in batch { request.continuation.resume(returning: Reply(refusal: error, next: nil)) }
            return
        }
        var claimed = result.claimed[...]
        for (index, request) in batch.enumerated() {
            var next: ClaimOutcome?
            if request.wantsNext {
                if let job = claimed.popFirst() {
                    next = .job(job)
                } else if let wait = result.rateLimitedFor {
                    next = .rateLimited(retryAfter: wait)
                } else {
                    next = .empty
                }
            }
            let refusal: QueueError? = index < result.refusals.count ? result.refusals[index] : QueueError(.invalidReply, "no result for \(request.claim.job.id)")
            request.continuation.resume(returning: Reply(refusal: refusal, next: next))
        }
    }
}
