import RedisClient
import TestSupport
import Testing

/// Pipelines, transactions, scripts, blocking commands, pub/sub and reply decoding against the live Redis.
@Suite("Redis client features")
struct RedisFeatureTests {
    let prefix = TestEnv.uniquePrefix()

    @Test func pipelineReturnsRepliesInOrderWithErrorsInTheirSlots() async throws {
        let pool = try TestEnv.redisPool()
        let key = "\(prefix):p"
        let replies = try await pool.pipeline([
            RedisCommand("SET", key, "1"),
            RedisCommand("INCR", key),
            RedisCommand("LPUSH", key, "x"),  // WRONGTYPE: stays in its slot
            RedisCommand("GET", key),
            RedisCommand("DEL", key),
        ])
        #expect(replies.count == 5)
        #expect(replies[0] == .simpleString("OK"))
        #expect(replies[1] == .integer(2))
        guard case .error(let message) = replies[2] else {
            Issue.record("expected an error reply, got \(replies[2])")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(replies[3].string == "2")
        #expect(replies[4] == .integer(1))
        await pool.close()
    }

    @Test func concurrentPipelinesDoNotInterleave() async throws {
        let pool = try TestEnv.redisPool { $0.poolSize = 1 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<50 {
                group.addTask {
                    let commands = (0..<16).map { RedisCommand("ECHO", "\(worker)-\($0)") }
                    let replies = try await pool.pipeline(commands)
                    #expect(replies.map(\.string) == (0..<16).map { "\(worker)-\($0)" })
                }
            }
            try await group.waitForAll()
        }
        await pool.close()
    }

    @Test func transactionIsAtomicAndAbortsOnQueueErrors() async throws {
        let pool = try TestEnv.redisPool()
        let key = "\(prefix):tx"
        let results = try await pool.transaction([RedisCommand("INCRBY", key, 5), RedisCommand("INCRBY", key, 7), RedisCommand("GET", key)])
        #expect(results.first == .integer(5))
        #expect(results.last?.string == "12")
        // A command Redis rejects while queueing aborts the whole transaction: nothing runs.
        let error = await #expect(throws: RedisError.self) {
            try await pool.transaction([RedisCommand("INCRBY", key, 1), RedisCommand("NOSUCHCOMMAND")])
        }
        #expect(error?.serverErrorPrefix == "EXECABORT")
        #expect(try await pool.send("GET", key).string == "12")
        try await pool.send("DEL", key)
        await pool.close()
    }

    @Test func scriptsRunBySHAAndReloadAfterAFlush() async throws {
        let pool = try TestEnv.redisPool()
        let script = RedisScript("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}")
        #expect(script.sha1.count == 40)
        let key = "\(prefix):script"
        let first = try await pool.run(script, keys: [key], arguments: ["a"])
        #expect(first == .array([.bulkString(Array(key.utf8)), .bulkString(Array("a".utf8)), .integer(1)]))
        #expect(try await pool.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))
        // A Redis restart or SCRIPT FLUSH forgets scripts; the next run reloads transparently.
        try await pool.send("SCRIPT", "FLUSH")
        let second = try await pool.run(script, keys: [key], arguments: ["b"])
        #expect(second.array?.last == .integer(2))
        #expect(try await pool.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))
        try await pool.send("DEL", key)
        await pool.close()
    }

    @Test func blockingCommandsDoNotStarveThePool() async throws {
        let pool = try TestEnv.redisPool { $0.poolSize = 1 }
        let source = "\(prefix):source"
        let destination = "\(prefix):destination"
        let blocked = Task {
            try await pool.sendBlocking(RedisCommand("BLMOVE", source, destination, "LEFT", "RIGHT", "5"), blockFor: .seconds(5))
        }
        // While BLMOVE blocks on its dedicated connection, the shared connection keeps answering.
        for index in 0..<100 {
            #expect(try await pool.send("ECHO", "\(index)").string == "\(index)")
        }
        try await pool.send("RPUSH", source, "job-1")
        #expect(try await blocked.value.string == "job-1")
        #expect(try await pool.send("LRANGE", destination, 0, -1).decode(as: [String].self) == ["job-1"])
        // A blocking command that times out on the server answers nil, not an error.
        #expect(try await pool.sendBlocking(RedisCommand("BZPOPMIN", "\(prefix):empty", "0.1"), blockFor: .milliseconds(100)) == .null)
        try await pool.send("DEL", source, destination)
        await pool.close()
    }

    @Test func dedicatedConnectionsAreBoundedAndReused() async throws {
        let pool = try TestEnv.redisPool { $0.maxDedicatedConnections = 2 }
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withDedicatedConnection { connection throws(RedisError) in
                        // BLPOP with a short timeout holds the connection for ~100 ms.
                        _ = try await connection.send(RedisCommand("BLPOP", "\(prefix):nothing", "0.1"), timeout: .seconds(2))
                        return try await connection.send("CLIENT", "ID").decode(as: Int64.self)
                    }
                }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count <= 2, "\(ids.count) distinct connections for a limit of 2")
        await pool.close()
    }

    @Test func publishAndSubscribe() async throws {
        let pool = try TestEnv.redisPool()
        let channel = "\(prefix):events"
        let subscriber = RedisSubscriber(configuration: try TestEnv.redis, channels: [channel], patterns: ["\(prefix):p.*"])
        var events = subscriber.events.makeAsyncIterator()
        #expect(await events.next() == .subscribed)
        try await pool.send("PUBLISH", channel, "hello")
        try await pool.send("PUBLISH", "\(prefix):p.one", [0, 1, 2] as [UInt8])
        #expect(await events.next() == .message(channel: channel, payload: Array("hello".utf8)))
        #expect(await events.next() == .message(channel: "\(prefix):p.one", payload: [0, 1, 2]))
        subscriber.close()
        #expect(await events.next() == nil)
        await pool.close()
    }

    @Test func subscriptionSurvivesARedisRestart() async throws {
        let server = try RedisServerProcess()
        try server.start()
        var config = try RedisConfiguration(url: server.url)
        config.maxReconnectBackoff = .milliseconds(300)
        let pool = RedisPool(configuration: config)
        let subscriber = RedisSubscriber(configuration: config, channels: ["orders"])
        var events = subscriber.events.makeAsyncIterator()
        #expect(await events.next() == .subscribed)
        server.kill()
        try server.start()
        // Resubscribed on its own; then messages flow again.
        #expect(await events.next() == .subscribed)
        try await pool.send("PUBLISH", "orders", "after-restart")
        #expect(await events.next() == .message(channel: "orders", payload: Array("after-restart".utf8)))
        subscriber.close()
        await pool.close()
        server.kill()
    }

    @Test func replyDecoders() throws {
        #expect(try RESPValue.integer(3).decode(as: Int.self) == 3)
        #expect(try RESPValue.bulkString(Array("2.5".utf8)).decode(as: Double.self) == 2.5)
        #expect(try RESPValue.null.decode(as: String?.self) == nil)
        #expect(try RESPValue.array([.integer(1), .integer(0)]).decode(as: [Bool].self) == [true, false])
        #expect(try RESPValue.array([.bulkString(Array("a".utf8)), .null]).decode(as: [String?].self) == ["a", nil])
        let error = #expect(throws: RedisError.self) { try RESPValue.simpleString("OK").decode(as: Int.self) }
        #expect(error?.code == .unexpectedReply)
    }
}
