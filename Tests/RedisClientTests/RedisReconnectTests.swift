import RedisClient
import TestSupport
import Testing

/// Redis going away and coming back, on a throwaway redis-server this test owns.
@Suite("Redis pool reconnects")
struct RedisReconnectTests {
    @Test func failsFastWhileDownAndRecoversWithoutRestart() async throws {
        let server = try RedisServerProcess()
        try server.start()
        var config = try RedisConfiguration(url: server.url)
        config.maxReconnectBackoff = .milliseconds(400)
        let pool = RedisPool(configuration: config)
        try await pool.send("SET", "k", "before")

        server.kill()
        let down = await #expect(throws: RedisError.self) { try await pool.send("GET", "k") }
        #expect([.connectionClosed, .connectionFailed, .unavailable].contains(down?.code))
        // While down, later commands fail fast with a typed error instead of hanging.
        let start = ContinuousClock.now
        let again = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        // (Another pooled connection may not have seen the close yet: connectionClosed is fine too.)
        #expect([.connectionClosed, .connectionFailed, .unavailable].contains(again?.code))
        #expect(ContinuousClock.now - start < .seconds(3))

        try server.start()
        let reply = try await eventually(within: .seconds(10)) { try await pool.send("PING") }
        #expect(reply == .simpleString("PONG"))
        await pool.close()
        server.kill()
    }

    @Test func unreachableServerIsConnectionFailedThenUnavailable() async throws {
        let port = try freeLoopbackPort()
        let pool = RedisPool(configuration: RedisConfiguration(host: "127.0.0.1", port: port, poolSize: 1))
        let first = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(first?.code == .connectionFailed)
        let second = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(second?.code == .unavailable)
        await pool.close()
    }
}

/// Retries `body` until it succeeds or `limit` passes; rethrows the last error then.
func eventually<T>(within limit: Duration, _ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + limit
    while true {
        do {
            return try await body()
        } catch {
            if ContinuousClock.now >= deadline { throw error }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
