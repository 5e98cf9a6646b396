/// A webhook the supplier API posts (README, "Webhooks"): `purchase_order.status_changed`.
///
/// The receiver verifies `X-Supplier-Signature` on the raw body before decoding this.
package struct JSONSupplierWebhookEvent: Sendable, Hashable, Codable {
    package struct Payload: Sendable, Hashable, Codable {
        package var previousStatus: String?
        package var purchaseOrder: JSONSupplierPurchaseOrder

        package enum CodingKeys: String, CodingKey {
            case previousStatus = "previous_status"
            case purchaseOrder = "purchase_order"
        }
    }

    package var id: String
    package var type: String
    package var createdAt: String
    package var data: Payload

    package enum CodingKeys: String, CodingKey {
        case id, type, data
        case createdAt = "created_at"
    }
}
