public import RedisClient

/// Cache entries in Redis, shared by every BFF process: an invalidation by one reaches all.
///
/// Every entry is written with a TTL (its `expiresAt`), so Redis never holds an immortal cache key; tag sets
/// expire no earlier than their longest-lived member. Writes and invalidations are each one Lua script.
public struct RedisCacheStore: CacheStore {
    let pool: RedisPool
    let clock: CacheClock

    public init(pool: RedisPool, clock: CacheClock = .system) {
        self.pool = pool
        self.clock = clock
    }

    public func get(_ key: CacheKey) async throws -> CacheEntry? {
        let reply = try await pool.send("GET", key.rawValue)
        guard let bytes = reply.bytes else { return nil }
        return CacheEnvelope.decode(bytes)
    }

    public func set(_ key: CacheKey, _ entry: CacheEntry, tags: [CacheTag]) async throws {
        let ttl = entry.expiresAt - clock.nowMillis()
        guard ttl > 0 else { return }
        let tagKeys = (tags + [.all(key.scope)]).map(\.rawValue)
        try await pool.run(Self.setTagged, keys: [key.rawValue] + tagKeys, arguments: [CacheEnvelope.encode(entry), Int(ttl)])
    }

    public func delete(_ key: CacheKey) async throws {
        try await pool.send("DEL", key.rawValue)
    }

    @discardableResult
    public func invalidate(_ tag: CacheTag) async throws -> Int {
        let reply = try await pool.run(Self.invalidateTag, keys: [tag.rawValue])
        return Int(reply.int ?? 0)
    }

    static let setTagged = RedisScript(
        """
        --[[ setTagged-N: store one entry and index it under its tags, atomically.
          KEYS[1] entry key  KEYS[2..N] tag sets (same hash tag as the entry)
          ARGV[1] envelope bytes  ARGV[2] TTL in ms
          Returns 1 ]]
        local ttl = tonumber(ARGV[2])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
        for i = 2, #KEYS do
          redis.call('SADD', KEYS[i], KEYS[1])
          if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
        end
        return 1
        """
    )

    static let invalidateTag = RedisScript(
        """
        --[[ invalidateTag-1: delete every entry indexed under a tag, and the tag itself.
          KEYS[1] tag set. Members share its hash tag (one cluster slot).
          Returns the number of entries that existed and were deleted. ]]
        local members = redis.call('SMEMBERS', KEYS[1])
        local removed = 0
        for i = 1, #members, 500 do
          removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
        end
        redis.call('DEL', KEYS[1])
        return removed
        """
    )
}
