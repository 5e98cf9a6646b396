import Domain
import Foundation

/// Supplier purchase-order events: noted on the order's timeline.
extension WebhookProcessor {
    /// Prefix of the purchase-order reference the saga sends: ``SagaStepRecord/idempotencyKey(orderID:step:)``,
    /// `atrium-order-<order uuid>-<step>`.
    static let referencePrefix = "atrium-order-"

    /// A `purchase_order.status_changed` event whose purchase order Atrium placed (its reference names the
    /// order) appends a `received` entry (`webhook.supplier`) to that order's timeline: "Supplier purchase order
    /// po_… is shipped (was confirmed)". The order's status never changes: the saga decides when an order is
    /// fulfilled. Found cheaply: the order id is in the reference, so no lookup by purchase order id is needed.
    ///
    /// A reference that names no order, or an order that does not exist, is processed with a note. The entry
    /// carries the event id and is not written twice when the job runs again.
    func processSupplier(_ row: StoredWebhook) async throws -> String {
        let event = try parsed { () throws(WebhookPayloadError) in try SupplierWebhookEvent.parse(row.payload) }
        guard let purchaseOrder = event.purchaseOrder, let status = purchaseOrder.status else {
            return "the event names no purchase order status"
        }
        guard let orderID = Self.atriumOrderID(reference: purchaseOrder.reference) else {
            return "purchase order not placed by an Atrium order"
        }
        let orders = services.store.orders
        guard try await orders.order(id: orderID) != nil else { return "no Atrium order \(orderID)" }
        let marker = "(event \(row.eventID))"
        if try await orders.timeline(orderID: orderID, afterSeq: 0).contains(where: { $0.reason?.hasSuffix(marker) == true }) {
            return "already on the timeline of order \(orderID)"
        }
        let previous = event.previousStatus.map { " (was \($0))" } ?? ""
        let reason = "Supplier purchase order \(purchaseOrder.id ?? "?") is \(status)\(previous) \(marker)"
        try await services.ledger.record(orderID: orderID, step: "webhook.supplier", outcome: .received, reason: reason)
        return "noted on the timeline of order \(orderID)"
    }

    /// The order id in a reference `atrium-order-<uuid>…`, else nil.
    static func atriumOrderID(reference: String?) -> UUID? {
        guard let reference, reference.hasPrefix(referencePrefix) else { return nil }
        return UUID(uuidString: String(reference.dropFirst(referencePrefix.count).prefix(36)))
    }
}
