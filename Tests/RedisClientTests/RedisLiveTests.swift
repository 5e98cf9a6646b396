import RedisClient
import TestSupport
import Testing

/// Against the Redis that README's test command starts (REDIS_URL); unreachable means failed, never skipped.
@Suite("Redis client against a live Redis")
struct RedisLiveTests {
    let prefix = TestEnv.uniquePrefix()

    @Test func pingSetGetDel() async throws {
        let pool = try TestEnv.redisPool()
        #expect(try await pool.send("PING") == .simpleString("PONG"))
        let key = "\(prefix):greeting"
        #expect(try await pool.send("SET", key, "hello") == .simpleString("OK"))
        #expect(try await pool.send("GET", key).string == "hello")
        #expect(try await pool.send("DEL", key) == .integer(1))
        #expect(try await pool.send("GET", key) == .null)
        await pool.close()
    }

    @Test func binaryValuesRoundTrip() async throws {
        let pool = try TestEnv.redisPool()
        let key = "\(prefix):binary"
        let value: [UInt8] = [0, 13, 10, 255, 0, 42] + Array(repeating: 7, count: 100_000)
        try await pool.send("SET", key, value)
        #expect(try await pool.send("GET", key).bytes == value)
        try await pool.send("DEL", key)
        await pool.close()
    }

    @Test func errorReplyIsTypedAndConnectionStaysUsable() async throws {
        let pool = try TestEnv.redisPool()
        let key = "\(prefix):list"
        let connection = try await pool.connection()
        try await connection.send("RPUSH", key, "a")
        let error = await #expect(throws: RedisError.self) { try await connection.send("INCR", key) }
        #expect(error?.code == .server)
        #expect(error?.serverErrorPrefix == "WRONGTYPE")
        // The same connection still answers, in order.
        #expect(try await connection.send("LLEN", key) == .integer(1))
        let unknown = await #expect(throws: RedisError.self) { try await connection.send("NOSUCHCOMMAND") }
        #expect(unknown?.serverErrorPrefix == "ERR")
        try await connection.send("DEL", key)
        await pool.close()
    }

    @Test func concurrentCommandsArePipelinedAndMatchedInOrder() async throws {
        let pool = try TestEnv.redisPool()
        let key = "\(prefix):counter"
        let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<2000 {
                group.addTask {
                    let echoed = try await pool.send("ECHO", "value-\(index)")
                    try await pool.send("INCR", key)
                    return (index, echoed.string)
                }
            }
            var collected: [(Int, String?)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 2000)
        #expect(results.allSatisfy { $0.1 == "value-\($0.0)" })
        #expect(try await pool.send("GET", key).int == 2000)
        try await pool.send("DEL", key)
        await pool.close()
    }

    @Test func commandTimeoutIsTypedAndThePoolRecovers() async throws {
        let pool = try TestEnv.redisPool { $0.poolSize = 1 }
        // A 200 ms deadline for this one command only; the follow-up keeps the normal 5 s, so a loaded
        // machine cannot turn the recovery check itself into a timeout.
        let connection = try await pool.connection()
        let error = await #expect(throws: RedisError.self) {
            try await connection.send(RedisCommand("BLPOP", "\(prefix):never", "5"), timeout: .milliseconds(200))
        }
        #expect(error?.code == .timeout)
        #expect(!connection.isActive, "a timed-out connection must be condemned")
        // The timed-out connection was closed (its reply would arrive out of order); the next command reconnects.
        #expect(try await pool.send("PING") == .simpleString("PONG"))
        await pool.close()
    }

    @Test func selectsTheDatabaseOfTheURL() async throws {
        let pool = try TestEnv.redisPool { $0.database = 5 }
        #expect(try await pool.send("CLIENT", "INFO").string?.contains(" db=5 ") == true)
        await pool.close()
    }

    @Test func failedAuthIsConnectionFailedAndHidesThePassword() async throws {
        let pool = try TestEnv.redisPool { $0.password = "wrong-password-value" }
        let error = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(error?.code == .connectionFailed)
        #expect(error.map { !"\($0)".contains("wrong-password-value") } == true)
        await pool.close()
    }

    @Test func closedPoolRefusesCommands() async throws {
        let pool = try TestEnv.redisPool()
        try await pool.send("PING")
        await pool.close()
        let error = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(error?.code == .poolClosed)
    }
}
