public import BFF
import Foundation

/// One behaviour every rate limiter must show, run by `RateLimiterTests` on ``MemoryRateLimiter`` and on
/// ``RedisRateLimiter`` against real Redis.
///
/// `makeLimiters(n)` returns `n` limiters over one shared backing, with a key prefix unique to the check (for
/// Redis: `n` separate pools to one server, as `n` server processes would have; for memory: one instance `n`
/// times). Time is passed in, so no check sleeps. A check throws ``CheckFailed`` on failure.
public struct RateLimiterCheck: Sendable, CustomStringConvertible {
    public typealias MakeLimiters = @Sendable (_ count: Int) async throws -> [any RateLimiter]
    public let description: String
    public let run: @Sendable (_ makeLimiters: MakeLimiters) async throws -> Void
}

public enum RateLimiterConformance {
    /// A fixed instant; checks move from it by milliseconds.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ millis: Int) -> Date { start.addingTimeInterval(Double(millis) / 1000) }
    static func ip() -> RateLimitBucket { .ip("192.0.2.\(Int.random(in: 1...254))") }

    public static let all: [RateLimiterCheck] = [
        RateLimiterCheck(description: "a fresh bucket admits its burst, then refuses with the wait for one token") { make in
            let limiter = try await make(1)[0]
            let client = ip()
            var remaining: [Int] = []
            for _ in 0..<3 {
                let decision = try await limiter.acquire(.login, buckets: [client], now: at(0))
                try expect(decision.allowed && decision.retryAfterMillis == 0, "refused within the burst: \(decision)")
                remaining.append(decision.remaining)
            }
            try expect(remaining == [2, 1, 0], "remaining \(remaining), expected [2, 1, 0]")
            let refused = try await limiter.acquire(.login, buckets: [client], now: at(0))
            // login refills 5 tokens a second: one token in 200 ms, all three in 600 ms.
            try expect(!refused.allowed && refused.remaining == 0, "fourth request admitted: \(refused)")
            try expect(refused.retryAfterMillis == 200 && refused.retryAfterSeconds == 1, "retry after \(refused.retryAfterMillis) ms")
            try expect(refused.resetMillis == 600 && refused.resetSeconds == 1, "reset after \(refused.resetMillis) ms")
        },
        RateLimiterCheck(description: "tokens come back at the policy's rate and never beyond the burst") { make in
            let limiter = try await make(1)[0]
            let client = ip()
            for _ in 0..<3 { _ = try await limiter.acquire(.login, buckets: [client], now: at(0)) }
            let early = try await limiter.acquire(.login, buckets: [client], now: at(199))
            try expect(!early.allowed && early.retryAfterMillis == 1, "a token came back early: \(early)")
            let onTime = try await limiter.acquire(.login, buckets: [client], now: at(200))
            try expect(onTime.allowed && onTime.remaining == 0, "no token after 200 ms: \(onTime)")
            // Ten seconds idle refills to the burst (3), not to 50.
            var admitted = 0
            for _ in 0..<6 {
                if try await limiter.acquire(.login, buckets: [client], now: at(10_200)).allowed { admitted += 1 }
            }
            try expect(admitted == 3, "admitted \(admitted) after a long idle, expected the burst of 3")
        },
        RateLimiterCheck(description: "a refused request takes nothing") { make in
            let limiter = try await make(1)[0]
            let client = ip()
            for _ in 0..<2 { _ = try await limiter.acquire(.register, buckets: [client], now: at(0)) }
            for millis in stride(from: 0, to: 500, by: 50) {
                let decision = try await limiter.acquire(.register, buckets: [client], now: at(millis))
                try expect(!decision.allowed, "admitted at \(millis) ms with an empty bucket (register: 2/s)")
            }
            // 2 a second: one token at 500 ms, whatever was refused before.
            let decision = try await limiter.acquire(.register, buckets: [client], now: at(500))
            try expect(decision.allowed, "refused requests consumed tokens: \(decision)")
        },
        RateLimiterCheck(description: "several buckets are all or nothing") { make in
            let limiter = try await make(1)[0]
            let sharedIP = ip()
            let alice = RateLimitBucket.user(UUID())
            let bob = RateLimitBucket.user(UUID())
            for _ in 0..<3 { _ = try await limiter.acquire(.login, buckets: [sharedIP, alice], now: at(0)) }
            let blocked = try await limiter.acquire(.login, buckets: [sharedIP, bob], now: at(0))
            try expect(!blocked.allowed, "bob admitted through an empty IP bucket")
            // Bob's own bucket was not touched by the refusal: from another address he has his full burst.
            var remaining: [Int] = []
            for _ in 0..<3 {
                remaining.append(try await limiter.acquire(.login, buckets: [.ip("198.51.100.7"), bob], now: at(0)).remaining)
            }
            try expect(remaining == [2, 1, 0], "bob's bucket was drained by a refused request: \(remaining)")
            let aliceElsewhere = try await limiter.acquire(.login, buckets: [.ip("203.0.113.9"), alice], now: at(0))
            try expect(!aliceElsewhere.allowed, "alice's user bucket did not follow her to another address")
        },
        RateLimiterCheck(description: "buckets are separate per client and per policy") { make in
            let limiter = try await make(1)[0]
            let first = ip()
            for _ in 0..<3 { _ = try await limiter.acquire(.login, buckets: [first], now: at(0)) }
            let exhausted = try await limiter.acquire(.login, buckets: [first], now: at(0))
            try expect(!exhausted.allowed, "not exhausted")
            let otherClient = try await limiter.acquire(.login, buckets: [.ip("2001:db8::1")], now: at(0))
            try expect(otherClient.allowed, "another client limited")
            let otherPolicy = try await limiter.acquire(.register, buckets: [first], now: at(0))
            try expect(otherPolicy.allowed, "another policy limited")
            let standard = try await limiter.acquire(.standard, buckets: [first], now: at(0))
            try expect(standard.allowed && standard.remaining == 19, "default policy: \(standard)")
        },
        RateLimiterCheck(description: "a clock stepping back grants nothing") { make in
            let limiter = try await make(1)[0]
            let client = ip()
            for _ in 0..<3 { _ = try await limiter.acquire(.login, buckets: [client], now: at(10_000)) }
            let back = try await limiter.acquire(.login, buckets: [client], now: at(0))
            try expect(!back.allowed, "a clock 10 s behind was granted a token")
            let caughtUp = try await limiter.acquire(.login, buckets: [client], now: at(10_200))
            try expect(caughtUp.allowed && caughtUp.remaining == 0, "refill after the clock caught up: \(caughtUp)")
        },
        RateLimiterCheck(description: "concurrent requests through several limiters admit exactly the burst") { make in
            let limiters = try await make(2)
            let client = ip()
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<60 {
                    let limiter = limiters[index % limiters.count]
                    group.addTask { try await limiter.acquire(.standard, buckets: [client], now: at(0)).allowed }
                }
                var count = 0
                for try await allowed in group where allowed { count += 1 }
                return count
            }
            try expect(admitted == 20, "admitted \(admitted) of 60 concurrent requests, expected the burst of 20")
        },
    ]
}
