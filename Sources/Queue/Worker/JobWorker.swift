public import Logging
import NIOConcurrencyHelpers

/// Runs jobs from one queue with a fixed number of concurrent slots.
///
/// Each slot claims a job under a lease, renews the lease while the handler runs (every third of the lease),
/// and completes, retries (with the job's backoff) or dead-letters it. Completions go through one
/// ``CompletionBatcher``: the runs all slots finished while its previous call was in flight are completed, and
/// the slots' next jobs claimed, in one call. A maintenance loop returns jobs whose
/// lease expired (their worker died) to waiting. ``shutdown(deadline:)`` stops claiming, lets running handlers
/// finish until the deadline, then cancels them and releases their jobs back to waiting uncounted.
public final class JobWorker: Sendable {
    public typealias Handler = @Sendable (JobContext) async throws -> Void

    public struct Configuration: Sendable {
        public var concurrency: Int
        public var lease: Duration
        /// Expired leases a job may have before it is dead-lettered.
        public var maxStalls: Int
        /// Longest wait between claim attempts when the queue is empty (it starts at 1 ms and doubles); on Redis
        /// one slot spends it blocked on the queue's doorbell, which a newly waiting job rings at once.
        public var maxIdlePoll: Duration
        /// Where slots and handlers run; the Redis pool's event loop (`pool.taskExecutor`) saves a thread hop
        /// per round trip. Only for handlers that never block: a blocking handler would stall the event loop.
        public var executor: (any TaskExecutor)?
        /// How many completion calls may be in flight at once (each sends every run finished since the previous
        /// one left): more keeps Redis busy while the worker handles replies; fewer makes bigger batches.
        public var completionSenders: Int

        public init(
            concurrency: Int = 8,
            lease: Duration = .seconds(30),
            maxStalls: Int = 2,
            maxIdlePoll: Duration = .milliseconds(50),
            executor: (any TaskExecutor)? = nil,
            completionSenders: Int = 4
        ) {
            self.concurrency = max(1, concurrency)
            self.lease = lease
            self.maxStalls = maxStalls
            self.maxIdlePoll = maxIdlePoll
            self.executor = executor
            self.completionSenders = completionSenders
        }
    }

    private struct State {
        var handlers: [String: (handler: Handler, backoff: Backoff?)] = [:]
        var stopping = false
        var running: [String: Running] = [:]
    }

    /// A job whose handler is running: what the ticker needs to renew its lease and enforce its timeout.
    private struct Running {
        let task: Task<Void, Never>
        var claim: ClaimedJob
        let started: ContinuousClock.Instant
        let timeout: Duration?
        let outcome: NIOLockedValueBox<Outcome?>
    }

    public let queue: any JobQueueDriver
    public let configuration: Configuration
    private let clock: QueueClock
    private let logger: Logger
    private let observer: any QueueObserver
    private let state = NIOLockedValueBox(State())

    public init(
        queue: any JobQueueDriver,
        configuration: Configuration = Configuration(),
        clock: QueueClock = .system,
        observer: any QueueObserver = NoQueueObserver(),
        logger: Logger = Logger(label: "atrium.worker")
    ) {
        self.queue = queue
        self.configuration = configuration
        self.clock = clock
        self.observer = observer
        self.logger = logger
    }

    /// Registers the handler for jobs named `name`.
    ///
    /// - Parameter backoff: overrides the retry delays for this kind of job (its attempts stay the job's own).
    public func register(_ name: String, backoff: Backoff? = nil, handler: @escaping Handler) {
        state.withLockedValue { $0.handlers[name] = (handler, backoff) }
    }

    /// Claims and runs jobs until ``shutdown(deadline:)`` is called or the task is cancelled.
    public func run() async {
        let batcher = CompletionBatcher(queue: queue, lease: configuration.lease, clock: clock)
        let idleGate = IdleGate(queue: queue)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(max(1, configuration.completionSenders), configuration.concurrency) {
                // Senders never block: they run where the queue's replies arrive, whatever the slots' executor.
                group.addTask(executorPreference: queue.replyExecutor ?? configuration.executor) { await batcher.run() }
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { slots in
                    for _ in 0..<self.configuration.concurrency {
                        slots.addTask(executorPreference: self.configuration.executor) { await self.slot(batcher, idleGate: idleGate) }
                    }
                }
                batcher.finish()
            }
            group.addTask { await self.maintenance() }
            group.addTask { await self.ticker() }
            await group.waitForAll()
        }
    }

    /// Stops claiming; waits for running handlers up to `deadline`, then cancels them and releases their jobs.
    public func shutdown(deadline: Duration) async {
        state.withLockedValue { $0.stopping = true }
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end, !(state.withLockedValue { $0.running.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let leftovers = state.withLockedValue { Array($0.running.values) }
        for running in leftovers {
            running.task.cancel()
            let claim = running.claim
            do {
                try await queue.release(claim, now: clock.nowMillis())
                logger.notice("job released at shutdown", metadata: ["job": "\(claim.job.id)", "queue": "\(queue.name)"])
            } catch {
                logger.warning("could not release job at shutdown; its lease will expire", metadata: ["job": "\(claim.job.id)", "error": "\(error)"])
            }
        }
    }

    private var isStopping: Bool { state.withLockedValue { $0.stopping } }

    private func slot(_ batcher: CompletionBatcher, idleGate: IdleGate) async {
        var idle = Duration.milliseconds(1)
        // A successful run completes and claims the next job in one step; then no separate claim is needed.
        var prefetched: ClaimOutcome?
        while !isStopping && !Task.isCancelled {
            let outcome: ClaimOutcome
            if let next = prefetched {
                outcome = next
                prefetched = nil
            } else {
                do {
                    outcome = try await queue.claim(lease: configuration.lease, now: clock.nowMillis())
                } catch {
                    logger.warning("claim failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(500))
                    continue
                }
            }
            let claim: ClaimedJob
            switch outcome {
            case .job(let claimed):
                claim = claimed
            case .rateLimited(let retryAfter):
                try? await Task.sleep(for: retryAfter)
                continue
            case .empty:
                await idleGate.wait(timeout: idle)
                idle = min(idle * 2, configuration.maxIdlePoll)
                continue
            }
            idle = .milliseconds(1)
            prefetched = await process(claim, batcher: batcher)
        }
        // Stopping with a job already claimed for the next round: give it back.
        if let claim = prefetched?.claimed {
            try? await queue.release(claim, now: clock.nowMillis())
        }
    }

    /// Recovers expired leases and fires due repeatable jobs, about once a second.
    private func maintenance() async {
        let interval = min(configuration.lease / 3, .seconds(1))
        while !isStopping && !Task.isCancelled {
            do {
                try await queue.fireDueSchedules(now: clock.nowMillis())
            } catch {
                logger.warning("firing repeatable jobs failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
            do {
                let recovered = try await queue.recoverStalled(maxStalls: configuration.maxStalls, now: clock.nowMillis())
                if recovered > 0 {
                    observer.stalledRecovered(queue: queue.name, count: recovered)
                    logger.warning("recovered stalled jobs", metadata: ["queue": "\(queue.name)", "count": "\(recovered)"])
                }
            } catch {
                logger.warning("stalled-job recovery failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Every fifth of a second (at most a third of the lease): cancels handlers past their job's timeout and
    /// renews the leases that have used a third of their time. One loop for all running jobs.
    private func ticker() async {
        let renewAfter = configuration.lease / 3
        while !Task.isCancelled {
            try? await Task.sleep(for: min(renewAfter, .milliseconds(200)))
            if isStopping && state.withLockedValue({ $0.running.isEmpty }) { return }
            let now = clock.nowMillis()
            let snapshot = state.withLockedValue { Array($0.running.values) }
            for running in snapshot {
                if let timeout = running.timeout, ContinuousClock.now - running.started >= timeout {
                    running.outcome.withLockedValue { if $0 == nil { $0 = .timedOut(timeout) } }
                    running.task.cancel()
                    continue
                }
                guard now + configuration.lease.milliseconds - running.claim.leaseUntil >= renewAfter.milliseconds else { continue }
                do {
                    let renewed = try await queue.extendLease(running.claim, by: configuration.lease, now: now)
                    state.withLockedValue { $0.running[renewed.job.id]?.claim = renewed }
                } catch let error as QueueError where error.code == .leaseLost || error.code == .notFound {
                    running.outcome.withLockedValue { if $0 == nil { $0 = .leaseLost } }
                    running.task.cancel()
                } catch {
                    // Redis hiccup: try again next tick; the lease has two more renewals of slack.
                }
            }
        }
    }

    private enum Outcome {
        case succeeded
        case failed(any Error)
        case timedOut(Duration)
        case leaseLost
        case cancelled
    }

    /// Runs one job to its outcome; returns the next job when completing it also claimed one.
    private func process(_ claim: ClaimedJob, batcher: CompletionBatcher) async -> ClaimOutcome? {
        let job = claim.job
        let wait = Duration.milliseconds(max(0, clock.nowMillis() - max(job.runAt, job.createdAt)))
        guard let registration = state.withLockedValue({ $0.handlers[job.name] }) else {
            let outcome = await fail(claim, message: "no handler registered for job name '\(job.name)'", permanent: true, backoff: nil)
            observer.runFinished(queue: queue.name, job: job.name, outcome: outcome, wait: wait, run: .zero)
            return nil
        }
        // Renewals keep the token, so the original claim stays valid for progress reports.
        let context = JobContext(job: job, queue: queue.name) { [queue] percent in
            try await queue.progress(claim, percent: percent)
        }
        let outcome = NIOLockedValueBox<Outcome?>(nil)
        let started = ContinuousClock.now
        let work = Task(executorPreference: configuration.executor) {
            do {
                try await registration.handler(context)
                outcome.withLockedValue { if $0 == nil { $0 = .succeeded } }
            } catch is CancellationError {
                outcome.withLockedValue { if $0 == nil { $0 = .cancelled } }
            } catch {
                outcome.withLockedValue { if $0 == nil { $0 = .failed(error) } }
            }
        }
        // The ticker renews the lease and enforces the timeout while the handler runs; no timer per job.
        state.withLockedValue {
            $0.running[job.id] = Running(
                task: work, claim: claim, started: started, timeout: job.timeoutMillis.map { .milliseconds($0) }, outcome: outcome
            )
        }
        await work.value
        // The ticker may have renewed the lease meanwhile: finish with the latest claim.
        let current = state.withLockedValue { $0.running.removeValue(forKey: job.id) }?.claim ?? claim
        let runTime = ContinuousClock.now - started

        let result: RunOutcome
        var next: ClaimOutcome?
        switch outcome.withLockedValue({ $0 }) ?? .cancelled {
        case .succeeded:
            // Completed together with the other slots' finished runs; the reply may carry this slot's next job.
            let reply = await batcher.submit(current, wantsNext: !isStopping)
            next = reply.next
            if let refusal = reply.refusal {
                logger.warning("could not record completion", metadata: ["job": "\(job.id)", "error": "\(refusal)"])
                result = .leaseLost
            } else {
                result = .completed
            }
        case .failed(let snooze as JobSnooze):
            do {
                let now = clock.nowMillis()
                try await queue.snooze(current, until: now + snooze.delay.milliseconds, now: now)
                result = .snoozed
            } catch {
                logger.warning("could not snooze", metadata: ["job": "\(job.id)", "error": "\(error)"])
                result = .leaseLost
            }
        case .failed(let error as PermanentJobError):
            result = await fail(current, message: error.message, permanent: true, backoff: registration.backoff)
        case .failed(let error):
            result = await fail(current, message: String(describing: error), permanent: false, backoff: registration.backoff)
        case .timedOut(let limit):
            result = await fail(current, message: "timed out after \(limit)", permanent: false, backoff: registration.backoff)
        case .leaseLost:
            logger.warning("lease lost while running; another worker may run the job", metadata: ["job": "\(job.id)"])
            result = .leaseLost
        case .cancelled:
            // Shutdown: `shutdown(deadline:)` releases the job.
            result = .released
        }
        observer.runFinished(queue: queue.name, job: job.name, outcome: result, wait: wait, run: runTime)
        return next
    }

    private func fail(_ claim: ClaimedJob, message: String, permanent: Bool, backoff: Backoff?) async -> RunOutcome {
        let now = clock.nowMillis()
        let delay = (backoff ?? claim.job.backoff).delay(afterFailure: claim.job.failures + 1)
        do {
            let outcome = try await queue.fail(claim, message: message, retryAt: now + delay.milliseconds, permanent: permanent, now: now)
            if outcome == .deadLettered {
                logger.error("job dead-lettered", metadata: ["job": "\(claim.job.id)", "queue": "\(queue.name)", "reason": "\(message)"])
                return .deadLettered
            }
            return .retrying
        } catch {
            logger.warning("could not record failure", metadata: ["job": "\(claim.job.id)", "error": "\(error)"])
            return .leaseLost
        }
    }
}
