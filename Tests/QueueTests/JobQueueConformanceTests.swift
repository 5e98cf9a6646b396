import Foundation
import Queue
import QueueConformance
import RedisClient
import TestSupport
import Testing

@Suite("Queue conformance: memory")
struct MemoryJobQueueTests {
    @Test(arguments: QueueConformance.all)
    func memory(_ check: QueueCheck) async throws {
        try await check.run { MemoryJobQueue(name: try QueueName("test")) }
    }
}

@Suite("Queue conformance: Redis")
struct RedisJobQueueTests {
    @Test(arguments: QueueConformance.all)
    func redis(_ check: QueueCheck) async throws {
        let pool = try TestEnv.redisPool()
        let prefix = "t:\(UUID().uuidString.prefix(8))"
        try await check.run { RedisJobQueue(pool: pool, name: try QueueName("test"), keyPrefix: prefix) }
        // Clean up this check's keys.
        let keys = try await pool.send("KEYS", "\(prefix):*").decode(as: [String].self)
        for chunk in stride(from: 0, to: keys.count, by: 500) {
            try await pool.send(RedisCommand("DEL", arguments: Array(keys[chunk..<min(chunk + 500, keys.count)])))
        }
        await pool.close()
    }

    @Test func theDoorbellWakesAnIdleWaiterWhenAJobBecomesWaiting() async throws {
        let pool = try TestEnv.redisPool()
        let prefix = "t:\(UUID().uuidString.prefix(8))"
        let queue = RedisJobQueue(pool: pool, name: try QueueName("bell"), keyPrefix: prefix)
        #expect(try await queue.waitForWork(timeout: .milliseconds(50)) == false, "rang with nothing waiting")
        // Blocked well past the enqueue: only the doorbell can make this true.
        async let rang = queue.waitForWork(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(200))
        _ = try await queue.enqueue(name: "x", payload: [], options: JobOptions(), now: 1)
        #expect(try await rang == true)
        // At most one element however many jobs arrive; a delayed job does not ring until it is due.
        _ = try await queue.enqueue(batch: (0..<5).map { _ in ("y", [], JobOptions()) }, now: 2)
        #expect(try await pool.send("LLEN", queue.keys.key(.notify)).int == 1)
        #expect(try await queue.waitForWork(timeout: .milliseconds(50)) == true)
        _ = try await queue.enqueue(name: "later", payload: [], options: JobOptions(runAt: 10_000), now: 3)
        #expect(try await queue.waitForWork(timeout: .milliseconds(50)) == false, "a delayed job rang")
        // Claiming promotes the due delayed job to waiting, which rings for the other idle workers.
        _ = try await queue.completeAndClaim([], claiming: 6, now: 10_000, lease: .seconds(5))
        #expect(try await pool.send("LLEN", queue.keys.key(.notify)).int == 1)
        let keys = try await pool.send("KEYS", "\(prefix):*").decode(as: [String].self)
        try await pool.send(RedisCommand("DEL", arguments: keys))
        await pool.close()
    }

    @Test func everyKeySharesTheQueueHashTag() async throws {
        let pool = try TestEnv.redisPool()
        let prefix = "t:\(UUID().uuidString.prefix(8))"
        let queue = RedisJobQueue(pool: pool, name: try QueueName("fulfillment"), keyPrefix: prefix)
        let id = try await queue.enqueue(name: "x", payload: [], options: JobOptions(), now: 1).id
        let claim = try await queue.claim(lease: .seconds(5), now: 1).claimed
        try await queue.complete(claim!, now: 2)
        let keys = try await pool.send("KEYS", "\(prefix):*").decode(as: [String].self)
        #expect(!keys.isEmpty)
        #expect(keys.allSatisfy { $0.hasPrefix("\(prefix):{fulfillment}:") }, "\(keys)")
        #expect(keys.contains("\(prefix):{fulfillment}:job:\(id)"))
        try await pool.send(RedisCommand("DEL", arguments: keys))
        await pool.close()
    }
}
