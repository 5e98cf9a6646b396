import BFF
import Foundation
import RedisClient
import TestSupport
import Testing

@Suite("Cache conformance: memory")
struct MemoryCacheStoreTests {
    @Test(arguments: CacheConformance.all)
    func memory(_ check: CacheCheck) async throws {
        try await check.run { clock, count in
            let store = MemoryCacheStore(clock: clock)
            return Array(repeating: store, count: count)
        }
    }

    @Test func evictsLeastRecentlyUsedPastItsBudget() async throws {
        let (clock, _) = CacheClock.manual()
        let store = MemoryCacheStore(maxBytes: 10_000, clock: clock)
        let scope = CacheScope.customer(tenant: "t", customer: "c")
        func key(_ index: Int) -> CacheKey { CacheKey(scope: scope, resource: .invoices, discriminator: "\(index)") }
        let now = clock.nowMillis()
        let entry = CacheEntry(payload: Array(repeating: 1, count: 1_000), storedAt: now, freshUntil: now + 60_000, staleWhileRevalidateUntil: now + 60_000, staleIfErrorUntil: now + 60_000)
        for index in 0..<8 { try await store.set(key(index), entry, tags: []) }
        _ = try await store.get(key(0))  // 0 becomes the most recently used
        for index in 8..<20 { try await store.set(key(index), entry, tags: []) }
        let stats = store.statistics
        #expect(stats.bytes <= 10_000)
        #expect(stats.evictions > 0)
        #expect(try await store.get(key(19)) != nil)
        #expect(try await store.get(key(1)) == nil, "the least recently used entry should have gone first")
    }
}

@Suite("Cache conformance: Redis")
struct RedisCacheStoreTests {
    @Test(arguments: CacheConformance.all)
    func redis(_ check: CacheCheck) async throws {
        let pools = LockedPools()
        defer { Task { await pools.closeAll() } }
        try await check.run { clock, count in
            try (0..<count).map { _ in RedisCacheStore(pool: pools.add(RedisPool(configuration: try TestEnv.redis)), clock: clock) }
        }
    }

    @Test func everyEntryAndTagHasATTL() async throws {
        let pool = RedisPool(configuration: try TestEnv.redis)
        let store = RedisCacheStore(pool: pool)
        let cache = Cache(store: store)
        let scope = CacheScope.customer(tenant: "t-\(UUID().uuidString.prefix(8))", customer: "c")
        let tag = CacheTag(scope: scope, name: "dashboard")
        let key = CacheKey(scope: scope, resource: .subscriptions)
        _ = try await cache.fetch(key, tags: [tag]) { [1, 2, 3] }
        for redisKey in [key.rawValue, tag.rawValue, CacheTag.all(scope).rawValue] {
            let ttl = try await pool.send("PTTL", redisKey).int ?? -99
            // subscriptions: 120 s fresh + 1200 s stale-if-error.
            #expect(ttl > 0 && ttl <= 1_320_000, "\(redisKey) PTTL \(ttl)")
        }
        await pool.close()
    }

    @Test func redisOutageFallsThroughToTheUpstream() async throws {
        let pool = RedisPool(configuration: RedisConfiguration(host: "127.0.0.1", port: try freeLoopbackPort()))
        let cache = Cache(store: RedisCacheStore(pool: pool))
        let key = CacheKey(scope: .global(tenant: "t"), resource: .catalog)
        let result = try await cache.fetch(key) { "from upstream" }
        #expect(result.value == "from upstream" && result.status == .miss)
        await pool.close()
    }

    @Test func unknownFormatVersionReadsAsAMiss() async throws {
        let pool = RedisPool(configuration: try TestEnv.redis)
        let key = CacheKey(scope: .customer(tenant: "t-\(UUID().uuidString.prefix(8))", customer: "c"), resource: .profile)
        try await pool.send("SET", key.rawValue, [0x41, 0x43, 99] + Array(repeating: 0, count: 40), "PX", 10_000)
        #expect(try await RedisCacheStore(pool: pool).get(key) == nil)
        await pool.close()
    }
}

/// Pools opened by one check, closed after it.
final class LockedPools: @unchecked Sendable {
    private let lock = NSLock()
    private var pools: [RedisPool] = []

    func add(_ pool: RedisPool) -> RedisPool {
        lock.withLock { pools.append(pool) }
        return pool
    }

    func closeAll() async {
        for pool in lock.withLock({ pools }) { await pool.close() }
    }
}
