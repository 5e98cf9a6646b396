@testable import BFF
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Foundation
import Sandbox
import Testing

/// `GET /admin/customers?q=` and `GET /admin/customers/{id}` over the real sandboxes.
@Suite struct AdminCustomerSearchTests {

    private func search(_ harness: OrderHarness, _ client: any TestClientProtocol, _ q: String, tenant: String = OrderHarness.tenant) async throws -> [String: Any] {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
        let response = try await client.send(.get, "/api/v1/admin/customers?q=\(encoded)", token: try await harness.staffToken([.sales], tenant: tenant))
        #expect(response.status == .ok)
        return try jsonObject(response)
    }

    private func matched(_ body: [String: Any], _ user: UUID) -> [String]? {
        let data = body["data"] as? [[String: Any]] ?? []
        return data.first { ($0["id"] as? String) == user.uuidString.lowercased() }?["matched_by"] as? [String]
    }

    @Test func findsAliceByEmailStripeIDAndCRMAccount() async throws {
        try await OrderHarness.withAdmin { harness, client in
            let alice = try #require(try await harness.services.store.users.user(id: harness.alice))
            #expect(matched(try await search(harness, client, alice.email), harness.alice)?.contains("atrium") == true)
            let byStripe = try await search(harness, client, StripeSandbox.aliceCustomerID)
            #expect(matched(byStripe, harness.alice)?.contains("billing") == true)
            #expect((byStripe["sources"] as? [String: String])?["billing"] == "ok")
            #expect(matched(try await search(harness, client, SalesforceSandbox.aliceAccountID), harness.alice)?.contains("crm") == true)
            // The CRM's email of alice differs from her Atrium email: only the CRM look-up finds her by it.
            let byCRMEmail = try await search(harness, client, SalesforceSandbox.aliceEmail)
            #expect(matched(byCRMEmail, harness.alice) == ["crm"])
            #expect(matched(try await search(harness, client, "Alice"), harness.alice)?.contains("atrium") == true)
            // Another tenant's staff find nothing.
            let other = try await search(harness, client, StripeSandbox.aliceCustomerID, tenant: "other")
            #expect((other["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func customer360Sections() async throws {
        try await OrderHarness.withAdmin { harness, client in
            let token = try await harness.staffToken([.finance])
            _ = try await harness.seedOrder(for: harness.alice)
            let alice = try jsonObject(try await client.send(.get, "/api/v1/admin/customers/\(harness.alice)", token: token))
            for name in ["invoices", "subscriptions", "sims", "orders", "cases"] {
                #expect((alice[name] as? [String: Any])?["status"] as? String == "ok", "\(name)")
            }
            #expect(((alice["orders"] as? [String: Any])?["items"] as? [Any])?.count == 1)

            let carol = try jsonObject(try await client.send(.get, "/api/v1/admin/customers/\(harness.carol)", token: token))
            for name in ["invoices", "subscriptions", "sims", "cases"] {
                #expect((carol[name] as? [String: Any])?["status"] as? String == "not_linked", "\(name)")
            }
            #expect((carol["orders"] as? [String: Any])?["status"] as? String == "ok")

            harness.sandboxes.sim.control.inject("*", .status(500, body: "boom"))
            let faulty = try jsonObject(try await client.send(.get, "/api/v1/admin/customers/\(harness.bob)", token: token))
            harness.sandboxes.sim.control.clearFaults()
            #expect((faulty["sims"] as? [String: Any])?["status"] as? String == "unavailable")
            #expect((faulty["invoices"] as? [String: Any])?["status"] as? String == "ok")

            let otherTenant = try await harness.staffToken([.admin], tenant: "other")
            #expect(try await client.send(.get, "/api/v1/admin/customers/\(harness.alice)", token: otherTenant).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/admin/customers/\(harness.alice)", token: try await harness.staffToken([.security])).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/admin/customers/\(harness.alice)", token: try await harness.token(harness.alice)).status == .forbidden)
        }
    }
}
