/// One `item` of a Heureka availability feed (`<item_list><item id="…">`), as the feed states it.
///
/// Structure per https://help.mergado.com/en/mergado-marketplaces/availability-feed: `stock_quantity` (units in
/// stock), `delivery_time` (`YYYY-MM-DD HH:MM`, when an order placed now is delivered); `depot` blocks (per pickup
/// point) are not read.
package struct HeurekaAvailabilityItem: Sendable, Hashable, Codable {
    /// Where the item is in the feed, e.g. `item_list/item[2]`.
    package var path: String
    /// The `id` attribute; equals `ITEM_ID` in the product feed.
    package var id: String?
    package var stockQuantity: String?
    package var deliveryTime: String?

    package enum CodingKeys: String, CodingKey {
        case path = "_path"
        case id = "@id"
        case stockQuantity = "stock_quantity"
        case deliveryTime = "delivery_time"
    }

    package init(path: String, id: String?, stockQuantity: String? = nil, deliveryTime: String? = nil) {
        self.path = path
        self.id = id
        self.stockQuantity = stockQuantity
        self.deliveryTime = deliveryTime
    }

    package init(record: XMLRecord) {
        self.path = record.path
        self.id = record.attributes["id"]
        self.stockQuantity = record.first(CodingKeys.stockQuantity.rawValue)
        self.deliveryTime = record.first(CodingKeys.deliveryTime.rawValue)
    }
}
