public import Logging
import NIOConcurrencyHelpers

/// Runs jobs from one queue with a fixed number of concurrent slots.
///
/// Each slot claims a job under a lease, renews the lease while the handler runs (every third of the lease),
/// and completes, retries (with the job's backoff) or dead-letters it. A maintenance loop returns jobs whose
/// lease expired (their worker died) to waiting. ``shutdown(deadline:)`` stops claiming, lets running handlers
/// finish until the deadline, then cancels them and releases their jobs back to waiting uncounted.
public final class JobWorker: Sendable {
    public typealias Handler = @Sendable (JobContext) async throws -> Void

    public struct Configuration: Sendable {
        public var concurrency: Int
        public var lease: Duration
        /// Expired leases a job may have before it is dead-lettered.
        public var maxStalls: Int
        /// Longest pause between claim attempts when the queue is empty (it starts at 1 ms and doubles).
        public var maxIdlePoll: Duration

        public init(concurrency: Int = 8, lease: Duration = .seconds(30), maxStalls: Int = 2, maxIdlePoll: Duration = .milliseconds(50)) {
            self.concurrency = max(1, concurrency)
            self.lease = lease
            self.maxStalls = maxStalls
            self.maxIdlePoll = maxIdlePoll
        }
    }

    private struct State {
        var handlers: [String: (handler: Handler, backoff: Backoff?)] = [:]
        var stopping = false
        var running: [String: (task: Task<Void, Never>, claim: ClaimedJob)] = [:]
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
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.concurrency {
                group.addTask { await self.slot() }
            }
            group.addTask { await self.maintenance() }
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
        for (task, claim) in leftovers {
            task.cancel()
            do {
                try await queue.release(claim, now: clock.nowMillis())
                logger.notice("job released at shutdown", metadata: ["job": "\(claim.job.id)", "queue": "\(queue.name)"])
            } catch {
                logger.warning("could not release job at shutdown; its lease will expire", metadata: ["job": "\(claim.job.id)", "error": "\(error)"])
            }
        }
    }

    private var isStopping: Bool { state.withLockedValue { $0.stopping } }

    private func slot() async {
        var idle = Duration.milliseconds(1)
        while !isStopping && !Task.isCancelled {
            let outcome: ClaimOutcome
            do {
                outcome = try await queue.claim(lease: configuration.lease, now: clock.nowMillis())
            } catch {
                logger.warning("claim failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let claim: ClaimedJob
            switch outcome {
            case .job(let claimed):
                claim = claimed
            case .rateLimited(let retryAfter):
                try? await Task.sleep(for: retryAfter)
                continue
            case .empty:
                try? await Task.sleep(for: idle)
                idle = min(idle * 2, configuration.maxIdlePoll)
                continue
            }
            idle = .milliseconds(1)
            await process(claim)
        }
    }

    private func maintenance() async {
        let interval = configuration.lease / 3
        while !isStopping && !Task.isCancelled {
            do {
                let recovered = try await queue.recoverStalled(maxStalls: configuration.maxStalls, now: clock.nowMillis())
                if recovered > 0 {
                    observer.stalledRecovered(queue: queue.name, count: recovered)
                    logger.warning("recovered stalled jobs", metadata: ["queue": "\(queue.name)", "count": "\(recovered)"])
                }
            } catch {
                logger.warning("stalled-job recovery failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: min(interval, .seconds(5)))
        }
    }

    private enum Outcome {
        case succeeded
        case failed(any Error)
        case timedOut(Duration)
        case leaseLost
        case cancelled
    }

    private func process(_ claim: ClaimedJob) async {
        let job = claim.job
        let wait = Duration.milliseconds(max(0, clock.nowMillis() - max(job.runAt, job.createdAt)))
        guard let registration = state.withLockedValue({ $0.handlers[job.name] }) else {
            let outcome = await fail(claim, message: "no handler registered for job name '\(job.name)'", permanent: true, backoff: nil)
            observer.runFinished(queue: queue.name, job: job.name, outcome: outcome, wait: wait, run: .zero)
            return
        }
        let leaseBox = NIOLockedValueBox(claim)
        let context = JobContext(job: job, queue: queue.name) { [queue] percent in
            try await queue.progress(leaseBox.withLockedValue { $0 }, percent: percent)
        }
        let outcome = NIOLockedValueBox<Outcome?>(nil)
        let work = Task {
            do {
                try await registration.handler(context)
                outcome.withLockedValue { if $0 == nil { $0 = .succeeded } }
            } catch is CancellationError {
                outcome.withLockedValue { if $0 == nil { $0 = .cancelled } }
            } catch {
                outcome.withLockedValue { if $0 == nil { $0 = .failed(error) } }
            }
        }
        state.withLockedValue { $0.running[job.id] = (work, claim) }
        defer { _ = state.withLockedValue { $0.running.removeValue(forKey: job.id) } }

        // Renew the lease while the handler runs; enforce the job's timeout.
        let started = ContinuousClock.now
        let renewEvery = configuration.lease / 3
        let timeout = job.timeoutMillis.map { Duration.milliseconds($0) }
        let watchdog = Task { [queue, configuration, clock] in
            while !Task.isCancelled {
                try? await Task.sleep(for: min(renewEvery, .milliseconds(200)))
                if Task.isCancelled { return }
                if let timeout, ContinuousClock.now - started >= timeout {
                    outcome.withLockedValue { if $0 == nil { $0 = .timedOut(timeout) } }
                    work.cancel()
                    return
                }
                let current = leaseBox.withLockedValue { $0 }
                let now = clock.nowMillis()
                guard now + configuration.lease.milliseconds - current.leaseUntil >= renewEvery.milliseconds else { continue }
                do {
                    let renewed = try await queue.extendLease(current, by: configuration.lease, now: now)
                    leaseBox.withLockedValue { $0 = renewed }
                } catch let error as QueueError where error.code == .leaseLost || error.code == .notFound {
                    outcome.withLockedValue { if $0 == nil { $0 = .leaseLost } }
                    work.cancel()
                    return
                } catch {
                    // Redis hiccup: try again next round; the lease has two more renewals of slack.
                }
            }
        }
        await work.value
        watchdog.cancel()
        let runTime = ContinuousClock.now - started

        let current = leaseBox.withLockedValue { $0 }
        let result: RunOutcome
        switch outcome.withLockedValue({ $0 }) ?? .cancelled {
        case .succeeded:
            do {
                try await queue.complete(current, now: clock.nowMillis())
                result = .completed
            } catch {
                logger.warning("could not record completion", metadata: ["job": "\(job.id)", "error": "\(error)"])
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
