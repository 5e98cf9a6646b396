import AsyncHTTPClient
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Providers
import Testing

/// The transport against a real Hummingbird upstream on loopback: retries, deadlines, caps, breaker, tracing, logs.
@Suite("HTTP transport")
struct HTTPTransportTests {
    // MARK: Responses returned, not thrown

    @Test func notFoundIsReturnedAsAResponseAndNotRetried() async throws {
        try await withUpstream { router, hits in
            router.get("/v1/customers/cus_x") { request, _ -> Response in
                hits.record("missing", request)
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"resource_missing"}}"#)))
            }
        } test: { baseURL, hits in
            let response = try await transport(baseURL).send(TransportRequest(.GET, "/v1/customers/cus_x", operation: "customers.get"))
            #expect(response.status == 404)
            #expect(String(decoding: response.body, as: UTF8.self).contains("resource_missing"))
            #expect(hits.count("missing") == 1)
        }
    }

    @Test func redirectIsReturnedAndNotFollowed() async throws {
        try await withUpstream { router, hits in
            router.get("/moved") { request, _ -> Response in
                hits.record("moved", request)
                return Response(status: .found, headers: [.init("Location")!: "/elsewhere"])
            }
            router.get("/elsewhere") { request, _ -> HTTPResponse.Status in
                hits.record("elsewhere", request)
                return .ok
            }
        } test: { baseURL, hits in
            let client = HTTPTransport.makeHTTPClient(connectTimeout: .seconds(1))
            let transport = HTTPTransport(provider: .stripe, configuration: .init(baseURL: baseURL), httpClient: client)
            let response = try await transport.send(TransportRequest(.GET, "/moved", operation: "moved"))
            try await client.shutdown()
            #expect(response.status == 302)
            #expect(response.header("location") == "/elsewhere")
            #expect(hits.count("elsewhere") == 0)
        }
    }

    // MARK: Retries

    @Test func getIsRetriedAfter503AndSucceeds() async throws {
        try await withUpstream { router, hits in
            router.get("/flaky") { request, _ -> HTTPResponse.Status in
                hits.record("flaky", request) == 1 ? .serviceUnavailable : .ok
            }
        } test: { baseURL, hits in
            let observer = RecordingObserver()
            let response = try await transport(baseURL, observer: observer).send(TransportRequest(.GET, "/flaky", operation: "flaky"))
            #expect(response.status == 200)
            #expect(hits.count("flaky") == 2)
            #expect(observer.calls == [.init(operation: "flaky", outcome: "2xx", attempts: 2)])
        }
    }

    @Test func postIsSentOnceEvenWhenTheUpstreamFails() async throws {
        try await withUpstream { router, hits in
            router.post("/v1/charges") { request, _ -> HTTPResponse.Status in
                hits.record("charges", request)
                return .serviceUnavailable
            }
        } test: { baseURL, hits in
            let request = TransportRequest.form(.POST, "/v1/charges", fields: [("amount", "100")], operation: "charges.create")
            #expect(request.retryable == false)
            let error = await sendError(transport(baseURL), request)
            #expect(error?.code == .unavailable)
            #expect(error?.upstreamStatus == 503)
            #expect(hits.count("charges") == 1)
        }
    }

    @Test func retryablePostIsRetriedUpToMaxAttempts() async throws {
        try await withUpstream { router, hits in
            router.post("/v1/charges") { request, _ -> HTTPResponse.Status in
                hits.record("charges", request, body: try await request.body.collect(upTo: 1 << 20))
                return .internalServerError
            }
        } test: { baseURL, hits in
            var request = TransportRequest.form(
                .POST,
                "/v1/charges",
                fields: [("amount", "100")],
                headers: [("Idempotency-Key", "k1")],
                operation: "charges.create"
            )
            request.retryable = true
            let error = await sendError(transport(baseURL), request)
            #expect(error?.code == .unavailable)
            #expect(error?.upstreamStatus == 500)
            #expect(hits.count("charges") == 3)
            // Every attempt carried the same body and idempotency key.
            let bodies = Set(hits.all("charges").map { String(buffer: $0.body) })
            #expect(bodies == ["amount=100"])
            #expect(hits.all("charges").allSatisfy { $0.header("Idempotency-Key") == "k1" })
        }
    }

    @Test func nonRetriedStatusesAreSentOnce() async throws {
        try await withUpstream { router, hits in
            router.get("/not-implemented") { request, _ -> HTTPResponse.Status in
                hits.record("501", request)
                return .notImplemented
            }
        } test: { baseURL, hits in
            let error = await sendError(transport(baseURL), TransportRequest(.GET, "/not-implemented", operation: "x"))
            #expect(error?.code == .unavailable)
            #expect(error?.upstreamStatus == 501)
            #expect(hits.count("501") == 1)
        }
    }

    @Test func rateLimitedAttemptWaitsAtLeastRetryAfter() async throws {
        try await withUpstream { router, hits in
            router.get("/limited") { request, _ -> Response in
                if hits.record("limited", request) == 1 {
                    return Response(status: .tooManyRequests, headers: [.init("Retry-After")!: "1"])
                }
                return Response(status: .ok)
            }
        } test: { baseURL, hits in
            let response = try await transport(baseURL).send(TransportRequest(.GET, "/limited", operation: "limited"))
            #expect(response.status == 200)
            let times = hits.all("limited").map(\.at)
            try #require(times.count == 2)
            #expect(times[1] - times[0] >= .seconds(1))
        }
    }

    @Test func retryAfterBeyondTheDeadlineFailsAtOnceWithRetryAfter() async throws {
        try await withUpstream { router, hits in
            router.get("/limited") { request, _ -> Response in
                hits.record("limited", request)
                return Response(status: .tooManyRequests, headers: [.init("Retry-After")!: "30"])
            }
            router.get("/maintenance") { request, _ -> Response in
                hits.record("maintenance", request)
                return Response(status: .serviceUnavailable, headers: [.init("Retry-After")!: "30"])
            }
        } test: { baseURL, hits in
            let transport = transport(baseURL, deadline: .seconds(5))
            let start = ContinuousClock.now
            let limited = await sendError(transport, TransportRequest(.GET, "/limited", operation: "limited"))
            // It neither slept the 30 s nor waited out the 5 s deadline.
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(limited?.code == .rateLimited)
            #expect(limited?.upstreamStatus == 429)
            #expect(limited?.retryAfter == .seconds(30))
            #expect(hits.count("limited") == 1)

            let maintenance = await sendError(transport, TransportRequest(.GET, "/maintenance", operation: "maintenance"))
            #expect(maintenance?.code == .unavailable)
            #expect(maintenance?.retryAfter == .seconds(30))
            #expect(hits.count("maintenance") == 1)
        }
    }

    @Test func refusedConnectionIsUnavailableAfterEveryAttempt() async throws {
        // A port a server just listened on and let go of: connecting to it is refused.
        let closed = NIOLockedValueBox("")
        try await withUpstream { _, _ in } test: { baseURL, _ in closed.withLockedValue { $0 = baseURL } }
        let observer = RecordingObserver()
        let baseURL = closed.withLockedValue { $0 }
        let error = await sendError(transport(baseURL, observer: observer), TransportRequest(.GET, "/", operation: "root"))
        #expect(error?.code == .unavailable)
        #expect(error?.upstreamStatus == nil)
        #expect(observer.calls.first?.attempts == 3)
    }

    // MARK: Deadline and size cap

    @Test func hangingUpstreamTimesOutWithinTheDeadline() async throws {
        try await withUpstream { router, hits in
            router.get("/hang") { request, _ -> HTTPResponse.Status in
                hits.record("hang", request)
                await hits.waitForRelease()
                return .ok
            }
        } test: { baseURL, hits in
            defer { hits.release() }
            let start = ContinuousClock.now
            let error = await sendError(transport(baseURL, deadline: .milliseconds(500)), TransportRequest(.GET, "/hang", operation: "hang"))
            let elapsed = ContinuousClock.now - start
            #expect(error?.code == .timeout)
            #expect(elapsed >= .milliseconds(500))
            #expect(elapsed < .seconds(5), "the handler hangs until released; returning early proves the deadline")
            #expect(hits.count("hang") == 1)
        }
    }

    @Test func bodyThatStopsMidwayTimesOutWithinTheDeadline() async throws {
        try await withUpstream { router, hits in
            router.get("/trickle") { request, _ -> Response in
                hits.record("trickle", request)
                return Response(
                    status: .ok,
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: "{\"data\":["))
                        await hits.waitForRelease()
                        try await writer.finish(nil)
                    }
                )
            }
        } test: { baseURL, hits in
            defer { hits.release() }
            let start = ContinuousClock.now
            let error = await sendError(transport(baseURL, deadline: .milliseconds(500)), TransportRequest(.GET, "/trickle", operation: "trickle"))
            #expect(error?.code == .timeout)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test(arguments: ["/big", "/big-chunked"])
    func bodyOverTheCapIsResponseTooLarge(path: String) async throws {
        try await withUpstream { router, _ in
            router.get("/big") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: 64 * 1024))) }
            router.get("/big-chunked") { _, _ in
                Response(
                    status: .ok,
                    body: ResponseBody { writer in
                        for _ in 0..<64 { try await writer.write(ByteBuffer(repeating: 0x61, count: 1024)) }
                        try await writer.finish(nil)
                    }
                )
            }
        } test: { baseURL, _ in
            let error = await sendError(transport(baseURL, maxResponseBytes: 4096), TransportRequest(.GET, path, operation: "big"))
            #expect(error?.code == .responseTooLarge)
            #expect(error?.upstreamStatus == 200)
        }
    }

    @Test func bodyExactlyAtTheCapIsReturned() async throws {
        try await withUpstream { router, _ in
            router.get("/exact") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: 4096))) }
        } test: { baseURL, _ in
            let response = try await transport(baseURL, maxResponseBytes: 4096).send(TransportRequest(.GET, "/exact", operation: "exact"))
            #expect(response.body.count == 4096)
        }
    }

    // MARK: Circuit breaker

    @Test func breakerOpensAndThenSendsNothing() async throws {
        try await withUpstream { router, hits in
            router.get("/down") { request, _ -> HTTPResponse.Status in
                hits.record("down", request)
                return .internalServerError
            }
        } test: { baseURL, hits in
            let observer = RecordingObserver()
            let transport = transport(baseURL, retry: .none, breaker: smallBreaker(open: .seconds(60)), observer: observer)
            for _ in 0..<4 {
                let error = await sendError(transport, TransportRequest(.GET, "/down", operation: "down"))
                #expect(error?.code == .unavailable)
            }
            #expect(transport.circuitState == .open)
            #expect(observer.circuitChanges == [.open])
            for _ in 0..<3 {
                let error = await sendError(transport, TransportRequest(.GET, "/down", operation: "down"))
                #expect(error?.code == .circuitOpen)
                #expect((error?.retryAfter ?? .zero) > .zero)
            }
            #expect(hits.count("down") == 4)
            #expect(observer.calls.last?.attempts == 0)
            let snapshot = transport.snapshot
            #expect(snapshot.circuitState == .open)
            #expect(snapshot.windowCalls == 4)
            #expect(snapshot.windowFailures == 4)
            #expect(snapshot.lastLatency != nil)
        }
    }

    @Test func halfOpenProbesCloseTheCircuitAgain() async throws {
        try await withUpstream { router, hits in
            router.get("/switch") { request, _ -> HTTPResponse.Status in
                hits.record("switch", request)
                return hits.isReleased ? .ok : .badGateway
            }
        } test: { baseURL, hits in
            let observer = RecordingObserver()
            let transport = transport(baseURL, retry: .none, breaker: smallBreaker(open: .milliseconds(200)), observer: observer)
            for _ in 0..<4 { _ = await sendError(transport, TransportRequest(.GET, "/switch", operation: "switch")) }
            #expect(transport.circuitState == .open)

            // A failed probe re-opens the circuit.
            try await Task.sleep(for: .milliseconds(250))
            #expect(await sendError(transport, TransportRequest(.GET, "/switch", operation: "switch"))?.code == .unavailable)
            #expect(transport.circuitState == .open)
            #expect(await sendError(transport, TransportRequest(.GET, "/switch", operation: "switch"))?.code == .circuitOpen)
            #expect(hits.count("switch") == 5)

            // The upstream recovers: two successful probes close it.
            hits.release()
            try await Task.sleep(for: .milliseconds(250))
            #expect(try await transport.send(TransportRequest(.GET, "/switch", operation: "switch")).status == 200)
            #expect(transport.circuitState == .halfOpen)
            #expect(try await transport.send(TransportRequest(.GET, "/switch", operation: "switch")).status == 200)
            #expect(transport.circuitState == .closed)
            #expect(hits.count("switch") == 7)
            #expect(observer.circuitChanges == [.open, .halfOpen, .open, .halfOpen, .closed])
        }
    }

    @Test func clientErrorsAndRateLimitsDoNotOpenTheCircuit() async throws {
        try await withUpstream { router, hits in
            router.get("/limited") { request, _ -> HTTPResponse.Status in
                hits.record("limited", request)
                return .tooManyRequests
            }
            router.get("/bad") { _, _ -> HTTPResponse.Status in .badRequest }
        } test: { baseURL, _ in
            let transport = transport(baseURL, retry: .none, breaker: smallBreaker(open: .seconds(60)))
            for _ in 0..<4 {
                #expect(await sendError(transport, TransportRequest(.GET, "/limited", operation: "limited"))?.code == .rateLimited)
                let response = try await transport.send(TransportRequest(.GET, "/bad", operation: "bad"))
                #expect(response.status == 400)
            }
            #expect(transport.circuitState == .closed)
        }
    }

    // MARK: Trace context

    @Test func everyRequestCarriesAFreshTraceparent() async throws {
        try await withUpstream { router, hits in
            router.get("/echo") { request, _ -> HTTPResponse.Status in
                hits.record("echo", request)
                return .ok
            }
        } test: { baseURL, hits in
            _ = try await transport(baseURL).send(TransportRequest(.GET, "/echo", operation: "echo"))
            let header = try #require(hits.all("echo").first?.header("traceparent"))
            #expect(header.wholeMatch(of: /00-[0-9a-f]{32}-[0-9a-f]{16}-01/) != nil)
            #expect(!header.contains("-00000000000000000000000000000000-"))
            #expect(TraceContext(traceparent: header)?.traceparent == header)
        }
    }

    @Test func requestsInsideATraceAreItsChildren() async throws {
        try await withUpstream { router, hits in
            router.get("/flaky") { request, _ -> HTTPResponse.Status in
                hits.record("flaky", request) == 1 ? .gatewayTimeout : .ok
            }
        } test: { baseURL, hits in
            let parent = try #require(TraceContext(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", sampled: false))
            let transport = transport(baseURL)
            _ = try await TraceContext.$current.withValue(parent) {
                try await transport.send(TransportRequest(.GET, "/flaky", operation: "flaky"))
            }
            let contexts = hits.all("flaky").compactMap { $0.header("traceparent").flatMap(TraceContext.init(traceparent:)) }
            try #require(contexts.count == 2)
            #expect(contexts.allSatisfy { $0.traceID == parent.traceID && !$0.sampled })
            #expect(contexts.allSatisfy { $0.spanID != parent.spanID })
            // Each attempt is its own span.
            #expect(contexts[0].spanID != contexts[1].spanID)
        }
    }

    // MARK: URLs and headers

    @Test func pathsAreResolvedUnderTheBasePathAndQueriesEncoded() async throws {
        try await withUpstream { router, hits in
            router.get("/api/v1/invoices") { request, _ -> HTTPResponse.Status in
                hits.record("invoices", request)
                return .ok
            }
        } test: { baseURL, hits in
            let transport = transport(baseURL + "/api/")
            let query = [("customer", "cus 1&x=y"), ("expand[]", "data.lines"), ("note", "Zürich ✓ +1")]
            _ = try await transport.send(TransportRequest(.GET, "/v1/invoices", query: query, operation: "invoices.list"))
            // An absolute URL on the same origin (a pagination link) is accepted as is.
            _ = try await transport.send(TransportRequest(.GET, baseURL + "/api/v1/invoices?page=2", operation: "invoices.list"))
            let seen = hits.all("invoices")
            try #require(seen.count == 2)
            #expect(seen[0].query["customer"] == "cus 1&x=y")
            #expect(seen[0].query["expand[]"] == "data.lines")
            #expect(seen[0].query["note"] == "Zürich ✓ +1")
            #expect(seen[1].query["page"] == "2")
        }
    }

    @Test func absoluteURLOnAnotherOriginIsRefusedWithoutSending() async throws {
        let transport = transport("http://127.0.0.1:9/api")
        for path in ["http://evil.example/api/x", "http://127.0.0.1:9.evil.example/x", "http://127.0.0.1:90/x"] {
            let error = await sendError(transport, TransportRequest(.GET, path, operation: "x"))
            #expect(error?.code == .rejected)
        }
    }

    @Test func defaultHeadersAreSentAndRequestHeadersWin() async throws {
        try await withUpstream { router, hits in
            router.get("/h") { request, _ -> HTTPResponse.Status in
                hits.record("h", request)
                return .ok
            }
        } test: { baseURL, hits in
            let configuration = TransportConfiguration(
                baseURL: baseURL,
                defaultHeaders: [("Stripe-Version", "2024-06-20"), ("Accept", "application/json")]
            )
            let transport = HTTPTransport(provider: .stripe, configuration: configuration)
            _ = try await transport.send(TransportRequest(.GET, "/h", headers: [("accept", "text/csv")], operation: "h"))
            let hit = try #require(hits.all("h").first)
            #expect(hit.header("Stripe-Version") == "2024-06-20")
            #expect(hit.headerValues("Accept") == ["text/csv"])
        }
    }

    // MARK: Logging

    @Test func logsNeverCarryCredentialsBodiesOrSensitiveQueryValues() async throws {
        try await withUpstream { router, _ in
            router.post("/v1/x") { _, _ -> HTTPResponse.Status in .serviceUnavailable }
        } test: { baseURL, _ in
            let logs = LogCapture()
            let transport = transport(baseURL, logger: logs.logger)
            var request = TransportRequest.form(
                .POST,
                "/v1/x",
                fields: [("password", "hunter2-body")],
                headers: [("Authorization", "Bearer sk_live_topsecret")],
                operation: "x.create"
            )
            request.query = [("api_token", "s3cr3t-query"), ("limit", "10")]
            request.retryable = true
            _ = await sendError(transport, request)
            let lines = logs.lines
            #expect(lines.filter { $0.hasPrefix("debug") }.count == 3)
            #expect(lines.filter { $0.hasPrefix("warning") && $0.contains("upstream call failed") }.count == 1)
            for secret in ["hunter2-body", "sk_live_topsecret", "s3cr3t-query"] {
                #expect(!lines.contains { $0.contains(secret) }, "\(secret) leaked into the log")
            }
            #expect(lines.contains { $0.contains("api_token=[redacted]&limit=10") })
            #expect(lines.contains { $0.contains("x.create") && $0.contains("provider=stripe") })
        }
    }

    // MARK: Retry-After values

    @Test func retryAfterReadsSecondsAndHTTPDates() throws {
        let now = Date(timeIntervalSince1970: 1_445_412_450)  // 30 s before Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-5", now: now) == nil)
    }

    @Test func retryBackoffIsFullJitterUnderAnExponentialCeiling() {
        let settings = RetrySettings(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(350))
        #expect(settings.ceiling(afterAttempt: 1) == .milliseconds(100))
        #expect(settings.ceiling(afterAttempt: 2) == .milliseconds(200))
        #expect(settings.ceiling(afterAttempt: 3) == .milliseconds(350))
        var generator = SystemRandomNumberGenerator()
        let waits = (0..<200).map { _ in settings.backoff(afterAttempt: 2, using: &generator) }
        #expect(waits.allSatisfy { $0 >= .zero && $0 <= .milliseconds(200) })
        #expect(Set(waits).count > 1)
        #expect(RetrySettings.none.maxAttempts == 1)
    }
}

// MARK: - Test upstream

/// What the test upstream saw, and a switch the test flips (release a hanging route, heal a failing one).
final class UpstreamLog: Sendable {
    struct Hit: Sendable {
        let at: ContinuousClock.Instant
        let headers: HTTPFields
        let query: [String: String]
        let body: ByteBuffer

        func header(_ name: String) -> String? { headerValues(name).first }
        func headerValues(_ name: String) -> [String] { headers.filter { $0.name.canonicalName == name.lowercased() }.map(\.value) }
    }

    private let hits = NIOLockedValueBox<[String: [Hit]]>([:])
    private let released = NIOLockedValueBox(false)

    /// Records a hit on `route` and returns how many `route` has seen, this one included.
    @discardableResult
    func record(_ route: String, _ request: Request, body: ByteBuffer = ByteBuffer()) -> Int {
        var query: [String: String] = [:]
        // Hummingbird decodes query values but not keys.
        for (key, value) in request.uri.queryParameters { query[String(key).removingPercentEncoding ?? String(key)] = String(value) }
        let hit = Hit(at: .now, headers: request.headers, query: query, body: body)
        return hits.withLockedValue { hits in
            hits[route, default: []].append(hit)
            return hits[route, default: []].count
        }
    }

    func count(_ route: String) -> Int { all(route).count }
    func all(_ route: String) -> [Hit] { hits.withLockedValue { $0[route] ?? [] } }

    func release() { released.withLockedValue { $0 = true } }
    var isReleased: Bool { released.withLockedValue { $0 } }

    /// Waits until the test releases the route (at most 10 s, so a failed test cannot hang the server).
    func waitForRelease() async {
        let until = ContinuousClock.now + .seconds(10)
        while !isReleased, ContinuousClock.now < until { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// Runs `test` against a live Hummingbird app on a random loopback port, with the routes `routes` adds.
func withUpstream(
    _ routes: (Router<BasicRequestContext>, UpstreamLog) -> Void,
    test: @Sendable (_ baseURL: String, _ log: UpstreamLog) async throws -> Void
) async throws {
    let router = Router()
    let log = UpstreamLog()
    routes(router, log)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        let port = try #require(client.port)
        try await test("http://127.0.0.1:\(port)", log)
    }
}

/// A transport with test-friendly retry delays.
func transport(
    _ baseURL: String,
    deadline: Duration = .seconds(5),
    retry: RetrySettings = RetrySettings(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)),
    breaker: CircuitBreaker.Configuration = .init(),
    maxResponseBytes: Int = 8 * 1024 * 1024,
    logger: Logger = Logger(label: "test.transport"),
    observer: RecordingObserver? = nil
) -> HTTPTransport {
    let configuration = TransportConfiguration(
        baseURL: baseURL,
        deadline: deadline,
        retry: retry,
        breaker: breaker,
        maxResponseBytes: maxResponseBytes
    )
    return HTTPTransport(provider: .stripe, configuration: configuration, logger: logger, observer: observer)
}

/// Four outcomes, opening at half failures, closing after two good probes.
func smallBreaker(open: Duration) -> CircuitBreaker.Configuration {
    .init(windowSize: 4, minimumCalls: 4, failureRateThreshold: 0.5, openDuration: open, halfOpenMaxProbes: 1, successesToClose: 2)
}

/// Sends `request` expecting a ``ProviderError``; records an issue and returns `nil` if a response came back.
func sendError(_ transport: HTTPTransport, _ request: TransportRequest) async -> ProviderError? {
    do {
        let response = try await transport.send(request)
        Issue.record("expected a ProviderError, got HTTP \(response.status)")
        return nil
    } catch {
        return error
    }
}

/// Collects observer callbacks.
final class RecordingObserver: TransportObserver {
    struct Call: Hashable, Sendable {
        let operation: String
        let outcome: String
        let attempts: Int
    }

    private let state = NIOLockedValueBox<(calls: [Call], changes: [CircuitBreaker.State])>(([], []))

    var calls: [Call] { state.withLockedValue { $0.calls } }
    var circuitChanges: [CircuitBreaker.State] { state.withLockedValue { $0.changes } }

    func callFinished(provider: UpstreamID, operation: String, outcome: String, attempts: Int, duration: Duration) {
        state.withLockedValue { $0.calls.append(Call(operation: operation, outcome: outcome, attempts: attempts)) }
    }

    func circuitChanged(provider: UpstreamID, to state: CircuitBreaker.State) {
        self.state.withLockedValue { $0.changes.append(state) }
    }
}

/// A logger whose lines (level, message and all metadata) are kept for inspection.
final class LogCapture: Sendable {
    private let store = NIOLockedValueBox<[String]>([])
    var lines: [String] { store.withLockedValue { $0 } }

    var logger: Logger {
        var logger = Logger(label: "test.capture") { _ in Handler(store: self.store) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let store: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            store.withLockedValue { $0.append("\(event.level) \(event.message) \(rendered)") }
        }
    }
}
