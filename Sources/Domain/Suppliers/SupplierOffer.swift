/// One item a supplier offers: its identity, price and availability, as read from a feed or an API.
public struct SupplierOffer: Sendable, Hashable, Codable {
    /// Which supplier (a configured feed or API name).
    public var supplierID: String
    /// The supplier's own item id (Heureka `ITEM_ID`).
    public var itemID: String
    public var name: String
    public var description: String?
    public var ean: String?
    public var manufacturer: String?
    public var category: String?
    public var url: String?
    public var imageURL: String?
    /// Price including VAT, as feeds state it (`PRICE_VAT`).
    public var price: Money
    public var stock: StockLevel

    public init(
        supplierID: String, itemID: String, name: String, description: String? = nil, ean: String? = nil,
        manufacturer: String? = nil, category: String? = nil, url: String? = nil, imageURL: String? = nil,
        price: Money, stock: StockLevel
    ) throws(ValidationError) {
        guard !itemID.isEmpty else { throw ValidationError(.required, field: "item_id", "required") }
        guard price.minorUnits >= 0 else { throw ValidationError(.outOfRange, field: "price", "must not be negative") }
        if let ean, !(8...14).contains(ean.utf8.count) || !ean.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw ValidationError(.invalidFormat, field: "ean", "8 to 14 digits")
        }
        self.supplierID = supplierID
        self.itemID = itemID
        self.name = name
        self.description = description
        self.ean = ean
        self.manufacturer = manufacturer
        self.category = category
        self.url = url
        self.imageURL = imageURL
        self.price = price
        self.stock = stock
    }
}

/// A purchase order to place with a supplier.
public struct PurchaseOrderRequest: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var itemID: String
        public var quantity: Quantity
        public init(itemID: String, quantity: Quantity) {
            self.itemID = itemID
            self.quantity = quantity
        }
    }

    public var lines: [Line]
    /// Our reference (order id + step): the supplier sees the same reference on a replay.
    public var reference: String
    public var shipTo: PostalAddress?

    public init(lines: [Line], reference: String, shipTo: PostalAddress? = nil) throws(ValidationError) {
        guard !lines.isEmpty else { throw ValidationError(.required, field: "lines", "at least one line") }
        guard !reference.isEmpty else { throw ValidationError(.required, field: "reference", "required") }
        self.lines = lines
        self.reference = reference
        self.shipTo = shipTo
    }
}

/// A purchase order as the supplier holds it.
public struct PurchaseOrder: Sendable, Hashable, Codable, Identifiable {
    public enum Status: String, Sendable, Hashable, Codable {
        case received, confirmed, shipped, delivered, cancelled, rejected
    }

    public let id: String
    public var reference: String
    public var status: Status
    public var total: Money?

    public init(id: String, reference: String, status: Status, total: Money? = nil) {
        self.id = id
        self.reference = reference
        self.status = status
        self.total = total
    }
}
