import BFF
import Foundation
import Logging
import NIOConcurrencyHelpers
import RedisClient
import TestSupport
import Testing

/// The rate-limiter conformance suite on memory and on real Redis, and the fallback between them.
@Suite("Rate limiters")
struct RateLimiterTests {
    @Test(arguments: RateLimiterConformance.all)
    func memory(_ check: RateLimiterCheck) async throws {
        try await check.run { count in
            let limiter = MemoryRateLimiter(keys: RateLimitKeys(prefix: TestEnv.uniquePrefix()))
            return Array(repeating: limiter, count: count)
        }
    }

    @Test(arguments: RateLimiterConformance.all)
    func redis(_ check: RateLimiterCheck) async throws {
        let prefix = TestEnv.uniquePrefix()
        let pools = NIOLockedValueBox<[RedisPool]>([])
        let outcome: Result<Void, any Error>
        do {
            try await check.run { count in
                let made = try (0..<count).map { _ in try TestEnv.redisPool() }
                pools.withLockedValue { $0 += made }
                return made.map { RedisRateLimiter(pool: $0, keys: RateLimitKeys(prefix: prefix)) }
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for pool in pools.withLockedValue({ $0 }) { await pool.close() }
        // Buckets expire on their own within seconds; delete them now anyway.
        let cleaner = try TestEnv.redisPool()
        let keys = try await cleaner.send("KEYS", "\(prefix):*").decode(as: [String].self)
        for key in keys { try await cleaner.send("DEL", key) }
        await cleaner.close()
        try outcome.get()
        #expect(!keys.isEmpty, "the check wrote no bucket under its prefix")
    }

    @Test func keysUseOnePrefixAndCannotBeShapedByInput() {
        let keys = RateLimitKeys()
        #expect(keys.key(.login, .ip("192.0.2.1")) == "atrium:rl:{login}:ip:192.0.2.1")
        let id = UUID()
        #expect(keys.key(.standard, .user(id)) == "atrium:rl:{default}:user:\(id.uuidString.lowercased())")
        let forged = keys.key(.login, .ip("x}:user:1"))
        #expect(forged.hasPrefix("atrium:rl:{login}:ip:h-") && !forged.contains("x}"))
    }

    @Test func policiesFollowThePath() {
        #expect(RateLimitPolicy.forPath("/api/v1/auth/login") == .login)
        #expect(RateLimitPolicy.forPath("/api/v1/auth/register") == .register)
        #expect(RateLimitPolicy.forPath("/api/v1/invoices") == .standard)
        #expect(RateLimitPolicy.forPath("/api/v1/auth/refresh") == .standard)
        for path in ["/health", "/ready", "/metrics", "/openapi.json", "/docs", "/webhooks/stripe"] {
            #expect(RateLimitPolicy.forPath(path) == nil, "\(path) is limited")
        }
        #expect(RateLimitPolicy.login.windowSeconds == 1 && RateLimitPolicy.standard.windowSeconds == 1)
    }

    @Test func memoryDropsFullBucketsWhenCrowded() async throws {
        let limiter = MemoryRateLimiter(pruneAbove: 10)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<10 { _ = try await limiter.acquire(.login, buckets: [.ip("192.0.2.\(index)")], now: start) }
        #expect(limiter.bucketCount == 10)
        // A second later every earlier bucket is full again (3 tokens at 5/s), so the 11th prunes them.
        _ = try await limiter.acquire(.login, buckets: [.ip("198.51.100.1")], now: start.addingTimeInterval(1))
        #expect(limiter.bucketCount == 1)
    }

    // MARK: - Fallback

    @Test func fallsBackToMemoryWhileRedisIsDownAndLogsOncePerOutage() async throws {
        let server = try RedisServerProcess()
        try server.start()
        defer { server.kill() }
        var config = try RedisConfiguration(url: server.url)
        config.maxReconnectBackoff = .milliseconds(200)
        config.connectTimeout = .milliseconds(500)
        let pool = RedisPool(configuration: config)
        let log = CapturedLog()
        let limiter = FallbackRateLimiter(
            primary: RedisRateLimiter(pool: pool, keys: RateLimitKeys(prefix: TestEnv.uniquePrefix())),
            fallback: MemoryRateLimiter(),
            // Generous, so a loaded machine does not turn a slow first connect into an "outage"; a killed server
            // fails at once (connection refused), not by this timeout.
            timeout: .seconds(5),
            logger: Logger(label: "rate-limit-test") { _ in log }
        )
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await limiter.acquire(.login, buckets: [.ip("192.0.2.1")], now: now).allowed)
        #expect(!limiter.isFallingBack)

        server.kill()
        var decisions: [Bool] = []
        for _ in 0..<6 { decisions.append(try await limiter.acquire(.login, buckets: [.ip("192.0.2.2")], now: now).allowed) }
        #expect(limiter.isFallingBack)
        #expect(decisions == [true, true, true, false, false, false], "login unlimited without Redis: \(decisions)")
        #expect(log.messages(.warning).count == 1, "\(log.messages(.warning))")

        try server.start()
        var recovered = false
        for _ in 0..<100 where !recovered {
            _ = try await limiter.acquire(.register, buckets: [.ip("192.0.2.3")], now: now)
            recovered = !limiter.isFallingBack
            if !recovered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(recovered, "still falling back 5 s after Redis came back")
        #expect(log.messages(.info).count == 1 && log.messages(.warning).count == 1)
        await pool.close()
    }
}

/// Keeps the messages a logger was given, by level.
final class CapturedLog: LogHandler, @unchecked Sendable {
    // @unchecked: the entries live in a lock; the LogHandler value properties are only set at creation.
    private let entries = NIOLockedValueBox<[(Logger.Level, String)]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        entries.withLockedValue { $0.append((event.level, "\(event.message)")) }
    }

    func messages(_ level: Logger.Level) -> [String] {
        entries.withLockedValue { $0.filter { $0.0 == level }.map(\.1) }
    }
}
