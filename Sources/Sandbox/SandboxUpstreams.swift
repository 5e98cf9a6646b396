public import Domain
import Foundation
public import Logging

/// All five sandbox upstreams, started together on loopback: what `atrium sandbox` and the embedded default run.
///
/// Each is seeded with the demo accounts' data (Alice and Bob; see each sandbox's constants) and gets its own
/// random credentials and webhook secret unless given.
public final class SandboxUpstreams: Sendable {
    public let stripe: StripeSandbox
    public let whmcs: WHMCSSandbox
    public let salesforce: SalesforceSandbox
    public let sim: SIMSandbox
    public let supplier: SupplierSandbox
    public let servers: [UpstreamID: SandboxServer]

    private init(
        stripe: StripeSandbox, whmcs: WHMCSSandbox, salesforce: SalesforceSandbox, sim: SIMSandbox, supplier: SupplierSandbox,
        servers: [UpstreamID: SandboxServer]
    ) {
        self.stripe = stripe
        self.whmcs = whmcs
        self.salesforce = salesforce
        self.sim = sim
        self.supplier = supplier
        self.servers = servers
    }

    /// The upstreams in a fixed order (the order of ``UpstreamID``).
    public var all: [any SandboxUpstream] { [stripe, whmcs, salesforce, sim, supplier] }

    /// Starts every sandbox.
    ///
    /// - Parameters:
    ///   - host: The loopback address to listen on.
    ///   - basePort: `nil` picks free ports; otherwise stripe, whmcs, salesforce, sim, supplier listen on
    ///     `basePort` … `basePort + 4`.
    ///   - webhookBaseURL: When set, each sandbox posts its signed webhooks to `<webhookBaseURL>/<upstream>`
    ///     (Atrium's receivers are `/webhooks/<upstream>`).
    ///   - simOperationDelay: How long the SIM platform's asynchronous operations take.
    ///   - simPoolSize: Free SIM cards in the platform's pool.
    /// - Throws: when a fixture cannot be read or a port cannot be bound (already started servers are stopped).
    public static func start(
        host: String = "127.0.0.1",
        basePort: Int? = nil,
        webhookBaseURL: String? = nil,
        simOperationDelay: Duration = .milliseconds(1500),
        simPoolSize: Int = SIMSandbox.poolSize,
        logger: Logger = Logger(label: "atrium.sandbox")
    ) async throws -> SandboxUpstreams {
        let stripe = try StripeSandbox()
        let whmcs = try WHMCSSandbox()
        let salesforce = try SalesforceSandbox()
        let sim = try SIMSandbox(operationDelay: simOperationDelay, poolSize: simPoolSize)
        let supplier = try SupplierSandbox()
        let upstreams: [any SandboxUpstream] = [stripe, whmcs, salesforce, sim, supplier]
        var servers: [UpstreamID: SandboxServer] = [:]
        do {
            for (offset, upstream) in upstreams.enumerated() {
                if let webhookBaseURL {
                    upstream.control.webhookURL = webhookBaseURL.trimmingSuffix("/") + "/" + upstream.upstream.rawValue
                }
                servers[upstream.upstream] = try await SandboxServer.start(
                    upstream, host: host, port: basePort.map { $0 + offset } ?? 0, logger: logger
                )
            }
        } catch {
            for server in servers.values { await server.stop() }
            throw error
        }
        return SandboxUpstreams(stripe: stripe, whmcs: whmcs, salesforce: salesforce, sim: sim, supplier: supplier, servers: servers)
    }

    public func baseURL(_ upstream: UpstreamID) -> String { servers[upstream]?.baseURL ?? "" }

    /// The supplier's Heureka feed URL in the sandbox: a generated feed of `items` items.
    public func supplierFeedURL(items: Int = 500) -> String { baseURL(.supplier) + "/feeds/generated.xml?items=\(items)&seed=1" }

    public func stop() async {
        for server in servers.values { await server.stop() }
    }

    /// The line `atrium sandbox` prints at start: per upstream its base URL, credentials and webhook secret.
    public var announcement: String {
        var entries: [String: [String: String]] = [:]
        for upstream in all {
            var entry = upstream.credentials
            entry["base_url"] = baseURL(upstream.upstream)
            if upstream.upstream == .supplier { entry["feed_url"] = supplierFeedURL() }
            if let webhook = upstream.control.webhookURL { entry["webhook_url"] = webhook }
            entries[upstream.upstream.rawValue] = entry
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(entries)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
