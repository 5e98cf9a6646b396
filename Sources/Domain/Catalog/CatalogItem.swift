/// A way to pay for a product: a one-off price or a recurring plan.
public struct PricePlan: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var name: String
    public var amount: Money
    /// `nil` or `.oneTime` for a one-off price.
    public var interval: BillingInterval?
    /// A one-off fee charged with the first period (WHMCS setup fee).
    public var setupFee: Money?

    public init(id: String, name: String, amount: Money, interval: BillingInterval? = nil, setupFee: Money? = nil) {
        self.id = id
        self.name = name
        self.amount = amount
        self.interval = interval
        self.setupFee = setupFee
    }
}

/// Availability of a product; `quantity` when the source counts units.
public struct StockLevel: Sendable, Hashable, Codable {
    public enum Availability: String, Sendable, Hashable, Codable {
        case inStock = "in_stock"
        /// Orderable, delivered later (``deliveryDays``).
        case backorder
        case outOfStock = "out_of_stock"
        /// Not a stocked good (a subscription, a service).
        case notApplicable = "not_applicable"
    }

    public var availability: Availability
    public var quantity: Int?
    public var deliveryDays: Int?

    public init(availability: Availability, quantity: Int? = nil, deliveryDays: Int? = nil) {
        self.availability = availability
        self.quantity = quantity
        self.deliveryDays = deliveryDays
    }
}

/// What kind of fulfilment a product needs; the order saga picks its steps by it.
public enum ProductKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A recurring service billed by the billing system.
    case subscription
    /// A SIM line to provision on the SIM platform (billed too).
    case sim
    /// A physical good bought from a supplier.
    case physical
}

/// A product of the catalog, whatever system it comes from (CRM product, billing product, supplier item).
public struct CatalogItem: Sendable, Hashable, Codable, Identifiable {
    public var id: String { sku.value }
    public var sku: SKU
    public var name: String
    public var description: String?
    public var kind: ProductKind
    public var category: String?
    public var manufacturer: String?
    /// EAN/GTIN when known.
    public var ean: String?
    public var imageURL: String?
    public var pricePlans: [PricePlan]
    public var stock: StockLevel
    public var isActive: Bool
    /// The upstream ids this item is known by (CRM product id, billing product id, supplier item id).
    public var links: SystemLinks

    public init(
        sku: SKU, name: String, description: String? = nil, kind: ProductKind, category: String? = nil,
        manufacturer: String? = nil, ean: String? = nil, imageURL: String? = nil, pricePlans: [PricePlan],
        stock: StockLevel, isActive: Bool = true, links: SystemLinks = SystemLinks()
    ) {
        self.sku = sku
        self.name = name
        self.description = description
        self.kind = kind
        self.category = category
        self.manufacturer = manufacturer
        self.ean = ean
        self.imageURL = imageURL
        self.pricePlans = pricePlans
        self.stock = stock
        self.isActive = isActive
        self.links = links
    }
}
