@testable import BFF
import Domain
import Foundation
import Hummingbird
import Providers
import HummingbirdTesting
import Sandbox
import Testing

/// Stale-if-error, upstream failures as problems, and the dashboard's partial failure.
@Suite("Portal resilience")
struct PortalResilienceTests {
    static let leakedBody = #"{"error":{"message":"internal detail 7f3a SECRET","type":"api_error"}}"#

    @Test func aCachedReadIsServedStaleWhileBillingAnswers500() async throws {
        try await PortalHarness.with { harness, client in
            let fresh = try await client.call(.get, "/api/v1/invoices", as: harness.alice)
            #expect(fresh.status == .ok && fresh.xCache == "MISS")
            // Past the TTL and stale-while-revalidate (90 s + 90 s), inside stale-if-error (15 min).
            harness.advanceCache(.seconds(200))
            harness.sandboxes.stripe.control.inject("*", .status(500, body: Self.leakedBody))
            let stale = try await client.call(.get, "/api/v1/invoices", as: harness.alice)
            #expect(stale.status == .ok)
            #expect(stale.xCache == "STALE")
            #expect(stale.text == fresh.text)
            #expect(harness.sandboxes.stripe.control.callCount() > 0)

            // A read that was never cached fails as a problem, without the upstream's body.
            let uncached = try await client.call(.get, "/api/v1/subscriptions", as: harness.alice)
            #expect(uncached.status == .serviceUnavailable)
            #expect(try uncached.decode(PortalProblemBody.self).type == "urn:atrium:problem:upstream-unavailable")
            #expect(!uncached.text.contains("SECRET") && !uncached.text.contains("api_error"))

            // Once the upstream recovers, the entry is refreshed.
            harness.sandboxes.stripe.control.clearFaults()
            harness.advanceCache(.seconds(200))
            #expect(try await client.call(.get, "/api/v1/invoices", as: harness.alice).xCache == "MISS")
        }
    }

    @Test func anOpenCircuitOrRateLimitSaysWhenToRetry() async throws {
        try await PortalHarness.with { harness, client in
            harness.sandboxes.stripe.control.inject("*", .rateLimited(retryAfterSeconds: 30))
            let response = try await client.call(.get, "/api/v1/payment-methods", as: harness.alice)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.decode(PortalProblemBody.self).type == "urn:atrium:problem:upstream-unavailable")
            let retryAfter = try #require(response.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter >= 1)
        }
    }

    @Test func theDashboardReportsAFailingSIMPlatformAndServesTheRest() async throws {
        try await PortalHarness.with { harness, client in
            harness.sandboxes.sim.control.inject("*", .status(500, body: Self.leakedBody))
            let response = try await client.call(.get, "/api/v1/dashboard", as: harness.alice)
            #expect(response.status == .ok)
            #expect(response.text.contains(#""sims":{"status":"unavailable"}"#))
            #expect(!response.text.contains("SECRET"))
            let dashboard = try response.decode(DashboardDTO.self)
            #expect(dashboard.sims.status == "unavailable" && dashboard.sims.lines == nil)
            #expect(dashboard.billing.status == "ok")
            #expect(dashboard.billing.recentInvoices?.count == DashboardController.recentInvoices)
            #expect(dashboard.billing.subscriptions?.isEmpty == false)
            #expect(dashboard.crm.status == "ok")
            #expect(dashboard.crm.account?.id == SalesforceSandbox.aliceAccountID)
            #expect((dashboard.crm.openCases ?? -1) >= 0)
        }
    }

    @Test func aHangingSectionIsCutOffByTheDeadline() async throws {
        try await PortalHarness.with { harness, client in
            harness.sandboxes.salesforce.control.inject("*", .hang)
            let dashboard = try await client.call(.get, "/api/v1/dashboard", as: harness.alice).decode(DashboardDTO.self)
            #expect(dashboard.crm.status == "unavailable")
            #expect(dashboard.billing.status == "ok" && dashboard.sims.status == "ok")
            harness.sandboxes.salesforce.control.clearFaults()
        }
    }

    @Test func theDashboardIsCachedPerSection() async throws {
        try await PortalHarness.with { harness, client in
            let first = try await client.call(.get, "/api/v1/dashboard", as: harness.alice)
            #expect(first.status == .ok && first.xCache == "MISS")
            let dashboard = try first.decode(DashboardDTO.self)
            #expect([dashboard.billing.status, dashboard.crm.status, dashboard.sims.status] == ["ok", "ok", "ok"])
            #expect(Set(dashboard.sims.lines?.map(\.id) ?? []) == Set(SIMSandbox.aliceLineIDs))
            let second = try await client.call(.get, "/api/v1/dashboard", as: harness.alice)
            #expect(second.xCache == "HIT")
            #expect(second.text == first.text)
            // The SIM list shares its entry with GET /sims.
            #expect(try await client.call(.get, "/api/v1/sims", as: harness.alice).xCache == "HIT")
            // Bob's dashboard is his own.
            let bob = try await client.call(.get, "/api/v1/dashboard", as: harness.bob)
            #expect(bob.xCache == "MISS")
            #expect(try bob.decode(DashboardDTO.self).sims.lines?.map(\.id) == [SIMSandbox.bobLineID])
        }
    }
}
