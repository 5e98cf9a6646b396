import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Sandbox
import Testing
import TestSupport

/// One trace across processes, exported over OTLP/HTTP (JSON) to a collector in this test: a staff approval sent with
/// a `traceparent` to an `atrium serve` process, the fulfillment job it enqueues run by an `atrium worker` process,
/// and that job's upstream calls. Real Redis, PostgreSQL and sandbox upstreams. The same worker serves its own
/// `/metrics` (`--metrics-port`), where its job runs and upstream calls show.
@Suite("Tracing across processes", .serialized)
struct TracingProcessTests {
    @Test func anApprovalsTraceContinuesIntoTheWorkerAndItsUpstreamCalls() async throws {
        let metricsPort = try freeLoopbackPort()
        let collector = try await SpanCollector.start()
        let stack = try await FulfillmentStack.start(extraEnvironment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collector.port)",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_SERVICE_NAME": "atrium-trace-test",
        ])
        var workers: [AtriumProcess] = []
        do {
            let customer = try await stack.account()
            let staff = try await stack.account(staffRole: "ops")
            workers.append(try stack.startWorker(extraArguments: ["--metrics-port", "\(metricsPort)"]))
            let placed = try await stack.call(
                "POST", "/api/v1/orders", token: customer.token, json: ["items": [["sku": "PHONE-A55", "quantity": 1]]]
            )
            try #require(placed.status == 201, "place: \(placed.status) \(placed.text)")
            let id = try #require(placed.json["id"] as? String)

            // The caller's own trace: the approval must continue it, and everything after must stay in it.
            let traceID = Self.randomHex(16)
            let callerSpan = Self.randomHex(8)
            let approved = try await stack.call(
                "POST", "/api/v1/admin/orders/\(id)/approve", token: staff.token, headers: ["traceparent": "00-\(traceID)-\(callerSpan)-01"]
            )
            #expect(approved.status == 202, "approve: \(approved.status) \(approved.text)")
            let order = try await stack.waitForOrder(id, token: customer.token) { ($0["status"] as? String) == "fulfilled" }
            #expect(order["status"] as? String == "fulfilled")

            // The worker's job span and its supplier call arrive within a few export rounds.
            let spans = try await collector.wait(within: .seconds(15)) { spans in
                let trace = spans.filter { $0.traceID == traceID }
                return trace.contains { $0.name == "job order.fulfill" } && trace.contains { $0.attributes["atrium.provider"] == "supplier" }
            }
            let trace = spans.filter { $0.traceID == traceID }
            let names = trace.map(\.name)
            let request = try #require(trace.first { $0.parentSpanID == callerSpan }, "no span continues the caller's: \(names)")
            #expect(request.name == "/api/v1/admin/orders/{id}/approve", "\(names)")
            #expect(request.process == "serve" && request.service == "atrium-trace-test")
            #expect(request.attributes["http.response.status_code"] == "202")

            let jobs = trace.filter { $0.name == "job order.fulfill" }
            #expect(!jobs.isEmpty && jobs.allSatisfy { $0.process == "worker" && $0.parentSpanID == request.spanID }, "\(jobs)")
            #expect(jobs.contains { $0.attributes["atrium.job.outcome"] == "completed" }, "\(jobs.map(\.attributes))")
            let jobSpanIDs = Set(jobs.map(\.spanID))
            let upstream = trace.filter { $0.attributes["atrium.provider"] != nil && $0.process == "worker" }
            #expect(upstream.contains { $0.name.hasPrefix("supplier ") }, "\(names)")
            #expect(upstream.allSatisfy { jobSpanIDs.contains($0.parentSpanID ?? "") }, "\(upstream)")
            // The supplier sandbox saw the same trace in the traceparent of the purchase-order call.
            let seen = stack.sandboxes.supplier.control.calls().compactMap { $0.header("traceparent") }
            #expect(seen.contains { $0.contains(traceID) }, "\(seen)")

            // The worker's own /metrics: its fulfillment runs, its supplier call, the depth of its queues.
            var scrape = HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics")
            scrape.method = .GET
            let response = try await HTTPClient.shared.execute(scrape, timeout: .seconds(5))
            #expect(response.status == .ok)
            let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
            let lines = text.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("atrium_queue_runs_total{") && $0.contains(#"job="order.fulfill""#) && $0.contains(#"outcome="completed""#) }, "\(text.prefix(2000))")
            #expect(lines.contains { $0.hasPrefix("atrium_queue_job_run_seconds_bucket{") && $0.contains(#"queue="fulfillment""#) })
            #expect(lines.contains { $0.hasPrefix("atrium_upstream_calls_total{") && $0.contains(#"provider="supplier""#) })
            #expect(lines.contains { $0.hasPrefix("atrium_queue_jobs{") && $0.contains(#"queue="fulfillment""#) })
        } catch {
            for worker in workers { worker.forceStop() }
            await stack.stop()
            await collector.stop()
            throw error
        }
        for worker in workers { worker.forceStop() }
        await stack.stop()
        await collector.stop()
    }

    static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 1...255)) }.joined()
    }
}

/// An OTLP/HTTP collector for tests: `POST /v1/traces` with a JSON body (OTLP's JSON encoding), spans kept in memory.
final class SpanCollector: Sendable {
    struct Span: Sendable, CustomStringConvertible {
        let service: String
        /// The `atrium.process` resource attribute: `serve` or `worker`.
        let process: String
        let traceID: String
        let spanID: String
        let parentSpanID: String?
        let name: String
        let attributes: [String: String]

        var description: String { "\(process):\(name)(\(spanID)<-\(parentSpanID ?? "-"))" }
    }

    let port: Int
    private let spans: NIOLockedValueBox<[Span]>
    private let task: Task<Void, any Error>

    private init(port: Int, spans: NIOLockedValueBox<[Span]>, task: Task<Void, any Error>) {
        self.port = port
        self.spans = spans
        self.task = task
    }

    static func start() async throws -> SpanCollector {
        let spans = NIOLockedValueBox<[Span]>([])
        let router = Router()
        router.post("v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            let decoded = try Self.parse(Data(buffer: body))
            spans.withLockedValue { $0.append(contentsOf: decoded) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let port = try freeLoopbackPort()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let collector = SpanCollector(port: port, spans: spans, task: task)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if (try? await Self.probe(port: port)) == true { return collector }
            try await Task.sleep(for: .milliseconds(50))
        }
        await collector.stop()
        throw CollectorError.notListening
    }

    enum CollectorError: Error { case notListening, timedOut([Span]) }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Waits until `done` holds for the spans received so far; returns them.
    func wait(within limit: Duration, until done: ([Span]) -> Bool) async throws -> [Span] {
        let deadline = ContinuousClock.now + limit
        while true {
            let now = spans.withLockedValue { $0 }
            if done(now) { return now }
            guard ContinuousClock.now < deadline else { throw CollectorError.timedOut(now) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func probe(port: Int) async throws -> Bool {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/traces")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"resourceSpans":[]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
        return response.status == .ok
    }

    /// Reads an `ExportTraceServiceRequest` in OTLP's JSON encoding. Ids may come hex- or base64-encoded.
    static func parse(_ data: Data) throws -> [Span] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var result: [Span] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let resource = attributes((resourceSpans["resource"] as? [String: Any])?["attributes"])
            for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    guard let trace = id(span["traceId"]), let spanID = id(span["spanId"]) else { continue }
                    result.append(
                        Span(
                            service: resource["service.name"] ?? "", process: resource["atrium.process"] ?? "",
                            traceID: trace, spanID: spanID, parentSpanID: id(span["parentSpanId"]),
                            name: span["name"] as? String ?? "", attributes: attributes(span["attributes"])
                        )
                    )
                }
            }
        }
        return result
    }

    private static func attributes(_ raw: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in raw as? [[String: Any]] ?? [] {
            guard let key = entry["key"] as? String, let value = entry["value"] as? [String: Any], let first = value.first else { continue }
            result[key] = "\(first.value)"
        }
        return result
    }

    private static func id(_ raw: Any?) -> String? {
        guard let text = raw as? String, !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) { return text }
        guard let bytes = Data(base64Encoded: text) else { return nil }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
