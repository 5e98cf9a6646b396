import Foundation
public import Hummingbird
import Logging

/// `GET /health` (liveness) and `GET /ready` (readiness, one entry per dependency).
public struct HealthController<Context: RequestContext>: Sendable {
    let checks: [DependencyCheck]
    /// How long one dependency may take before it counts as down.
    let checkTimeout: Duration

    public init(checks: [DependencyCheck], checkTimeout: Duration = .seconds(2)) {
        self.checks = checks
        self.checkTimeout = checkTimeout
    }

    public var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("health") { _, _ in
            HealthBody(status: "ok")
        }
        routes.get("ready") { _, context in
            let report = await self.report()
            if !report.failing.isEmpty {
                context.logger.warning("not ready", metadata: ["failing": "\(report.failing.joined(separator: ","))"])
            }
            return EditedResponse(status: report.failing.isEmpty ? .ok : .serviceUnavailable, headers: [.cacheControl: "no-store"], response: report)
        }
        return routes
    }

    /// Runs every check concurrently, each bounded by `checkTimeout`.
    public func report() async -> ReadinessReport {
        let timeout = checkTimeout
        let entries = await withTaskGroup(of: (Int, ReadinessReport.Entry).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask {
                    let start = ContinuousClock.now
                    let result: DependencyCheck.Result
                    do {
                        result = try await withDeadline(timeout) { await check.run() }
                    } catch {
                        result = .init(.down, detail: "no answer within \(timeout)")
                    }
                    let elapsed = ContinuousClock.now - start
                    let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    return (
                        index,
                        .init(
                            name: check.name,
                            status: result.status,
                            required: check.required,
                            backend: check.backend,
                            latencyMs: (millis * 100).rounded() / 100,
                            detail: result.detail
                        )
                    )
                }
            }
            var collected: [(Int, ReadinessReport.Entry)] = []
            for await entry in group { collected.append(entry) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let failing = entries.filter { $0.required && $0.status != .up }.map(\.name)
        return ReadinessReport(status: failing.isEmpty ? "ready" : "not_ready", failing: failing, checks: entries)
    }
}

struct HealthBody: ResponseEncodable {
    let status: String
}

/// The body of `GET /ready`.
public struct ReadinessReport: ResponseEncodable, Sendable {
    /// `ready` or `not_ready`.
    public let status: String
    /// Names of the required dependencies that are not up.
    public let failing: [String]
    public let checks: [Entry]

    public struct Entry: Codable, Sendable {
        public let name: String
        public let status: DependencyCheck.Status
        public let required: Bool
        public let backend: String
        public let latencyMs: Double
        public let detail: String?

        enum CodingKeys: String, CodingKey {
            case name, status, required, backend, detail
            case latencyMs = "latency_ms"
        }
    }
}
