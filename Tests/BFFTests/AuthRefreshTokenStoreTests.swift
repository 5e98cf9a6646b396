@testable import BFF
import Foundation
import RedisClient
import Testing
import TestSupport

@Suite("Auth: refresh-token store conformance, memory")
struct AuthMemoryRefreshTokenStoreTests {
    @Test(arguments: RefreshTokenConformance.all)
    func memory(_ check: RefreshTokenCheck) async throws {
        try await check.run { MemoryRefreshTokenStore() }
    }
}

/// The same suite on the test Redis, each check under its own key prefix, deleted afterwards.
@Suite("Auth: refresh-token store conformance, Redis")
struct AuthRedisRefreshTokenStoreTests {
    @Test(arguments: RefreshTokenConformance.all)
    func redis(_ check: RefreshTokenCheck) async throws {
        let pool = try TestEnv.redisPool()
        let prefix = TestEnv.uniquePrefix("refresh")
        do {
            try await check.run { RedisRefreshTokenStore(pool: pool, keyPrefix: prefix) }
        } catch {
            await Self.cleanUp(pool, prefix)
            throw error
        }
        await Self.cleanUp(pool, prefix)
    }

    @Test func onlyHashesAreStoredAndEveryKeyExpires() async throws {
        let pool = try TestEnv.redisPool()
        let prefix = TestEnv.uniquePrefix()
        let store = RedisRefreshTokenStore(pool: pool, keyPrefix: prefix)
        let service = RefreshTokenService(store: store)
        let now = Date()
        let (first, family) = try await service.issue(userID: UUID(), now: now)
        let second = try #require(try await service.rotate(first.value, now: now).successor)
        let keys = try await Self.keys(pool, prefix)
        #expect(Set(keys) == [store.keys.family(family.id), store.keys.spent(family.id), store.keys.user(family.userID)])
        for key in keys {
            let ttl = try await pool.send("PTTL", key).decode(as: Int.self)
            #expect(ttl > 0 && ttl <= Int(RefreshTokenService.lifetime * 1000) + 60_000, "\(key) ttl \(ttl)")
            let dump = try await pool.send("DUMP", key).bytes ?? []
            let text = String(decoding: dump, as: UTF8.self)
            #expect(!text.contains(first.value) && !text.contains(second.value), "a raw token is stored under \(key)")
        }
        let current = try await pool.send("HGET", store.keys.family(family.id), "current").string
        #expect(current == second.hash)
        await Self.cleanUp(pool, prefix)
    }

    /// A login whose family id is already in the user's index when "revoke all" runs, but not yet created,
    /// must not be able to create it afterwards.
    @Test func revokeAllBeatsALoginInFlight() async throws {
        let pool = try TestEnv.redisPool()
        let prefix = TestEnv.uniquePrefix()
        let store = RedisRefreshTokenStore(pool: pool, keyPrefix: prefix)
        let user = UUID()
        let now = Date()
        let family = RefreshFamily(id: RefreshToken.newFamilyID(), userID: user, issuedAt: now, expiresAt: now + RefreshTokenService.lifetime)
        try await pool.send("SADD", store.keys.user(user), family.id)
        #expect(try await store.revokeAll(userID: user, reason: "password_change", now: now) == 0)
        await #expect(throws: RefreshTokenError.self) {
            try await store.create(family, tokenHash: RefreshToken.generate(family: family.id).hash, now: now)
        }
        await Self.cleanUp(pool, prefix)
    }

    static func keys(_ pool: RedisPool, _ prefix: String) async throws -> [String] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            let reply = try await pool.send("SCAN", cursor, "MATCH", "\(prefix):*", "COUNT", 1000)
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
            keys += try parts[1].decode(as: [String].self)
            cursor = next
        } while cursor != "0"
        return keys
    }

    static func cleanUp(_ pool: RedisPool, _ prefix: String) async {
        if let keys = try? await keys(pool, prefix), !keys.isEmpty {
            _ = try? await pool.send(RedisCommand("DEL", arguments: keys))
        }
        await pool.close()
    }
}
