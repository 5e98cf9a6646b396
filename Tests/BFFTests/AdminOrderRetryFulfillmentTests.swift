@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Queue
import Sandbox
import Testing

/// `POST /admin/orders/{id}/retry` end to end, with real workers, sandboxes and PostgreSQL (``FulfillmentHarness``):
/// a compensated order is fulfilled by a new saga generation under new keys, a parked compensation completes.
@Suite("Admin order retry, end to end", .serialized)
struct AdminOrderRetryFulfillmentTests {
    /// The admin routes over the harness's services, and a token of a new `ops` staff member (also used by
    /// `AdminOrdersCompensationTests`).
    static func admin(
        _ harness: FulfillmentHarness
    ) async throws -> (services: AppServices, router: Router<AppRequestContext>, token: String, staff: UUID) {
        let jobs = harness.services
        let services = AppServices(
            config: jobs.config ?? AtriumConfig(), store: jobs.store, cache: jobs.cache, providers: jobs.providers, jobs: jobs.jobs, redis: nil,
            jwtSecret: Secret(String(repeating: "k", count: 48)), passwordPepper: Secret(String(repeating: "p", count: 32)), clock: jobs.clock,
            logger: jobs.logger, orderEvents: jobs.orderEvents
        )
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            ProblemMiddleware()
            AuthenticationMiddleware(services: services)
        }
        AdminCustomerRoutes.add(to: router.group("api/v1"), services: services)
        let staff = UUID()
        let token = try await TokenService(secret: services.jwtSecret, clock: services.clock)
            .issue(for: AuthenticatedUser(userID: staff, tenant: FulfillmentHarness.tenant, kind: .staff, roles: [.ops], family: nil)).token
        return (services, router, token, staff)
    }

    static func retry(_ id: UUID, router: Router<AppRequestContext>, token: String) async throws -> HTTPResponse.Status {
        try await Application(router: router).test(.router) { client in
            try await client.send(.post, "/api/v1/admin/orders/\(id)/retry", token: token).status
        }
    }

    static func detail(_ id: UUID, router: Router<AppRequestContext>, token: String) async throws -> [String: Any] {
        try await Application(router: router).test(.router) { client in
            let response = try await client.send(.get, "/api/v1/admin/orders/\(id)", token: token)
            #expect(response.status == .ok)
            return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        }
    }

    @Test func aCompensatedOrderIsRetriedAsANewGenerationAndFulfilled() async throws {
        try await FulfillmentHarness.with(FulfillmentSagaTests.backend) { harness in
            let (services, router, token, staff) = try await Self.admin(harness)
            harness.sandboxes.sim.failNextOperation("activate", errorCode: "510")
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            let failed = try await harness.waitForOrder(id, "failed and compensated") { $0.status == .failed && $0.saga == .compensated }
            try await harness.waitForJob(FulfillmentJob.jobID(orderID: id), in: .completed)
            let firstRun = try await services.store.orders.sagaSteps(orderID: id, generation: 1)
            #expect(firstRun.first { $0.step == "sim.activate#0" }?.status == .failed)
            let firstBilling = try #require(failed.billingOrderID)

            // What an operator reads to learn why: GET /admin/orders/{id} names the failed step, its error and the undo.
            let detail = try await Self.detail(id, router: router, token: token)
            #expect(detail["status"] as? String == "failed")
            let reason = try #require(detail["failure_reason"] as? String)
            let saga = try #require(detail["saga"] as? [String: Any])
            #expect(saga["state"] as? String == "compensated" && saga["generation"] as? Int == 1)
            let steps = try #require(saga["steps"] as? [[String: Any]])
            let activate = try #require(steps.first { $0["step"] as? String == "sim.activate#0" })
            #expect(activate["status"] as? String == "failed")
            let stepError = try #require(activate["error"] as? String)
            #expect(stepError.contains("510") && reason.contains("sim.activate#0"), "\(stepError) / \(reason)")
            #expect(steps.contains { $0["step"] as? String == "billing.create" && $0["status"] as? String == "compensated" }, "\(steps)")
            let entries = try #require(detail["timeline"] as? [[String: Any]])
            #expect(entries.contains { $0["step"] as? String == "sim.activate#0" && $0["outcome"] as? String == "failed" })
            let job = try #require(detail["job"] as? [String: Any])
            #expect(job["id"] as? String == FulfillmentJob.jobID(orderID: id) && job["state"] as? String == "completed")

            // The fault is gone; ops retries.
            harness.sandboxes.sim.control.clearFaults()
            #expect(try await Self.retry(id, router: router, token: token) == .accepted)
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed && order.sagaGeneration == 2 && order.failureReason == nil)
            try await harness.waitForJob(FulfillmentJob.jobID(orderID: id, generation: 2), in: .completed)

            // The first generation's records are kept as they were; the second's are its own, under new keys.
            #expect(try await services.store.orders.sagaSteps(orderID: id, generation: 1) == firstRun)
            let secondRun = try await services.store.orders.sagaSteps(orderID: id, generation: 2)
            let planned = ["billing.create", "billing.activate", "sim.allocate#0", "sim.configure#0", "sim.activate#0", "sim.verify#0"]
            #expect(secondRun.map(\.step) == planned + ["crm.status", "notify"])
            #expect(secondRun.filter { $0.step != "notify" }.allSatisfy { $0.status == .succeeded && $0.generation == 2 })
            #expect(secondRun.allSatisfy { $0.idempotencyKey.hasPrefix("atrium-order-\(id.uuidString.lowercased())-g2-") })
            #expect(Set(firstRun.map(\.idempotencyKey)).isDisjoint(with: secondRun.map(\.idempotencyKey)))

            // Upstreams saw two different keys: two subscriptions, two allocations, the second activation succeeded.
            let billingOrderID = try #require(order.billingOrderID)
            #expect(billingOrderID != firstBilling)
            #expect(harness.sandboxes.stripe.object(firstBilling)?["status"].string == "canceled")
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["status"].string == "active")
            let secondKey = try #require(secondRun.first { $0.step == "billing.create" }?.idempotencyKey)
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["metadata"]["atrium_key"].string == secondKey)
            #expect(harness.sandboxes.stripe.object(firstBilling)?["metadata"]["atrium_key"].string == firstRun.first?.idempotencyKey)
            let createKeys = harness.sandboxes.stripe.control.calls("POST /v1/subscriptions").compactMap { $0.header("Idempotency-Key") }
            #expect(createKeys.count == 2 && Set(createKeys).count == 2, "\(createKeys)")
            #expect(harness.sandboxes.sim.operationCount(kind: "allocate") == 2)
            let lineID = try #require(secondRun.first { $0.step == "sim.allocate#0" }?.result["line_id"])
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["status"].string == "active")
            #expect(harness.sandboxes.salesforce.record(id: try #require(order.crmOrderID))?["Status"].string == "Completed")

            let timeline = try await harness.timeline(id)
            let retry = try #require(timeline.index(of: "staff.retry", .transitioned))
            #expect(timeline[retry].reason == "retried by staff \(staff.uuidString.lowercased()): saga generation 2")
            #expect(
                timeline.transitions
                    == [.draft, .pendingApproval, .approved, .provisioning, .failed, .approved, .provisioning, .activated, .fulfilled]
            )
            let filter = AuditFilter(actorID: staff, action: "order.retry")
            let rows = try await services.store.audit.entries(matching: filter, before: nil, limit: 10)
            #expect(rows.count == 1 && rows.first?.outcome == "success")
            #expect(rows.first?.details["result"] == "new_generation" && rows.first?.details["generation"] == "2")
        }
    }

    @Test func aParkedCompensationIsResumedThroughTheRoute() async throws {
        try await FulfillmentHarness.with(FulfillmentSagaTests.backend) { harness in
            let (services, router, token, staff) = try await Self.admin(harness)
            harness.sandboxes.sim.failNextOperation("activate")
            // Stripe never lets the subscription be cancelled, until the fault is cleared.
            harness.sandboxes.stripe.control.inject("DELETE /v1/subscriptions/{id}", .status(500, body: nil))
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            try await harness.waitForJob(FulfillmentJob.jobID(orderID: id), in: .dead)
            let parked = try await harness.order(id)
            #expect(parked.status == .failed && parked.saga == .compensationFailed)

            harness.sandboxes.stripe.control.clearFaults()
            #expect(try await Self.retry(id, router: router, token: token) == .accepted)
            let mended = try await harness.waitForOrder(id, "compensated") { $0.saga == .compensated }
            #expect(mended.status == .failed && mended.sagaGeneration == 1)
            #expect(harness.sandboxes.stripe.object(try #require(mended.billingOrderID))?["status"].string == "canceled")
            #expect(try await harness.steps(id)["billing.create"]?.status == .compensated)
            let timeline = try await harness.timeline(id)
            #expect(timeline.has("staff.retry", .received))
            let filter = AuditFilter(actorID: staff, action: "order.retry")
            let rows = try await services.store.audit.entries(matching: filter, before: nil, limit: 10)
            #expect(rows.first?.details["result"] == "resumed_compensation" && rows.first?.details["job"] == "retried")

            // Compensated now: a new generation is what a further retry would start, not another compensation.
            #expect(try mended.sagaRetry() == .newGeneration)
        }
    }
}
