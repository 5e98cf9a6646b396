@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Providers
import Sandbox
import Testing

/// `GET /admin/providers` over the sandboxes: every configured upstream is listed, and injected faults open
/// Stripe's circuit, which the admin API then shows with its error rate.
@Suite("Admin providers")
struct AdminProviderHealthTests {
    @Test func anInjectedOutageShowsAsAnOpenCircuit() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            try await Application(router: router).test(.router) { client in
                let token = try await harness.staffToken([.security])
                let before = try await client.send(.get, "/api/v1/admin/providers", token: token).decode(AdminProviderListDTO.self)
                #expect(Set(before.data.map(\.upstream)) == ["stripe", "whmcs", "salesforce", "sim", "supplier"])
                let stripeBefore = try #require(before.data.first { $0.name == "stripe" })
                #expect(stripeBefore.circuitState == "closed" && stripeBefore.observed)

                let stripe = try #require(harness.services.providers.billing[.stripe] as? StripeBillingProvider)
                harness.sandboxes.stripe.control.inject("*", .status(503, body: nil))
                var calls = 0
                while stripe.transport.circuitState != .open, calls < 40 {
                    _ = try? await stripe.invoices(customerID: "cus_DemoAlice0001", page: PageRequest())
                    calls += 1
                }
                harness.sandboxes.stripe.control.clearFaults()
                #expect(stripe.transport.circuitState == .open)

                let after = try await client.send(.get, "/api/v1/admin/providers", token: token).decode(AdminProviderListDTO.self)
                let stripeAfter = try #require(after.data.first { $0.name == "stripe" })
                #expect(stripeAfter.circuitState == "open")
                #expect(stripeAfter.windowFailures > 0 && (stripeAfter.errorRate ?? 0) > 0.5)
                #expect(stripeAfter.lastLatencyMs != nil)
                #expect(after.data.first { $0.name == "whmcs" }?.circuitState == "closed", "only the failing upstream opens")
            }
        }
    }
}

/// ``AdminProviderStats`` on real adapter transports: it sees Salesforce (whose transports the adapter does not
/// expose) and shows failures once the sandbox fails, through `GET /admin/providers` with the stats wired.
@Suite("Admin provider stats")
struct AdminProviderStatsTests {
    @Test func statsRecordEveryUpstreamIncludingSalesforce() async throws {
        try await OrderHarness.run { harness in
            let stats = AdminProviderStats()
            let registry = ProviderRegistry(sandboxes: harness.sandboxes, logger: harness.services.logger, observer: TransportObservers([stats]))
            let crm = try #require(registry.crm)
            _ = try await crm.account(id: SalesforceSandbox.aliceAccountID)
            harness.sandboxes.salesforce.control.inject("*", .status(503, body: nil))
            for _ in 0..<3 { _ = try? await crm.account(id: SalesforceSandbox.aliceAccountID) }
            harness.sandboxes.salesforce.control.clearFaults()
            let summary = try #require(stats.summary(.salesforce))
            #expect(summary.calls >= 4 && summary.failures >= 3 && summary.failures < summary.calls)
            #expect(stats.summary(.whmcs) == nil, "no call, nothing recorded")

            let services = AppServices(
                config: harness.services.config, store: harness.services.store, cache: harness.services.cache, providers: registry,
                jobs: harness.services.jobs, redis: nil, jwtSecret: harness.services.jwtSecret, passwordPepper: harness.services.passwordPepper,
                logger: harness.services.logger
            )
            let router = Router(context: AppRequestContext.self)
            router.addMiddleware {
                ProblemMiddleware()
                AuthenticationMiddleware(services: services)
            }
            AdminOperationsRoutes.add(to: router.group("api/v1"), services: services, providerStats: stats)
            try await Application(router: router).test(.router) { client in
                let response = try await client.send(.get, "/api/v1/admin/providers", token: try await harness.staffToken([.ops]))
                let list = try response.decode(AdminProviderListDTO.self)
                let salesforce = try #require(list.data.first { $0.upstream == "salesforce" })
                #expect(salesforce.recent?.failures == summary.failures && (salesforce.recent?.errorRate ?? 0) > 0)
                #expect(list.data.first { $0.upstream == "whmcs" }?.recent == nil)
            }
        }
    }
}
