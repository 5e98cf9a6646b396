import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Tracing

/// One ``HTTPTransport/send(_:)`` in progress.
struct CallState: Sendable {
    let request: TransportRequest
    let start: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    /// The tracer and the context of the call's span, injected into every attempt.
    let tracer: any Tracer
    let span: ServiceContext
    var attempts = 0
}

/// What one attempt produced, before the retry policy judges it.
enum AttemptOutcome: Sendable {
    case response(TransportResponse)
    /// The call's deadline passed before the complete answer.
    case timedOut
    /// The body exceeded the cap; the read was aborted.
    case tooLarge(status: Int)
    /// Refused, reset, TLS or other connection-level failure; the detail is safe to log.
    case connectionFailed(String)
    /// AsyncHTTPClient refused the request before sending it (a malformed URL or header).
    case invalidRequest(String)
    case cancelled
}

/// The retry policy's reading of an attempt.
struct Verdict {
    let result: Result<TransportResponse, ProviderError>
    /// The outcome for the circuit breaker; `nil` when the attempt says nothing about the upstream's health.
    let breakerSuccess: Bool?
    /// Whether another attempt may help (only used for retryable requests).
    let retryable: Bool
}

extension HTTPTransport {
    /// The attempt loop: breaker, attempt, judgement, backoff, until success, a final failure or the deadline.
    func run(_ call: inout CallState, clock: ContinuousClock) async throws(ProviderError) -> TransportResponse {
        guard let endpoint else {
            throw ProviderError(.rejected, provider: provider, detail: "invalid base URL in configuration, nothing sent")
        }
        guard let url = endpoint.url(path: call.request.path, query: call.request.query) else {
            throw ProviderError(.rejected, provider: provider, detail: "absolute URL outside the base URL's origin refused")
        }
        let maxAttempts = call.request.retryable ? configuration.retry.maxAttempts : 1
        var generator = SystemRandomNumberGenerator()
        var lastError: ProviderError?
        while true {
            let decision = decide(now: clock.now)
            if case .reject(let retryAfter) = decision {
                // After an attempt was sent, its own failure says more than "circuit open".
                throw lastError
                    ?? ProviderError(.circuitOpen, provider: provider, retryAfter: retryAfter, detail: "circuit open, call not sent")
            }
            call.attempts += 1
            let attemptStart = clock.now
            let httpRequest = makeRequest(call, url: url)
            let trace = httpRequest.headers.first(name: "traceparent").flatMap(TraceContext.init(traceparent:))
            let outcome = await perform(httpRequest, deadline: call.deadline)
            let latency = clock.now - attemptStart
            logAttempt(call, url: url, outcome: outcome, latency: latency, trace: trace)
            let verdict = judge(outcome)
            record(verdict.breakerSuccess, probe: decision == .allowProbe, latency: latency, now: clock.now)

            let error: ProviderError
            switch verdict.result {
            case .success(let response): return response
            case .failure(let failure): error = failure
            }
            guard verdict.retryable, call.attempts < maxAttempts else { throw error }
            let backoff = configuration.retry.backoff(afterAttempt: call.attempts, using: &generator)
            let wait = max(backoff, error.retryAfter ?? .zero)
            guard clock.now + wait < call.deadline else {
                // Sleeping past the deadline helps nobody: fail now and say when to come back.
                throw error.withRetryAfter(error.retryAfter ?? wait)
            }
            do {
                try await Task.sleep(until: clock.now + wait, clock: clock)
            } catch {
                throw ProviderError(.unavailable, provider: provider, detail: "call cancelled during backoff")
            }
            lastError = error
        }
    }

    /// Reads an attempt's outcome: what to return or throw, what the breaker learns, whether to retry.
    func judge(_ outcome: AttemptOutcome) -> Verdict {
        switch outcome {
        case .response(let response):
            let retryAfter = response.retryAfter
            switch response.status {
            case 429:
                let error = ProviderError(
                    .rateLimited,
                    provider: provider,
                    upstreamStatus: 429,
                    retryAfter: retryAfter,
                    detail: "upstream rate limit"
                )
                return Verdict(result: .failure(error), breakerSuccess: true, retryable: true)
            case 500..<600:
                let error = ProviderError(
                    .unavailable,
                    provider: provider,
                    upstreamStatus: response.status,
                    retryAfter: retryAfter,
                    detail: "upstream answered \(response.status)"
                )
                return Verdict(result: .failure(error), breakerSuccess: false, retryable: [500, 502, 503, 504].contains(response.status))
            default:
                return Verdict(result: .success(response), breakerSuccess: true, retryable: false)
            }
        case .timedOut:
            let error = ProviderError(.timeout, provider: provider, detail: "no complete answer within \(configuration.deadline)")
            return Verdict(result: .failure(error), breakerSuccess: false, retryable: false)
        case .tooLarge(let status):
            let error = ProviderError(
                .responseTooLarge,
                provider: provider,
                upstreamStatus: status,
                detail: "response body over \(configuration.maxResponseBytes) bytes, read aborted"
            )
            return Verdict(result: .failure(error), breakerSuccess: true, retryable: false)
        case .connectionFailed(let detail):
            let error = ProviderError(.unavailable, provider: provider, detail: detail)
            return Verdict(result: .failure(error), breakerSuccess: false, retryable: true)
        case .invalidRequest(let detail):
            let error = ProviderError(.rejected, provider: provider, detail: "request refused before sending: \(detail)")
            return Verdict(result: .failure(error), breakerSuccess: nil, retryable: false)
        case .cancelled:
            let error = ProviderError(.unavailable, provider: provider, detail: "call cancelled")
            return Verdict(result: .failure(error), breakerSuccess: nil, retryable: false)
        }
    }

    /// Builds the AsyncHTTPClient request of one attempt: default headers, request headers, the call span's
    /// `traceparent` (a random one when no tracer is bootstrapped, so upstream logs can still be matched).
    func makeRequest(_ call: CallState, url: String) -> HTTPClientRequest {
        let request = call.request
        var httpRequest = HTTPClientRequest(url: url)
        httpRequest.method = request.method
        var headers = HTTPHeaders(configuration.defaultHeaders)
        for name in Set(request.headers.map { $0.0.lowercased() }) { headers.remove(name: name) }
        headers.add(contentsOf: request.headers)
        TraceHeadersInjector.propagate(call.span, tracer: call.tracer, into: &headers)
        httpRequest.headers = headers
        if let body = request.body { httpRequest.body = .bytes(ByteBuffer(data: body)) }
        return httpRequest
    }

    /// Runs one attempt, racing it against the call's deadline so that neither a hung connect, a hung head nor a
    /// trickling body can outlive it (AsyncHTTPClient's deadline stops guarding once the head has arrived).
    func perform(_ request: HTTPClientRequest, deadline: ContinuousClock.Instant) async -> AttemptOutcome {
        let client = httpClient
        let maxBytes = configuration.maxResponseBytes
        return await withTaskGroup(of: AttemptOutcome?.self) { group in
            group.addTask { await Self.exchange(request, client: client, deadline: deadline, maxBytes: maxBytes) }
            group.addTask {
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return nil }
                return .timedOut
            }
            var outcome = AttemptOutcome.cancelled
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
            }
            // Cancelling the exchange cancels AsyncHTTPClient's request, which closes its connection.
            group.cancelAll()
            return outcome
        }
    }

    /// Sends the request and reads the body up to `maxBytes`.
    static func exchange(
        _ request: HTTPClientRequest,
        client: HTTPClient,
        deadline: ContinuousClock.Instant,
        maxBytes: Int
    ) async -> AttemptOutcome {
        do {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .timedOut }
            let response = try await client.execute(request, deadline: .now() + TimeAmount(remaining))
            let status = Int(response.status.code)
            if request.method != .HEAD, let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                return .tooLarge(status: status)
            }
            var buffer = ByteBuffer()
            for try await chunk in response.body {
                // Returning drops the body iterator, which makes AsyncHTTPClient abort the read and the connection.
                guard buffer.readableBytes + chunk.readableBytes <= maxBytes else { return .tooLarge(status: status) }
                buffer.writeImmutableBuffer(chunk)
            }
            let body = buffer.readData(length: buffer.readableBytes) ?? Data()
            return .response(TransportResponse(status: status, headers: response.headers, body: body))
        } catch let error as HTTPClientError {
            return classify(error)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .connectionFailed("\(type(of: error)): \(String(describing: error).prefix(200))")
        }
    }

    /// Sorts AsyncHTTPClient's errors; details use `shortDescription`, which never carries header values.
    static func classify(_ error: HTTPClientError) -> AttemptOutcome {
        if error == .deadlineExceeded || error == .readTimeout || error == .writeTimeout { return .timedOut }
        if error == .cancelled { return .cancelled }
        let refusedBeforeSending: [HTTPClientError] = [
            .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath, .alreadyShutdown, .traceRequestWithBody, .bodyLengthMismatch,
        ]
        let short = error.shortDescription
        if refusedBeforeSending.contains(error) || short.hasPrefix("Invalid header") || short.hasPrefix("Unsupported scheme") {
            return .invalidRequest(short)
        }
        return .connectionFailed("HTTP client: \(short)")
    }

    /// Consults the breaker, reporting a move from open to half-open.
    func decide(now: ContinuousClock.Instant) -> CircuitBreaker.Decision {
        let (decision, changed) = state.withLockedValue { state -> (CircuitBreaker.Decision, CircuitBreaker.State?) in
            let before = state.breaker.state
            let decision = state.breaker.decide(now: now)
            return (decision, state.breaker.state == before ? nil : state.breaker.state)
        }
        if let changed { circuitChanged(to: changed) }
        return decision
    }

    /// Feeds an attempt's outcome to the breaker (or frees its probe slot) and keeps its latency.
    func record(_ success: Bool?, probe: Bool, latency: Duration, now: ContinuousClock.Instant) {
        let changed = state.withLockedValue { state -> CircuitBreaker.State? in
            state.lastLatency = latency
            guard let success else {
                if probe { state.breaker.abandonProbe() }
                return nil
            }
            return state.breaker.record(success: success, now: now)
        }
        if let changed { circuitChanged(to: changed) }
    }

    private func circuitChanged(to newState: CircuitBreaker.State) {
        logger.warning("circuit changed", metadata: ["circuit": .string(newState.description)])
        observer?.circuitChanged(provider: provider, to: newState)
    }

    private func logAttempt(_ call: CallState, url: String, outcome: AttemptOutcome, latency: Duration, trace: TraceContext?) {
        let result: Logger.MetadataValue
        switch outcome {
        case .response(let response): result = .stringConvertible(response.status)
        case .timedOut: result = "timeout"
        case .tooLarge(let status): result = .string("\(status) body too large")
        case .connectionFailed(let detail), .invalidRequest(let detail): result = .string(detail)
        case .cancelled: result = "cancelled"
        }
        logger.debug(
            "upstream attempt",
            metadata: [
                "operation": .string(call.request.operation),
                "method": .string(call.request.method.rawValue),
                "url": .string(Redaction.url(url)),
                "status": result,
                "duration_ms": .stringConvertible(TransportTime.milliseconds(latency)),
                "attempt": .stringConvertible(call.attempts),
                "trace_id": .string(trace?.traceID ?? "none"),
            ]
        )
    }
}

extension ProviderError {
    /// The same error with `retryAfter` replaced.
    func withRetryAfter(_ retryAfter: Duration) -> ProviderError {
        ProviderError(
            code,
            provider: provider,
            upstreamStatus: upstreamStatus,
            upstreamCode: upstreamCode,
            path: path,
            retryAfter: retryAfter,
            detail: detail
        )
    }
}

/// Writes trace headers (`traceparent`, `tracestate`) into AsyncHTTPClient's headers.
struct TraceHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }

    /// Replaces any caller-set trace headers with `context`'s; when the tracer propagates nothing (none is
    /// bootstrapped), a child of ``TraceContext/current`` or a fresh trace, so upstream logs can still be matched.
    static func propagate(_ context: ServiceContext, tracer: any Tracer, into headers: inout HTTPHeaders) {
        headers.remove(name: "traceparent")
        headers.remove(name: "tracestate")
        tracer.inject(context, into: &headers, using: TraceHeadersInjector())
        if !headers.contains(name: "traceparent") {
            headers.add(name: "traceparent", value: (TraceContext.current?.child() ?? TraceContext.random()).traceparent)
        }
    }
}
