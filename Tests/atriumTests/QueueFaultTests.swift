import Foundation
import TestSupport
import Testing

/// The queue's fault tests: real `atrium worker` processes, real Redis, processes killed with SIGKILL.
@Suite("Queue fault tolerance (processes)", .serialized)
struct QueueFaultTests {
    struct SmokeResult: Decodable {
        let jobs: Int
        let completed: Int
        let lost: Int
        let ran_twice: Int
        let poison_dead_lettered: Int
    }

    static func redisURL() -> String {
        ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"
    }

    static func worker(_ env: [String: String], prefix: String) throws -> AtriumProcess {
        try AtriumProcess.start(
            ["worker", "--queues", "maintenance", "--concurrency", "8", "--lease-seconds", "2", "--key-prefix", prefix],
            environment: env.merging(["ATRIUM_LOG_LEVEL": "warning"]) { $1 }
        )
    }

    static func decode(_ smoke: AtriumProcess) throws -> SmokeResult {
        let line = try #require(smoke.stdout.split(separator: "\n").last, "smoke printed nothing; stderr: \(smoke.stderr)")
        return try JSONDecoder().decode(SmokeResult.self, from: Data(line.utf8))
    }

    /// (1) Two workers, 5000 smoke jobs, one worker SIGKILLed mid-run and a new one started: nothing is lost.
    @Test func killedWorkerLosesNoJob() async throws {
        let env = ["REDIS_URL": Self.redisURL()]
        let prefix = "t-fault1-\(UUID().uuidString.prefix(8))"
        let first = try Self.worker(env, prefix: prefix)
        let second = try Self.worker(env, prefix: prefix)
        defer { first.forceStop(); second.forceStop() }
        let smoke = try AtriumProcess.start(["queue", "smoke", "--jobs", "5000", "--timeout", "120", "--key-prefix", prefix], environment: env)
        defer { smoke.forceStop() }
        try await smoke.waitForError(containing: "enqueued", within: .seconds(60))
        try await Task.sleep(for: .milliseconds(300))
        first.crash()
        let third = try Self.worker(env, prefix: prefix)
        defer { third.forceStop() }
        let status = try await smoke.waitForExit(within: .seconds(150))
        let result = try Self.decode(smoke)
        #expect(status == 0, "smoke failed: \(smoke.stdout) \(smoke.stderr)")
        #expect(result.completed == 5000 && result.lost == 0)
        #expect(try await second.stop(signal: SIGTERM, within: .seconds(30)) == 0)
        #expect(try await third.stop(signal: SIGTERM, within: .seconds(30)) == 0)
    }

    /// (2) Redis with appendonly (fsync always) SIGKILLed mid-run and restarted on the same port and data:
    /// no acknowledged job is lost, and the workers reconnect by themselves.
    @Test func redisCrashLosesNoAcknowledgedJob() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("atrium-aof-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let redis = try RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", data.path])
        try redis.start()
        defer { redis.kill() }
        let env = ["REDIS_URL": redis.url]
        let prefix = "t-fault2"
        let first = try Self.worker(env, prefix: prefix)
        let second = try Self.worker(env, prefix: prefix)
        defer { first.forceStop(); second.forceStop() }
        let smoke = try AtriumProcess.start(["queue", "smoke", "--jobs", "3000", "--timeout", "120", "--key-prefix", prefix], environment: env)
        defer { smoke.forceStop() }
        try await smoke.waitForError(containing: "enqueued", within: .seconds(60))
        try await Task.sleep(for: .milliseconds(200))
        redis.kill()
        try await Task.sleep(for: .milliseconds(500))
        try redis.start()
        let status = try await smoke.waitForExit(within: .seconds(150))
        let result = try Self.decode(smoke)
        #expect(status == 0, "smoke failed: \(smoke.stdout) \(smoke.stderr)")
        #expect(result.completed == 3000 && result.lost == 0)
        #expect(try await first.stop(signal: SIGTERM, within: .seconds(30)) == 0)
        #expect(try await second.stop(signal: SIGTERM, within: .seconds(30)) == 0)
    }

    /// (3) Poison jobs exhaust their attempts and land in dead-letter while the other jobs keep flowing.
    @Test func poisonJobsAreDeadLetteredWhileOthersFlow() async throws {
        let env = ["REDIS_URL": Self.redisURL()]
        let prefix = "t-fault3-\(UUID().uuidString.prefix(8))"
        let worker = try Self.worker(env, prefix: prefix)
        defer { worker.forceStop() }
        let smoke = try AtriumProcess.start(
            ["queue", "smoke", "--jobs", "2000", "--poison", "5", "--timeout", "120", "--key-prefix", prefix], environment: env
        )
        defer { smoke.forceStop() }
        let status = try await smoke.waitForExit(within: .seconds(150))
        let result = try Self.decode(smoke)
        #expect(status == 0, "smoke failed: \(smoke.stdout) \(smoke.stderr)")
        #expect(result.completed == 2000 && result.lost == 0 && result.poison_dead_lettered == 5)
        let dead = try AtriumProcess.run(["queue", "jobs", "maintenance", "--state", "dead", "--key-prefix", prefix], environment: env)
        let lines = dead.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.contains("\"failures\":3") && $0.contains("fails on purpose") })
        #expect(try await worker.stop(signal: SIGTERM, within: .seconds(30)) == 0)
    }
}
