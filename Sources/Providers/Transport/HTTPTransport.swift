public import AsyncHTTPClient
public import Domain
import Foundation
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
public import Tracing

/// The HTTP transport every provider adapter sends through: deadline, retries, circuit breaker, trace propagation
/// and log-safe logging, with every failure mapped to ``ProviderError``.
///
/// One instance per upstream, alive for the whole process and shared by all its callers. The `HTTPClient` is
/// passed in (one per process, owned and shut down by the caller); build it with ``makeHTTPClient(connectTimeout:)``.
///
/// What ``send(_:)`` returns or throws, for the final attempt:
/// - 2xx, 3xx and 4xx other than 429 are returned (adapters map 4xx bodies, where upstreams put their error codes).
/// - 429 throws `.rateLimited` with `retryAfter` from `Retry-After`; 5xx and connection failures throw
///   `.unavailable`; no complete answer within the deadline throws `.timeout`; a body over the cap throws
///   `.responseTooLarge`; an open circuit throws `.circuitOpen` without sending anything.
public final class HTTPTransport: Sendable {
    public let provider: UpstreamID
    public let configuration: TransportConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    let observer: (any TransportObserver)?
    /// `nil`: the process's tracer (`InstrumentationSystem.tracer`), read at each call.
    let tracer: (any Tracer)?
    /// `nil` when the configured base URL cannot be parsed; every call then fails without sending.
    let endpoint: TransportEndpoint?
    let state: NIOLockedValueBox<MutableState>

    struct MutableState: Sendable {
        var breaker: CircuitBreaker
        var lastLatency: Duration?
    }

    /// Creates the transport of one upstream.
    ///
    /// - Parameters:
    ///   - provider: The upstream, named in every log line and error.
    ///   - configuration: Base URL, deadline, retries, breaker and limits.
    ///   - httpClient: The process's client. The default is ``sharedHTTPClient`` (redirects off, decompression
    ///     off); AsyncHTTPClient's own `.shared` follows redirects, which would hide 3xx answers from adapters.
    ///   - logger: Where attempt (`debug`), failure and circuit (`warning`) lines go.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    ///   - tracer: Makes the span of each call; `nil` (the default) uses the process's bootstrapped tracer.
    public init(
        provider: UpstreamID,
        configuration: TransportConfiguration,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.providers.transport"),
        observer: (any TransportObserver)? = nil,
        tracer: (any Tracer)? = nil
    ) {
        self.tracer = tracer
        self.provider = provider
        self.configuration = configuration
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: "provider"] = .string(provider.rawValue)
        self.logger = logger
        self.observer = observer
        self.endpoint = TransportEndpoint(baseURL: configuration.baseURL)
        self.state = NIOLockedValueBox(MutableState(breaker: CircuitBreaker(configuration: configuration.breaker)))
    }

    /// The circuit's state now (an open circuit whose open period has passed still reads `open` until a call
    /// comes and turns it half-open).
    public var circuitState: CircuitBreaker.State { state.withLockedValue { $0.breaker.state } }

    /// What the admin API shows about this upstream.
    public var snapshot: TransportSnapshot {
        state.withLockedValue { state in
            TransportSnapshot(
                provider: provider,
                circuitState: state.breaker.state,
                windowCalls: state.breaker.windowCalls,
                windowFailures: state.breaker.windowFailures,
                lastLatency: state.lastLatency
            )
        }
    }

    /// Sends `request`, retrying as the configuration and the request allow, within the configured deadline.
    ///
    /// - Parameter request: The call to make.
    /// - Returns: The final 2xx, 3xx or non-429 4xx response, its body complete.
    /// - Throws: Only ``ProviderError``: `.rateLimited`, `.unavailable`, `.timeout`, `.responseTooLarge`,
    ///   `.circuitOpen`, or `.rejected` for a path outside the base URL's origin (nothing sent).
    ///
    /// Each call is one client span (`<provider> <operation>`, a child of the caller's span), and every attempt
    /// sends that span's `traceparent`; attempts are events on it.
    public func send(_ request: TransportRequest) async throws(ProviderError) -> TransportResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        let span = tracer.startSpan("\(provider.rawValue) \(request.operation)", context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes["atrium.provider"] = provider.rawValue
        span.attributes["atrium.operation"] = request.operation
        span.attributes["http.request.method"] = request.method.rawValue
        if let origin = endpoint?.origin { span.attributes["atrium.upstream.origin"] = origin }
        defer { span.end() }
        var call = CallState(request: request, start: start, deadline: start + configuration.deadline, tracer: tracer, span: span.context)
        do {
            let response = try await run(&call, clock: clock)
            span.attributes["http.response.status_code"] = response.status
            span.attributes["atrium.attempts"] = call.attempts
            finish(call, outcome: "\(response.status / 100)xx", clock: clock)
            return response
        } catch {
            span.attributes["atrium.attempts"] = call.attempts
            span.attributes["atrium.error.code"] = error.code.description
            if let status = error.upstreamStatus { span.attributes["http.response.status_code"] = status }
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: error.code.description))
            finish(call, outcome: error.code.description, clock: clock)
            logger.warning(
                "upstream call failed",
                metadata: [
                    "operation": .string(request.operation),
                    "method": .string(request.method.rawValue),
                    "code": .string(error.code.description),
                    "status": error.upstreamStatus.map { .stringConvertible($0) } ?? "none",
                    "attempts": .stringConvertible(call.attempts),
                    "detail": .string(error.detail),
                ]
            )
            throw error
        }
    }

    /// Makes the process's `HTTPClient` for upstream calls: shared event loop group, redirects disabled (3xx answers
    /// reach the adapter), decompression off, no hidden connection-establishment retries (a refused connection
    /// fails the attempt at once and the transport's own retry policy decides), and `connectTimeout` as the
    /// client-wide connect timeout.
    ///
    /// AsyncHTTPClient applies its connect timeout to the whole client, not per request, so per-upstream connect
    /// timeouts (``TransportConfiguration/connectTimeout``) cannot be set on the socket. They are bounded instead by
    /// each call's deadline: `send` hands AsyncHTTPClient the remaining deadline and races every attempt against
    /// it, so a connection that is slow to establish ends the call with `.timeout` when the deadline passes. Pass the
    /// largest connect timeout any upstream needs here. The caller owns the client and must shut it down.
    public static func makeHTTPClient(connectTimeout: Duration = .seconds(2)) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: TimeAmount(connectTimeout)),
            decompression: .disabled
        )
        // AsyncHTTPClient would otherwise retry a refused connection with its own backoff until the connect timeout,
        // hiding the failure from the transport's retry policy and breaker and spending the call's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        // The transport makes one span per call and sends its `traceparent` itself; AsyncHTTPClient's own span per
        // request would only duplicate it.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// A process-wide client made by ``makeHTTPClient(connectTimeout:)``, never shut down (like AsyncHTTPClient's
    /// `HTTPClient.shared`); the default of ``init(provider:configuration:httpClient:logger:observer:)``.
    public static let sharedHTTPClient: HTTPClient = makeHTTPClient()

    private func finish(_ call: CallState, outcome: String, clock: ContinuousClock) {
        observer?.callFinished(
            provider: provider,
            operation: call.request.operation,
            outcome: outcome,
            attempts: call.attempts,
            duration: clock.now - call.start
        )
    }
}

/// A transport's state for the admin API.
public struct TransportSnapshot: Sendable, Hashable {
    public let provider: UpstreamID
    public let circuitState: CircuitBreaker.State
    /// Outcomes in the breaker's failure-rate window (emptied when the circuit closes after being open).
    public let windowCalls: Int
    /// Failures among ``windowCalls``.
    public let windowFailures: Int
    /// How long the most recent attempt took, if any was sent.
    public let lastLatency: Duration?

    public init(
        provider: UpstreamID,
        circuitState: CircuitBreaker.State,
        windowCalls: Int,
        windowFailures: Int,
        lastLatency: Duration?
    ) {
        self.provider = provider
        self.circuitState = circuitState
        self.windowCalls = windowCalls
        self.windowFailures = windowFailures
        self.lastLatency = lastLatency
    }
}
