/// Money as the supplier API states it: integer minor units and an ISO 4217 code.
package struct JSONSupplierMoney: Sendable, Hashable, Codable {
    package var amount: Int64
    package var currency: String
}

/// An item's availability (`stock`).
package struct JSONSupplierStock: Sendable, Hashable, Codable {
    /// `in_stock`, `backorder` or `out_of_stock`.
    package var status: String
    package var quantity: Int?
    package var leadTimeDays: Int?

    package enum CodingKeys: String, CodingKey {
        case status, quantity
        case leadTimeDays = "lead_time_days"
    }
}

/// A catalog item of the JSON supplier API (`fixtures/upstream/supplier-api/README.md`, "The item").
package struct JSONSupplierItem: Sendable, Hashable, Codable {
    package var id: String
    package var name: String
    package var description: String?
    package var ean: String?
    package var manufacturer: String?
    package var category: String?
    package var url: String?
    package var imageURL: String?
    package var price: JSONSupplierMoney
    package var stock: JSONSupplierStock
    package var updatedAt: String?

    package enum CodingKeys: String, CodingKey {
        case id, name, description, ean, manufacturer, category, url, price, stock
        case imageURL = "image_url"
        case updatedAt = "updated_at"
    }
}

/// One page of `GET /v1/items`. Each item decodes on its own, so one malformed item does not spoil the page.
package struct JSONSupplierItemsPage: Sendable, Decodable {
    package var items: [JSONSupplierLenient<JSONSupplierItem>]
    package var nextPageToken: String?

    package enum CodingKeys: String, CodingKey {
        case items
        case nextPageToken = "next_page_token"
    }
}
