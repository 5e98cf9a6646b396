public import Domain
public import Logging
public import RedisClient

/// Everything Atrium reads from the environment, parsed once at start into one typed value.
///
/// `description` is safe to log: URLs have their credentials masked and secrets are shown as `***`.
public struct AtriumConfig: Sendable {
    public var host: String
    /// 0 asks the OS for a free port (the listening address is logged).
    public var port: Int
    /// nil: the in-memory backend (embedded default).
    public var redis: RedisConfiguration?
    /// nil: the in-memory store (embedded default).
    public var database: DatabaseConfiguration?
    public var upstreams: UpstreamsConfig
    public var jwtSecret: Secret?
    public var passwordPepper: Secret?
    public var corsOrigins: [String]
    /// Freshness per cached resource: the design's defaults, overridden by `ATRIUM_CACHE_TTLS`.
    public var cachePolicies: CachePolicies
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// Seconds a connection may sit idle (or dribble a request) before the server closes it.
    public var idleTimeoutSeconds: Int = 30
    /// The largest JSON request body accepted, in bytes.
    public var maxBodyBytes: Int = 1 << 20
    /// Take the client address from the left-most `X-Forwarded-For` entry instead of the socket peer.
    ///
    /// Only for deployments behind a proxy that overwrites (not appends to) the header: otherwise a client could
    /// pick its own rate-limit bucket and audit address.
    public var trustProxy: Bool = false
    /// The token bucket of every `/api/` route but login and register, per client IP and per user:
    /// refill per second and burst (`ATRIUM_API_RATE_LIMIT`, default 30/s burst 20). Login and register keep
    /// their fixed limits, so raising this never opens the password routes to guessing.
    public var apiRateLimit: (perSecond: Int, burst: Int) = (30, 20)
    /// Tracing: spans always exist (trace ids in logs, `traceparent` to upstreams and jobs); the OTLP exporter
    /// runs when an endpoint is configured (``TracingSettings``).
    public var tracing = TracingSettings()

    public enum LogFormat: String, Sendable, CaseIterable { case json, text }

    /// True when neither Redis nor PostgreSQL is configured: memory backends, sandbox upstreams, demo data.
    public var isEmbeddedDefault: Bool { redis == nil && database == nil }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        redis: RedisConfiguration? = nil,
        database: DatabaseConfiguration? = nil,
        upstreams: UpstreamsConfig = .sandbox,
        jwtSecret: Secret? = nil,
        passwordPepper: Secret? = nil,
        corsOrigins: [String] = [],
        cachePolicies: CachePolicies = CachePolicies(),
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .json
    ) {
        self.host = host
        self.port = port
        self.redis = redis
        self.database = database
        self.upstreams = upstreams
        self.jwtSecret = jwtSecret
        self.passwordPepper = passwordPepper
        self.corsOrigins = corsOrigins
        self.cachePolicies = cachePolicies
        self.logLevel = logLevel
        self.logFormat = logFormat
    }
}

/// A secret value whose description never shows it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "***" }
    public var debugDescription: String { "***" }
}

/// Which upstream systems Atrium talks to.
public enum UpstreamsConfig: Sendable {
    /// The in-process sandbox simulators.
    case sandbox
    /// Real systems; only those whose URL variable is set are configured.
    case live([UpstreamID: LiveUpstream])
}

/// One live upstream: its base URL, credentials and webhook secret, by the names PRODUCT.md gives.
public struct LiveUpstream: Sendable {
    public var baseURL: String
    /// Credentials by variable name (`STRIPE_API_KEY`, `WHMCS_IDENTIFIER`, …).
    public var credentials: [String: Secret]
    public var webhookSecret: Secret?
    /// Supplier only: every feed URL of `SUPPLIER_FEEDS` (`baseURL` is the first).
    public var feeds: [String]

    public init(baseURL: String, credentials: [String: Secret] = [:], webhookSecret: Secret? = nil, feeds: [String] = []) {
        self.baseURL = baseURL
        self.feeds = feeds
        self.credentials = credentials
        self.webhookSecret = webhookSecret
    }
}

extension AtriumConfig: CustomStringConvertible {
    public var description: String {
        var parts = [
            "listen=\(host):\(port)",
            "redis=\(redis.map { "\($0)" } ?? "memory")",
            "database=\(database.map { "\($0)" } ?? "memory")",
        ]
        switch upstreams {
        case .sandbox:
            parts.append("upstreams=sandbox")
        case .live(let live):
            let listed = UpstreamID.allCases.compactMap { id in live[id].map { "\(id.rawValue)=\($0.baseURL)" } }
            parts.append("upstreams=live(\(listed.joined(separator: ",")))")
        }
        parts.append("jwt_secret=\(jwtSecret == nil ? "generated" : "***")")
        parts.append("password_pepper=\(passwordPepper == nil ? "generated" : "***")")
        if !corsOrigins.isEmpty { parts.append("cors=\(corsOrigins.joined(separator: ","))") }
        parts.append("idle_timeout=\(idleTimeoutSeconds)s max_body=\(maxBodyBytes)")
        if trustProxy { parts.append("trust_proxy=true") }
        if apiRateLimit != (30, 20) { parts.append("api_rate_limit=\(apiRateLimit.perSecond)/s,burst=\(apiRateLimit.burst)") }
        parts.append("log=\(logLevel.rawValue)/\(logFormat.rawValue)")
        parts.append("tracing=\(tracing)")
        return parts.joined(separator: " ")
    }
}
