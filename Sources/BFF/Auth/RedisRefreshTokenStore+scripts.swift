import RedisClient

/// The Lua scripts behind every state change of ``RedisRefreshTokenStore``; each runs atomically in one round trip.
///
/// KEYS[1] is the family hash and KEYS[2] (where used) its spent set: one hash tag, one cluster slot. Times are
/// milliseconds of the app clock, passed in: the scripts never read Redis's clock, so tests can move time.
/// Replies are arrays: `{code, user, issued, expires}`, with code 1 = done and negative codes mapped by
/// ``RedisRefreshTokenStore`` (-1 unknown, -2 expired, -3 revoked, -4 reuse).
enum RefreshTokenScripts {
    /// create-1: ARGV[1] token hash · [2] user id · [3] issued · [4] expires · [5] ttl (ms).
    /// Returns {1} created, {0} when the key exists (an id clash or a revocation tombstone).
    static let create = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
        redis.call('HSET', KEYS[1], 'user', ARGV[2], 'issued', ARGV[3], 'expires', ARGV[4], 'current', ARGV[1], 'state', 'active')
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return {1}
        """
    )

    /// rotate-2: ARGV[1] presented hash · [2] successor hash · [3] now.
    /// Returns {1, …} rotated; {-1} unknown; {-2} expired; {-3, …} family revoked before; {-4, …} reuse
    /// (the presented token was spent: the family is revoked now).
    static let rotate = RedisScript(
        """
        local f = redis.call('HMGET', KEYS[1], 'user', 'issued', 'expires', 'current', 'state')
        if not f[1] then return {-1} end
        local isCurrent = f[4] == ARGV[1]
        if not isCurrent and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {-1} end
        if f[5] ~= 'active' then return {-3, f[1], f[2], f[3]} end
        if tonumber(ARGV[3]) >= tonumber(f[3]) then return {-2} end
        if not isCurrent then
          redis.call('HSET', KEYS[1], 'state', 'revoked', 'reason', 'reuse')
          return {-4, f[1], f[2], f[3]}
        end
        redis.call('HSET', KEYS[1], 'current', ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        return {1, f[1], f[2], f[3]}
        """
    )

    /// revoke-2: ARGV[1] presented hash or '' · [2] reason · [3] now · [4] tombstone ttl (ms).
    /// Returns {1, …} revoked by this call; {0} unknown, expired or already revoked. Revoking by id a family that
    /// does not exist yet leaves a short-lived tombstone, so a login racing a "revoke all" cannot create it after.
    static let revoke = RedisScript(
        """
        local f = redis.call('HMGET', KEYS[1], 'user', 'issued', 'expires', 'current', 'state')
        if not f[1] then
          if ARGV[1] == '' and redis.call('EXISTS', KEYS[1]) == 0 then
            redis.call('HSET', KEYS[1], 'state', 'revoked', 'reason', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
          end
          return {0}
        end
        if ARGV[1] ~= '' and f[4] ~= ARGV[1] and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {0} end
        if f[5] ~= 'active' or tonumber(ARGV[3]) >= tonumber(f[3]) then return {0} end
        redis.call('HSET', KEYS[1], 'state', 'revoked', 'reason', ARGV[2])
        return {1, f[1], f[2], f[3]}
        """
    )
}
