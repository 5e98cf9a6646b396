import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import Queue
import RedisClient

/// `atrium bench queue enqueue|drain|latency`: job-queue throughput and latency, one JSON line.
struct BenchQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Benchmark the Redis job queue; prints one JSON line.",
        discussion: """
            enqueue: N no-op jobs from one producer, pipelined in batches of 100. drain: N queued no-op jobs finished by \
            one in-process worker at --concurrency, timed from worker start to the last completion. latency: a worker \
            runs while one producer adds --jobs jobs at --rate per second; enqueue→start delay p50/p99. all: the three. \
            Build with -c release for meaningful figures. Uses its own key prefix and deletes its keys afterwards.
            """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable { case enqueue, drain, latency, all }

    @Argument(help: "enqueue, drain, latency or all.") var mode: Mode
    @Option(name: .customLong("jobs"), help: "Jobs (default 20000; the latency run adds 2000: always in `all`, unless --jobs is given in `latency`).")
    var jobsOption: Int?

    /// Enqueue and drain jobs.
    var jobs: Int { jobsOption ?? 20_000 }
    @Option(help: "Worker slots for drain and latency.") var concurrency: Int = 8
    @Option(help: "Jobs per second added during the latency run.") var rate: Int = 500
    @Option(help: "Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379).") var redis: String?
    @Option(help: "Completion calls in flight at once (the worker's completionSenders).") var senders: Int = 4
    @Flag(help: "Run the worker's slots and handlers on the Redis pool's event loop (for non-blocking handlers).")
    var pinned = false

    func run() async throws {
        let config = try RedisConfiguration(url: redis ?? ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379")
        let pool = RedisPool(configuration: config)
        let prefix = "atrium-bench-\(UUID().uuidString.prefix(8))"
        var figures: [String: Any] = ["mode": mode.rawValue, "jobs": mode == .latency ? jobsOption ?? 2_000 : jobs, "concurrency": concurrency, "pinned": pinned]
        do {
            if mode == .enqueue || mode == .all {
                figures["enqueue_per_s"] = Int(try await enqueueRun(pool, prefix: "\(prefix)-e"))
            }
            if mode == .drain || mode == .all {
                let drain = try await drainRun(pool, prefix: "\(prefix)-d")
                figures["drain_per_s"] = Int(drain.perSecond)
                figures["drain_redis_cpu_us_per_job"] = drain.redisMicros
                figures["drain_worker_cpu_us_per_job"] = drain.workerMicros
            }
            if mode == .latency || mode == .all {
                let latencyJobs = mode == .all ? 2_000 : jobsOption ?? 2_000
                let (p50, p99) = try await latencyRun(pool, prefix: "\(prefix)-l", jobs: latencyJobs)
                figures["p50_ms"] = (p50 * 1000).rounded() / 1000
                figures["p99_ms"] = (p99 * 1000).rounded() / 1000
                figures["latency_jobs"] = latencyJobs
                figures["rate_per_s"] = rate
            }
        } catch {
            await cleanup(pool, prefix: prefix)
            throw error
        }
        await cleanup(pool, prefix: prefix)
        await pool.close()
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static let noop: [UInt8] = Array("{}".utf8)

    func enqueueRun(_ pool: RedisPool, prefix: String) async throws -> Double {
        let queue = RedisJobQueue(pool: pool, name: try QueueName("bench"), keyPrefix: prefix)
        let start = ContinuousClock.now
        try await enqueueAll(queue, count: jobs)
        return Double(jobs) / Self.seconds(ContinuousClock.now - start)
    }

    /// Jobs per second, and the CPU time Redis (its INFO cpu) and this process (getrusage) spent per job meanwhile.
    func drainRun(_ pool: RedisPool, prefix: String) async throws -> (perSecond: Double, redisMicros: Int, workerMicros: Int) {
        // Completed jobs are trimmed to the default retention as they finish; count completions in the handler.
        let queue = RedisJobQueue(pool: pool, name: try QueueName("bench"), keyPrefix: prefix)
        try await enqueueAll(queue, count: jobs)
        let done = NIOLockedValueBox((count: 0, last: ContinuousClock.now))
        let worker = JobWorker(
            queue: queue, configuration: .init(concurrency: concurrency, executor: pinned ? pool.taskExecutor : nil, completionSenders: senders)
        )
        worker.register("noop") { _ in done.withLockedValue { $0.count += 1; $0.last = .now } }
        let redisBefore = try await Self.redisCPUSeconds(pool)
        let selfBefore = Self.processCPUSeconds()
        let start = ContinuousClock.now
        let running = Task { await worker.run() }
        while done.withLockedValue({ $0.count }) < jobs { try await Task.sleep(for: .milliseconds(5)) }
        let elapsed = done.withLockedValue { $0.last } - start
        let selfCPU = Self.processCPUSeconds() - selfBefore
        let redisCPU = try await Self.redisCPUSeconds(pool) - redisBefore
        await worker.shutdown(deadline: .seconds(5))
        await running.value
        return (Double(jobs) / Self.seconds(elapsed), Int(redisCPU * 1e6 / Double(jobs)), Int(selfCPU * 1e6 / Double(jobs)))
    }

    /// used_cpu_user + used_cpu_sys of the Redis server.
    static func redisCPUSeconds(_ pool: RedisPool) async throws -> Double {
        let info = try await pool.send("INFO", "cpu").decode(as: String.self)
        var total = 0.0
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("used_cpu_user:") || line.hasPrefix("used_cpu_sys:") {
            total += Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return total
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func latencyRun(_ pool: RedisPool, prefix: String, jobs: Int) async throws -> (p50: Double, p99: Double) {
        let queue = RedisJobQueue(pool: pool, name: try QueueName("bench"), keyPrefix: prefix)
        let delays = NIOLockedValueBox([Double]())
        let worker = JobWorker(queue: queue, configuration: .init(concurrency: concurrency, executor: pinned ? pool.taskExecutor : nil, completionSenders: senders))
        worker.register("timed") { context in
            let sent = try context.payload(Double.self)
            let delay = Date().timeIntervalSince1970 - sent
            delays.withLockedValue { $0.append(delay * 1000) }
        }
        let running = Task { await worker.run() }
        try await Task.sleep(for: .milliseconds(300))  // let the slots reach their idle polling
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
        var next = ContinuousClock.now
        for _ in 0..<jobs {
            next += interval
            try await Task.sleep(until: next, clock: .continuous)
            let payload = Array(try JSONEncoder().encode(Date().timeIntervalSince1970))
            _ = try await queue.enqueue(name: "timed", payload: payload, options: JobOptions(), now: QueueClock.system.nowMillis())
        }
        while delays.withLockedValue({ $0.count }) < jobs { try await Task.sleep(for: .milliseconds(5)) }
        await worker.shutdown(deadline: .seconds(5))
        await running.value
        let sorted = delays.withLockedValue { $0 }.sorted()
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
    }

    private func enqueueAll(_ queue: RedisJobQueue, count: Int) async throws {
        var sent = 0
        while sent < count {
            let size = min(100, count - sent)
            _ = try await queue.enqueue(
                batch: Array(repeating: (name: "noop", payload: Self.noop, options: JobOptions()), count: size),
                now: QueueClock.system.nowMillis()
            )
            sent += size
        }
    }

    private func cleanup(_ pool: RedisPool, prefix: String) async {
        for suffix in ["-e", "-d", "-l"] {
            guard let keys = try? await pool.send("KEYS", "\(prefix)\(suffix):*").decode(as: [String].self) else { continue }
            for chunk in stride(from: 0, to: keys.count, by: 500) {
                _ = try? await pool.send(RedisCommand("DEL", arguments: Array(keys[chunk..<min(chunk + 500, keys.count)])))
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
