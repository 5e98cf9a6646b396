import Foundation
import NIOConcurrencyHelpers
import Queue
import RedisClient
import TestSupport
import Testing

/// Workers against both backends, in real time with short leases; every wait is bounded.
@Suite("Job workers")
struct JobWorkerTests {
    enum Backend: String, CaseIterable, Sendable { case memory, redis }

    static func makeQueue(_ backend: Backend) throws -> (any JobQueueDriver, cleanup: @Sendable () async -> Void) {
        switch backend {
        case .memory:
            return (MemoryJobQueue(name: try QueueName("work")), {})
        case .redis:
            let pool = try TestEnv.redisPool()
            let prefix = "t:\(UUID().uuidString.prefix(8))"
            return (
                RedisJobQueue(pool: pool, name: try QueueName("work"), keyPrefix: prefix),
                {
                    if let keys = try? await pool.send("KEYS", "\(prefix):*").decode(as: [String].self), !keys.isEmpty {
                        _ = try? await pool.send(RedisCommand("DEL", arguments: keys))
                    }
                    await pool.close()
                }
            )
        }
    }

    static let now = QueueClock.system

    /// Runs `worker` until `done()` holds (at most 15 s), then shuts it down.
    static func run(_ worker: JobWorker, until done: @escaping @Sendable () async throws -> Bool) async throws {
        let running = Task { await worker.run() }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, !(try await done()) {
            try await Task.sleep(for: .milliseconds(20))
        }
        await worker.shutdown(deadline: .seconds(2))
        await running.value
    }

    struct Order: Codable, Sendable, Equatable { let id: String }

    final class Outcomes: QueueObserver {
        let seen = NIOLockedValueBox([RunOutcome]())
        func runFinished(queue: QueueName, job: String, outcome: RunOutcome, wait: Duration, run: Duration) {
            seen.withLockedValue { $0.append(outcome) }
        }
    }

    @Test(arguments: Backend.allCases)
    func runsHandlersByNameWithinTheConcurrencyLimit(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: 4))
        let stats = NIOLockedValueBox((running: 0, peak: 0, seen: [String]()))
        worker.register("fulfil") { context in
            stats.withLockedValue { $0.running += 1; $0.peak = max($0.peak, $0.running) }
            try await Task.sleep(for: .milliseconds(30))
            let order: Order = try context.payload()
            stats.withLockedValue { $0.running -= 1; $0.seen.append(order.id) }
        }
        for index in 0..<20 {
            _ = try await queue.enqueue(name: "fulfil", payload: Array(try JSONEncoder().encode(Order(id: "o\(index)"))), options: JobOptions(), now: Self.now.nowMillis())
        }
        try await Self.run(worker) { try await queue.counts().completed == 20 }
        let final = stats.withLockedValue { $0 }
        #expect(Set(final.seen) == Set((0..<20).map { "o\($0)" }) && final.seen.count == 20)
        #expect(final.peak == 4, "peak concurrency \(final.peak)")
        await cleanup()
    }

    @Test(arguments: Backend.allCases)
    func retriesWithBackoffThenSucceedsWithAStableIdempotencyKey(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        let outcomes = Outcomes()
        let worker = JobWorker(queue: queue, observer: outcomes)
        let runs = NIOLockedValueBox([(attempt: Int, key: String)]())
        worker.register("flaky") { context in
            runs.withLockedValue { $0.append((context.attempt, context.idempotencyKey)) }
            if context.attempt < 3 { throw URLError(.timedOut) }
        }
        let id = try await queue.enqueue(
            name: "flaky", payload: [], options: JobOptions(retry: RetryPolicy(attempts: 3, backoff: .fixed(.milliseconds(50)))), now: Self.now.nowMillis()
        ).id
        try await Self.run(worker) { try await queue.job(id: id)?.state == .completed }
        let seen = runs.withLockedValue { $0 }
        #expect(seen.map(\.attempt) == [1, 2, 3])
        #expect(Set(seen.map(\.key)) == ["work:\(id)"])
        #expect(try await queue.job(id: id)?.errors.count == 2)
        #expect(outcomes.seen.withLockedValue { $0 } == [.retrying, .retrying, .completed])
        await cleanup()
    }

    @Test(arguments: Backend.allCases)
    func aSnoozingHandlerFreesItsSlotAndResumesWithoutSpendingAttempts(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        let outcomes = Outcomes()
        // One slot: the other job can only run while the first one sleeps.
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: 1), observer: outcomes)
        let order = NIOLockedValueBox([String]())
        worker.register("poll") { context in
            order.withLockedValue { $0.append("poll \(context.attempt)") }
            if order.withLockedValue({ $0.filter { $0.hasPrefix("poll") }.count }) < 3 { throw JobSnooze(.milliseconds(150), reason: "operation running") }
        }
        worker.register("other") { _ in order.withLockedValue { $0.append("other") } }
        let single = JobOptions(retry: RetryPolicy(attempts: 1, backoff: .fixed(.zero)))
        let poll = try await queue.enqueue(name: "poll", payload: [], options: single, now: Self.now.nowMillis()).id
        _ = try await queue.enqueue(name: "other", payload: [], options: JobOptions(), now: Self.now.nowMillis())
        try await Self.run(worker) { try await queue.job(id: poll)?.state == .completed }
        let seen = order.withLockedValue { $0 }
        // With one attempt allowed, three runs succeed only because snoozes are not attempts.
        #expect(seen == ["poll 1", "other", "poll 1", "poll 1"], "\(seen)")
        #expect(try await queue.job(id: poll)?.failures == 0)
        #expect(outcomes.seen.withLockedValue { $0 }.filter { $0 == .snoozed }.count == 2)
        await cleanup()
    }

    @Test(arguments: Backend.allCases)
    func permanentErrorsUnknownNamesAndTimeoutsEndInDeadLetter(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        let worker = JobWorker(queue: queue)
        worker.register("refused") { _ in throw PermanentJobError("card declined") }
        worker.register("slow") { _ in try await Task.sleep(for: .seconds(10)) }
        let single = RetryPolicy(attempts: 1, backoff: .fixed(.zero))
        let now = Self.now.nowMillis()
        let refused = try await queue.enqueue(name: "refused", payload: [], options: JobOptions(retry: .critical), now: now).id
        let unknown = try await queue.enqueue(name: "nobody-handles-this", payload: [], options: JobOptions(), now: now).id
        let slow = try await queue.enqueue(name: "slow", payload: [], options: JobOptions(retry: single, timeout: .milliseconds(200)), now: now).id
        try await Self.run(worker) { try await queue.counts().dead == 3 }
        #expect(try await queue.job(id: refused)?.errors.map(\.message) == ["card declined"])
        #expect(try await queue.job(id: refused)?.runs == 1)
        #expect(try await queue.job(id: unknown)?.errors.first?.message.contains("no handler") == true)
        #expect(try await queue.job(id: slow)?.errors.first?.message.contains("timed out") == true)
        await cleanup()
    }

    @Test(arguments: Backend.allCases)
    func leaseIsRenewedForLongJobs(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        // A 1 s lease and a 2.5 s job: without renewal the maintenance loop would recover it mid-run.
        // (Renewal comes after a third of the lease, leaving two thirds of slack on a loaded machine.)
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: 2, lease: .seconds(1)))
        let runs = NIOLockedValueBox(0)
        worker.register("long") { context in
            runs.withLockedValue { $0 += 1 }
            try await context.progress(50)
            try await Task.sleep(for: .milliseconds(2500))
        }
        let id = try await queue.enqueue(name: "long", payload: [], options: JobOptions(), now: Self.now.nowMillis()).id
        try await Self.run(worker) { try await queue.job(id: id)?.state == .completed }
        #expect(runs.withLockedValue { $0 } == 1)
        #expect(try await queue.job(id: id)?.stalls == 0)
        await cleanup()
    }

    @Test(arguments: Backend.allCases)
    func shutdownFinishesInFlightWorkAndReleasesWhatOverruns(_ backend: Backend) async throws {
        let (queue, cleanup) = try Self.makeQueue(backend)
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: 2))
        let started = NIOLockedValueBox(Set<String>())
        worker.register("quick") { context in
            started.withLockedValue { _ = $0.insert(context.job.id) }
            try await Task.sleep(for: .milliseconds(200))
        }
        worker.register("endless") { context in
            started.withLockedValue { _ = $0.insert(context.job.id) }
            try await Task.sleep(for: .seconds(60))
        }
        let now = Self.now.nowMillis()
        let quick = try await queue.enqueue(name: "quick", payload: [], options: JobOptions(), now: now).id
        let endless = try await queue.enqueue(name: "endless", payload: [], options: JobOptions(), now: now).id
        let running = Task { await worker.run() }
        for _ in 0..<500 where started.withLockedValue({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(started.withLockedValue { $0.count } == 2)
        await worker.shutdown(deadline: .milliseconds(600))
        await running.value
        #expect(try await queue.job(id: quick)?.state == .completed, "in-flight job not finished")
        let released = try await queue.job(id: endless)
        #expect(released?.state == .waiting && released?.runs == 0 && released?.failures == 0, "overrunning job not released: \(String(describing: released))")
        await cleanup()
    }
}
