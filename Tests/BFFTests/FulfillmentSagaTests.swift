import BFF
import Domain
import Foundation
import Queue
import Sandbox
import Testing

/// The fulfillment saga end to end: sandbox upstreams over HTTP, a Redis queue with real workers.
@Suite("Fulfillment saga", .serialized)
struct FulfillmentSagaTests {
    static let backend = FulfillmentHarness.Backend.postgres

    static func simOrder() throws -> [OrderItem] { [try FulfillmentHarness.item("SIM-5GB", kind: .sim, cents: 990)] }

    // MARK: Happy paths

    @Test func aSIMOrderIsBilledProvisionedAndFulfilled() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            harness.sandboxes.salesforce.control.resetCalls()
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try Self.simOrder())
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed)
            #expect(order.failureReason == nil)

            // Billing: one subscription, paid (active) in the Stripe sandbox, its id on the order.
            let billingOrderID = try #require(order.billingOrderID)
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["status"].string == "active")
            #expect(harness.sandboxes.stripe.control.callCount("POST /v1/subscriptions") == 1)

            // SIM: one line allocated for alice and activated exactly once.
            let steps = try await harness.steps(id)
            let lineID = try #require(steps["sim.allocate#0"]?.result["line_id"])
            let line = try #require(harness.sandboxes.sim.line(msisdn: lineID))
            #expect(line["status"].string == "active")
            #expect(line["account"].string == SIMSandbox.aliceAccountID)
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.activate) == 1)
            #expect(harness.sandboxes.sim.operationCount(kind: "activate", lineID: lineID) == 1)
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.allocate) == 1)

            // Each step's key went upstream: the SIM platform's request id, Stripe's metadata key.
            let expectedKey = SagaStepRecord.idempotencyKey(orderID: id, step: "billing.create")
            #expect(steps["billing.create"]?.idempotencyKey == expectedKey)
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["metadata"]["atrium_key"].string == expectedKey)
            #expect(steps.values.filter { $0.step != "notify" }.allSatisfy { $0.status == .succeeded && $0.attempt == 1 })

            // CRM order completed.
            let crmOrderID = try #require(order.crmOrderID)
            #expect(harness.sandboxes.salesforce.record(id: crmOrderID)?["Status"].string == "Completed")

            // Timeline: statuses in order, every step started and succeeded, then the customer notified.
            let timeline = try await harness.timeline(id)
            #expect(timeline.transitions == [.draft, .pendingApproval, .approved, .provisioning, .activated, .fulfilled])
            for step in ["billing.create", "billing.activate", "sim.allocate#0", "sim.configure#0", "sim.activate#0", "sim.verify#0", "crm.status", "notify"] {
                let started = try #require(timeline.index(of: step, .started), "\(step) started")
                let succeeded = try #require(timeline.index(of: step, .succeeded), "\(step) succeeded")
                #expect(started < succeeded)
            }
            #expect(timeline.has("sim.activate#0", .waiting))
            let activated = try #require(timeline.firstIndex { $0.status == .activated })
            #expect(activated > (timeline.index(of: "sim.verify#0", .succeeded) ?? .max))
            try await harness.waitForNotification(id)
        }
    }

    @Test func aPhysicalOrderIsPlacedWithTheSupplierAndFulfilled() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            try harness.startWorkers()
            let items = [try FulfillmentHarness.item("PHONE-A55", kind: .physical, quantity: 2, cents: 34900)]
            let id = try await harness.placeAndApprove(user: harness.bob, crmAccountID: SalesforceSandbox.bobAccountID, items: items)
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed)
            #expect(order.billingOrderID == nil)

            let steps = try await harness.steps(id)
            let purchaseOrderID = try #require(steps["supplier.order"]?.result["purchase_order_id"])
            let purchaseOrder = try #require(harness.sandboxes.supplier.purchaseOrder(purchaseOrderID))
            #expect(purchaseOrder["status"].string == "received")
            #expect(purchaseOrder["reference"].string == SagaStepRecord.idempotencyKey(orderID: id, step: "supplier.order"))
            let lines = try #require(purchaseOrder["lines"].array)
            #expect(lines.count == 1)
            #expect(lines.first?["item_id"].string == SupplierSandbox.knownItemID)
            #expect(lines.first?["quantity"].int == 2)
            #expect(harness.sandboxes.stripe.control.callCount("POST /v1/subscriptions") == 0)

            let timeline = try await harness.timeline(id)
            #expect(timeline.transitions == [.draft, .pendingApproval, .approved, .provisioning, .fulfilled])
            #expect(timeline.has("supplier.order", .succeeded))
        }
    }

    @Test func theDefaultSettingsFulfilAtTheSandboxDefaultOperationDelay() async throws {
        // The production poll interval against the SIM platform's default 1.5 s operations.
        try await FulfillmentHarness.with(Self.backend, settings: FulfillmentSaga.Settings(), simOperationDelay: .milliseconds(1_500)) { harness in
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.bob, crmAccountID: SalesforceSandbox.bobAccountID, items: try Self.simOrder())
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed)
            let lineID = try #require(try await harness.steps(id)["sim.allocate#0"]?.result["line_id"])
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["account"].string == SIMSandbox.bobAccountID)
            #expect(harness.sandboxes.sim.operationCount(kind: "activate", lineID: lineID) == 1)
        }
    }

    // MARK: Replays and restarts

    @Test func aReplayedJobAfterSuccessDoesNothing() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try Self.simOrder())
            try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            let jobID = FulfillmentJob.jobID(orderID: id)
            try await harness.waitForJob(jobID, in: .completed)
            try await harness.waitForNotification(id)
            let before = try await harness.timeline(id)
            let calls = harness.sandboxes.sim.control.callCount() + harness.sandboxes.stripe.control.callCount()

            // The same job again (as a duplicate delivery or a staff retry would run it).
            let queue = try harness.fulfillmentQueue
            try await queue.remove(id: jobID)
            #expect(try await FulfillmentJob.enqueue(orderID: id, on: queue, now: Date()))
            try await harness.waitForJob(jobID, in: .completed)

            #expect(try await harness.timeline(id) == before)
            #expect(harness.sandboxes.sim.control.callCount() + harness.sandboxes.stripe.control.callCount() == calls)
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.activate) == 1)
        }
    }

    @Test func aNewWorkerResumesWithoutRepeatingASucceededStep() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            // Configure answers slowly, so the first worker is stopped in the middle of that step's upstream call.
            harness.sandboxes.sim.control.inject(SIMSandbox.Operations.configure, .latency(milliseconds: 1_500), times: 1)
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try Self.simOrder())
            try await harness.waitForStep(id, "sim.configure#0") { $0.status == .running }
            let succeeded = try await harness.steps(id).values.filter { $0.status == .succeeded }.map(\.step)
            #expect(Set(succeeded) == ["billing.create", "billing.activate", "sim.allocate#0"])
            await harness.stopWorkers()

            try harness.startWorkers()
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed)
            #expect(harness.sandboxes.stripe.control.callCount("POST /v1/subscriptions") == 1)
            #expect(harness.sandboxes.stripe.control.callCount("POST /v1/invoices/{id}/pay") == 1)
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.allocate) == 1)
            let steps = try await harness.steps(id)
            let lineID = try #require(steps["sim.allocate#0"]?.result["line_id"])
            #expect(harness.sandboxes.sim.operationCount(kind: "activate", lineID: lineID) == 1)
            #expect(harness.sandboxes.sim.operationCount(kind: "configure", lineID: lineID) == 1)
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["status"].string == "active")
            for step in succeeded { #expect(steps[step]?.attempt == 1, "\(step) ran once") }
            let timeline = try await harness.timeline(id)
            for step in succeeded { #expect(timeline.filter { $0.step == step && $0.outcome == .started }.count == 1) }
        }
    }

    @Test func aRetryableFailureIsRetriedByTheQueue() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            // More 503s than the transport's own three tries: the job's first run fails, the next one succeeds.
            harness.sandboxes.stripe.control.inject("POST /v1/subscriptions", .status(503, body: nil), times: 3)
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try Self.simOrder())
            let order = try await harness.waitForOrder(id, "fulfilled") { $0.status == .fulfilled }
            #expect(order.saga == .completed)
            let timeline = try await harness.timeline(id)
            let retrying = try #require(timeline.first { $0.step == "billing.create" && $0.outcome == .retrying })
            #expect(retrying.reason?.contains("attempt 1 of 5") == true)
            #expect(try await harness.steps(id)["billing.create"]?.attempt == 2)
            // One subscription in the end: the retried creation carried the same key.
            let billingOrderID = try #require(order.billingOrderID)
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["status"].string == "active")
        }
    }
}

extension FulfillmentHarness {
    /// Waits for the notification job to record its timeline entry.
    func waitForNotification(_ id: UUID) async throws {
        let deadline = ContinuousClock.now + Self.patience
        while try await !timeline(id).contains(where: { $0.step == OrderNotificationJob.timelineStep }) {
            guard ContinuousClock.now < deadline else { throw HarnessError("the customer was never notified") }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}
