import Foundation

/// A supplier's purchase-order event: `{"id", "type": "purchase_order.status_changed", "created_at", "data":
/// {"previous_status", "purchase_order": {"id", "reference", "status", …}}}` (see
/// `fixtures/upstream/supplier-api/README.md`). Only the id, the type and the purchase order's id, reference
/// and statuses are read.
struct SupplierWebhookEvent: Decodable, Sendable {
    let id: String?
    let type: String?
    let previousStatus: String?
    let purchaseOrder: PurchaseOrder?

    struct PurchaseOrder: Decodable, Sendable {
        let id: String?
        /// The buyer's reference, as Atrium sent it when placing the order.
        let reference: String?
        let status: String?

        enum CodingKeys: String, CodingKey { case id, reference, status }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
            reference = try? container.decodeIfPresent(String.self, forKey: .reference)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
        }
    }

    enum CodingKeys: String, CodingKey { case id, type, data }
    enum DataKeys: String, CodingKey {
        case previousStatus = "previous_status"
        case purchaseOrder = "purchase_order"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        let data = try? container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
        previousStatus = (try? data?.decodeIfPresent(String.self, forKey: .previousStatus)) ?? nil
        purchaseOrder = (try? data?.decodeIfPresent(PurchaseOrder.self, forKey: .purchaseOrder)) ?? nil
    }

    static func parse(_ body: Data) throws(WebhookPayloadError) -> SupplierWebhookEvent {
        try decodeWebhookBody(SupplierWebhookEvent.self, from: body, upstream: "supplier")
    }

    var identity: WebhookEventIdentity {
        get throws(WebhookPayloadError) { try WebhookEventIdentity(eventID: id, eventType: type) }
    }
}
