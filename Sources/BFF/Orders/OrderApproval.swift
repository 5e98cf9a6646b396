public import Domain
public import Foundation
import Queue

/// Approves an order (from a CRM webhook or a staff action) and enqueues its fulfillment saga once.
public struct OrderApproval: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Moved to `approved`; the saga is enqueued.
        case approved
        /// Already approved or further along: nothing changed (a duplicate approval). The saga job is enqueued
        /// again if the order is still `approved` (job id = order id: a no-op when it exists).
        case alreadyApproved(OrderStatus)
    }

    public let ledger: OrderLedger
    public let jobs: JobQueues

    public init(ledger: OrderLedger, jobs: JobQueues) {
        self.ledger = ledger
        self.jobs = jobs
    }

    /// - Parameters:
    ///   - source: Who approved, for the timeline: `crm` or `staff`.
    ///   - reason: Shown on the timeline (the staff member, the CRM event).
    /// - Throws: ``OrderTransitionError`` when the order cannot be approved from its state (draft, cancelled,
    ///   failed: a failed order is retried by staff, never re-approved), ``StoreError/notFound``.
    public func approve(orderID: UUID, source: String, reason: String? = nil) async throws -> Outcome {
        let outcome: Outcome
        var generation = 1
        do {
            // Only a pending order is approved: the state machine also lets a failed order go back to `approved`,
            // but that is a staff retry of its saga, not an approval.
            generation = try await ledger.update(orderID: orderID, event: OrderEventDraft(step: "approval.\(source)", outcome: .transitioned, reason: reason)) { order in
                guard order.status == .pendingApproval else { throw OrderTransitionError(from: order.status, to: .approved) }
                try order.transition(to: .approved)
            }.sagaGeneration
            outcome = .approved
        } catch let error as OrderTransitionError where Self.isPastApproval(error.from) {
            outcome = .alreadyApproved(error.from)
        }
        if case .alreadyApproved(let status) = outcome {
            guard status == .approved else { return outcome }
            // Approved again (a duplicate CRM event, a second click): make sure the current generation's job exists.
            generation = try await ledger.orders.order(id: orderID)?.sagaGeneration ?? 1
        }
        guard let queue = jobs[FulfillmentJob.queue] else { throw StoreError(.unavailable, "no fulfillment queue") }
        try await FulfillmentJob.enqueue(
            // The job carries the caller's span (FulfillmentJob.enqueue's default), so the saga joins its trace.
            orderID: orderID, on: queue, now: ledger.clock.now(), generation: generation
        )
        return outcome
    }

    /// States an approval has already happened in (a failed order is retried by staff, not re-approved).
    static func isPastApproval(_ status: OrderStatus) -> Bool {
        [.approved, .provisioning, .activated, .fulfilled, .refunded].contains(status)
    }
}
