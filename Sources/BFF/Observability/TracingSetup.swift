public import Logging
import OTel
public import ServiceLifecycle
import Tracing

extension AtriumConfig {
    /// Installs the process-wide tracer (swift-otel's, W3C trace context) and returns the service that batches and
    /// exports its spans; run it with the process's other services, first in the list so it stops last and flushes.
    ///
    /// Call once per process, from `main`, after ``bootstrapLogging()``. Without an OTLP endpoint
    /// (``TracingSettings``) spans are still made — their ids go into log lines, the `traceparent` sent upstream and
    /// the jobs a request enqueues — and are dropped when they end.
    ///
    /// - Parameter role: `serve` or `worker`, the `atrium.process` resource attribute.
    public func bootstrapTracing(role: String, logger: Logger) throws -> any Service {
        var otel = OTel.Configuration.default
        otel.serviceName = tracing.serviceName
        otel.resourceAttributes = ["atrium.process": role]
        otel.diagnosticLogger = .custom(logger)
        otel.diagnosticLogLevel = .warning
        otel.propagators = [.traceContext]
        otel.logs.enabled = false
        otel.metrics.enabled = false
        otel.traces.exporter = tracing.otlpEndpoint == nil ? .none : .otlp
        otel.traces.otlpExporter.protocol = tracing.exportProtocol == .httpJSON ? .httpJSON : .httpProtobuf
        let backend = try OTel.makeTracingBackend(configuration: otel)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}

/// The logging metadata provider that puts the current span's `trace_id` and `span_id` on every log line.
public let traceLogMetadataProvider: Logger.MetadataProvider = OTel.makeLoggingMetadataProvider()
