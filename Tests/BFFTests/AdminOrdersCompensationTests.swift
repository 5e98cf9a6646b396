@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sandbox
import Testing

/// `POST /admin/orders/{id}/cancel` during a running saga, with real workers and sandboxes
/// (``FulfillmentHarness``): the saga compensates and the order stays cancelled.
@Suite struct AdminOrdersCompensationTests {
    @Test func cancelDuringProvisioningIsCompensated() async throws {
        try await FulfillmentHarness.with(FulfillmentSagaTests.backend) { harness in
            let (services, router, token, staff) = try await AdminOrderRetryFulfillmentTests.admin(harness)

            harness.sandboxes.sim.control.inject(SIMSandbox.Operations.configure, .latency(milliseconds: 500), times: 1)
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            try await harness.waitForStep(id, "sim.configure#0") { $0.status == .running }
            try await Application(router: router).test(.router) { client in
                let response = try await client.send(.post, "/api/v1/admin/orders/\(id)/cancel", token: token)
                #expect(response.status == .ok)
            }
            let order = try await harness.waitForOrder(id, "compensated") { $0.saga == .compensated }
            #expect(order.status == .cancelled)
            let steps = try await harness.steps(id)
            #expect(steps["sim.activate#0"] == nil, "no step starts after the cancellation")
            #expect(harness.sandboxes.stripe.object(try #require(order.billingOrderID))?["status"].string == "canceled")
            let rows = try await services.store.audit.entries(matching: AuditFilter(actorID: staff, action: "order.cancel"), before: nil, limit: 10)
            #expect(rows.count == 1 && rows.first?.outcome == "success")
        }
    }
}
