@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Queue
import Sandbox
import Testing

/// `POST /admin/orders/{id}/retry` over the admin router (``OrderHarness``): which states are retried and how,
/// 409 and 404, the job and the audit row.
@Suite struct AdminOrderRetryTests {
    /// A `failed` order with saga `saga` (and a CRM order unless `crm` is nil), as a finished saga leaves it.
    static func failedOrder(
        _ harness: OrderHarness, saga: SagaState, crm: String? = "801Retry", tenant: String = OrderHarness.tenant
    ) async throws -> Order {
        let order = try await harness.seedOrder(for: harness.alice, tenant: tenant, moveTo: [.pendingApproval, .approved, .provisioning])
        let crmID = crm.map { "\($0)-\(order.id.uuidString.prefix(8))" }
        return try await harness.services.ledger.transition(orderID: order.id, to: .failed, step: "saga", reason: "sim.activate#0 failed") {
            $0.saga = saga
            $0.crmOrderID = crmID
            $0.billingOrderID = "sub_\(order.id.uuidString.prefix(8))"
            $0.failureReason = "sim.activate#0 failed"
        }
    }

    @Test func aCompensatedFailedOrderStartsANewSagaGeneration() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let order = try await Self.failedOrder(harness, saga: .compensated)
            let path = "/api/v1/admin/orders/\(order.id)/retry"
            #expect(try await client.send(.post, path, token: try await harness.staffToken([.sales])).status == .forbidden)
            let staff = UUID()
            let response = try await client.send(.post, path, token: try await harness.staffToken([.ops], user: staff))
            #expect(response.status == .accepted)
            let body = try jsonObject(response)
            #expect(body["status"] as? String == "approved")

            let stored = try #require(try await harness.services.store.orders.order(id: order.id))
            #expect(stored.status == .approved && stored.saga == .idle && stored.sagaGeneration == 2)
            #expect(stored.failureReason == nil && stored.billingOrderID == nil && stored.crmOrderID == order.crmOrderID)
            let timeline = try await harness.services.store.orders.timeline(orderID: order.id, afterSeq: 0)
            let retry = try #require(timeline.last { $0.step == "staff.retry" })
            #expect(retry.outcome == .transitioned && retry.status == .approved)
            #expect(retry.reason == "retried by staff \(staff.uuidString.lowercased()): saga generation 2")

            // The second generation's job, under its own id and with its generation in the payload.
            let jobs = try await harness.fulfillmentJobs(order.id, generation: nil)
            #expect(jobs.map(\.id) == ["order-\(order.id.uuidString.lowercased())-g2"])
            let payload = try JSONDecoder().decode(FulfillmentJob.Payload.self, from: Data(try #require(jobs.first).payload))
            #expect(payload.orderID == order.id && payload.generation == 2)

            let rows = try await harness.auditRows(action: "order.retry", subject: "order:\(order.id.uuidString.lowercased())")
            #expect(rows.count == 1)
            #expect(rows.first?.actorID == staff && rows.first?.outcome == "success")
            #expect(rows.first?.details["result"] == "new_generation" && rows.first?.details["generation"] == "2")

            // Retrying again: the order is approved now, nothing to retry.
            let again = try await client.send(.post, path, token: try await harness.staffToken([.admin]))
            #expect(again.status == .conflict)
            #expect(try jsonObject(again)["type"] as? String == Problem.Kind.orderNotRetryable.type)
            #expect(try await harness.services.store.orders.order(id: order.id)?.sagaGeneration == 2)
        }
    }

    @Test func aParkedCompensationIsResumedByRunningItsJobAgain() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let order = try await Self.failedOrder(harness, saga: .compensationFailed)
            // The saga's job ended dead-lettered; its retained record is gone here, so the route enqueues it.
            let path = "/api/v1/admin/orders/\(order.id)/retry"
            let response = try await client.send(.post, path, token: try await harness.staffToken([.admin]))
            #expect(response.status == .accepted)
            let stored = try #require(try await harness.services.store.orders.order(id: order.id))
            #expect(stored.status == .failed && stored.saga == .compensationFailed && stored.sagaGeneration == 1)
            #expect(try await harness.fulfillmentJobs(order.id).map(\.state) == [.waiting])
            let timeline = try await harness.services.store.orders.timeline(orderID: order.id, afterSeq: 0)
            #expect(timeline.last?.step == "staff.retry" && timeline.last?.outcome == .received)
            let rows = try await harness.auditRows(action: "order.retry", subject: "order:\(order.id.uuidString.lowercased())")
            #expect(rows.first?.details["result"] == "resumed_compensation" && rows.first?.details["generation"] == "1")
            #expect(rows.first?.details["job"] == "queued")
        }
    }

    @Test func ordersWithNothingToRetryAre409AndUnchanged() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let token = try await harness.staffToken([.admin])
            let fulfilled = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval, .approved, .provisioning, .fulfilled])
            let pending = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let withoutCRM = try await Self.failedOrder(harness, saga: .compensated, crm: nil)
            let cancelled = try await harness.seedOrder(for: harness.bob, moveTo: [.pendingApproval, .cancelled])
            for order in [fulfilled, pending, withoutCRM, cancelled] {
                let before = try #require(try await harness.services.store.orders.order(id: order.id))
                let response = try await client.send(.post, "/api/v1/admin/orders/\(order.id)/retry", token: token)
                #expect(response.status == .conflict, "\(order.status)")
                let problem = try jsonObject(response)
                #expect(problem["type"] as? String == Problem.Kind.orderNotRetryable.type)
                #expect(try await harness.services.store.orders.order(id: order.id) == before, "\(order.status) changed")
                #expect(try await harness.fulfillmentJobs(order.id, generation: nil).isEmpty)
                let rows = try await harness.auditRows(action: "order.retry", subject: "order:\(order.id.uuidString.lowercased())")
                #expect(rows.map(\.outcome) == ["failure"] && rows.first?.details["status"] == "409")
            }
        }
    }

    @Test func anotherTenantsOrderIsNotFound() async throws {
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let order = try await Self.failedOrder(harness, saga: .compensated, tenant: "other")
            let response = try await client.send(.post, "/api/v1/admin/orders/\(order.id)/retry", token: try await harness.staffToken([.ops]))
            #expect(response.status == .notFound)
            #expect(try await harness.services.store.orders.order(id: order.id)?.status == .failed)
            #expect(try await harness.fulfillmentJobs(order.id, generation: nil).isEmpty)
            let rows = try await harness.auditRows(action: "order.retry", subject: "order:\(order.id.uuidString.lowercased())")
            #expect(rows.map(\.outcome) == ["denied"])
            let missing = "/api/v1/admin/orders/\(UUID())/retry"
            #expect(try await client.send(.post, missing, token: try await harness.staffToken([.ops])).status == .notFound)
        }
    }

    @Test func theAnswersMatchTheContract() async throws {
        let contract = ContractChecker()
        try await OrderHarness.withAdmin(.redis) { harness, client in
            let staff = try await harness.staffToken([.ops])
            let template = "/api/v1/admin/orders/{id}/retry"
            let failed = try await Self.failedOrder(harness, saga: .compensated)
            let retried = try await contract.check(client, .post, "/api/v1/admin/orders/\(failed.id)/retry", template: template, token: staff, expect: .accepted)
            #expect(retried["status"]?.stringValue == "approved")
            let parked = try await Self.failedOrder(harness, saga: .compensationFailed)
            try await contract.check(client, .post, "/api/v1/admin/orders/\(parked.id)/retry", template: template, token: staff, expect: .accepted)
            try await contract.check(client, .post, "/api/v1/admin/orders/\(failed.id)/retry", template: template, token: staff, expect: .conflict)
            try await contract.check(client, .post, "/api/v1/admin/orders/\(UUID())/retry", template: template, token: staff, expect: .notFound)
            let sales = try await harness.staffToken([.sales])
            try await contract.check(client, .post, "/api/v1/admin/orders/\(failed.id)/retry", template: template, token: sales, expect: .forbidden)
            try await contract.check(client, .post, "/api/v1/admin/orders/\(failed.id)/retry", template: template, expect: .unauthorized)
        }
        #expect(contract.checked.contains(ContractChecker.Pair(method: "POST", path: "/api/v1/admin/orders/{id}/retry")))
    }

    @Test func theRouteIsDeclaredForAdminAndOps() {
        let declared = AdminRoutes.guards.first { $0.method == .post && $0.path == "/api/v1/admin/orders/{id}/retry" }
        #expect(declared?.roles == [.admin, .ops])
    }

    @Test func generationKeysAndJobIDs() throws {
        let id = UUID()
        let lower = id.uuidString.lowercased()
        #expect(FulfillmentJob.jobID(orderID: id) == "order-\(lower)")
        #expect(FulfillmentJob.jobID(orderID: id, generation: 1) == "order-\(lower)")
        #expect(FulfillmentJob.jobID(orderID: id, generation: 3) == "order-\(lower)-g3")
        // Supplier webhooks find the order from a purchase-order reference of any generation.
        let second = SagaStepRecord.idempotencyKey(orderID: id, step: "supplier.order", generation: 2)
        #expect(second == "atrium-order-\(lower)-g2-supplier.order")
        #expect(WebhookProcessor.atriumOrderID(reference: second) == id)
        #expect(WebhookProcessor.atriumOrderID(reference: SagaStepRecord.idempotencyKey(orderID: id, step: "supplier.order")) == id)
        // A job enqueued before generations existed decodes as generation 1 (absent).
        let old = try JSONDecoder().decode(FulfillmentJob.Payload.self, from: Data(#"{"order_id":"\#(lower)"}"#.utf8))
        #expect(old.orderID == id && old.generation == nil)
    }
}
