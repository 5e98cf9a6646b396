import AsyncHTTPClient
import Domain
import HTTPTypes
import NIOHTTP1
@testable import BFF
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import OTel
import Providers
import Queue
import Testing
import Tracing

/// Tracing pieces that need no process-wide tracer: the settings, trace ids in log lines, `traceparent` on upstream
/// calls, the job payload carrier. The cross-process trace (request → job in a worker → upstream calls, exported
/// over OTLP) is `TracingProcessTests` in atriumTests.
@Suite("Tracing")
struct TracingTests {
    /// A swift-otel tracer of the test's own (the process-wide one is never bootstrapped in tests), exporting nothing.
    static func tracer() throws -> any Tracer {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "atrium-tests"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .none
        configuration.diagnosticLogger = .custom(Logger(label: "otel", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try OTel.makeTracingBackend(configuration: configuration).factory
    }

    /// The W3C position of `context` as the tracer propagates it: (trace id, span id).
    static func position(_ context: ServiceContext, tracer: any Tracer) -> (trace: String, span: String)? {
        var carrier: [String: String] = [:]
        tracer.inject(context, into: &carrier, using: DictionaryCarrier())
        guard let traceparent = carrier["traceparent"], let parsed = TraceContext(traceparent: traceparent) else { return nil }
        return (parsed.traceID, parsed.spanID)
    }

    @Test func settingsComeFromTheOpenTelemetryVariables() throws {
        let none = try AtriumConfig(environment: [:])
        #expect(none.tracing.otlpEndpoint == nil)
        #expect(none.tracing.serviceName == "atrium")
        #expect("\(none)".contains("tracing=spans-not-exported"))

        let json = try AtriumConfig(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://user:pw@collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_SERVICE_NAME": "atrium-eu",
        ])
        #expect(json.tracing.otlpEndpoint == "http://user:pw@collector:4318")
        #expect(json.tracing.exportProtocol == .httpJSON)
        #expect(json.tracing.serviceName == "atrium-eu")
        #expect("\(json)".contains("tracing=otlp(http/json,http://collector:4318,service=atrium-eu)"))
        #expect(!"\(json)".contains("pw"))

        let specific = try AtriumConfig(environment: [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector/v1/traces", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4318",
        ])
        #expect(specific.tracing.otlpEndpoint == "https://collector/v1/traces")
        #expect(specific.tracing.exportProtocol == .httpProtobuf)
    }

    @Test(arguments: [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "thrift"),
    ])
    func badSettingsNameTheirVariable(_ name: String, _ value: String) {
        #expect {
            _ = try AtriumConfig(environment: [name: value])
        } throws: { error in
            (error as? ConfigError)?.variable == name
        }
    }

    @Test func logLinesInsideASpanCarryItsTraceAndSpanIDs() throws {
        let tracer = try Self.tracer()
        let lines = NIOLockedValueBox<[String]>([])
        var handler = JSONLogHandler(label: "test", level: .info) { line in lines.withLockedValue { $0.append(line) } }
        handler.metadataProvider = traceLogMetadataProvider
        let logger = Logger(label: "test", factory: { _ in handler })

        logger.info("outside any span")
        let position = tracer.withSpan("unit of work") { span -> (trace: String, span: String)? in
            logger.info("signed in as alice@example.com")
            return Self.position(span.context, tracer: tracer)
        }
        let ids = try #require(position)
        let written = lines.withLockedValue { $0 }
        try #require(written.count == 2)
        let outside = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        let inside = try #require(try JSONSerialization.jsonObject(with: Data(written[1].utf8)) as? [String: Any])
        #expect(outside["trace_id"] == nil)
        let text = written[1]
        #expect(text.contains(ids.trace), "\(text)")
        #expect(text.contains(ids.span), "\(text)")
        #expect(text.contains("[email]") && !text.contains("alice@example.com"), "\(text)")
        #expect("\(inside)".contains(ids.trace))
    }

    @Test func upstreamCallsSendTheirSpanAsAChildOfTheCaller() async throws {
        let tracer = try Self.tracer()
        let received = NIOLockedValueBox<[String]>([])
        let router = Router()
        router.get("ping") { request, _ -> String in
            received.withLockedValue { $0.append(request.headers[HTTPField.Name("traceparent")!] ?? "missing") }
            return "pong"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let transport = HTTPTransport(
                provider: .stripe, configuration: TransportConfiguration(baseURL: "http://127.0.0.1:\(port)"), tracer: tracer
            )
            let parent = try await tracer.withSpan("request") { span in
                _ = try await transport.send(TransportRequest(.GET, "/ping", operation: "ping"))
                return Self.position(span.context, tracer: tracer)
            }
            _ = try await transport.send(TransportRequest(.GET, "/ping", operation: "ping"))

            let headers = received.withLockedValue { $0 }
            try #require(headers.count == 2)
            let inside = try #require(TraceContext(traceparent: headers[0]), "\(headers[0])")
            let caller = try #require(parent)
            #expect(inside.traceID == caller.trace)
            #expect(inside.spanID != caller.span, "the call is a span of its own")
            let outside = try #require(TraceContext(traceparent: headers[1]), "\(headers[1])")
            #expect(outside.traceID != caller.trace, "a call outside any span starts a trace")
        }
    }

    @Test func jobsFindTheTraceparentInTheirPayload() throws {
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let fulfillment = Array(try JSONEncoder().encode(FulfillmentJob.Payload(orderID: UUID(), traceparent: traceparent)))
        #expect(JobTracing.traceparent(in: fulfillment) == traceparent)
        let webhook = Array(try JSONEncoder().encode(WebhookProcessingJob.Payload(inboxID: UUID(), traceparent: traceparent)))
        #expect(JobTracing.traceparent(in: webhook) == traceparent)
        #expect(JobTracing.traceparent(in: Array(try JSONEncoder().encode(WebhookProcessingJob.Payload(inboxID: UUID())))) == nil)
        #expect(JobTracing.traceparent(in: Array("not json".utf8)) == nil)
        #expect(JobTracing.traceparent(in: []) == nil)
        // Without a process-wide tracer there is nothing to carry.
        #expect(JobTracing.currentTraceparent() == nil)
    }
}
