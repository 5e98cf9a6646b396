import Domain
import Foundation
import Hummingbird
import Providers

/// `GET /admin/providers`: each configured upstream's circuit state, recent error rate and latency, read from
/// the adapters' transports (``TransportSnapshot``): the error rate is the failures among the outcomes of the
/// circuit breaker's window, the latency the most recent attempt's.
///
/// An adapter that does not expose its transport (the Salesforce adapter, the Heureka feed's counters) is listed
/// with what it does expose and `observed: false` for the rest. With ``AdminProviderStats`` wired into the
/// registry's transports, every entry also carries `recent` (calls, failures and mean latency of the last 5
/// minutes, per upstream), and Salesforce's circuit state is the last one its transports reported.
struct AdminProviderController: Sendable {
    static let roles: Set<Role> = [.admin, .ops, .security]

    let services: AppServices
    var stats: AdminProviderStats?

    var routes: RouteCollection<StaffContext> {
        let routes = RouteCollection(context: StaffContext.self)
        routes.add(middleware: StaffRoleGate(allowing: Self.roles, services: services))
        routes.get("providers", use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: StaffContext) async throws -> AdminProviderListDTO {
        AdminProviderListDTO(data: Self.providers(services.providers, stats: stats))
    }

    static func providers(_ registry: ProviderRegistry, stats: AdminProviderStats? = nil) -> [AdminProviderDTO] {
        let entries = observed(registry, stats: stats)
        guard let stats else { return entries }
        return entries.map { entry in
            var entry = entry
            if let upstream = UpstreamID(rawValue: entry.upstream), let summary = stats.summary(upstream) {
                entry.recent = AdminProviderRecentDTO(summary)
                if entry.circuitState == "unknown", let circuit = summary.circuit { entry.circuitState = AdminProviderDTO.wire(circuit) }
            }
            return entry
        }
    }

    static func observed(_ registry: ProviderRegistry, stats: AdminProviderStats?) -> [AdminProviderDTO] {
        var out: [AdminProviderDTO] = []
        for (upstream, billing) in registry.billing.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            switch billing {
            case let stripe as StripeBillingProvider: out.append(AdminProviderDTO(stripe.transport.snapshot, name: upstream.rawValue, kind: "billing"))
            case let whmcs as WHMCSBillingProvider: out.append(AdminProviderDTO(whmcs.transportSnapshot, name: upstream.rawValue, kind: "billing"))
            default: out.append(AdminProviderDTO(unobserved: upstream, name: upstream.rawValue, kind: "billing", circuit: nil))
            }
        }
        if let crm = registry.crm {
            out.append(AdminProviderDTO(unobserved: crm.upstream, name: crm.upstream.rawValue, kind: "crm", circuit: nil))
        }
        if let sim = registry.sim {
            if let platform = sim as? SIMPlatformProvider {
                out.append(AdminProviderDTO(platform.transport.snapshot, name: UpstreamID.sim.rawValue, kind: "sim"))
            } else {
                out.append(AdminProviderDTO(unobserved: .sim, name: UpstreamID.sim.rawValue, kind: "sim", circuit: nil))
            }
        }
        for supplier in registry.suppliers {
            switch supplier {
            case let api as JSONSupplierAPI: out.append(AdminProviderDTO(api.transport.snapshot, name: "supplier:\(api.supplierID)", kind: "supplier"))
            case let feed as HeurekaFeedSupplier:
                out.append(AdminProviderDTO(unobserved: .supplier, name: "supplier:\(feed.supplierID)", kind: "supplier", circuit: feed.circuitState))
            default: out.append(AdminProviderDTO(unobserved: .supplier, name: "supplier", kind: "supplier", circuit: nil))
            }
        }
        return out
    }
}

/// `GET /admin/providers`.
struct AdminProviderListDTO: ResponseEncodable, Codable, Sendable, Hashable {
    let data: [AdminProviderDTO]
}

/// One upstream adapter's health.
struct AdminProviderDTO: Codable, Sendable, Hashable {
    /// `stripe`, `whmcs`, `salesforce`, `sim`, or `supplier:<feed>`.
    let name: String
    let upstream: String
    /// `billing`, `crm`, `sim` or `supplier`.
    let kind: String
    /// `closed`, `open`, `half_open`, or `unknown` when the adapter does not expose it.
    var circuitState: String
    /// Whether the counters below come from the adapter's transport.
    let observed: Bool
    /// Outcomes in the circuit breaker's window.
    let windowCalls: Int
    let windowFailures: Int
    /// `window_failures / window_calls`; null without calls.
    let errorRate: Double?
    /// The most recent attempt's duration.
    let lastLatencyMs: Double?
    /// The last 5 minutes of calls to this upstream (``AdminProviderStats``), when the stats are wired.
    var recent: AdminProviderRecentDTO?

    init(_ snapshot: TransportSnapshot, name: String, kind: String) {
        self.name = name
        upstream = snapshot.provider.rawValue
        self.kind = kind
        circuitState = Self.wire(snapshot.circuitState)
        observed = true
        windowCalls = snapshot.windowCalls
        windowFailures = snapshot.windowFailures
        errorRate = snapshot.windowCalls > 0 ? Double(snapshot.windowFailures) / Double(snapshot.windowCalls) : nil
        lastLatencyMs = snapshot.lastLatency.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }
    }

    init(unobserved upstream: UpstreamID, name: String, kind: String, circuit: CircuitBreaker.State?) {
        self.name = name
        self.upstream = upstream.rawValue
        self.kind = kind
        circuitState = circuit.map(Self.wire) ?? "unknown"
        observed = false
        windowCalls = 0
        windowFailures = 0
        errorRate = nil
        lastLatencyMs = nil
    }

    static func wire(_ state: CircuitBreaker.State) -> String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, upstream, kind, observed, recent
        case circuitState = "circuit_state"
        case windowCalls = "window_calls"
        case windowFailures = "window_failures"
        case errorRate = "error_rate"
        case lastLatencyMs = "last_latency_ms"
    }
}

/// The last 5 minutes of calls to one upstream (all of its adapters' transports together).
struct AdminProviderRecentDTO: Codable, Sendable, Hashable {
    let calls: Int
    let failures: Int
    let errorRate: Double?
    let meanLatencyMs: Double?

    init(_ summary: AdminProviderStats.Summary) {
        calls = summary.calls
        failures = summary.failures
        errorRate = summary.calls > 0 ? Double(summary.failures) / Double(summary.calls) : nil
        meanLatencyMs = summary.meanLatencyMs
    }

    enum CodingKeys: String, CodingKey {
        case calls, failures
        case errorRate = "error_rate"
        case meanLatencyMs = "mean_latency_ms"
    }
}
