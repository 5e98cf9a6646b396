public import Foundation
public import RedisClient

/// Token buckets in Redis, shared by every server process: one Lua script per decision, so concurrent requests in
/// different processes can never both take the last token.
///
/// Time comes from the caller (``AppClock``, wall-clock milliseconds), not from Redis `TIME`: tests move it without
/// sleeping, and a bucket's refill timestamp never moves backwards, so a process whose clock lags a little behind
/// another's cannot grant extra tokens (it just refills nothing until its clock catches up).
public struct RedisRateLimiter: RateLimiter {
    let pool: RedisPool
    let keys: RateLimitKeys

    public init(pool: RedisPool, keys: RateLimitKeys = RateLimitKeys()) {
        self.pool = pool
        self.keys = keys
    }

    public func acquire(_ policy: RateLimitPolicy, buckets: [RateLimitBucket], now: Date) async throws -> RateLimitDecision {
        let bucketKeys: [any RESPArgument] = buckets.map { keys.key(policy, $0) }
        let reply = try await pool.run(
            Self.takeTokens,
            keys: bucketKeys,
            arguments: [now.rateLimitMillis, policy.ratePerSecond, policy.burst]
        )
        let values = try reply.decode(as: [Int64].self)
        guard values.count == 4 else {
            throw RedisError(.unexpectedReply, "takeTokens returned \(values.count) values, expected 4")
        }
        return RateLimitDecision(
            policy: policy,
            allowed: values[0] == 1,
            remaining: Int(values[1]),
            retryAfterMillis: values[2],
            resetMillis: values[3]
        )
    }

    static let takeTokens = RedisScript(
        """
        --[[ takeTokens-N: token buckets, all or nothing: one token from every bucket, or from none.
          KEYS[1..N] bucket hashes (field t = level in thousandths of a token, field ts = last refill in ms); one hash tag.
          ARGV[1] now (ms)  ARGV[2] refill in tokens per second (= thousandths per ms)  ARGV[3] burst (capacity)
          Returns {allowed 1|0, whole tokens left in the emptiest bucket, ms until a token is back (0 if allowed),
                   ms until every bucket is full again}
          Integers only (exact in Lua's doubles). A bucket expires a minute after it would be full (absent means
          full); the minute covers callers' clocks running apart from Redis's, which keeps the expiry. ]]
        local now = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local capacity = tonumber(ARGV[3]) * 1000
        local levels, stamps = {}, {}
        local allowed, wait = 1, 0
        for i = 1, #KEYS do
          local state = redis.call('HMGET', KEYS[i], 't', 'ts')
          local t, ts = tonumber(state[1]), tonumber(state[2])
          if t == nil or ts == nil then t, ts = capacity, now end
          if now > ts then
            t = math.min(capacity, t + (now - ts) * rate)
            ts = now
          end
          if t < 1000 then
            allowed = 0
            wait = math.max(wait, math.ceil((1000 - t) / rate))
          end
          levels[i], stamps[i] = t, ts
        end
        local remaining, reset = capacity / 1000, 0
        for i = 1, #KEYS do
          local t = levels[i]
          if allowed == 1 then t = t - 1000 end
          local toFull = math.ceil((capacity - t) / rate)
          redis.call('HSET', KEYS[i], 't', string.format('%d', t), 'ts', string.format('%d', stamps[i]))
          redis.call('PEXPIRE', KEYS[i], toFull + 60000)
          remaining = math.min(remaining, math.floor(t / 1000))
          reset = math.max(reset, toFull)
        end
        if allowed == 1 then wait = 0 end
        return {allowed, remaining, wait, reset}
        """
    )
}
