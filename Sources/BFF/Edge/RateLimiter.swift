public import Foundation

/// Token-bucket rate limiting: Redis for every process at once (``RedisRateLimiter``), process memory for the
/// embedded default and as the fallback while Redis is unreachable (``MemoryRateLimiter``).
///
/// Both implementations run the same algorithm and pass the same conformance suite (`RateLimiterConformance`).
public protocol RateLimiter: Sendable {
    /// Takes one token from every bucket in `buckets` under `policy`, or from none of them.
    ///
    /// An authenticated request names two buckets (its client IP and its user); it is allowed only when both hold
    /// a token, and a refused request consumes nothing, so a user locked out by the IP bucket does not drain their
    /// own bucket as well.
    ///
    /// - Parameters:
    ///   - policy: Refill rate and capacity of every bucket named.
    ///   - buckets: One or more buckets; their keys come from ``RateLimitKeys``.
    ///   - now: Wall-clock time (shared by every process, unlike a monotonic clock), from ``AppClock``.
    /// - Returns: Whether the request may proceed, and the figures for the `RateLimit` headers.
    /// - Throws: Backend errors (Redis unreachable); ``FallbackRateLimiter`` turns them into a local decision.
    func acquire(_ policy: RateLimitPolicy, buckets: [RateLimitBucket], now: Date) async throws -> RateLimitDecision
}

/// A named token-bucket policy: `burst` tokens at most, refilled at `ratePerSecond`.
///
/// Both limiters count in thousandths of a token, so a whole number of tokens a second refills a whole number of
/// units a millisecond and the arithmetic is exact: no rounding drift lets a token come back early or late.
public struct RateLimitPolicy: Sendable, Hashable {
    /// The policy item name in `RateLimit-Policy` and `RateLimit` headers, and part of the bucket key.
    public let name: String
    /// Tokens added per second (at least 1); equally, thousandths of a token per millisecond.
    public let ratePerSecond: Int
    public let burst: Int

    public init(name: String, ratePerSecond: Int, burst: Int) {
        self.name = name
        self.ratePerSecond = max(1, ratePerSecond)
        self.burst = max(1, burst)
    }

    /// Thousandths of a token: the unit bucket levels are kept in.
    static let unitsPerToken: Int64 = 1000

    /// `POST /api/v1/auth/login`: 5 tokens a second, burst 3 (issue 6).
    public static let login = RateLimitPolicy(name: "login", ratePerSecond: 5, burst: 3)
    /// `POST /api/v1/auth/register`: 2 a second, burst 2.
    public static let register = RateLimitPolicy(name: "register", ratePerSecond: 2, burst: 2)
    /// Every other `/api/` route: 30 a second, burst 20.
    public static let standard = RateLimitPolicy(name: "default", ratePerSecond: 30, burst: 20)

    /// The policy for a request path, or nil for routes that are never limited (`/health`, `/ready`, `/metrics`,
    /// `/openapi.json`, `/docs`, webhooks): probes and scrapers must not be throttled, and webhooks are verified
    /// by signature and retried by their senders.
    public static func forPath(_ path: String) -> RateLimitPolicy? {
        switch path {
        case "/api/v1/auth/login", "/api/v1/auth/login/": return .login
        case "/api/v1/auth/register", "/api/v1/auth/register/": return .register
        default: return path.hasPrefix("/api/") ? .standard : nil
        }
    }

    /// Whole seconds for an empty bucket to fill up again: the `w` of `RateLimit-Policy`.
    public var windowSeconds: Int { (burst + ratePerSecond - 1) / ratePerSecond }
}

/// Whose budget a request spends: its client address, and its user when authenticated.
public enum RateLimitBucket: Sendable, Hashable {
    case ip(String)
    case user(UUID)
}

/// The outcome of ``RateLimiter/acquire(_:buckets:now:)``.
public struct RateLimitDecision: Sendable, Hashable {
    public let policy: RateLimitPolicy
    public let allowed: Bool
    /// Whole tokens left in the emptiest bucket after this request.
    public let remaining: Int
    /// Milliseconds until a token is available again in every bucket (0 when allowed).
    public let retryAfterMillis: Int64
    /// Milliseconds until the fullest-drained bucket is full again.
    public let resetMillis: Int64

    public init(policy: RateLimitPolicy, allowed: Bool, remaining: Int, retryAfterMillis: Int64, resetMillis: Int64) {
        self.policy = policy
        self.allowed = allowed
        self.remaining = remaining
        self.retryAfterMillis = retryAfterMillis
        self.resetMillis = resetMillis
    }

    /// `Retry-After` in whole seconds, rounded up (RFC 9110 allows no fractions), at least 1.
    public var retryAfterSeconds: Int { max(1, Int((retryAfterMillis + 999) / 1000)) }

    /// Seconds until the quota is whole again, rounded up: the `t` of the `RateLimit` header.
    public var resetSeconds: Int { max(0, Int((resetMillis + 999) / 1000)) }
}

extension Date {
    /// Milliseconds since 1970, the time unit of the token buckets (to the nearest: a `Date` stores binary
    /// fractions of seconds, so `x.199` s can be a hair below 199 ms).
    var rateLimitMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
