public import Foundation

/// An order line as Atrium sends it to other systems.
public struct OrderItem: Sendable, Hashable, Codable {
    public var sku: SKU
    public var name: String
    public var kind: ProductKind
    public var quantity: Quantity
    public var unitPrice: Money

    public init(sku: SKU, name: String, kind: ProductKind, quantity: Quantity, unitPrice: Money) {
        self.sku = sku
        self.name = name
        self.kind = kind
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public func total() throws(MoneyError) -> Money { try unitPrice.multiplied(by: quantity.value) }
}

/// The status of an order in a remote system (a CRM order), mapped to the few states Atrium acts on.
public enum ExternalOrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case pendingApproval = "pending_approval"
    case approved
    case fulfilling
    case completed
    case failed
    case cancelled
}

/// An order as a CRM holds it.
public struct ExternalOrder: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public var number: String?
    public var accountID: String
    public var status: ExternalOrderStatus
    /// The CRM's own status label, kept for display (`Draft`, `Activated`, a custom picklist value).
    public var upstreamStatus: String
    public var total: Money?
    public var effectiveDate: Date?
    /// Atrium's order id when the order was created by Atrium.
    public var atriumOrderID: String?

    public init(
        id: String, number: String?, accountID: String, status: ExternalOrderStatus, upstreamStatus: String,
        total: Money? = nil, effectiveDate: Date? = nil, atriumOrderID: String? = nil
    ) {
        self.id = id
        self.number = number
        self.accountID = accountID
        self.status = status
        self.upstreamStatus = upstreamStatus
        self.total = total
        self.effectiveDate = effectiveDate
        self.atriumOrderID = atriumOrderID
    }
}

/// What Atrium asks a CRM to create: a draft order for an account.
public struct ExternalOrderDraft: Sendable, Hashable, Codable {
    public var accountID: String
    public var atriumOrderID: String
    public var items: [OrderItem]
    public var effectiveDate: Date

    public init(accountID: String, atriumOrderID: String, items: [OrderItem], effectiveDate: Date) throws(ValidationError) {
        guard !items.isEmpty else { throw ValidationError(.required, field: "items", "at least one item") }
        self.accountID = accountID
        self.atriumOrderID = atriumOrderID
        self.items = items
        self.effectiveDate = effectiveDate
    }
}
