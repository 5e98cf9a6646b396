import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Tracing

/// Streams one upstream's large documents (supplier feeds) chunk by chunk with ``HTTPTransport``'s semantics.
///
/// ``HTTPTransport/send(_:)`` buffers whole bodies, which a 100 000-item feed must never be; this type keeps
/// everything else the transport promises, from the same ``TransportConfiguration``:
/// - `deadline` bounds the wait for the response head (every attempt, backoff and `Retry-After` wait included);
///   after the head, `idleTimeout` bounds each wait for the next body bytes. Either ends the download with
///   `.timeout`. There is no overall limit on a download that keeps making progress.
/// - Only the head phase is retried (with the configuration's backoff and full jitter, at least `Retry-After`):
///   once bytes went to the parser the attempt cannot be replayed.
/// - A circuit breaker of its own (a ``CircuitBreaker`` value guarded by a lock; the transport's breaker is not
///   public): connection failures, 5xx and timeouts are failures, anything else that answers is a success. An
///   attempt's success is recorded when the first body bytes arrive; a download that stalls or breaks after that
///   adds a failure, so a feed that starts and then dies still counts against the upstream.
/// - The caller's span as `traceparent` (the sync job's run; no span of its own), else a fresh trace.
/// - Status mapping: 2xx streams; 429 `.rateLimited` (with `retryAfter`); 5xx `.unavailable`; 401/403
///   `.unauthorized`; 404 `.notFound`; any other status `.rejected`.
/// - `maxResponseBytes` does not apply: memory is bounded by streaming (a few chunks in flight).
final class FeedDownloader: Sendable {
    let provider: UpstreamID
    let configuration: TransportConfiguration
    let idleTimeout: Duration
    let headers: [(String, String)]
    let httpClient: HTTPClient
    let logger: Logger
    private let endpoint: TransportEndpoint?
    private let breaker: NIOLockedValueBox<CircuitBreaker>

    init(
        provider: UpstreamID,
        configuration: TransportConfiguration,
        idleTimeout: Duration,
        headers: [(String, String)],
        httpClient: HTTPClient,
        logger: Logger
    ) {
        self.provider = provider
        self.configuration = configuration
        self.idleTimeout = idleTimeout
        self.headers = headers
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: "provider"] = .string(provider.rawValue)
        self.logger = logger
        self.endpoint = TransportEndpoint(baseURL: configuration.baseURL)
        self.breaker = NIOLockedValueBox(CircuitBreaker(configuration: configuration.breaker))
    }

    /// The download circuit's state now.
    var circuitState: CircuitBreaker.State { breaker.withLockedValue { $0.state } }

    /// Starts downloading `path` in a task of its own and returns the pipe its body chunks arrive through.
    ///
    /// The pipe ends with the body, or with a ``ProviderError``. Cancel the returned task (and close the pipe) to
    /// abort the download; the connection is closed.
    func open(path: String, operation: String) -> (ChunkPipe, Task<Void, Never>) {
        let pipe = ChunkPipe()
        let task = Task {
            let watchdog = FeedWatchdog()
            let attempt = AttemptLedger(breaker: breaker)
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await watchdog.run() }
                    group.addTask { try await self.download(path: path, operation: operation, into: pipe, watchdog: watchdog, attempt: attempt) }
                    try await group.next()
                    group.cancelAll()
                }
                pipe.finish()
            } catch let fired as FeedWatchdog.Fired {
                attempt.fail()
                pipe.finish(throwing: self.log(ProviderError(.timeout, provider: provider, detail: fired.reason), operation))
            } catch let error as ProviderError {
                pipe.finish(throwing: self.log(error, operation))
            } catch {
                attempt.abandon()
                pipe.finish(throwing: ProviderError(.unavailable, provider: provider, detail: "feed download cancelled"))
            }
        }
        return (pipe, task)
    }

    /// The head phase (breaker, attempts, retries), then the body into `pipe`.
    private func download(
        path: String,
        operation: String,
        into pipe: ChunkPipe,
        watchdog: FeedWatchdog,
        attempt: AttemptLedger
    ) async throws {
        guard let url = endpoint?.url(path: path, query: []) else {
            throw ProviderError(.rejected, provider: provider, detail: "feed URL not under the configured base URL, nothing sent")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.deadline
        watchdog.expect(by: deadline, "no response within \(configuration.deadline)")
        var generator = SystemRandomNumberGenerator()
        var attempts = 0
        var lastError: ProviderError?
        var response: HTTPClientResponse?
        while response == nil {
            let decision = breaker.withLockedValue { $0.decide(now: clock.now) }
            if case .reject(let retryAfter) = decision {
                throw lastError ?? ProviderError(.circuitOpen, provider: provider, retryAfter: retryAfter, detail: "circuit open, feed not requested")
            }
            attempts += 1
            attempt.begin(probe: decision == .allowProbe)
            let error: ProviderError
            let retryable: Bool
            do {
                let answer = try await httpClient.execute(makeRequest(url), deadline: .now() + TimeAmount(max(.zero, deadline - clock.now)))
                let status = Int(answer.status.code)
                logger.debug("feed attempt", metadata: ["operation": .string(operation), "status": .stringConvertible(status)])
                if (200..<300).contains(status) {
                    response = answer
                    continue
                }
                (error, retryable) = map(status: status, headers: answer.headers)
                attempt.settle(success: !(500..<600).contains(status))
            } catch let failure as HTTPClientError where failure == .deadlineExceeded || failure == .readTimeout {
                attempt.fail()
                throw ProviderError(.timeout, provider: provider, detail: "no response within \(configuration.deadline)")
            } catch let failure {
                if Task.isCancelled { throw CancellationError() }
                attempt.fail()
                (error, retryable) = (ProviderError(.unavailable, provider: provider, detail: Self.describe(failure)), true)
            }
            guard retryable, attempts < configuration.retry.maxAttempts else { throw error }
            let backoff = configuration.retry.backoff(afterAttempt: attempts, using: &generator)
            let wait = max(backoff, error.retryAfter ?? .zero)
            guard clock.now + wait < deadline else {
                throw ProviderError(
                    error.code, provider: provider, upstreamStatus: error.upstreamStatus, retryAfter: error.retryAfter ?? wait, detail: error.detail
                )
            }
            try await Task.sleep(until: clock.now + wait, clock: clock)
            lastError = error
        }
        guard let response else { return }
        try await stream(response, into: pipe, watchdog: watchdog, attempt: attempt, clock: clock)
    }

    /// Moves the body into the pipe, one chunk at a time, under the idle timeout.
    private func stream(
        _ response: HTTPClientResponse,
        into pipe: ChunkPipe,
        watchdog: FeedWatchdog,
        attempt: AttemptLedger,
        clock: ContinuousClock
    ) async throws {
        let idle = "no feed bytes for \(idleTimeout)"
        watchdog.expect(by: clock.now + idleTimeout, idle)
        do {
            for try await chunk in response.body {
                attempt.settle(success: true, streaming: true)
                watchdog.pause()
                try await pipe.send(chunk)
                watchdog.expect(by: clock.now + idleTimeout, idle)
            }
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            attempt.fail()
            throw ProviderError(.unavailable, provider: provider, detail: "feed connection failed mid-stream: \(Self.describe(error))")
        }
        attempt.settle(success: true)
        attempt.end()
        watchdog.pause()
    }

    /// A non-2xx head as the error it means, and whether another attempt may help.
    private func map(status: Int, headers: HTTPHeaders) -> (ProviderError, Bool) {
        let retryAfter = headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0, now: Date()) }
        switch status {
        case 429:
            return (ProviderError(.rateLimited, provider: provider, upstreamStatus: 429, retryAfter: retryAfter, detail: "feed rate limited"), true)
        case 500..<600:
            let error = ProviderError(.unavailable, provider: provider, upstreamStatus: status, retryAfter: retryAfter, detail: "feed answered \(status)")
            return (error, [500, 502, 503, 504].contains(status))
        case 401, 403:
            return (ProviderError(.unauthorized, provider: provider, upstreamStatus: status, detail: "feed refused the credentials"), false)
        case 404:
            return (ProviderError(.notFound, provider: provider, upstreamStatus: status, detail: "feed not found"), false)
        default:
            return (ProviderError(.rejected, provider: provider, upstreamStatus: status, detail: "feed answered \(status)"), false)
        }
    }

    private func makeRequest(_ url: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        var headers = HTTPHeaders(configuration.defaultHeaders)
        for name in Set(self.headers.map { $0.0.lowercased() }) { headers.remove(name: name) }
        headers.add(contentsOf: self.headers)
        if !headers.contains(name: "Accept") { headers.add(name: "Accept", value: "application/xml, text/xml") }
        TraceHeadersInjector.propagate(ServiceContext.current ?? .topLevel, tracer: InstrumentationSystem.tracer, into: &headers)
        request.headers = headers
        return request
    }

    private func log(_ error: ProviderError, _ operation: String) -> ProviderError {
        logger.warning(
            "feed download failed",
            metadata: ["operation": .string(operation), "code": .string(error.code.description), "detail": .string(error.detail)]
        )
        return error
    }

    /// A log-safe description of a connection failure (AsyncHTTPClient's short description carries no headers).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "HTTP client: \(error.shortDescription)" }
        return "connection failed: \(type(of: error))"
    }
}

/// The breaker bookkeeping of one download's current attempt: at most one outcome per attempt while its head and
/// first bytes are awaited, plus one failure if an attempt that started streaming breaks.
final class AttemptLedger: Sendable {
    private enum Phase { case idle, pending(probe: Bool), streaming }
    private let breaker: NIOLockedValueBox<CircuitBreaker>
    private let phase = NIOLockedValueBox(Phase.idle)

    init(breaker: NIOLockedValueBox<CircuitBreaker>) { self.breaker = breaker }

    func begin(probe: Bool) { phase.withLockedValue { $0 = .pending(probe: probe) } }

    /// Records the pending attempt's outcome (no-op once recorded); `streaming` when body bytes are flowing.
    func settle(success: Bool, streaming: Bool = false) {
        let record = phase.withLockedValue { phase -> Bool in
            guard case .pending = phase else { return false }
            phase = success && streaming ? .streaming : .idle
            return true
        }
        if record { _ = breaker.withLockedValue { $0.record(success: success, now: .now) } }
    }

    /// The attempt failed (timeout, connection lost), before or after it started streaming.
    func fail() {
        let record = phase.withLockedValue { phase -> Bool in
            defer { phase = .idle }
            if case .idle = phase { return false }
            return true
        }
        if record { _ = breaker.withLockedValue { $0.record(success: false, now: .now) } }
    }

    /// The body ended normally.
    func end() { phase.withLockedValue { $0 = .idle } }

    /// The download was cancelled by its consumer: a probe that never got an answer frees its slot.
    func abandon() {
        let probe = phase.withLockedValue { phase -> Bool in
            defer { phase = .idle }
            if case .pending(probe: true) = phase { return true }
            return false
        }
        if probe { breaker.withLockedValue { $0.abandonProbe() } }
    }
}
