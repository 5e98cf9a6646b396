import BFF
import Domain
import Foundation
import Queue
import Sandbox
import Testing

/// Failures of the fulfillment saga: compensation in reverse order, and compensation that keeps failing.
@Suite("Fulfillment compensation", .serialized)
struct FulfillmentCompensationTests {
    static let backend = FulfillmentSagaTests.backend

    @Test func aRefusedActivationIsCompensatedInReverseOrder() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            harness.sandboxes.sim.failNextOperation("activate", errorCode: "510")
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            let order = try await harness.waitForOrder(id, "failed") { $0.status == .failed }
            #expect(order.saga == .compensated)
            let reason = try #require(order.failureReason)
            #expect(reason.contains("sim.activate#0"))
            #expect(reason.contains("the SIM platform refused activate (510)"))
            try await harness.waitForJob(FulfillmentJob.jobID(orderID: id), in: .completed)

            // The timeline shows every step, then the compensations in reverse order, then the failure.
            let timeline = try await harness.timeline(id)
            for step in ["billing.create", "billing.activate", "sim.allocate#0", "sim.configure#0"] {
                #expect(timeline.has(step, .started) && timeline.has(step, .succeeded), "\(step)")
            }
            #expect(timeline.has("sim.activate#0", .started))
            let failed = try #require(timeline.index(of: "sim.activate#0", .failed))
            let compensating = try #require(timeline.index(of: "saga", .compensating))
            let release = try #require(timeline.index(of: "sim.allocate#0", .compensated))
            let refund = try #require(timeline.index(of: "billing.activate", .compensated))
            let cancel = try #require(timeline.index(of: "billing.create", .compensated))
            let crm = try #require(timeline.index(of: "crm.status", .compensated))
            let end = try #require(timeline.lastIndex { $0.outcome == .transitioned })
            #expect(failed < compensating)
            #expect(compensating < release && release < refund && refund < cancel && cancel < crm && crm < end)
            #expect(timeline[end].status == .failed)
            #expect(timeline.transitions == [.draft, .pendingApproval, .approved, .provisioning, .failed])
            #expect(!timeline.has("sim.activate#0", .compensating), "a refused activation has nothing to deactivate")

            // Upstreams: the line is back in the pool, the payment refunded, the subscription cancelled, the CRM told.
            let steps = try await harness.steps(id)
            let lineID = try #require(steps["sim.allocate#0"]?.result["line_id"])
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["status"].string == "returned")
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.deactivate) == 0)
            let billingOrderID = try #require(order.billingOrderID)
            #expect(harness.sandboxes.stripe.object(billingOrderID)?["status"].string == "canceled")
            let refundID = try #require(steps["billing.activate"]?.result["refund_id"])
            #expect(harness.sandboxes.stripe.object(refundID)?["status"].string == "succeeded")
            let crmOrderID = try #require(order.crmOrderID)
            #expect(harness.sandboxes.salesforce.record(id: crmOrderID)?["Status"].string == "Failed")
            #expect(steps["sim.activate#0"]?.status == .failed)
            for step in ["billing.create", "billing.activate", "sim.allocate#0", "sim.configure#0", "crm.status"] {
                #expect(steps[step]?.status == .compensated, "\(step)")
            }
            try await harness.waitForNotification(id)
        }
    }

    @Test func aCompensationThatKeepsFailingParksTheSagaForStaff() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            harness.sandboxes.sim.failNextOperation("activate")
            // Stripe never lets the subscription be cancelled.
            harness.sandboxes.stripe.control.inject("DELETE /v1/subscriptions/{id}", .status(500, body: nil))
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            let job = try await harness.waitForJob(FulfillmentJob.jobID(orderID: id), in: .dead)
            #expect(job.errors.last?.message.contains("compensation failed for billing.create") == true)

            let order = try await harness.order(id)
            #expect(order.status == .failed)
            #expect(order.saga == .compensationFailed)
            #expect(order.failureReason?.contains("sim.activate#0") == true)
            let timeline = try await harness.timeline(id)
            #expect(timeline.has("billing.create", .compensationFailed))
            #expect(timeline.has("saga", .compensationFailed))
            let retries = timeline.filter { $0.step == "billing.create" && $0.outcome == .retrying }
            #expect(retries.count == harness.settings.compensationAttempts - 1)
            // The other compensations still ran: the line is released, the CRM order failed.
            let steps = try await harness.steps(id)
            #expect(steps["billing.create"]?.status == .compensationFailed)
            #expect(steps["sim.allocate#0"]?.status == .compensated)
            let lineID = try #require(steps["sim.allocate#0"]?.result["line_id"])
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["status"].string == "returned")
            #expect(harness.sandboxes.salesforce.record(id: try #require(order.crmOrderID))?["Status"].string == "Failed")

            // Staff mend the upstream and retry the dead job: the failed compensation runs again and completes.
            harness.sandboxes.stripe.control.clearFaults()
            try await harness.fulfillmentQueue.retryDead(id: FulfillmentJob.jobID(orderID: id), now: Int64(Date().timeIntervalSince1970 * 1000))
            let mended = try await harness.waitForOrder(id, "compensated") { $0.saga == .compensated }
            #expect(mended.status == .failed)
            #expect(harness.sandboxes.stripe.object(try #require(mended.billingOrderID))?["status"].string == "canceled")
            #expect(try await harness.steps(id)["billing.create"]?.status == .compensated)
        }
    }

    @Test func anOrderCancelledDuringProvisioningIsCompensatedAndStaysCancelled() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            harness.sandboxes.sim.control.inject(SIMSandbox.Operations.configure, .latency(milliseconds: 500), times: 1)
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.alice, items: try FulfillmentSagaTests.simOrder())
            try await harness.waitForStep(id, "sim.configure#0") { $0.status == .running }
            try await harness.services.ledger.transition(orderID: id, to: .cancelled, step: "staff.cancel", reason: "the customer withdrew")
            let order = try await harness.waitForOrder(id, "compensated") { $0.saga == .compensated }
            #expect(order.status == .cancelled)
            #expect(order.failureReason == "the order was cancelled during fulfillment")
            let steps = try await harness.steps(id)
            #expect(steps["sim.activate#0"] == nil, "no step starts after the cancellation")
            let lineID = try #require(steps["sim.allocate#0"]?.result["line_id"])
            #expect(harness.sandboxes.sim.line(msisdn: lineID)?["status"].string == "returned")
            #expect(harness.sandboxes.stripe.object(try #require(order.billingOrderID))?["status"].string == "canceled")
            #expect(steps["billing.activate"]?.result["refund_id"] != nil)
            #expect(harness.sandboxes.salesforce.record(id: try #require(order.crmOrderID))?["Status"].string == "Cancelled")
            let timeline = try await harness.timeline(id)
            #expect(timeline.transitions.last == .cancelled)
            #expect(timeline.has("sim.allocate#0", .compensated))
        }
    }

    @Test func anOrderThatCannotBePlannedFailsBeforeAnyUpstreamCall() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            try harness.startWorkers()
            let items = [try FulfillmentHarness.item("SIM-50GB", kind: .sim, cents: 2990)]
            let id = try await harness.placeAndApprove(user: harness.alice, items: items)
            let order = try await harness.waitForOrder(id, "failed") { $0.status == .failed }
            #expect(order.saga == .compensated)
            #expect(order.failureReason?.contains("SIM-50GB") == true)
            #expect(harness.sandboxes.stripe.control.callCount("POST /v1/subscriptions") == 0)
            #expect(harness.sandboxes.sim.control.callCount(SIMSandbox.Operations.allocate) == 0)
            #expect(try await harness.steps(id).keys.sorted() == ["crm.status"])
            #expect(harness.sandboxes.salesforce.record(id: try #require(order.crmOrderID))?["Status"].string == "Failed")
        }
    }

    @Test func aCustomerWithoutAccountLinksFailsWithAReason() async throws {
        try await FulfillmentHarness.with(Self.backend) { harness in
            try harness.startWorkers()
            let id = try await harness.placeAndApprove(user: harness.carol, crmAccountID: nil, items: try FulfillmentSagaTests.simOrder())
            let order = try await harness.waitForOrder(id, "failed") { $0.status == .failed }
            #expect(order.failureReason == "the customer has no billing account")
            #expect(order.saga == .compensated)
            #expect(try await harness.steps(id).isEmpty)
            let timeline = try await harness.timeline(id)
            #expect(timeline.has("saga", .failed))
        }
    }
}
