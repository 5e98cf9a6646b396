import ArgumentParser
import Foundation
import RedisClient

/// `atrium bench redis`: throughput and tail latency of the Redis client, one JSON line.
struct BenchRedis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Benchmark the Redis client: GET/SET from N concurrent callers, and pipelined batches of 16.",
        discussion: """
            Prints one JSON line: get_per_s, set_per_s, get_p99_us, set_p99_us, pipelined_per_s (commands per second \
            in pipelines of 16), plus the settings. Compare with `redis-benchmark -q -t get,set -c N` and `-P 16` \
            against the same server (scripts/bench-redis runs both). Build with -c release for meaningful figures.
            """
    )

    @Option(help: "Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379).") var redis: String?
    @Option(help: "Concurrent callers.") var connections: Int = 50
    @Option(help: "Seconds per phase.") var seconds: Double = 5
    @Option(help: "Shared pipelined connections in the client's pool.") var poolSize: Int = 1
    @Flag(help: "Run the callers on the pool's event loop (no thread hop per command) instead of the global executor.")
    var pinned = false

    func run() async throws {
        var config = try RedisConfiguration(url: redis ?? ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379")
        config.poolSize = poolSize
        let pool = RedisPool(configuration: config)
        defer { Task { await pool.close() } }
        let prefix = "atrium:bench:\(UUID().uuidString.prefix(8))"
        let keys = (0..<10_000).map { "\(prefix):key:\($0)" }
        let value = "xxx"  // redis-benchmark's default 3-byte payload
        let duration = Duration.milliseconds(Int64(seconds * 1000))

        // Warm up: open the connections, fill the keys GET will read.
        for chunk in stride(from: 0, to: keys.count, by: 500) {
            _ = try await pool.pipeline(keys[chunk..<min(chunk + 500, keys.count)].map { RedisCommand("SET", $0, value) })
        }
        let executor: (any TaskExecutor)? = pinned ? pool.taskExecutor : nil
        let set = try await Self.phase(callers: connections, duration: duration, executor: executor) { caller, index in
            try await pool.send(RedisCommand("SET", keys[(caller * 7919 + index) % keys.count], value))
        }
        let get = try await Self.phase(callers: connections, duration: duration, executor: executor) { caller, index in
            try await pool.send(RedisCommand("GET", keys[(caller * 7919 + index) % keys.count]))
        }
        let pipelined = try await Self.phase(callers: connections, duration: duration, executor: executor) { caller, index in
            let base = (caller * 7919 + index * 16) % keys.count
            _ = try await pool.pipeline((0..<16).map { RedisCommand("GET", keys[(base + $0) % keys.count]) })
        }
        for chunk in stride(from: 0, to: keys.count, by: 500) {
            _ = try await pool.send(RedisCommand("DEL", arguments: Array(keys[chunk..<min(chunk + 500, keys.count)])))
        }
        let figures: [(String, Any)] = [
            ("get_per_s", Int(get.perSecond)),
            ("set_per_s", Int(set.perSecond)),
            ("get_p99_us", get.p99Micros),
            ("set_p99_us", set.p99Micros),
            ("pipelined_per_s", Int(pipelined.perSecond * 16)),
            ("connections", connections),
            ("pool_size", poolSize),
            ("pinned", pinned),
            ("seconds_per_phase", seconds),
        ]
        print("{" + figures.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
    }

    struct PhaseResult {
        let perSecond: Double
        let p99Micros: Int
    }

    /// Runs `operation` from `callers` concurrent tasks for `duration`; operations per second and p99 latency.
    static func phase(
        callers: Int,
        duration: Duration,
        executor: (any TaskExecutor)?,
        operation: @escaping @Sendable (_ caller: Int, _ index: Int) async throws -> Void
    ) async throws -> PhaseResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let latencies = try await withThrowingTaskGroup(of: [UInt32].self) { group in
            for caller in 0..<callers {
                group.addTask(executorPreference: executor) {
                    var samples: [UInt32] = []
                    samples.reserveCapacity(200_000)
                    var index = 0
                    while true {
                        let before = clock.now
                        if before >= deadline { break }
                        try await operation(caller, index)
                        let elapsed = clock.now - before
                        samples.append(UInt32(clamping: elapsed.components.attoseconds / 1_000_000_000_000 + elapsed.components.seconds * 1_000_000))
                        index += 1
                    }
                    return samples
                }
            }
            var all: [UInt32] = []
            for try await samples in group { all.append(contentsOf: samples) }
            return all
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = latencies.sorted()
        let p99 = sorted.isEmpty ? 0 : Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
        return PhaseResult(perSecond: Double(latencies.count) / seconds, p99Micros: p99)
    }
}
