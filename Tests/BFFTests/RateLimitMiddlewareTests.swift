import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RedisClient
import TestSupport
import Testing

/// 429s with `Retry-After` and the draft `RateLimit` fields, per client IP and per user, on real Redis.
@Suite("Rate-limit middleware")
struct RateLimitMiddlewareTests {
    static func router(limiter: some RateLimiter, clock: AppClock) -> Router<AppRequestContext> {
        EdgeTestRouter.make(rateLimit: RateLimitMiddleware(limiter: limiter, clock: clock)) { router in
            router.post("api/v1/auth/login") { _, _ in #"{"ok":true}"# }
            router.get("api/v1/ping") { _, _ in #"{"ok":true}"# }
            router.get("health") { _, _ in #"{"status":"ok"}"# }
        }
    }

    static func from(_ ip: String, user: UUID? = nil) -> HTTPFields {
        var headers: HTTPFields = [EdgeTestIdentityMiddleware.peer: ip, .contentType: "application/json"]
        if let user { headers[EdgeTestIdentityMiddleware.user] = user.uuidString }
        return headers
    }

    /// A Redis limiter under its own prefix; the pool is closed and the buckets deleted afterwards.
    static func withRedisLimiter(_ body: (RedisRateLimiter) async throws -> Void) async throws {
        let pool = try TestEnv.redisPool()
        let prefix = TestEnv.uniquePrefix()
        let outcome: Result<Void, any Error>
        do {
            try await body(RedisRateLimiter(pool: pool, keys: RateLimitKeys(prefix: prefix)))
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for key in try await pool.send("KEYS", "\(prefix):*").decode(as: [String].self) { try await pool.send("DEL", key) }
        await pool.close()
        try outcome.get()
    }

    @Test func aConfiguredAPILimitRaisesTheDefaultPolicyButNeverLogin() async throws {
        let time = EdgeTestClock()
        let middleware = RateLimitMiddleware(limiter: MemoryRateLimiter(), clock: time.clock, apiLimit: (perSecond: 100, burst: 50))
        let router = EdgeTestRouter.make(rateLimit: middleware) { router in
            router.post("api/v1/auth/login") { _, _ in #"{"ok":true}"# }
            router.get("api/v1/ping") { _, _ in #"{"ok":true}"# }
        }
        try await EdgeTestRouter.application(router).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<51 {
                statuses.append(try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.30")) { $0.status })
            }
            #expect(statuses.prefix(50).allSatisfy { $0 == .ok } && statuses.last == .tooManyRequests)
            let policy = try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.31")) { $0.headers[EdgeHeaders.rateLimitPolicy] }
            #expect(policy == #""default";q=50;w=1"#)
            var logins: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                logins.append(
                    try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: Self.from("192.0.2.32"), body: ByteBuffer(string: "{}")) { $0.status }
                )
            }
            #expect(logins == [.ok, .ok, .ok, .tooManyRequests])
        }
    }

    @Test func loginIsLimitedPerIPAfterItsBurst() async throws {
        try await Self.withRedisLimiter { limiter in
            let time = EdgeTestClock()
            let app = EdgeTestRouter.application(Self.router(limiter: limiter, clock: time.clock))
            try await app.test(.router) { client in
                let body = ByteBuffer(string: "{}")
                for remaining in [2, 1, 0] {
                    try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: Self.from("192.0.2.10"), body: body) {
                        response in
                        #expect(response.status == .ok)
                        #expect(response.headers[EdgeHeaders.rateLimitPolicy] == #""login";q=3;w=1"#)
                        #expect(response.headers[EdgeHeaders.rateLimit] == "\"login\";r=\(remaining);t=1")
                    }
                }
                try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: Self.from("192.0.2.10"), body: body) {
                    response in
                    #expect(response.status == .tooManyRequests)
                    #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:too-many-requests")
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(response.headers[EdgeHeaders.rateLimitPolicy] == #""login";q=3;w=1"#)
                    #expect(response.headers[EdgeHeaders.rateLimit] == #""login";r=0;t=1"#)
                    #expect(response.headers[EdgeHeaders.xFrameOptions] == "DENY", "security headers on the 429")
                }
                try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: Self.from("192.0.2.11"), body: body) {
                    response in
                    #expect(response.status == .ok, "another address has its own bucket")
                }
                time.advance(by: 0.2)
                try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: Self.from("192.0.2.10"), body: body) {
                    response in
                    #expect(response.status == .ok, "a token is back after 200 ms (5/s)")
                }
            }
        }
    }

    @Test func authenticatedRequestsSpendTheirUserBucketToo() async throws {
        try await Self.withRedisLimiter { limiter in
            let app = EdgeTestRouter.application(Self.router(limiter: limiter, clock: EdgeTestClock().clock))
            let alice = UUID()
            let bob = UUID()
            try await app.test(.router) { client in
                for _ in 0..<20 {
                    try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.20", user: alice)) { response in
                        #expect(response.status == .ok)
                    }
                }
                // Alice's user bucket is empty: a new address does not help her.
                try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.21", user: alice)) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(response.headers[EdgeHeaders.rateLimit] == #""default";r=0;t=1"#)
                }
                // Bob is fine from other addresses (the refused request above took nothing from 192.0.2.21), and the
                // header reports the emptier of his two buckets; from Alice's exhausted address he is refused.
                try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.22", user: bob)) { response in
                    #expect(response.headers[EdgeHeaders.rateLimit] == #""default";r=19;t=1"#)
                }
                try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.21", user: bob)) { response in
                    #expect(response.status == .ok)
                    #expect(
                        response.headers[EdgeHeaders.rateLimit] == #""default";r=18;t=1"#,
                        "bob's bucket (18) is emptier than the address's (19)"
                    )
                }
                try await client.execute(uri: "/api/v1/ping", method: .get, headers: Self.from("192.0.2.20", user: bob)) { response in
                    #expect(response.status == .tooManyRequests)
                }
            }
        }
    }

    @Test func healthIsNeverLimited() async throws {
        try await Self.withRedisLimiter { limiter in
            let app = EdgeTestRouter.application(Self.router(limiter: limiter, clock: EdgeTestClock().clock))
            try await app.test(.router) { client in
                for _ in 0..<30 {
                    try await client.execute(uri: "/health", method: .get, headers: Self.from("192.0.2.30")) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[EdgeHeaders.rateLimit] == nil)
                    }
                }
            }
        }
    }

    @Test func loginStaysLimitedWhenRedisIsUnreachable() async throws {
        let closed = try RedisConfiguration(url: "redis://127.0.0.1:\(try freeLoopbackPort())")
        let pool = RedisPool(configuration: closed)
        let limiter = FallbackRateLimiter(
            primary: RedisRateLimiter(pool: pool),
            fallback: MemoryRateLimiter(),
            logger: Logger(label: "test")
        )
        let app = EdgeTestRouter.application(Self.router(limiter: limiter, clock: EdgeTestClock().clock))
        try await app.test(.router) { client in
            var statuses: [Int] = []
            for _ in 0..<5 {
                try await client.execute(
                    uri: "/api/v1/auth/login",
                    method: .post,
                    headers: Self.from("192.0.2.40"),
                    body: ByteBuffer(string: "{}")
                ) { response in
                    statuses.append(response.status.code)
                }
            }
            #expect(statuses == [200, 200, 200, 429, 429])
        }
        #expect(limiter.isFallingBack)
        await pool.close()
    }

    @Test func theFullApplicationLimitsAPIRoutes() async throws {
        // A frozen clock: no token comes back between the requests, however slow the machine.
        let app = try await buildApplication(
            config: AtriumConfig(upstreams: .live([:])),
            logger: Logger(label: "test"),
            clock: EdgeTestClock().clock
        )
        try await app.test(.router) { client in
            var statuses: [Int] = []
            for _ in 0..<21 {
                try await client.execute(uri: "/api/v1/no-such-route", method: .get) { response in statuses.append(response.status.code) }
            }
            #expect(Set(statuses.prefix(20)) == [404] && statuses.last == 429, "\(statuses)")
        }
    }
}
