public import Domain
import Foundation
public import Logging
public import Providers
public import Sandbox

/// The provider adapters this process talks to, built once from the configuration.
///
/// In sandbox mode they point at the in-process ``SandboxUpstreams`` (with the credentials those accept); in live
/// mode at the configured URLs. An upstream without configuration is absent, and the features that need it
/// report it as not configured.
public struct ProviderRegistry: Sendable {
    public var billing: [UpstreamID: any BillingProvider] = [:]
    public var crm: (any CRMProvider)?
    public var sim: (any SIMProvider)?
    public var suppliers: [any SupplierProvider] = []
    /// Base URL per upstream, for readiness probes.
    public var baseURLs: [UpstreamID: String] = [:]
    /// The secrets each upstream's webhooks may be signed with (several during a rotation); an upstream without
    /// one has its webhooks refused.
    public var webhookSecrets: [UpstreamID: [Secret]] = [:]

    public init() {}

    /// Adapters for the running sandboxes.
    ///
    /// - Parameter observer: Given to every adapter's transport (call outcomes, circuit changes); pass one
    ///   fan-out value to feed several consumers (metrics, provider stats).
    public init(sandboxes: SandboxUpstreams, logger: Logger, observer: (any TransportObserver)? = nil) {
        func transport(_ upstream: UpstreamID) -> TransportConfiguration { TransportConfiguration(baseURL: sandboxes.baseURL(upstream)) }
        billing[.stripe] = StripeBillingProvider(
            configuration: transport(.stripe), credentials: StripeCredentials(apiKey: sandboxes.stripe.apiKey), logger: logger,
            observer: observer
        )
        billing[.whmcs] = WHMCSBillingProvider(
            configuration: transport(.whmcs),
            credentials: WHMCSCredentials(identifier: sandboxes.whmcs.secrets.identifier, secret: sandboxes.whmcs.secrets.secret),
            logger: logger,
            observer: observer
        )
        let salesforce = sandboxes.salesforce.credentials
        crm = SalesforceCRMProvider(
            configuration: transport(.salesforce),
            credentials: SalesforceCredentials(clientID: salesforce["client_id"] ?? "", clientSecret: salesforce["client_secret"] ?? ""),
            logger: logger,
            observer: observer
        )
        let simCredentials = sandboxes.sim.credentials
        sim = SIMPlatformProvider(
            configuration: transport(.sim),
            credentials: SIMCredentials(oemID: simCredentials["oem_id"] ?? "", oemKey: simCredentials["oem_key"] ?? ""),
            logger: logger,
            observer: observer
        )
        suppliers = [
            HeurekaFeedSupplier(
                configuration: transport(.supplier),
                feed: HeurekaFeedSettings(
                    supplierID: "sandbox-feed", productFeedPath: "/feeds/generated.xml?items=500&seed=1",
                    availabilityFeedPath: "/feeds/generated-availability.xml?items=500&seed=1"
                ),
                logger: logger
            ),
            JSONSupplierAPI(
                configuration: transport(.supplier), credentials: JSONSupplierCredentials(apiKey: sandboxes.supplier.apiKey),
                supplierID: "sandbox-api", logger: logger, observer: observer
            ),
        ]
        for upstream in UpstreamID.allCases { baseURLs[upstream] = sandboxes.baseURL(upstream) }
        for sandbox in sandboxes.all {
            if let secret = sandbox.credentials["webhook_secret"] { webhookSecrets[sandbox.upstream] = [Secret(secret)] }
        }
    }

    /// Adapters for the live upstreams of the configuration (`ATRIUM_UPSTREAMS=live`).
    ///
    /// - Parameter observer: Given to every adapter's transport, as in ``init(sandboxes:logger:observer:)``.
    public init(live: [UpstreamID: LiveUpstream], logger: Logger, observer: (any TransportObserver)? = nil) {
        func secret(_ upstream: LiveUpstream, _ name: String) -> String { upstream.credentials[name]?.value ?? "" }
        if let stripe = live[.stripe] {
            billing[.stripe] = StripeBillingProvider(
                configuration: TransportConfiguration(baseURL: stripe.baseURL),
                credentials: StripeCredentials(apiKey: secret(stripe, "STRIPE_API_KEY")), logger: logger, observer: observer
            )
        }
        if let whmcs = live[.whmcs] {
            billing[.whmcs] = WHMCSBillingProvider(
                configuration: TransportConfiguration(baseURL: whmcs.baseURL),
                credentials: WHMCSCredentials(identifier: secret(whmcs, "WHMCS_IDENTIFIER"), secret: secret(whmcs, "WHMCS_SECRET")),
                logger: logger,
                observer: observer
            )
        }
        if let salesforce = live[.salesforce] {
            crm = SalesforceCRMProvider(
                configuration: TransportConfiguration(baseURL: salesforce.baseURL),
                credentials: SalesforceCredentials(
                    clientID: secret(salesforce, "SALESFORCE_CLIENT_ID"), clientSecret: secret(salesforce, "SALESFORCE_CLIENT_SECRET")
                ),
                logger: logger,
                observer: observer
            )
        }
        if let platform = live[.sim] {
            // SIM_AUTH_KEY is "<oem id>:<oem key>" (checked when the configuration is parsed).
            let parts = secret(platform, "SIM_AUTH_KEY").split(separator: ":", maxSplits: 1).map(String.init)
            sim = SIMPlatformProvider(
                configuration: TransportConfiguration(baseURL: platform.baseURL),
                credentials: SIMCredentials(oemID: parts.first ?? "", oemKey: parts.count > 1 ? parts[1] : ""), logger: logger,
                observer: observer
            )
        }
        if let supplier = live[.supplier] {
            let key = supplier.credentials["SUPPLIER_API_KEY"]?.value ?? ""
            suppliers = supplier.feeds.enumerated().compactMap { index, feed in
                Self.supplier(feed, index: index, apiKey: key, logger: logger, observer: observer)
            }
        }
        for (upstream, settings) in live {
            baseURLs[upstream] = settings.baseURL
            // A comma-separated value lists the secrets of a rotation (new first); each is accepted.
            if let secret = settings.webhookSecret {
                webhookSecrets[upstream] = secret.value.split(separator: ",").map { Secret(String($0.trimmingCharacters(in: .whitespaces))) }
            }
        }
    }

    /// A feed URL whose path ends in `.xml` is a Heureka feed; any other is the JSON supplier API, authenticated with
    /// `SUPPLIER_API_KEY`.
    ///
    /// Heureka feeds stream through their own downloader, not an ``HTTPTransport``: `observer` reaches the JSON API only.
    static func supplier(
        _ feed: String, index: Int, apiKey: String, logger: Logger, observer: (any TransportObserver)? = nil
    ) -> (any SupplierProvider)? {
        guard var components = URLComponents(string: feed) else { return nil }
        let name = "\(components.host ?? "supplier")-\(index + 1)"
        if components.path.lowercased().hasSuffix(".xml") {
            let path = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            components.percentEncodedPath = ""
            components.percentEncodedQuery = nil
            return HeurekaFeedSupplier(
                configuration: TransportConfiguration(baseURL: components.string ?? feed),
                feed: HeurekaFeedSettings(supplierID: name, productFeedPath: path),
                logger: logger
            )
        }
        return JSONSupplierAPI(
            configuration: TransportConfiguration(baseURL: components.string ?? feed), credentials: JSONSupplierCredentials(apiKey: apiKey),
            supplierID: name, logger: logger, observer: observer
        )
    }
}
