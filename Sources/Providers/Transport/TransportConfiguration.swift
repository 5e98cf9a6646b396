import Foundation

/// How one upstream is reached: where, how long a call may take, how it is retried and when its circuit opens.
///
/// One value per upstream, built by the BFF from its settings and handed to that upstream's ``HTTPTransport``.
/// Credentials are not part of it: adapters set them per request, so a configuration is always safe to log.
public struct TransportConfiguration: Sendable {
    /// The upstream's base URL, e.g. `http://127.0.0.1:4010` or `https://api.stripe.com`; a trailing slash is
    /// tolerated, and a path (`http://h:1/api`) prefixes every relative request path.
    public var baseURL: String
    /// The connect timeout this upstream wants.
    ///
    /// AsyncHTTPClient's connect timeout belongs to the whole `HTTPClient` (see
    /// ``HTTPTransport/makeHTTPClient(connectTimeout:)``), so a per-upstream value cannot be applied to the socket.
    /// It is honoured through the per-call ``deadline`` instead: an attempt never outlives the call's deadline,
    /// connection set-up included. Keep this value for documentation and for the client-wide setting.
    public var connectTimeout: Duration
    /// The overall budget of one ``HTTPTransport/send(_:)``: every attempt, backoff and `Retry-After` wait included.
    public var deadline: Duration
    /// How failed attempts are retried.
    public var retry: RetrySettings
    /// When the upstream's circuit opens and closes again.
    public var breaker: CircuitBreaker.Configuration
    /// The largest response body accepted; the read is aborted past it and the call fails with `.responseTooLarge`.
    public var maxResponseBytes: Int
    /// Headers sent with every request (e.g. `Stripe-Version`); a request header of the same name wins.
    public var defaultHeaders: [(String, String)]

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - baseURL: The upstream's base URL (scheme, host, optional port and path).
    ///   - connectTimeout: The wanted connect timeout (bounded per call by `deadline`).
    ///   - deadline: The overall budget of one call, retries and waits included.
    ///   - retry: Retry settings; ``RetrySettings/none`` sends every request once.
    ///   - breaker: Circuit breaker thresholds.
    ///   - maxResponseBytes: The response body cap, 8 MiB by default.
    ///   - defaultHeaders: Headers added to every request.
    public init(
        baseURL: String,
        connectTimeout: Duration = .seconds(2),
        deadline: Duration = .seconds(5),
        retry: RetrySettings = RetrySettings(),
        breaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration(),
        maxResponseBytes: Int = 8 * 1024 * 1024,
        defaultHeaders: [(String, String)] = []
    ) {
        self.baseURL = baseURL
        self.connectTimeout = connectTimeout
        self.deadline = deadline
        self.retry = retry
        self.breaker = breaker
        self.maxResponseBytes = maxResponseBytes
        self.defaultHeaders = defaultHeaders
    }
}

/// How many times a call is attempted and how long to wait between attempts.
///
/// Waits grow exponentially with full jitter: before attempt `n + 1` the transport waits a uniformly random
/// duration in `0 ... min(maxDelay, baseDelay * 2^(n-1))`, or at least the upstream's `Retry-After`.
public struct RetrySettings: Sendable, Hashable {
    /// The total number of attempts, the first one included (1 means no retry).
    public var maxAttempts: Int
    /// The backoff ceiling after the first attempt.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// One attempt, never retried.
    public static let none = RetrySettings(maxAttempts: 1)

    /// The backoff ceiling after attempt `attempt` (1-based): `min(maxDelay, baseDelay * 2^(attempt-1))`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(0, attempt - 1), 30)
        let ceiling = baseDelay * (1 << exponent)
        return min(ceiling, maxDelay)
    }

    /// A full-jitter backoff after attempt `attempt`: uniform in `0 ... ceiling(afterAttempt:)`.
    ///
    /// - Parameters:
    ///   - attempt: The 1-based number of the attempt that just failed.
    ///   - generator: The randomness source (seeded in tests).
    /// - Returns: How long to wait before the next attempt.
    public func backoff(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt)
        let nanoseconds = TransportTime.nanoseconds(ceiling)
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }
}

/// Duration arithmetic the transport needs (a namespace, so no `Duration` extension can clash with another file's).
enum TransportTime {
    /// The whole duration in nanoseconds, saturating at the `Int64` bounds.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? (whole < 0 ? .min : .max) : sum
    }

    /// The duration in whole milliseconds, for logs.
    static func milliseconds(_ duration: Duration) -> Int64 { nanoseconds(duration) / 1_000_000 }
}

/// A parsed base URL: the origin (`https://api.stripe.com`) and the path every relative request path goes under.
struct TransportEndpoint: Sendable, Hashable {
    /// Scheme, host and port as configured, with the scheme and host lowercased.
    let origin: String
    /// The base URL's path without its trailing slash (`""` or `/api`).
    let basePath: String

    /// Parses `baseURL`; `nil` unless it is an `http` or `https` URL with a host.
    init?(baseURL: String) {
        guard let schemeEnd = baseURL.range(of: "://") else { return nil }
        let scheme = baseURL[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = baseURL[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var path = rest[authorityEnd...]
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        while path.last == "/" { path.removeLast() }
        self.origin = scheme + "://" + authority.lowercased()
        self.basePath = String(path)
    }

    /// The absolute URL of `path` with `query` appended, or `nil` when `path` is absolute on another origin.
    func url(path: String, query: [(String, String)]) -> String? {
        var url: String
        if path.contains("://") {
            guard path.lowercased().hasPrefix(origin) else { return nil }
            let next = path.dropFirst(origin.count).first
            guard next == nil || next == "/" || next == "?" else { return nil }
            url = path
        } else {
            url = origin + basePath + (path.hasPrefix("/") ? path : "/" + path)
        }
        if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + FormEncoding.encode(query) }
        return url
    }
}
