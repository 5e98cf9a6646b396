@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sandbox
import Testing

/// The real answers of the admin customer, order, audit and webhook routes against the contract
/// (OpenAPIDocument+adminCustomers.swift): every documented operation of that file is checked.
@Suite struct AdminCustomerContractTests {
    @Test func everyAdminCustomerOperationMatchesTheContract() async throws {
        let contract = ContractChecker()
        try await OrderHarness.withAdmin { harness, client in
            let staff = try await harness.staffToken([.admin, .ops, .security])
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            _ = try await harness.seedOrder(for: harness.alice)
            try await contract.check(client, .get, "/api/v1/admin/customers?q=\(StripeSandbox.aliceCustomerID)", template: "/api/v1/admin/customers", token: staff)
            try await contract.check(client, .get, "/api/v1/admin/customers?q=", template: "/api/v1/admin/customers", token: staff, expect: .badRequest)
            try await contract.check(client, .get, "/api/v1/admin/customers/\(harness.alice)", template: "/api/v1/admin/customers/{id}", token: staff)
            try await contract.check(client, .get, "/api/v1/admin/customers/\(harness.carol)", template: "/api/v1/admin/customers/{id}", token: staff)
            try await contract.check(client, .get, "/api/v1/admin/customers/\(UUID())", template: "/api/v1/admin/customers/{id}", token: staff, expect: .notFound)
            let page = try await contract.check(client, .get, "/api/v1/admin/orders?limit=1", template: "/api/v1/admin/orders", token: staff)
            #expect(page["next_cursor"]?.stringValue != nil)
            try await contract.check(client, .post, "/api/v1/admin/orders/\(order.id)/cancel", template: "/api/v1/admin/orders/{id}/cancel", token: staff)
            let done = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval, .approved, .provisioning, .fulfilled])
            try await contract.check(client, .post, "/api/v1/admin/orders/\(done.id)/cancel", template: "/api/v1/admin/orders/{id}/cancel", token: staff, expect: .conflict)
            try await contract.check(client, .get, "/api/v1/admin/orders/\(done.id)", template: "/api/v1/admin/orders/{id}", token: staff)
            try await contract.check(client, .get, "/api/v1/admin/orders/\(UUID())", template: "/api/v1/admin/orders/{id}", token: staff, expect: .notFound)
            // Retry: a fulfilled order has nothing to retry (the 202 paths are checked in AdminOrderRetryTests).
            try await contract.check(client, .post, "/api/v1/admin/orders/\(done.id)/retry", template: "/api/v1/admin/orders/{id}/retry", token: staff, expect: .conflict)
            try await contract.check(client, .get, "/api/v1/admin/audit?action=order.cancel", template: "/api/v1/admin/audit", token: staff)

            let row = try await harness.services.store.webhooks.receive(
                InboundWebhook(provider: "stripe", eventID: "evt_contract", eventType: "invoice.paid", payload: Data("{}".utf8), headers: ["X-Event": "invoice.paid"], receivedAt: Date())
            ).webhook
            _ = try await harness.services.store.webhooks.markProcessing(id: row.id, at: Date())
            try await harness.services.store.webhooks.markFailed(id: row.id, error: "boom", at: Date())
            try await contract.check(client, .get, "/api/v1/admin/webhooks?status=failed", template: "/api/v1/admin/webhooks", token: staff)
            try await contract.check(client, .post, "/api/v1/admin/webhooks/\(row.id)/replay", template: "/api/v1/admin/webhooks/{id}/replay", token: staff, expect: .accepted)
            try await contract.check(client, .get, "/api/v1/admin/webhooks/\(row.id)", template: "/api/v1/admin/webhooks/{id}", token: staff)
        }
        let documented = Set(OpenAPIDocument.adminCustomerOperations.map { "\($0.method) \($0.path)" })
        let missing = documented.subtracting(contract.checked.map { "\($0.method) \($0.path)" })
        #expect(missing.isEmpty, "not checked: \(missing.sorted())")
    }
}
