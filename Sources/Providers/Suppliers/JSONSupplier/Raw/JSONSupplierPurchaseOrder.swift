/// A purchase order of the JSON supplier API (README, "The purchase order").
package struct JSONSupplierPurchaseOrder: Sendable, Hashable, Codable {
    package struct Line: Sendable, Hashable, Codable {
        package var itemID: String
        package var quantity: Int
        package var unitPrice: JSONSupplierMoney?

        package enum CodingKeys: String, CodingKey {
            case quantity
            case itemID = "item_id"
            case unitPrice = "unit_price"
        }
    }

    package var id: String
    package var reference: String
    /// `received`, `confirmed`, `shipped`, `delivered`, `cancelled` or `rejected`.
    package var status: String
    package var lines: [Line]
    package var total: JSONSupplierMoney?
    package var createdAt: String?
    package var updatedAt: String?

    package enum CodingKeys: String, CodingKey {
        case id, reference, status, lines, total
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The body of `POST /v1/purchase-orders`.
package struct JSONSupplierPurchaseOrderRequest: Sendable, Hashable, Encodable {
    package struct Line: Sendable, Hashable, Encodable {
        package var itemID: String
        package var quantity: Int

        package enum CodingKeys: String, CodingKey {
            case quantity
            case itemID = "item_id"
        }
    }

    package struct Address: Sendable, Hashable, Encodable {
        package var line1: String?
        package var line2: String?
        package var city: String?
        package var state: String?
        package var postalCode: String?
        package var country: String?

        package enum CodingKeys: String, CodingKey {
            case line1, line2, city, state, country
            case postalCode = "postal_code"
        }
    }

    package var reference: String
    package var lines: [Line]
    package var shipTo: Address?

    package enum CodingKeys: String, CodingKey {
        case reference, lines
        case shipTo = "ship_to"
    }
}

/// The error body every 4xx/5xx carries: `{"error": {"code", "message"}}`.
package struct JSONSupplierError: Sendable, Hashable, Codable {
    package struct Body: Sendable, Hashable, Codable {
        package var code: String
        package var message: String?
    }

    package var error: Body
}
