public import Foundation
public import RedisClient

/// Refresh-token families in Redis, shared by every `atrium serve` process.
///
/// Each family is a hash plus a set of spent token hashes under one hash tag; each state change is one Lua
/// script (``RefreshTokenScripts``). Keys expire with the family's absolute lifetime, so Redis forgets a login
/// seven days after it happened whatever happened in between.
public struct RedisRefreshTokenStore: RefreshTokenStore {
    let pool: RedisPool
    public let keys: RefreshTokenKeys
    /// How long a revocation of a not-yet-created family blocks its creation (covers a login racing a
    /// "revoke all"; real logins create their family within milliseconds of registering it).
    static let tombstoneMillis = 5 * 60 * 1000

    public init(pool: RedisPool, keyPrefix: String = "atrium") {
        self.pool = pool
        self.keys = RefreshTokenKeys(prefix: keyPrefix)
    }

    public func create(_ family: RefreshFamily, tokenHash: String, now: Date) async throws {
        let ttl = max(1, Self.millis(family.expiresAt) - Self.millis(now))
        // Index first, family second: a concurrent revokeAll then either sees the id (and revokes or tombstones
        // it) or runs entirely before this login.
        let userKey = keys.user(family.userID)
        _ = try await pool.pipeline([
            RedisCommand("SADD", userKey, family.id),
            RedisCommand("PEXPIRE", userKey, Int64(RefreshTokenService.lifetime * 1000) + 60_000),
        ])
        let reply = try await pool.run(
            RefreshTokenScripts.create,
            keys: [keys.family(family.id)],
            arguments: [tokenHash, family.userID.uuidString.lowercased(), Self.millis(family.issuedAt), Self.millis(family.expiresAt), ttl]
        )
        guard let code = reply.array?.first?.int else { throw RefreshTokenError(.unexpectedReply, "create: \(reply)") }
        guard code == 1 else { throw RefreshTokenError(.familyRefused, "family id exists or was revoked") }
    }

    public func rotate(family id: String, presentedHash: String, successorHash: String, now: Date) async throws -> RefreshRotation {
        let reply = try await pool.run(
            RefreshTokenScripts.rotate,
            keys: [keys.family(id), keys.spent(id)],
            arguments: [presentedHash, successorHash, Self.millis(now)]
        )
        let (code, family) = try Self.decode(reply, id: id)
        switch (code, family) {
        case (1, let family?): return .rotated(family)
        case (-4, let family?): return .reused(family)
        case (-3, let family?): return .revoked(family)
        case (-2, _): return .expired
        case (-1, _): return .unknown
        default: throw RefreshTokenError(.unexpectedReply, "rotate: code \(code)")
        }
    }

    public func revoke(family id: String, presentedHash: String?, reason: String, now: Date) async throws -> RefreshFamily? {
        let reply = try await pool.run(
            RefreshTokenScripts.revoke,
            keys: [keys.family(id), keys.spent(id)],
            arguments: [presentedHash ?? "", reason, Self.millis(now), Self.tombstoneMillis]
        )
        let (code, family) = try Self.decode(reply, id: id)
        return code == 1 ? family : nil
    }

    public func revokeAll(userID: UUID, reason: String, now: Date) async throws -> Int {
        let userKey = keys.user(userID)
        let ids = try await pool.send("SMEMBERS", userKey).decode(as: [String].self)
        var count = 0
        for id in ids {
            if try await revoke(family: id, presentedHash: nil, reason: reason, now: now) != nil { count += 1 }
        }
        // Every listed family is now revoked or gone; ids added meanwhile stay for the next revokeAll.
        if !ids.isEmpty { try await pool.send(RedisCommand("SREM", arguments: [userKey] + ids)) }
        return count
    }

    /// Splits a script reply into its code and, when present, the family it describes.
    private static func decode(_ reply: RESPValue, id: String) throws -> (Int64, RefreshFamily?) {
        guard let values = reply.array, let code = values.first?.int else {
            throw RefreshTokenError(.unexpectedReply, "expected {code, …}, got \(reply)")
        }
        guard values.count == 4 else { return (code, nil) }
        guard let user = values[1].string.flatMap(UUID.init(uuidString:)), let issued = values[2].int, let expires = values[3].int else {
            throw RefreshTokenError(.unexpectedReply, "family fields malformed")
        }
        let family = RefreshFamily(id: id, userID: user, issuedAt: date(millis: issued), expiresAt: date(millis: expires))
        return (code, family)
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(millis) / 1000) }
}
