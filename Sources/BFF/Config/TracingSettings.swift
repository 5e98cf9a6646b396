import Foundation

/// Where spans go, read from the OpenTelemetry variables every OTel SDK understands.
///
/// | variable | meaning |
/// | --- | --- |
/// | `OTEL_EXPORTER_OTLP_ENDPOINT` | base URL of an OTLP/HTTP collector (`/v1/traces` is appended); setting it (or the next one) turns the exporter on |
/// | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | the full traces URL, used as given |
/// | `OTEL_EXPORTER_OTLP_PROTOCOL` (or `…_TRACES_PROTOCOL`) | `http/protobuf` (default) or `http/json`; gRPC is not built in |
/// | `OTEL_SERVICE_NAME` | the `service.name` resource attribute; default `atrium` |
///
/// Other `OTEL_*` variables (`OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_EXPORTER_OTLP_HEADERS`, …) are
/// applied by swift-otel as the specification says. Without an endpoint, spans are still made (their ids are in the
/// logs and in the `traceparent` sent to upstreams and carried by jobs) and dropped when they end.
public struct TracingSettings: Sendable, Hashable, CustomStringConvertible {
    public enum ExportProtocol: String, Sendable, Hashable, CaseIterable {
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
    }

    /// The collector URL as configured (base or traces URL); nil: no export.
    public var otlpEndpoint: String?
    public var exportProtocol: ExportProtocol
    public var serviceName: String

    public init(otlpEndpoint: String? = nil, exportProtocol: ExportProtocol = .httpProtobuf, serviceName: String = "atrium") {
        self.otlpEndpoint = otlpEndpoint
        self.exportProtocol = exportProtocol
        self.serviceName = serviceName
    }

    /// Reads the variables through `value` (which treats empty values as unset).
    init(value: (String) -> String?) throws(ConfigError) {
        self.init()
        for name in ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"] {
            guard otlpEndpoint == nil, let raw = value(name) else { continue }
            guard let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  let host = url.host, !host.isEmpty
            else {
                throw ConfigError(name, "'\(raw.prefix(80))' is not an http(s) URL of an OTLP collector")
            }
            otlpEndpoint = raw
        }
        for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let raw = value(name) else { continue }
            guard let parsed = ExportProtocol(rawValue: raw.lowercased()) else {
                let names = ExportProtocol.allCases.map(\.rawValue).joined(separator: " or ")
                throw ConfigError(name, "'\(raw.prefix(32))' is not supported (expected \(names))")
            }
            exportProtocol = parsed
            break
        }
        if let name = value("OTEL_SERVICE_NAME") { serviceName = name }
    }

    public var description: String {
        guard let otlpEndpoint else { return "spans-not-exported" }
        // The endpoint may carry credentials in its user part; show scheme, host and port only.
        let shown = URLComponents(string: otlpEndpoint).map { "\($0.scheme ?? "")://\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" } ?? "?"
        return "otlp(\(exportProtocol.rawValue),\(shown),service=\(serviceName))"
    }
}
