public import HTTPTypes
public import Hummingbird

/// Rate limits per client IP and per user, in Redis (shared by all processes) with an in-process fallback.
///
/// The policy comes from the path (``RateLimitPolicy/forPath(_:)``): login, register, or the default for every
/// other `/api/` route; health, readiness, metrics, the contract, the docs and webhooks are never limited. An
/// anonymous request spends from its IP bucket; an authenticated one from its IP bucket and its user bucket, all
/// or nothing. The client IP is `context.requestMeta.clientIP`, which ``EdgeMiddleware`` has already resolved
/// (socket peer, or `X-Forwarded-For` with `ATRIUM_TRUST_PROXY`).
///
/// Limited responses carry the `RateLimit-Policy` and `RateLimit` fields of
/// [draft-ietf-httpapi-ratelimit-headers-09](https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/09/)
/// (structured-field lists: `"login";q=3;w=1` and `"login";r=0;t=1`), where `q` is the burst, `w` the seconds an
/// empty bucket takes to refill, `r` the whole tokens left and `t` the seconds until the bucket is full again. A
/// refused request gets a 429 problem (`urn:atrium:problem:too-many-requests`) with `Retry-After` in whole
/// seconds, rounded up.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let limiter: any RateLimiter
    let clock: AppClock
    /// The `default` policy with the configured rate and burst.
    let standard: RateLimitPolicy

    /// Redis (with the in-process fallback) when `REDIS_URL` is set, else process memory.
    public init(services: AppServices) {
        let memory = MemoryRateLimiter()
        if let pool = services.redis {
            let shared = FallbackRateLimiter(primary: RedisRateLimiter(pool: pool), fallback: memory, logger: services.logger)
            self.init(limiter: shared, clock: services.clock, apiLimit: services.config.apiRateLimit)
        } else {
            self.init(limiter: memory, clock: services.clock, apiLimit: services.config.apiRateLimit)
        }
    }

    /// A middleware over any limiter (tests pass a Redis limiter with their own key prefix, or a failing one).
    /// - Parameter apiLimit: refill per second and burst of the `default` policy (configuration's `apiRateLimit`).
    public init(limiter: some RateLimiter, clock: AppClock = .system, apiLimit: (perSecond: Int, burst: Int) = (30, 20)) {
        self.limiter = limiter
        self.clock = clock
        self.standard = RateLimitPolicy(name: RateLimitPolicy.standard.name, ratePerSecond: apiLimit.perSecond, burst: apiLimit.burst)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard var policy = RateLimitPolicy.forPath(request.uri.path) else {
            return try await next(request, context)
        }
        if policy == .standard { policy = standard }
        var buckets: [RateLimitBucket] = [.ip(context.requestMeta.clientIP ?? "unknown")]
        if let user = context.identity { buckets.append(.user(user.userID)) }
        let decision = try await limiter.acquire(policy, buckets: buckets, now: clock.now())
        let fields = Self.fields(for: decision)
        guard decision.allowed else {
            var headers = fields
            headers[.retryAfter] = String(decision.retryAfterSeconds)
            throw Problem(
                .tooManyRequests,
                status: .tooManyRequests,
                detail: "Too many requests; retry after \(decision.retryAfterSeconds) s.",
                headers: headers
            )
        }
        do {
            var response = try await next(request, context)
            response.headers.append(contentsOf: fields)
            return response
        } catch var problem as Problem {
            problem.headers.append(contentsOf: fields)
            throw problem
        }
    }

    /// `RateLimit-Policy` and `RateLimit` for one decision.
    static func fields(for decision: RateLimitDecision) -> HTTPFields {
        let name = decision.policy.name
        var fields = HTTPFields()
        fields[EdgeHeaders.rateLimitPolicy] = "\"\(name)\";q=\(decision.policy.burst);w=\(decision.policy.windowSeconds)"
        fields[EdgeHeaders.rateLimit] = "\"\(name)\";r=\(decision.remaining);t=\(decision.resetSeconds)"
        return fields
    }
}
