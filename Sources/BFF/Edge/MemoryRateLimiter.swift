public import Foundation
import NIOConcurrencyHelpers

/// Token buckets in process memory: the embedded default's limiter, and the fallback while Redis is unreachable.
///
/// The arithmetic is the Lua script's (``RedisRateLimiter``), step for step, so both give the same decisions.
/// Limits then hold per process, not per deployment: with N server processes a client gets up to N times the
/// budget, which is why Redis is the shared store and this only the stand-in.
public final class MemoryRateLimiter: RateLimiter {
    private struct Bucket {
        /// Thousandths of a token (``RateLimitPolicy/unitsPerToken``).
        var units: Int64
        /// Milliseconds of the last refill; never moves backwards, so a clock step back grants nothing.
        var refilledAt: Int64
        /// When the bucket is full again; past that point the entry is the same as no entry.
        var fullAt: Int64
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var pruneAbove: Int
    }

    private let keys: RateLimitKeys
    private let state: NIOLockedValueBox<State>

    /// - Parameters:
    ///   - keys: The key builder (the prefix only matters for tests that share an instance).
    ///   - pruneAbove: Once this many buckets exist, full ones are dropped (they equal absent ones).
    public init(keys: RateLimitKeys = RateLimitKeys(), pruneAbove: Int = 100_000) {
        self.keys = keys
        self.state = NIOLockedValueBox(State(pruneAbove: pruneAbove))
    }

    /// Buckets currently held (for tests of the pruning).
    public var bucketCount: Int { state.withLockedValue { $0.buckets.count } }

    public func acquire(_ policy: RateLimitPolicy, buckets: [RateLimitBucket], now: Date) async throws -> RateLimitDecision {
        let now = now.rateLimitMillis
        let ids = buckets.map { keys.key(policy, $0) }
        let cost = RateLimitPolicy.unitsPerToken
        let capacity = Int64(policy.burst) * cost
        let rate = Int64(policy.ratePerSecond)  // units per millisecond
        func millis(toAdd units: Int64) -> Int64 { (units + rate - 1) / rate }
        return state.withLockedValue { state in
            var current: [Bucket] = []
            var allowed = true
            var waitMillis: Int64 = 0
            for id in ids {
                var bucket = state.buckets[id] ?? Bucket(units: capacity, refilledAt: now, fullAt: now)
                if now > bucket.refilledAt {
                    let elapsed = now - bucket.refilledAt
                    // Compare before multiplying, so a bucket idle for years cannot overflow.
                    bucket.units = elapsed >= millis(toAdd: capacity) ? capacity : min(capacity, bucket.units + elapsed * rate)
                    bucket.refilledAt = now
                }
                if bucket.units < cost {
                    allowed = false
                    waitMillis = max(waitMillis, millis(toAdd: cost - bucket.units))
                }
                current.append(bucket)
            }
            var remaining = policy.burst
            var resetMillis: Int64 = 0
            for (id, var bucket) in zip(ids, current) {
                if allowed { bucket.units -= cost }
                let toFull = millis(toAdd: capacity - bucket.units)
                bucket.fullAt = now + toFull
                state.buckets[id] = bucket
                remaining = min(remaining, Int(bucket.units / cost))
                resetMillis = max(resetMillis, toFull)
            }
            if state.buckets.count > state.pruneAbove {
                state.buckets = state.buckets.filter { $0.value.fullAt > now }
                // Still crowded (all busy): raise the bar so the next prune is not on the very next request.
                if state.buckets.count > state.pruneAbove / 2 { state.pruneAbove = state.buckets.count * 2 }
            }
            return RateLimitDecision(
                policy: policy,
                allowed: allowed,
                remaining: remaining,
                retryAfterMillis: allowed ? 0 : waitMillis,
                resetMillis: resetMillis
            )
        }
    }
}
