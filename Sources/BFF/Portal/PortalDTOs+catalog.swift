public import Hummingbird
import Domain

/// A product of the catalog (`GET /catalog`, `GET /catalog/{sku}`).
public struct CatalogItemDTO: ResponseCodable, Sendable, Hashable {
    /// The stock-keeping unit, also the item's id (`A-Z a-z 0-9 - _ . /`, at most 64).
    public let sku: String
    public let name: String
    public let description: String?
    /// `subscription`, `sim` or `physical`.
    public let kind: String
    public let category: String?
    public let manufacturer: String?
    /// EAN/GTIN when known.
    public let ean: String?
    public let imageURL: String?
    /// The ways to pay for it: one-off prices and recurring plans.
    public let pricePlans: [PricePlanDTO]
    public let stock: StockDTO

    enum CodingKeys: String, CodingKey {
        case sku, name, description, kind, category, manufacturer, ean, stock
        case imageURL = "image_url"
        case pricePlans = "price_plans"
    }

    init(_ item: CatalogItem) {
        self.sku = item.sku.value
        self.name = item.name
        self.description = item.description
        self.kind = item.kind.rawValue
        self.category = item.category
        self.manufacturer = item.manufacturer
        self.ean = item.ean
        self.imageURL = item.imageURL
        self.pricePlans = item.pricePlans.map(PricePlanDTO.init)
        self.stock = StockDTO(item.stock)
    }
}

/// A price of a product.
public struct PricePlanDTO: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let amount: MoneyDTO
    /// The billing interval of a recurring plan (`monthly`, …); omitted or `one_time` for a one-off price.
    public let interval: String?
    /// A one-off fee charged with the first period.
    public let setupFee: MoneyDTO?

    enum CodingKeys: String, CodingKey {
        case id, name, amount, interval
        case setupFee = "setup_fee"
    }

    init(_ plan: PricePlan) {
        self.id = plan.id
        self.name = plan.name
        self.amount = MoneyDTO(plan.amount)
        self.interval = plan.interval?.rawValue
        self.setupFee = plan.setupFee.map(MoneyDTO.init)
    }
}

/// Availability of a product.
public struct StockDTO: Codable, Sendable, Hashable {
    /// `in_stock`, `backorder`, `out_of_stock` or `not_applicable` (a service, not a stocked good).
    public let availability: String
    /// Units available, when the source counts them.
    public let quantity: Int?
    /// Delivery time of a backorder, in days.
    public let deliveryDays: Int?

    enum CodingKeys: String, CodingKey {
        case availability, quantity
        case deliveryDays = "delivery_days"
    }

    init(_ stock: StockLevel) {
        self.availability = stock.availability.rawValue
        self.quantity = stock.quantity
        self.deliveryDays = stock.deliveryDays
    }
}

/// `GET /catalog`: one page of matching products, the total and the facets.
public struct CatalogPageDTO: ResponseCodable, Sendable {
    public let data: [CatalogItemDTO]
    /// The cursor of the next page, `null` on the last.
    public let nextCursor: String?
    /// How many products match the search and every filter.
    public let total: Int
    public let facets: CatalogFacetsDTO

    enum CodingKeys: String, CodingKey {
        case data, total, facets
        case nextCursor = "next_cursor"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(total, forKey: .total)
        try container.encode(facets, forKey: .facets)
    }
}

/// Counts for narrowing a catalog search. Each facet counts the products matching the search and every
/// filter except its own (so the other values of a facet stay visible once one is picked).
public struct CatalogFacetsDTO: Codable, Sendable, Hashable {
    /// Per category, most products first (ties by name); products without a category are not counted.
    public let category: [FacetCountDTO]
    /// Per kind (`subscription`, `sim`, `physical`), most products first.
    public let kind: [FacetCountDTO]
}

/// One value of a facet and how many products have it.
public struct FacetCountDTO: Codable, Sendable, Hashable {
    public let value: String
    public let count: Int
}
